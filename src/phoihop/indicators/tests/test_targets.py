"""The targets grid (/chi-tieu/): who sees and edits it, what one save writes, what a bad cell stops."""

from datetime import date

import pytest
from django.urls import reverse

from phoihop.audit.models import AuditEntry
from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Unit
from phoihop.records.models import Person, Program, Target

from ..services import Cell, TargetsInvalid, parse_target, save_targets

MEMBERS = "union.members_admitted"
REFERRED = "union.outstanding_referred"
URL = "/chi-tieu/"


@pytest.fixture
def program(world):
    """Program 2024–2025 of the world's province; new members in 2024: Bắc Hà 3, Nam Sơn 1."""
    for i, union in enumerate(["CDCS-BAC-1"] * 3 + ["CDCS-NAM-1"]):
        Person.objects.create(
            code=f"NEW-{i}",
            full_name=f"Người mới {i}",
            grassroots_union=world.unit(union),
            gender="nam",
            union_joined_on=date(2024, 3, 1 + i),
        )
    return Program.objects.create(
        code="CT-A",
        name="Chương trình phối hợp An Phú 2024-2025",
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 12, 31),
        union_root=world.unit("LDLD-A"),
        party_root=world.unit("DUK-A"),
    )


def sign_in(client, user):
    client.force_login(user)
    return client


def cell(world, unit_code: str, indicator: str = MEMBERS) -> str:
    return f"t:{world.unit(unit_code).pk}:{indicator}"


def post(client, world, cells: dict, **choice):
    data = {"chuong_trinh": "CT-A", "nam": 2024, "don_vi": "LDLD-A", "nhom": "chinh", **choice}
    data.update({cell(world, unit, code): value for (unit, code), value in cells.items()})
    return client.post(URL, data)


def targets():
    return {
        (t.unit.code, t.indicator_code, t.year): int(t.value)
        for t in Target.objects.unscoped().select_related("unit")
    }


def test_grid_url_is_named():
    assert reverse("indicators:targets") == URL


def test_manager_saves_every_changed_cell_in_one_post_with_audit_rows(client, world, program):
    sign_in(client, world.users["manager_a"])
    response = post(
        client,
        world,
        {("LDLD-A-BAC", MEMBERS): "4", ("LDLD-A-NAM", MEMBERS): "1.000", ("LDLD-A-NAM", REFERRED): ""},
    )
    assert response.status_code == 302
    assert targets() == {("LDLD-A-BAC", MEMBERS, 2024): 4, ("LDLD-A-NAM", MEMBERS, 2024): 1000}
    audit = AuditEntry.objects.filter(model="records.Target").order_by("object_code")
    assert [(a.action, a.object_code, a.after) for a in audit] == [
        ("create", f"{MEMBERS} / LDLD-A-BAC / 2024", {"value": 4}),
        ("create", f"{MEMBERS} / LDLD-A-NAM / 2024", {"value": 1000}),
    ]
    assert all(a.actor == world.users["manager_a"] for a in audit)
    page = client.get(response["Location"]).content.decode()
    assert "Đã lưu chỉ tiêu: 2 mới, 0 sửa, 0 xóa." in page


def test_changing_and_clearing_targets_updates_and_deletes_them(client, world, program):
    sign_in(client, world.users["admin_a"])
    post(client, world, {("LDLD-A-BAC", MEMBERS): "4", ("LDLD-A-NAM", MEMBERS): "2"})
    post(client, world, {("LDLD-A-BAC", MEMBERS): "6", ("LDLD-A-NAM", MEMBERS): ""})
    assert targets() == {("LDLD-A-BAC", MEMBERS, 2024): 6}
    last = AuditEntry.objects.filter(model="records.Target").order_by("-id")[:2]
    assert {(a.action, str(a.before), str(a.after)) for a in last} == {
        ("update", "{'value': 4}", "{'value': 6}"),
        ("delete", "{'value': 2}", "None"),
    }


def test_a_bad_cell_writes_nothing_and_names_unit_and_indicator(client, world, program):
    sign_in(client, world.users["manager_a"])
    response = post(
        client,
        world,
        {("LDLD-A-BAC", MEMBERS): "4", ("LDLD-A-NAM", MEMBERS): "-5", ("CDN-A-GD", REFERRED): "2,5"},
    )
    assert response.status_code == 400
    assert targets() == {}
    assert not AuditEntry.objects.filter(model="records.Target").exists()
    page = response.content.decode()
    assert "Có 2 ô không hợp lệ; chưa lưu ô nào." in page
    assert "Liên đoàn Lao động huyện Nam Sơn – Số đoàn viên phát triển mới: chỉ tiêu không được âm." in page
    assert "Công đoàn ngành Giáo dục – Số đoàn viên ưu tú giới thiệu cho Đảng" in page
    assert "không phải số nguyên không âm" in page
    # What was typed stays in the cells so the user can correct it.
    assert 'value="-5"' in page and 'value="4"' in page


def test_a_unit_outside_the_scope_is_refused_whole(client, world, program):
    sign_in(client, world.users["manager_a"])
    response = post(client, world, {("LDLD-A-BAC", MEMBERS): "4", ("CDCS-X-1", MEMBERS): "9"})
    assert response.status_code == 403
    assert targets() == {}


def test_outsider_manager_cannot_set_targets_for_the_province(client, world, program):
    sign_in(client, world.users["outsider"])
    response = post(client, world, {("LDLD-A-BAC", MEMBERS): "4"}, don_vi="LDLD-X")
    assert response.status_code == 403
    assert targets() == {}


@pytest.mark.parametrize("username", ["viewer_nam", "editor_bac", "news_a"])
def test_only_managers_and_admins_may_save(client, world, program, username):
    sign_in(client, world.users[username])
    response = post(client, world, {("LDLD-A-NAM", MEMBERS): "4"}, don_vi="LDLD-A-NAM")
    assert response.status_code == 403
    assert targets() == {}


def test_viewer_sees_targets_read_only(client, world, program):
    Target.objects.create(indicator_code=MEMBERS, unit=world.unit("CDCS-NAM-1"), year=2024, value=2)
    sign_in(client, world.users["viewer_nam"])
    page = client.get(URL, {"chuong_trinh": "CT-A", "nam": 2024}).content.decode()
    assert "Liên đoàn Lao động huyện Nam Sơn" in page and "Công đoàn cơ sở Điện lực Nam Sơn" in page
    assert 'name="t:' not in page and "targets.js" not in page
    assert "Bạn chỉ được xem chỉ tiêu" in page
    assert "50%" in page  # 1 new member against a target of 2


def test_grid_shows_actual_and_percentage_reached(client, world, program):
    Target.objects.create(indicator_code=MEMBERS, unit=world.unit("LDLD-A-BAC"), year=2024, value=4)
    Target.objects.create(indicator_code=MEMBERS, unit=world.unit("LDLD-A"), year=2024, value=5)
    sign_in(client, world.users["manager_a"])
    response = client.get(URL, {"chuong_trinh": "CT-A", "nam": 2024})
    grid = response.context["grid"]
    cells = {(row.unit.code, c.indicator.code): c for row in grid.rows for c in row.cells}
    assert (cells[("LDLD-A-BAC", MEMBERS)].actual, cells[("LDLD-A-BAC", MEMBERS)].reached) == (3, 75.0)
    assert (cells[("LDLD-A-NAM", MEMBERS)].actual, cells[("LDLD-A-NAM", MEMBERS)].reached) == (1, None)
    assert (cells[("LDLD-A", MEMBERS)].actual, cells[("LDLD-A", MEMBERS)].reached) == (4, 80.0)
    page = response.content.decode()
    assert "TH</abbr> 3 · <b>75%</b>" in page
    assert "TH</abbr> 4 · <b>80%</b>" in page


def test_rows_are_the_children_on_the_year_of_the_dated_tree(client, world, program):
    Unit.objects.create(
        code="LDLD-A-CU",
        name="LĐLĐ huyện đã giải thể",
        kind="ldld_huyen",
        parent=world.unit("LDLD-A"),
        founded_on=date(2001, 1, 1),
        dissolved_on=date(2020, 6, 30),
    )
    rebuild_closure()
    sign_in(client, world.users["manager_a"])
    grid = client.get(URL, {"chuong_trinh": "CT-A", "nam": 2024}).context["grid"]
    assert [r.unit.code for r in grid.rows] == ["LDLD-A", "LDLD-A-BAC", "LDLD-A-NAM", "CDN-A-GD"]
    assert grid.rows[0].own


def test_district_user_opens_on_its_own_unit_and_cannot_choose_others(client, world, program):
    sign_in(client, world.users["editor_bac"])
    response = client.get(URL, {"chuong_trinh": "CT-A", "don_vi": "LDLD-A-NAM"})
    grid = response.context["grid"]
    assert grid.parent.code == "LDLD-A-BAC"
    assert [r.unit.code for r in grid.rows] == ["LDLD-A-BAC", "CDCS-BAC-1"]
    assert "Nam Sơn" not in response.content.decode()


def test_grid_costs_the_same_few_queries_whatever_the_number_of_rows(client, world, program):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, world.users["manager_a"])
    query = {"chuong_trinh": "CT-A", "nam": 2024, "nhom": "tat_ca"}

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, query)
        return len(queries), len(response.context["grid"].rows), len(response.context["grid"].columns)

    few, rows, columns = count()
    for i in range(30):
        Unit.objects.create(
            code=f"CDCS-EXTRA-{i}", name=f"CĐCS thêm {i}", kind="cdcs", parent=world.unit("LDLD-A")
        )
    rebuild_closure()
    many, more_rows, _ = count()
    assert (rows, more_rows) == (4, 34)
    assert many == few
    assert few < 2 * columns + 15  # about one grouped query per indicator column


def test_bad_choices_fall_back_to_defaults_with_a_message(client, world, program):
    sign_in(client, world.users["manager_a"])
    response = client.get(URL, {"chuong_trinh": "KHONG-CO", "nam": "abc"})
    assert response.status_code == 200
    assert response.context["grid"].program.code == "CT-A"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("", None),
        ("  ", None),
        ("12", 12),
        ("6.065", 6065),
        ("6,065", 6065),
        ("6 065", 6065),
        ("1.000.000", 1000000),
    ],
)
def test_parse_target_accepts_integers_as_excel_pastes_them(raw, value):
    assert parse_target(raw) == value


@pytest.mark.parametrize("raw", ["-1", "1,5", "2.5", "abc", "1.00.0", "1" * 19])
def test_parse_target_refuses_what_is_not_a_non_negative_integer(raw):
    with pytest.raises(ValueError):
        parse_target(raw)


def test_year_outside_the_program_is_refused(world, program):
    with pytest.raises(TargetsInvalid) as refused:
        save_targets(
            user=world.users["manager_a"],
            program=program,
            year=2030,
            cells=[Cell(world.unit("LDLD-A-BAC").pk, MEMBERS, "3")],
        )
    assert "Năm 2030 không thuộc chương trình CT-A" in str(refused.value)
    assert targets() == {}


def test_percentages_cannot_be_targeted(world, program):
    with pytest.raises(TargetsInvalid) as refused:
        save_targets(
            user=world.users["manager_a"],
            program=program,
            year=2024,
            cells=[Cell(world.unit("LDLD-A-BAC").pk, "awards.direct_worker_share_pct", "30")],
        )
    assert "không phải chỉ tiêu được giao" in str(refused.value)


def test_a_save_with_a_bad_year_or_unit_choice_writes_nothing(client, world, program):
    sign_in(client, world.users["manager_a"])
    response = post(client, world, {("LDLD-A-BAC", MEMBERS): "4"}, nam=2030)
    assert response.status_code == 400
    assert "Năm" in response.content.decode()
    response = post(client, world, {("LDLD-A-BAC", MEMBERS): "4"}, don_vi="LDLD-X")
    assert response.status_code == 400
    assert targets() == {}


def test_malformed_cell_names_are_ignored(client, world, program):
    sign_in(client, world.users["manager_a"])
    data = {"chuong_trinh": "CT-A", "nam": 2024, "don_vi": "LDLD-A", "t:12": "3", "t:x:y": "1", "other": "2"}
    data[cell(world, "LDLD-A-BAC")] = "4"
    assert client.post(URL, data).status_code == 302
    assert targets() == {("LDLD-A-BAC", MEMBERS, 2024): 4}
