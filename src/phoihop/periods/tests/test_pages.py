"""The pages: a unit's report page (submit, return, approve, unlock), the board, the program's settings and
creating a program from an earlier one, notifications."""

from datetime import date

import pytest

from phoihop.periods.models import PeriodReport, ReportedIndicator, ValidationRule
from phoihop.records.models import Program, Target

from .helpers import make_program, welfare

UNIT = "/bao-cao-dinh-ky/CTPH-A-24/2024/LDLD-A-BAC/"


@pytest.fixture
def program(world):
    welfare(world, "AS-BAC-1", "CDCS-BAC-1", date(2024, 5, 1), 2_000_000)
    return make_program(world)


def _as(client, world, username):
    client.force_login(world.users[username])
    return client


@pytest.mark.django_db
def test_editor_fills_in_submits_and_province_returns_then_approves(client, world, program):
    page = _as(client, world, "editor_bac").get(UNIT)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Số đoàn viên được tuyên truyền pháp luật" in text and "Nộp báo cáo" in text
    assert "quá hạn" in text  # due 15/01/2025, today is later
    answer = client.post(UNIT, {"action": "submit", "reported.tuyen_truyen": "-5", "comment": ""})
    assert answer.status_code == 400 and "không được âm" in answer.content.decode()
    answer = client.post(UNIT, {"action": "submit", "reported.tuyen_truyen": "1.200", "comment": "Gửi tỉnh"})
    assert answer.status_code == 302
    report = PeriodReport.objects.unscoped().get(unit__code="LDLD-A-BAC")
    assert report.status == "submitted" and report.versions.get().reported == {"reported.tuyen_truyen": 1200}
    # The editor sees no decision buttons; the province manager does.
    assert "Trả lại" not in client.get(UNIT).content.decode()
    manager = _as(client, world, "manager_a")
    answer = manager.post(UNIT, {"action": "return", "comment": ""})
    assert answer.status_code == 400 and "cần ghi ý kiến" in answer.content.decode()
    assert manager.post(UNIT, {"action": "return", "comment": "Xem lại số tuyên truyền"}).status_code == 302
    editor = _as(client, world, "editor_bac")
    assert "Xem lại số tuyên truyền" in editor.get(UNIT).content.decode()
    editor.post(UNIT, {"action": "submit", "reported.tuyen_truyen": "1100"})
    manager = _as(client, world, "manager_a")
    assert manager.post(UNIT, {"action": "approve", "comment": ""}).status_code == 302
    text = manager.get(UNIT).content.decode()
    assert "Đã duyệt" in text and "Mở khóa" in text
    assert "<del>1.200</del> → <ins>1.100</ins>" in text  # the versions' difference
    board = manager.get("/bao-cao-dinh-ky/CTPH-A-24/2024/").content.decode()
    assert "<svg" in board and "Tính đầy đủ" in board and "Liên đoàn Lao động huyện Nam Sơn" in board


@pytest.mark.django_db
def test_index_opens_the_board_of_the_program_of_today(client, world, program):
    Program.objects.unscoped().create(
        code="CTPH-A-17", name="Chương trình 2017–2020", starts_on=date(2017, 1, 1), ends_on=date(2020, 12, 31),
        union_root=world.unit("LDLD-A"), party_root=world.unit("DUK-A"),
    )  # fmt: skip
    answer = _as(client, world, "manager_a").get("/bao-cao-dinh-ky/")
    text = answer.content.decode()
    # CTPH-A-24 (2023–2025) ended last; its last period is 2025.
    assert answer.status_code == 200 and "Báo cáo định kỳ, kỳ 2025" in text and "CTPH-A-24" in text


@pytest.mark.django_db
def test_program_settings_and_a_new_program_from_it(client, world, program):
    Target.objects.create(
        indicator_code="union.members_admitted", unit=world.unit("LDLD-A-BAC"), year=2025, value=40
    )
    admin = _as(client, world, "admin_a")
    page = admin.get("/bao-cao-dinh-ky/chuong-trinh/CTPH-A-24/")
    assert page.status_code == 200
    data = {
        "ct-name": program.name, "ct-frequency": "quy", "ct-due_days": "20", "ct-report_levels": "1",
        "ct-indicator_codes": ["union.members_admitted", "welfare.contributions_vnd"],
        "bc-TOTAL_FORMS": "2", "bc-INITIAL_FORMS": "1", "bc-MIN_NUM_FORMS": "0", "bc-MAX_NUM_FORMS": "1000",
        "bc-0-id": str(program.reported_indicators.get().pk), "bc-0-code": "reported.tuyen_truyen",
        "bc-0-label": "Số đoàn viên được tuyên truyền pháp luật", "bc-0-unit_label": "người", "bc-0-aggregation": "sum",
        "bc-1-code": "", "bc-1-label": "", "bc-1-unit_label": "người", "bc-1-aggregation": "sum",
        "qt-TOTAL_FORMS": "2", "qt-INITIAL_FORMS": "1", "qt-MIN_NUM_FORMS": "0", "qt-MAX_NUM_FORMS": "1000",
        "qt-0-id": str(program.validation_rules.get().pk), "qt-0-left": "reported.tuyen_truyen", "qt-0-operator": "<=",
        "qt-0-right": "100000", "qt-0-level": "error", "qt-0-message": "Quá lớn",
        "qt-1-left": "khong.co", "qt-1-operator": "<=", "qt-1-right": "1", "qt-1-level": "warning", "qt-1-message": "x",
    }  # fmt: skip
    answer = admin.post("/bao-cao-dinh-ky/chuong-trinh/CTPH-A-24/", data)
    assert answer.status_code == 400 and "Không có chỉ tiêu: khong.co" in answer.content.decode()
    data.update({"qt-1-left": "", "qt-1-right": "", "qt-1-message": ""})  # an empty row, choices preselected
    answer = admin.post("/bao-cao-dinh-ky/chuong-trinh/CTPH-A-24/", data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    program.refresh_from_db()
    assert program.frequency == "quy" and program.due_days == 20
    assert program.indicator_codes == ["union.members_admitted", "welfare.contributions_vnd"]

    answer = admin.post(
        "/bao-cao-dinh-ky/chuong-trinh/moi/",
        {"source": program.pk, "code": "CTPH-A-26", "name": "Chương trình 2026–2030", "starts_on": "2026-01-01",
         "ends_on": "2030-12-31", "frequency": "quy", "due_days": "10"},
    )  # fmt: skip
    assert answer.status_code == 302
    new = Program.objects.unscoped().get(code="CTPH-A-26")
    assert new.created_from == program and new.union_root == program.union_root
    assert new.indicator_codes == program.indicator_codes
    assert ReportedIndicator.objects.filter(program=new).count() == 1
    assert ValidationRule.objects.filter(program=new).count() == 1
    # The target skeleton: last year's target for each year of the new program.
    assert sorted(Target.objects.unscoped().filter(year__gte=2026).values_list("year", "value")) == [
        (y, 40) for y in range(2026, 2031)
    ]
    # Quarterly periods; an editor of a district may not configure.
    assert [p["period"] for p in client.get("/api/v1/programs/CTPH-A-26/periods").json()][:2] == [
        "2026Q1",
        "2026Q2",
    ]
    assert _as(client, world, "editor_bac").get("/bao-cao-dinh-ky/chuong-trinh/CTPH-A-24/").status_code == 403


@pytest.mark.django_db
def test_a_district_sees_its_own_targets_on_its_dashboard_and_the_default_program_is_todays(
    client, world, program
):
    Target.objects.create(
        indicator_code="welfare.contributions_vnd", unit=world.unit("LDLD-A-BAC"), year=2024, value=1_000_000
    )
    Program.objects.unscoped().create(
        code="CTPH-A-17", name="Chương trình 2017–2020", starts_on=date(2017, 1, 1), ends_on=date(2020, 12, 31),
        union_root=world.unit("LDLD-A"), party_root=world.unit("DUK-A"),
    )  # fmt: skip
    page = _as(client, world, "editor_bac").get("/chi-tieu/tong-quan/")
    text = page.content.decode()
    assert page.status_code == 200 and "CTPH-A-24" in text and 'value="CTPH-A-24" selected' in text
    assert "Chỉ tiêu giao cho Liên đoàn Lao động huyện Bắc Hà" in text
    assert "200" in text  # 2.000.000 contributed against 1.000.000: 200 %
