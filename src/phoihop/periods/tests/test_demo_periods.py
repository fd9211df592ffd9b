"""The demo tells the story of period reports (issue 15, item 8) on the Lào Cai demo province."""

import pytest

from phoihop.demo.services import load_demo
from phoihop.orgs.models import Unit
from phoihop.periods.demo import ensure_demo_periods
from phoihop.periods.models import PeriodReport
from phoihop.periods.selectors import period_of
from phoihop.periods.services import compute_figures
from phoihop.records.models import Program


@pytest.mark.django_db
def test_demo_programs_and_period_reports():
    assert load_demo().ok
    source = Program.objects.unscoped().get(code="CTPH-2021-2025")
    reports = PeriodReport.objects.unscoped().filter(program=source)

    def statuses(period):
        return {r.unit.code: r.status for r in reports.filter(period=period).select_related("unit")}

    # 2021–2023: the districts approved, but one 2023 report still waiting for the province.
    for period in ("2021", "2022"):
        assert set(statuses(period).values()) == {"approved"}
    s2023 = statuses("2023")
    assert s2023["LDLD-H-SIMACAI"] == "submitted" and list(s2023.values()).count("approved") == len(s2023) - 1
    # 2024: Bát Xát returned with a comment, Mường Khương never submitted (overdue), some submitted.
    s2024 = statuses("2024")
    assert s2024["LDLD-H-BATXAT"] == "returned"
    assert "rà soát" in reports.get(period="2024", unit__code="LDLD-H-BATXAT").comment
    assert "LDLD-H-MUONGKHUONG" not in s2024
    assert sorted(c for c, s in s2024.items() if s == "submitted") == [
        "CDN-GD", "LDLD-H-BACHA", "LDLD-H-SAPA", "LDLD-H-VANBAN",
    ]  # fmt: skip
    # The frozen figures are what `report --scope UNIT --from --to` gives.
    unit = Unit.objects.get(code="LDLD-H-BATXAT")
    frozen = reports.get(period="2023", unit=unit).versions.get().indicators
    assert frozen == compute_figures(source, period_of(source, "2023"), unit)
    assert frozen["union.members_admitted"] > 0

    new = Program.objects.unscoped().get(code="CTPH-2026-2030")
    assert new.created_from == source and new.frequency == "quy"
    assert list(new.reported_indicators.values_list("code", flat=True)) == ["reported.tuyen_truyen_phap_luat"]
    q1 = PeriodReport.objects.unscoped().filter(program=new, period="2026Q1", status="approved")
    assert q1.exists() and all(r.versions.get().reported["reported.tuyen_truyen_phap_luat"] > 0 for r in q1)
    assert ensure_demo_periods() == 0  # a second run changes nothing
    assert load_demo().ok  # and the workbook imports again over the locked periods (nothing changes)
