"""The lock: while Bắc Hà's 2024 report is submitted or approved, records dated in 2024 whose unit stood
under Bắc Hà are refused by the form, the import and the API; returned (or unlocked) opens them again."""

from datetime import date

import pytest

from phoihop.periods.models import ReportedValue
from phoihop.records.models import WelfareContribution
from phoihop.workbook.services import import_workbook
from phoihop.workbook.tests.helpers import write_csv

from .helpers import add_user, api, make_program, post, welfare

BAC = "programs/CTPH-A-24/periods/2024/units/LDLD-A-BAC"
WELFARE_HEADER = ["ma_dong_gop", "ma_don_vi", "ngay", "so_tien"]


@pytest.fixture
def approved(world):
    make_program(world)
    add_user(world, "editor_bac_cs", "editor", "CDCS-BAC-1")
    welfare(world, "AS-BAC-1", "CDCS-BAC-1", date(2024, 5, 1), 2_000_000)
    welfare(world, "AS-BAC-2023", "CDCS-BAC-1", date(2023, 5, 1), 1_000_000)
    assert post(api(world, "editor_bac"), BAC + "/submit", {}).status_code == 200
    assert post(api(world, "manager_a"), BAC + "/approve", {}).status_code == 200
    return world


def _edit(client, user, code, **changes):
    client.force_login(user)
    record = WelfareContribution.objects.unscoped().get(code=code)
    data = {
        "code": record.code,
        "unit": record.unit.code,
        "date": record.date.isoformat(),
        "amount_vnd": str(record.amount_vnd),
        "purpose": "",
    } | changes
    return client.post(f"/ho-so/an-sinh/{record.code}/sua/", data)


def _import(tmp_path, world, rows, sheet="an_sinh", user="editor_bac"):
    units = [["ma_don_vi", "ten", "loai", "ma_cap_tren"]]  # the required sheet, with no rows
    folder = write_csv(tmp_path / f"book-{len(list(tmp_path.iterdir()))}", {"don_vi": units, sheet: rows})
    from phoihop.accounts.scope import scope_for

    actor = world.users[user]
    return import_workbook(folder, actor=actor, scope=scope_for(actor))


@pytest.mark.django_db
def test_form_refuses_a_record_in_the_approved_period_and_names_who_can_unlock(client, approved):
    response = _edit(client, approved.users["editor_bac"], "AS-BAC-1", amount_vnd="9000000")
    text = response.content.decode()
    assert response.status_code == 400
    assert "2024" in text and "Liên đoàn Lao động huyện Bắc Hà" in text
    assert "Liên đoàn Lao động tỉnh An Phú" in text  # the unit whose manager or admin can unlock
    assert WelfareContribution.objects.unscoped().get(code="AS-BAC-1").amount_vnd == 2_000_000
    # A grassroots union under Bắc Hà is locked too; 2023 is not.
    response = _edit(client, approved.users["editor_bac"], "AS-BAC-2023", amount_vnd="1500000")
    assert response.status_code == 302
    # Moving a 2024 record out of the period is a change of a locked record too.
    response = _edit(client, approved.users["editor_bac"], "AS-BAC-1", date="2023-12-31")
    assert response.status_code == 400


@pytest.mark.django_db
def test_import_refuses_rows_in_the_approved_period_and_writes_nothing(tmp_path, approved):
    rows = [
        WELFARE_HEADER,
        ["AS-BAC-NEW", "CDCS-BAC-1", "2024-08-01", "300000"],
        ["AS-BAC-OK", "CDCS-BAC-1", "2025-02-01", "300000"],
    ]
    result = _import(tmp_path, approved, rows)
    assert not result.ok
    messages = [e.message_vi for e in result.errors]
    assert len(messages) == 1, messages
    assert "2024" in messages[0] and "Bắc Hà" in messages[0] and "An Phú" in messages[0]
    assert not WelfareContribution.objects.unscoped().filter(code__in=["AS-BAC-NEW", "AS-BAC-OK"]).exists()


@pytest.mark.django_db
def test_api_refuses_a_second_submission_and_unlock_opens_the_period(tmp_path, client, approved):
    assert post(api(approved, "editor_bac"), BAC + "/submit", {}).status_code == 409
    answer = post(api(approved, "manager_a"), BAC + "/unlock", {"reason": "Bổ sung đóng góp tháng 8"})
    assert answer.status_code == 200 and answer.json()["status"] == "returned"
    rows = [WELFARE_HEADER, ["AS-BAC-NEW", "CDCS-BAC-1", "2024-08-01", "300000"]]
    assert _import(tmp_path, approved, rows).ok
    assert _edit(client, approved.users["editor_bac"], "AS-BAC-1", amount_vnd="2500000").status_code == 302
    answer = post(api(approved, "editor_bac"), BAC + "/submit", {})
    assert answer.json()["version"] == 2
    assert answer.json()["indicators"]["welfare.contributions_vnd"] == 2_800_000


@pytest.mark.django_db
def test_reported_figures_sheet(tmp_path, approved):
    header = ["ma_chuong_trinh", "ky", "ma_don_vi", "ma_chi_tieu", "gia_tri"]
    # Bắc Hà 2024 is approved: its row is refused; Nam Sơn is another district (outside the editor's
    # scope); a period that does not exist and an unknown indicator are named.
    rows = [
        header,
        ["CTPH-A-24", "2024", "LDLD-A-BAC", "reported.tuyen_truyen", "40"],
        ["CTPH-A-24", "2031", "LDLD-A-BAC", "reported.tuyen_truyen", "40"],
        ["CTPH-A-24", "2025", "LDLD-A-BAC", "reported.khong_co", "40"],
        ["CTPH-A-24", "2025", "LDLD-A-BAC", "reported.tuyen_truyen", "-4"],
    ]
    result = _import(tmp_path, approved, rows, sheet="so_lieu_bao_cao")
    assert not result.ok
    by_row = {e.row: e.message_vi for e in result.errors}
    assert "khóa" in by_row[2] and "2024" in by_row[2]
    assert "không có kỳ báo cáo" in by_row[3]
    assert "không phải chỉ tiêu báo cáo" in by_row[4]
    assert 5 in by_row  # a negative number
    assert not ReportedValue.objects.unscoped().exists()
    rows = [header, ["CTPH-A-24", "2025", "LDLD-A-BAC", "reported.tuyen_truyen", "40"]]
    assert _import(tmp_path, approved, rows, sheet="so_lieu_bao_cao").ok
    assert ReportedValue.objects.unscoped().get().value == 40
    # The value entered by the sheet is what the submission carries.
    answer = post(api(approved, "editor_bac"), "programs/CTPH-A-24/periods/2025/units/LDLD-A-BAC/submit", {})
    assert answer.status_code == 200 and answer.json()["reported"] == {"reported.tuyen_truyen": 40}


@pytest.mark.django_db
def test_an_unchanged_row_of_a_locked_period_imports_back(tmp_path, approved):
    """An export of the district imports back: the lock refuses changes, not the same values."""
    rows = [WELFARE_HEADER, ["AS-BAC-1", "CDCS-BAC-1", "2024-05-01", "2000000"]]
    result = _import(tmp_path, approved, rows)
    assert result.ok, [e.message_vi for e in result.errors]
    rows = [WELFARE_HEADER, ["AS-BAC-1", "CDCS-BAC-1", "2024-05-01", "2500000"]]
    result = _import(tmp_path, approved, rows)
    assert not result.ok and "khóa" in result.errors[0].message_vi
    assert WelfareContribution.objects.unscoped().get(code="AS-BAC-1").amount_vnd == 2_000_000


@pytest.mark.django_db
def test_api_refuses_moving_a_unit_within_the_approved_period(approved):
    """Moving a grassroots union out of Bắc Hà in mid-2024 would change Bắc Hà's approved 2024 figures."""
    from phoihop.orgs.models import Transfer

    add_user(approved, "admin_bac", "admin", "LDLD-A")
    body = {"new_parent": "LDLD-A-NAM", "effective_on": "2024-06-01"}
    answer = post(api(approved, "admin_bac"), "units/CDCS-BAC-1/transfers", body)
    assert (
        answer.status_code == 403 and "2024" in answer.json()["detail"] and "khóa" in answer.json()["detail"]
    )
    assert not Transfer.objects.exists()
    body["effective_on"] = "2025-02-01"  # after the period: allowed
    assert post(api(approved, "admin_bac"), "units/CDCS-BAC-1/transfers", body).status_code == 201
