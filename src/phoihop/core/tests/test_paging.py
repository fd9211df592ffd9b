"""Long lists count only up to a cap ("hơn 10.000") instead of every row of a national scope; the cap
is lowered here so the small world crosses it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phoihop.api.tests.helpers import bearer
from phoihop.core import paging
from phoihop.records.models import Person


@pytest.fixture
def cap_of_one(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 1)


def test_people_list_of_a_province_says_more_than_the_cap(client, world, cap_of_one):
    client.force_login(world.users["admin_a"])
    page = client.get(reverse("records:list", args=["nguoi"]))
    assert page.status_code == 200
    assert page.context["total"] == "hơn 1"
    assert page.context["page"].paginator.num_pages == 1
    assert "P-BAC-1" in page.content.decode()


def test_a_list_under_the_cap_shows_the_exact_number(client, world):
    client.force_login(world.users["editor_bac"])
    assert client.get(reverse("records:list", args=["nguoi"])).context["total"] == "1"


def test_api_people_page_says_when_the_count_is_capped(client, world, cap_of_one):
    body = client.get("/api/v1/units/LDLD-A/people", **bearer(world, "admin_a")).json()
    assert body["count"] == 2 and body["count_capped"] is True
    small = client.get("/api/v1/units/LDLD-A-BAC/people", **bearer(world, "admin_a")).json()
    assert small["count"] == 1 and small["count_capped"] is False


def test_a_capped_count_does_not_sort_the_list_first(world):
    """The count stops at the cap instead of sorting a whole national scope by the list's order."""
    people = Person.objects.unscoped().order_by("-union_joined_on", "code")
    with CaptureQueriesContext(connection) as queries:
        counted = paging.capped_count(people)
    assert counted == Person.objects.unscoped().count() > 0
    assert "ORDER BY" not in queries[-1]["sql"].upper()
