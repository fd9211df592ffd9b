"""Timeline rows entered on the staff site (Hồ sơ › Quá trình sinh hoạt): nguoi follows the last row,
the time before a first row keeps the union it had, and a row before birth is refused."""

from datetime import date

from django.test import Client

from phoihop.records.models import Person, TimelineEntry


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_leaving_the_union_is_a_row_and_the_past_keeps_its_union(world):
    client = _client(world.users["manager_a"])
    response = client.post(
        "/ho-so/qua-trinh/them/",
        {"person": "P-NAM-1", "starts_on": "2020-06-01", "enterprise": "DN-NAM", "reason": "thôi sinh hoạt"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    rows = TimelineEntry.objects.unscoped().filter(person__code="P-NAM-1").order_by("starts_on")
    assert [(r.starts_on, r.grassroots_union_id and r.grassroots_union.code) for r in rows] == [
        (date(2015, 3, 1), "CDCS-NAM-1"),  # what nguoi stood for until then
        (date(2020, 6, 1), None),
    ]
    person = Person.objects.unscoped().get(code="P-NAM-1")
    assert person.grassroots_union is None and person.enterprise.code == "DN-NAM"
    assert "thôi sinh hoạt" in client.get("/ho-so/qua-trinh/").content.decode()


def test_a_row_before_birth_is_refused(world):
    person = world.people["P-NAM-1"]
    person.birth_date = date(1990, 1, 1)
    person.save()
    response = _client(world.users["manager_a"]).post(
        "/ho-so/qua-trinh/them/",
        {"person": "P-NAM-1", "starts_on": "1989-05-01", "grassroots_union": "CDCS-NAM-1"},
    )
    assert response.status_code == 400
    assert "trước ngày sinh của người này (01/01/1990)" in response.content.decode()
    assert not TimelineEntry.objects.unscoped().exists()
