"""The whole cycle of a period report on hand-made data, through the API:
submit → return → resubmit → approve → locked → unlock → changed → resubmit as a new version."""

from datetime import date

import pytest

from phoihop.periods.models import PeriodReport, ReportVersion
from phoihop.records.models import WelfareContribution

from .helpers import add_user, api, get, make_program, post, welfare

BAC = "programs/CTPH-A-24/periods/2024/units/LDLD-A-BAC"


@pytest.fixture
def cycle(world):
    make_program(world)
    add_user(world, "manager_bac", "manager", "LDLD-A-BAC")
    welfare(world, "AS-BAC-2024", "CDCS-BAC-1", date(2024, 5, 1), 2_000_000)
    welfare(world, "AS-NAM-2024", "CDCS-NAM-1", date(2024, 5, 1), 7_000_000)  # another district's
    return world


@pytest.mark.django_db
def test_periods_list_counts_units_and_overdue(cycle):
    answer = get(api(cycle, "manager_a"), "programs/CTPH-A-24/periods")
    assert answer.status_code == 200
    periods = answer.json()
    assert [p["period"] for p in periods] == ["2023", "2024", "2025"]
    p2024 = periods[1]
    assert p2024["from"] == "2024-01-01" and p2024["to"] == "2024-12-31" and p2024["due"] == "2025-01-15"
    # Reporting units the province federation's manager sees: the children of LDLD-A (Bắc Hà, Nam Sơn,
    # ngành Giáo dục); the bloc's cell reports on the party side, outside this manager's scope.
    assert p2024["units"] == 3 and p2024["draft"] == 3 and p2024["approved"] == 0
    assert p2024["overdue"] == 3  # today is after 15/01/2025 and nobody has submitted


@pytest.mark.django_db
def test_submit_return_resubmit_approve_unlock(cycle):
    editor, manager = api(cycle, "editor_bac"), api(cycle, "manager_a")

    answer = post(editor, BAC + "/submit", {"reported": {"reported.tuyen_truyen": 120}, "comment": "Lần 1"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "submitted" and body["version"] == 1
    # Frozen figures: the district's own welfare money, not Nam Sơn's.
    assert body["indicators"]["welfare.contributions_vnd"] == 2_000_000
    assert body["reported"] == {"reported.tuyen_truyen": 120}
    assert body["submitted_by"] == "editor_bac"

    # Submitting twice: 409, nothing written.
    assert post(editor, BAC + "/submit", {}).status_code == 409
    assert ReportVersion.objects.count() == 1

    # The unit itself may not approve; a viewer neither.
    assert post(api(cycle, "manager_bac"), BAC + "/approve", {}).status_code == 403
    assert post(editor, BAC + "/approve", {}).status_code == 403

    # Returning needs a comment: 422 naming the field.
    answer = post(manager, BAC + "/return", {"comment": "  "})
    assert answer.status_code == 422 and "comment" in answer.content.decode()
    answer = post(manager, BAC + "/return", {"comment": "Thiếu số liệu tháng 12"})
    assert answer.status_code == 200 and answer.json()["status"] == "returned"
    assert answer.json()["comment"] == "Thiếu số liệu tháng 12"

    # Resubmitted with a changed reported figure: version 2.
    answer = post(editor, BAC + "/submit", {"reported": {"reported.tuyen_truyen": 150}})
    assert answer.json()["version"] == 2 and answer.json()["status"] == "submitted"

    answer = post(manager, BAC + "/approve", {"comment": "Đạt"})
    assert answer.status_code == 200 and answer.json()["status"] == "approved"
    assert answer.json()["decided_by"] == "manager_a"

    # Unlock needs a reason, then the report is returned and may be changed and resubmitted.
    assert post(manager, BAC + "/unlock", {}).status_code == 422
    answer = post(manager, BAC + "/unlock", {"reason": "Bổ sung khoản đóng góp"})
    assert answer.status_code == 200 and answer.json()["status"] == "returned"
    welfare(cycle, "AS-BAC-2024-B", "CDCS-BAC-1", date(2024, 11, 1), 500_000)
    answer = post(editor, BAC + "/submit", {})
    assert answer.json()["version"] == 3
    assert answer.json()["indicators"]["welfare.contributions_vnd"] == 2_500_000
    report = PeriodReport.objects.unscoped().get(unit__code="LDLD-A-BAC", period="2024")
    assert list(report.versions.values_list("number", flat=True)) == [1, 2, 3]
    assert [a.kind for a in report.actions.all()] == [
        "submit",
        "return",
        "submit",
        "approve",
        "unlock",
        "submit",
    ]


@pytest.mark.django_db
def test_bad_input_gets_a_clear_answer(cycle):
    editor = api(cycle, "editor_bac")
    answer = post(editor, BAC + "/submit", {"reported": {"reported.tuyen_truyen": -3}})
    assert answer.status_code == 422 and "âm" in answer.json()["detail"]
    answer = post(editor, BAC + "/submit", {"reported": {"reported.tuyen_truyen": "nhiều"}})
    assert answer.status_code == 422 and "không phải là số" in answer.json()["detail"]
    # A validation rule of level error blocks submitting.
    answer = post(editor, BAC + "/submit", {"reported": {"reported.tuyen_truyen": 200000}})
    assert answer.status_code == 409 and "100.000" in answer.json()["detail"]
    assert get(editor, "programs/CTPH-A-24/periods/2024Q1/units/LDLD-A-BAC").status_code == 404
    assert get(editor, "programs/CTPH-A-24/periods/2031/units/LDLD-A-BAC").status_code == 404
    assert not PeriodReport.objects.unscoped().filter(version__gt=0).exists()
    assert not WelfareContribution.objects.unscoped().filter(code="x").exists()


@pytest.mark.django_db
def test_outsider_and_other_district_get_404(cycle):
    assert get(api(cycle, "outsider"), BAC).status_code == 404
    assert get(api(cycle, "viewer_nam"), BAC).status_code == 404
    assert get(api(cycle, "outsider"), "programs/CTPH-A-24/periods").status_code == 404


@pytest.mark.django_db
def test_a_value_far_from_the_units_earlier_periods_is_flagged_for_the_approver(cycle):
    editor, manager = api(cycle, "editor_bac"), api(cycle, "manager_a")
    for period, value in (("2023", 100), ("2024", 120)):
        path = f"programs/CTPH-A-24/periods/{period}/units/LDLD-A-BAC"
        assert (
            post(editor, path + "/submit", {"reported": {"reported.tuyen_truyen": value}}).status_code == 200
        )
        assert post(manager, path + "/approve", {}).status_code == 200
    path = "programs/CTPH-A-24/periods/2025/units/LDLD-A-BAC"
    answer = post(editor, path + "/submit", {"reported": {"reported.tuyen_truyen": 5000}})
    assert answer.status_code == 200  # a warning does not block
    flags = [c for c in answer.json()["checks"] if c["rule"] == "outlier:reported.tuyen_truyen"]
    assert (
        flags[0]["level"] == "warning"
        and "Số đoàn viên được tuyên truyền pháp luật = 5.000" in flags[0]["message"]
    )
    assert "110" in flags[0]["message"]  # the mean of 100 and 120
    # Welfare money: 0 in 2023, 2.000.000 in 2024, nothing yet in 2025 — far below the mean, flagged too.
    assert any(c["rule"] == "outlier:welfare.contributions_vnd" for c in answer.json()["checks"])
