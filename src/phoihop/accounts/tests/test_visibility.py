"""What a user may see, as pages show it: unit pages list only the children the user may open."""

from datetime import date

import pytest
from django.urls import reverse

from phoihop.accounts.scope import may_see
from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Transfer, Unit

pytestmark = pytest.mark.django_db


def test_a_unit_page_lists_no_child_the_user_may_not_open(world, client):
    # G stood under Bắc Hà until 2020, then under Nam Sơn; CDCS-NAM-1 joined G in 2021, so it never
    # stood under Bắc Hà: Bắc Hà's editor sees G (its past) but not its new child.
    g = Unit.objects.create(
        code="CDN-G",
        name="Công đoàn ngành G",
        kind="cd_nganh",
        parent=world.unit("LDLD-A-BAC"),
        founded_on=date(2010, 1, 1),
    )
    Transfer.objects.create(unit=g, effective_on=date(2020, 1, 1), new_parent=world.unit("LDLD-A-NAM"))
    child = world.unit("CDCS-NAM-1")
    Transfer.objects.create(unit=child, effective_on=date(2021, 1, 1), new_parent=g)
    rebuild_closure()
    editor = world.users["editor_bac"]
    assert may_see(editor, g) and not may_see(editor, child)
    client.force_login(editor)
    page = client.get(reverse("orgs:unit", args=["CDN-G"]), {"ngay": "2022-01-01"}).content.decode()
    assert "CDCS-NAM-1" not in page and child.name not in page
    assert client.get(reverse("orgs:unit", args=["CDCS-NAM-1"])).status_code == 404
    client.force_login(world.users["viewer_nam"])
    page = client.get(reverse("orgs:unit", args=["CDN-G"]), {"ngay": "2022-01-01"}).content.decode()
    assert "CDCS-NAM-1" in page


def test_each_view_of_a_list_of_people_is_logged_once_with_its_filters(world, client):
    from phoihop.audit.models import AuditEntry

    client.force_login(world.users["editor_bac"])
    response = client.get(reverse("records:list", args=["nguoi"]), {"q": "hoa", "nam": "2015"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store, private"
    (entry,) = AuditEntry.objects.filter(action="read", model="records.Person")
    assert entry.actor == world.users["editor_bac"] and entry.object_code == ""
    assert entry.after["filters"]["q"] == "hoa" and entry.after["filters"]["nam"] == 2015
    assert entry.after["rows"] == 1
    client.get(reverse("records:list", args=["cong-trinh"]))  # works and products: no personal data
    assert AuditEntry.objects.filter(action="read").count() == 1
