"""Partial sheets (an absent column keeps the field, an empty cell clears it) and the personal-data rule
of the export, on the small world."""

from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from phoihop.accounts.models import User
from phoihop.accounts.scope import scope_for
from phoihop.records.models import Admission, Initiative, Person, Referral
from phoihop.workbook.services import export_workbook, import_workbook
from phoihop.workbook.sheets import BY_KEY

from .helpers import write_csv

pytestmark = pytest.mark.django_db
UNITS = [["ma_don_vi", "ten", "loai"]]


def _import(tmp_path, user, sheets, name="wb"):
    return import_workbook(write_csv(tmp_path / name, {"don_vi": UNITS} | sheets), actor=user)


def test_a_sheet_with_some_columns_keeps_the_others(world, tmp_path):
    person = world.people["P-BAC-1"]
    Person.objects.unscoped().filter(pk=person.pk).update(birth_date=date(1990, 1, 2))
    result = _import(
        tmp_path,
        world.users["editor_bac"],
        {"nguoi": [["ma_nguoi", "ho_ten", "ma_cdcs"], ["P-BAC-1", "Nguyễn Thị Hoa Mới", "CDCS-BAC-1"]]},
    )
    assert result.ok, [e.render() for e in result.errors]
    person = Person.objects.unscoped().get(code="P-BAC-1")
    assert person.full_name == "Nguyễn Thị Hoa Mới"
    assert (person.birth_date, person.gender, person.ethnicity) == (date(1990, 1, 2), "nu", "Tày")
    assert person.union_joined_on == date(2015, 3, 1) and person.enterprise.code == "DN-BAC"


def test_an_empty_cell_in_a_present_column_clears_the_field(world, tmp_path):
    result = _import(
        tmp_path,
        world.users["editor_bac"],
        {
            "nguoi": [
                ["ma_nguoi", "ho_ten", "ma_cdcs", "dan_toc"],
                ["P-BAC-1", "Nguyễn Thị Hoa", "CDCS-BAC-1", ""],
            ]
        },
    )
    assert result.ok
    person = Person.objects.unscoped().get(code="P-BAC-1")
    assert person.ethnicity == "" and person.gender == "nu"


def test_units_and_authors_keep_their_links_when_the_columns_are_absent(world, tmp_path):
    manager = world.users["manager_a"]
    initiative = Initiative.objects.create(
        code="SK-1", name="Cải tiến", unit=world.unit("CDCS-BAC-1"), year=2020
    )
    initiative.authors.set([world.people["P-BAC-1"]])
    result = _import(
        tmp_path,
        manager,
        {
            "don_vi": [["ma_don_vi", "ten", "loai"], ["CDCS-BAC-1", "CĐCS Chè Bắc Hà (tên mới)", "cdcs"]],
            "sang_kien": [
                ["ma_sang_kien", "ten", "ma_don_vi", "nam"],
                ["SK-1", "Cải tiến lò sấy", "CDCS-BAC-1", "2020"],
            ],
        },
    )
    assert result.ok, [e.render() for e in result.errors]
    union = type(world.unit("CDCS-BAC-1")).objects.get(code="CDCS-BAC-1")
    assert union.name == "CĐCS Chè Bắc Hà (tên mới)" and union.parent.code == "LDLD-A-BAC"
    assert union.enterprise.code == "DN-BAC"
    assert list(Initiative.objects.unscoped().get(code="SK-1").authors.values_list("code", flat=True)) == [
        "P-BAC-1"
    ]


def _party_editor(world) -> User:
    return User.objects.create(username="party_editor", role="editor", unit=world.unit("DUK-A"))


def _nguoi(path) -> dict[str, list]:
    book = openpyxl.load_workbook(path)
    rows = list(book[BY_KEY["nguoi"].title].iter_rows(values_only=True))
    head = rows[0]
    return {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:]}


def test_export_leaves_personal_data_empty_where_the_person_page_hides_it(world, tmp_path, client):
    # P-BAC-1 was admitted by the bloc's cell: its party side keeps her file. P-NAM-1 was only
    # referred to that cell: the bloc sees him, not his personal data.
    editor = _party_editor(world)
    Admission.objects.create(
        person=world.people["P-BAC-1"], admitted_on=date(2021, 1, 1), party_unit=world.unit("CB-DN-BAC")
    )
    Referral.objects.create(
        person=world.people["P-NAM-1"],
        referred_on=date(2022, 1, 1),
        referring_unit=world.unit("CDCS-NAM-1"),
        receiving_party_unit=world.unit("CB-DN-BAC"),
    )
    rows = _nguoi(export_workbook(tmp_path / "party.xlsx", scope=scope_for(editor)))
    assert set(rows) == {"P-BAC-1", "P-NAM-1"}
    assert (
        rows["P-BAC-1"]["Dân tộc"] == "Tày" and rows["P-BAC-1"]["Giới tính"] == "Nữ"
    )  # the label, not the key `nu`
    assert rows["P-NAM-1"]["Dân tộc"] is None and rows["P-NAM-1"]["Giới tính"] is None
    assert rows["P-NAM-1"]["Họ và tên"] == "Trần Văn Nam"
    client.force_login(editor)
    page = client.get(reverse("records:person", args=["P-NAM-1"]))
    assert page.status_code == 200 and "Tày" not in page.content.decode()
    assert page["Cache-Control"] == "no-store, private"

    # Imported back, the empty personal cells change nothing: they mean "not shown", not "cleared".
    result = import_workbook(tmp_path / "party.xlsx", actor=editor)
    assert result.ok, [e.render() for e in result.errors][:5]
    assert Person.objects.unscoped().get(code="P-NAM-1").ethnicity == "Tày"
    assert all(not s["created"] and not s["updated"] for s in result.summary.values())


def test_a_party_side_editor_cannot_clear_a_persons_union_through_the_form(world, client):
    editor = _party_editor(world)
    Admission.objects.create(
        person=world.people["P-BAC-1"], admitted_on=date(2021, 1, 1), party_unit=world.unit("CB-DN-BAC")
    )
    client.force_login(editor)
    url = reverse("records:edit", args=["nguoi", "P-BAC-1"])
    assert client.get(url).status_code == 200  # the party side keeps her file and may open the form
    response = client.post(
        url, {"code": "P-BAC-1", "full_name": "Nguyễn Thị Hoa", "gender": "nu", "grassroots_union": ""}
    )
    assert response.status_code == 400
    assert "thuộc đơn vị ngoài phạm vi của bạn" in response.content.decode()
    assert Person.objects.unscoped().get(code="P-BAC-1").grassroots_union.code == "CDCS-BAC-1"


def test_api_answers_are_not_stored_by_caches(world, client):
    client.force_login(world.users["editor_bac"])
    response = client.get("/api/v1/units/LDLD-A-BAC")
    assert response["Cache-Control"] == "no-store, private"
    portal = client.logout() or client.get("/")
    assert "no-store" not in portal.get("Cache-Control", "")


def test_a_history_row_of_a_foreign_person_reads_like_a_missing_one(world, tmp_path):
    result = _import(
        tmp_path,
        world.users["editor_bac"],
        {
            "qua_trinh": [
                ["ma_nguoi", "tu_ngay", "ma_cdcs"],
                ["P-NAM-1", "1929-01-01", "CDCS-BAC-1"],
                ["P-KHONG-CO", "1929-01-01", "CDCS-BAC-1"],
            ]
        },
    )
    texts = [e.render() for e in result.errors]
    foreign = [t.split(": ", 1)[1] for t in texts if "'P-NAM-1'" in t]
    missing = [t.split(": ", 1)[1] for t in texts if "'P-KHONG-CO'" in t]
    assert foreign and foreign == [t.replace("P-KHONG-CO", "P-NAM-1") for t in missing]
    assert not any("ngày sinh" in t for t in texts), texts
