"""The demo province gives every figure of the Lào Cai 2017–2020 review article (indicators.md, last
column) from its records, through `phoihop demo` and `phoihop report --format json`."""

import io
import json

import pytest
from django.core.management import call_command

from phoihop.accounts.models import User
from phoihop.demo.services import DEMO_PASSWORD, DEMO_USERS

pytestmark = pytest.mark.django_db

LAO_CAI_2017_2020 = {
    "union.grassroots_founded": 64,
    "union.members_admitted": 6065,
    "union.outstanding_referred": 7675,
    "union.referred_admitted": 4884,
    "party.cells_founded_in_enterprises": 10,
    "party.members_admitted_in_enterprises": 202,
    "party.business_owners_admitted": 5,
    "party.training_classes": 11,
    "party.trainees": 943,
    "party.trainees_from_enterprises": 685,
    "party.trainees_from_non_state": 270,
    "emulation.works_registered": 42,
    "emulation.initiatives_applied": 5934,
    "emulation.initiatives_provincial": 273,
    "emulation.provincial_contest_projects": 32,
    "emulation.provincial_contest_authors": 114,
    "emulation.national_contest_projects": 7,
    "emulation.national_second_prizes": 1,
    "emulation.national_consolation_prizes": 4,
    "emulation.creative_labor_certificates": 26,
    "awards.enterprises": 45,
    "awards.enterprise_heads": 24,
}
OLD_DISTRICTS = {
    "LDLD-H-LAOCAI",
    "LDLD-H-SAPA",
    "LDLD-H-BATXAT",
    "LDLD-H-MUONGKHUONG",
    "LDLD-H-SIMACAI",
    "LDLD-H-BACHA",
    "LDLD-H-BAOTHANG",
    "LDLD-H-BAOYEN",
    "LDLD-H-VANBAN",
}


def report(*args) -> dict:
    out = io.StringIO()
    call_command("report", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_the_2017_2020_report_gives_every_figure_of_the_article(demo_province):
    data = report("--program", "CTPH-2017-2020")
    assert data["period"] == {"from": "2017-01-01", "to": "2020-12-31"}
    assert data["scope"] == ["LDLD-LC", "DUK-LC"]
    values = {code: entry["value"] for code, entry in data["indicators"].items()}
    assert {code: values[code] for code in LAO_CAI_2017_2020} == LAO_CAI_2017_2020
    # "over 17 billion", "over 175 billion", "over 28%", "100% every year"
    assert 17_000_000_000 < values["emulation.initiatives_value_vnd"] < 18_000_000_000
    assert 175_000_000_000 < values["welfare.contributions_vnd"] < 176_000_000_000
    assert 28.0 < values["awards.direct_worker_share_pct"] < 29.0
    assert values["culture.min_yearly_recognition_pct"] == 100.0
    assert values["democracy.min_yearly_implementation_pct"] == 100.0


def test_the_yearly_and_district_breakdowns_add_up(demo_province):
    founded = report("--program", "CTPH-2017-2020")["indicators"]["union.grassroots_founded"]
    assert set(founded["by_year"]) == {"2017", "2018", "2019", "2020"}
    assert sum(founded["by_year"].values()) == 64
    assert sum(founded["by_unit"].values()) == 64
    # The 2017–2020 report still breaks down by the nine districts that ended in 2025.
    assert OLD_DISTRICTS <= {code for code, n in founded["by_unit"].items() if n}


def test_the_second_half_of_2025_breaks_down_by_the_new_structure(demo_province):
    data = report("--program", "CTPH-2021-2025", "--from", "2025-07-01", "--to", "2025-12-31")
    members = data["indicators"]["union.members_admitted"]["by_unit"]
    assert not OLD_DISTRICTS & set(members)
    assert sum(members.values()) == data["indicators"]["union.members_admitted"]["value"] > 0


def test_the_second_program_has_targets_for_each_district(demo_province):
    data = report("--program", "CTPH-2021-2025")
    assert data["period"] == {"from": "2021-01-01", "to": "2025-12-31"}
    assert OLD_DISTRICTS <= {row["unit"] for row in data["targets"]}
    assert all(row["reached_pct"] is not None for row in data["targets"])


def test_a_second_demo_run_changes_nothing(demo_province):
    from phoihop.audit.models import AuditEntry
    from phoihop.records.models import Person, Referral

    before = (
        Person.objects.unscoped().count(),
        Referral.objects.unscoped().count(),
        AuditEntry.objects.count(),
    )
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "0 dòng được ghi" in out.getvalue()
    after = (
        Person.objects.unscoped().count(),
        Referral.objects.unscoped().count(),
        AuditEntry.objects.count(),
    )
    assert after[:2] == before[:2]
    # The only trace is the audit line saying that an import ran (and wrote nothing).
    assert after[2] == before[2] + 1
    assert AuditEntry.objects.order_by("-pk").first().action == "import"


def test_demo_sign_ins_exist_for_every_role(demo_province):
    roles = {role for _, role, _, _ in DEMO_USERS}
    assert roles == {"admin", "manager", "editor", "viewer", "news_editor"}
    for username, role, unit, _ in DEMO_USERS:
        user = User.objects.get(username=username)
        assert (user.role, user.unit.code) == (role, unit)
        assert user.check_password(DEMO_PASSWORD)
