"""The review report and period reports: reported indicators added up over approved periods,
`--approved-only`, the mark on units not yet approved; and a two-level chain."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from phoihop.reports.assemble import build_report

from .helpers import add_user, api, make_program, post, welfare


def _submit_and_approve(world, unit_code, period, reported=None, editor="editor_bac", manager="manager_a"):
    path = f"programs/CTPH-A-24/periods/{period}/units/{unit_code}"
    answer = post(api(world, editor), path + "/submit", {"reported": reported or {}})
    assert answer.status_code == 200, answer.content
    answer = post(api(world, manager), path + "/approve", {})
    assert answer.status_code == 200, answer.content


@pytest.fixture
def two_years(world):
    make_program(world)
    add_user(world, "editor_nam", "editor", "LDLD-A-NAM")
    welfare(world, "AS-BAC-23", "CDCS-BAC-1", date(2023, 3, 1), 1_000_000)
    welfare(world, "AS-BAC-24", "CDCS-BAC-1", date(2024, 3, 1), 2_000_000)
    welfare(world, "AS-NAM-24", "CDCS-NAM-1", date(2024, 3, 1), 4_000_000)
    _submit_and_approve(world, "LDLD-A-BAC", "2023", {"reported.tuyen_truyen": 100})
    _submit_and_approve(world, "LDLD-A-BAC", "2024", {"reported.tuyen_truyen": 250})
    # Nam Sơn submits 2024 but is not approved yet.
    path = "programs/CTPH-A-24/periods/2024/units/LDLD-A-NAM/submit"
    assert (
        post(api(world, "editor_nam"), path, {"reported": {"reported.tuyen_truyen": 999}}).status_code == 200
    )
    return world


@pytest.mark.django_db
def test_reported_indicators_add_up_over_approved_periods_only(two_years):
    report = build_report(program_code="CTPH-A-24", date_from="2023-01-01", date_to="2024-12-31")
    reported = report["reported"]["reported.tuyen_truyen"]
    assert reported["value"] == 350  # 100 (2023) + 250 (2024) of Bắc Hà; Nam Sơn's 999 is not approved
    assert reported["by_year"] == {"2023": 100, "2024": 250}
    assert reported["by_unit"] == {"LDLD-A-BAC": 350}
    # Every record counts in the normal report, and the units not yet approved are named.
    assert report["indicators"]["welfare.contributions_vnd"]["value"] == 7_000_000
    marked = {u["unit"]: u["periods"] for u in report["approval"]["not_approved"]}
    assert marked["LDLD-A-NAM"] == ["2023", "2024"] and "LDLD-A-BAC" not in marked


@pytest.mark.django_db
def test_approved_only_takes_the_frozen_figures_of_approved_reports(two_years, capsys):
    # A record added after approval in an open period (2025) does not enter; Nam Sơn's 2024 does not either.
    welfare(two_years, "AS-BAC-25", "CDCS-BAC-1", date(2025, 3, 1), 8_000_000)
    call_command(
        "report",
        program="CTPH-A-24",
        date_from="2023-01-01",
        date_to="2025-12-31",
        format="json",
        approved_only=True,
    )
    report = json.loads(capsys.readouterr().out)
    welfare_entry = report["indicators"]["welfare.contributions_vnd"]
    assert welfare_entry["value"] == 3_000_000  # Bắc Hà 2023 + 2024, as frozen at approval
    assert welfare_entry["by_year"]["2024"] == 2_000_000 and welfare_entry["by_year"]["2025"] == 0
    assert welfare_entry["by_unit"]["LDLD-A-BAC"] == 3_000_000 and welfare_entry["by_unit"]["LDLD-A-NAM"] == 0
    assert report["approval"]["approved_only"] is True


@pytest.mark.django_db
def test_report_page_offers_approved_only_and_marks_unapproved_units(client, two_years):
    client.force_login(two_years.users["manager_a"])
    page = client.get(
        "/bao-cao/", {"program": "CTPH-A-24", "date_from": "2024-01-01", "date_to": "2024-12-31"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Chỉ số liệu đã duyệt" in text
    assert (
        "Số liệu chưa được cấp trên duyệt của" in text and "Liên đoàn Lao động huyện Nam Sơn (2024)" in text
    )
    page = client.get(
        "/bao-cao/",
        {"program": "CTPH-A-24", "date_from": "2024-01-01", "date_to": "2024-12-31", "approved_only": "on"},
    )
    # One approved (Bắc Hà) of four reporting units: three union children and the bloc's cell.
    assert "số liệu lấy từ 1/4 báo cáo kỳ" in page.content.decode()


@pytest.mark.django_db
def test_a_parent_submits_only_when_every_reporting_child_is_approved(world):
    """Two levels: Bắc Hà's grassroots unions report to Bắc Hà, which reports to the province."""
    make_program(world, code="CTPH-A-24", levels=2)
    add_user(world, "editor_cs", "editor", "CDCS-BAC-1")
    add_user(world, "manager_bac", "manager", "LDLD-A-BAC")
    bac = "programs/CTPH-A-24/periods/2024/units/LDLD-A-BAC"
    cs = "programs/CTPH-A-24/periods/2024/units/CDCS-BAC-1"
    answer = post(api(world, "editor_bac"), bac + "/submit", {})
    assert answer.status_code == 409 and "Công đoàn cơ sở Công ty Chè Bắc Hà" in answer.json()["detail"]
    assert post(api(world, "editor_cs"), cs + "/submit", {}).status_code == 200
    assert post(api(world, "editor_bac"), bac + "/submit", {}).status_code == 409  # submitted, not approved
    # The district's manager approves its grassroots union (a unit above it), then the district submits.
    assert post(api(world, "manager_bac"), cs + "/approve", {}).status_code == 200
    assert post(api(world, "editor_bac"), bac + "/submit", {}).status_code == 200
    assert post(api(world, "manager_bac"), bac + "/approve", {}).status_code == 403  # its own unit
    assert post(api(world, "manager_a"), bac + "/approve", {}).status_code == 200
