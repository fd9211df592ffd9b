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
    assert "Trước ngày sinh của người này (01/01/1990)." in response.content.decode()
    assert not TimelineEntry.objects.unscoped().exists()


PERSON = {
    "code": "P-BAC-2",
    "full_name": "Hoàng Văn Lâm",
    "birth_date": "1995-04-20",
    "gender": "nam",
    "grassroots_union": "CDCS-BAC-1",
    "enterprise": "DN-BAC",
    "union_joined_on": "2021-06-01",
}


def test_the_person_form_checks_the_cccd(world):
    client = _client(world.users["editor_bac"])
    short = client.post("/ho-so/nguoi/them/", PERSON | {"cccd": "00109500012"})
    assert short.status_code == 400 and "số CCCD gồm đúng 12 chữ số" in short.content.decode()
    assert client.post("/ho-so/nguoi/them/", PERSON | {"cccd": "001095000123"}).status_code == 302
    taken = client.post("/ho-so/nguoi/them/", PERSON | {"code": "P-BAC-3", "cccd": "001095000123"})
    assert taken.status_code == 400 and "Đã có người với số CCCD này." in taken.content.decode()
    assert not Person.objects.unscoped().filter(code="P-BAC-3").exists()


def test_the_person_form_refuses_a_union_change_that_disagrees_with_the_timeline(world):
    from phoihop.records.moves import record_move

    record_move(
        actor=world.users["manager_a"],
        person=world.people["P-BAC-1"],
        moved_on=date(2024, 3, 1),
        to_union=world.unit("CDCS-NAM-1"),
    )
    edit = PERSON | {"code": "P-BAC-1", "full_name": "Nguyễn Thị Hoa", "grassroots_union": "CDCS-BAC-1"}
    response = _client(world.users["manager_a"]).post("/ho-so/nguoi/P-BAC-1/sua/", edit)
    assert response.status_code == 400
    assert "dòng cuối từ 01/03/2024" in response.content.decode()
    assert Person.objects.unscoped().get(code="P-BAC-1").grassroots_union.code == "CDCS-NAM-1"
