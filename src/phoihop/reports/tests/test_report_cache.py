"""Reports come from the cache until a write anywhere bumps the data version; the cache key holds the
program, period and scope, so two scopes never share an entry."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from phoihop.jobs import dataversion
from phoihop.records.models import Person, Program
from phoihop.reports.cache import cached_report


@pytest.fixture
def program(transactional_db):
    from phoihop.testing.world import build_world

    world = build_world()
    Program.objects.create(
        code="CT-1",
        name="Chương trình 1",
        starts_on=date(2015, 1, 1),
        ends_on=date(2015, 12, 31),
        union_root=world.unit("LDLD-A"),
        party_root=world.unit("DUK-A"),
    )
    return world


def test_a_report_is_served_from_the_cache_until_a_write_bumps_the_version(
    program, django_assert_num_queries
):
    first = cached_report(program_code="CT-1")
    assert first["indicators"]["union.members_admitted"]["value"] == 2
    with django_assert_num_queries(1):  # the data version, nothing else
        again = cached_report(program_code="CT-1")
    assert again == first

    version = dataversion.current()
    Person.objects.create(
        code="P-NEW",
        full_name="Người Mới",
        grassroots_union=program.unit("CDCS-NAM-1"),
        union_joined_on=date(2015, 5, 1),
    )
    assert dataversion.current() == version + 1
    assert cached_report(program_code="CT-1")["indicators"]["union.members_admitted"]["value"] == 3


def test_scopes_and_periods_have_their_own_entries(program):
    whole = cached_report(program_code="CT-1")
    district = cached_report(program_code="CT-1", scope_code="LDLD-A-BAC")
    spring = cached_report(program_code="CT-1", date_from="2015-01-01", date_to="2015-02-28")
    assert whole["indicators"]["union.members_admitted"]["value"] == 2
    assert district["indicators"]["union.members_admitted"]["value"] == 1
    assert spring["indicators"]["union.members_admitted"]["value"] == 0
    assert cached_report(program_code="CT-1", scope_code="LDLD-A-BAC") == district


def test_each_language_has_its_own_entry(program, django_assert_num_queries):
    cache.clear()  # the other tests' entries (same data version after the flush) are not this one's
    with translation.override("en"):
        english = cached_report(program_code="CT-1")
        with django_assert_num_queries(1):  # English again: from the cache
            assert cached_report(program_code="CT-1") == english
    with translation.override("vi"), CaptureQueriesContext(connection) as queries:
        vietnamese = cached_report(program_code="CT-1")
    # A Vietnamese reader is not served the entry an English reader filled: the report is built again.
    assert len(queries) > 1
    assert vietnamese["indicators"]["union.members_admitted"]["value"] == 2
    with translation.override("vi"), django_assert_num_queries(1):
        assert cached_report(program_code="CT-1") == vietnamese
