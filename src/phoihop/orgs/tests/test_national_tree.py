"""The national tree: Tổng LĐLĐ above the province federations, Trung ương above the provincial Party
organisations above the bloc committees; a national program reported by province; the 2025 provincial
mergers written as transfers, leaving every earlier report as it was."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from phoihop.accounts.scope import scope_of_unit
from phoihop.orgs import selectors, services
from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Unit
from phoihop.records.models import Person, Program
from phoihop.reports.assemble import build_report

pytestmark = pytest.mark.django_db


def _unit(code, kind, parent=None, founded=date(2000, 1, 1)):
    return Unit.objects.create(
        code=code, name=code, kind=kind, parent=Unit.objects.filter(code=parent).first(), founded_on=founded
    )


@pytest.fixture
def nation():
    _unit("TLD", "tong_ldld", founded=date(1929, 7, 28))
    _unit("TW", "trung_uong", founded=date(1930, 2, 3))
    for province in ("LAOCAI", "YENBAI"):
        _unit(f"LDLD-{province}", "ldld_tinh", "TLD")
        _unit(f"LDLD-{province}-H1", "ldld_huyen", f"LDLD-{province}")
        _unit(f"CDCS-{province}-1", "cdcs", f"LDLD-{province}-H1")
        _unit(f"TU-{province}", "dang_bo_tinh", "TW")
        _unit(f"DUK-{province}", "dang_uy_khoi", f"TU-{province}")
        _unit(f"CB-{province}-1", "chi_bo_co_so", f"DUK-{province}")
    rebuild_closure()
    for province, joined in (("LAOCAI", [2019, 2024, 2025]), ("YENBAI", [2018, 2024, 2025, 2025])):
        for i, year in enumerate(joined):
            Person.objects.create(
                code=f"P-{province}-{i}",
                full_name=f"Người {i}",
                grassroots_union=Unit.objects.get(code=f"CDCS-{province}-1"),
                union_joined_on=date(year, 9, 1),
            )
    Program.objects.create(
        code="CTPH-QG",
        name="Chương trình phối hợp toàn quốc",
        starts_on=date(2018, 1, 1),
        ends_on=date(2025, 12, 31),
        union_root=Unit.objects.get(code="TLD"),
        party_root=Unit.objects.get(code="TW"),
    )
    Program.objects.create(
        code="CTPH-LC",
        name="Chương trình Lào Cai",
        starts_on=date(2018, 1, 1),
        ends_on=date(2025, 12, 31),
        union_root=Unit.objects.get(code="LDLD-LAOCAI"),
        party_root=Unit.objects.get(code="DUK-LAOCAI"),
    )


def _report(**kwargs) -> str:
    report = build_report(**kwargs)
    report.pop("generated_at")
    return json.dumps(report, sort_keys=True, ensure_ascii=False)


def test_national_kinds_stand_above_the_provinces(nation):
    day = date(2024, 1, 1)
    assert selectors.parent_on(Unit.objects.get(code="LDLD-LAOCAI"), on=day).code == "TLD"
    assert selectors.parent_on(Unit.objects.get(code="DUK-YENBAI"), on=day).code == "TU-YENBAI"
    assert selectors.parent_on(Unit.objects.get(code="TU-YENBAI"), on=day).code == "TW"
    under_tw = {u.code for u in selectors.units_under(Unit.objects.get(code="TW"), on=day)}
    assert {"TU-LAOCAI", "DUK-LAOCAI", "CB-LAOCAI-1", "CB-YENBAI-1"} <= under_tw


def test_province_federation_under_the_national_one_is_no_root_for_unitless_rows(nation):
    assert scope_of_unit(Unit.objects.get(code="TLD")).holds_root
    assert not scope_of_unit(Unit.objects.get(code="LDLD-LAOCAI")).holds_root


def test_a_bloc_committee_may_be_founded_under_a_province_party_organisation_not_under_the_nation(nation):
    tu = Unit.objects.get(code="TU-LAOCAI")
    made = services.create_unit(
        actor=None,
        parent=tu,
        code="DUK-LC-2",
        name="Đảng ủy Khối 2",
        kind="dang_uy_khoi",
        founded_on=date(2020, 1, 1),
    )
    assert selectors.parent_on(made, on=date(2021, 1, 1)).code == "TU-LAOCAI"
    with pytest.raises(ValidationError):
        services.create_unit(
            actor=None,
            parent=Unit.objects.get(code="TW"),
            code="DUK-LC-3",
            name="Đảng ủy Khối 3",
            kind="dang_uy_khoi",
            founded_on=date(2020, 1, 1),
        )
    with pytest.raises(ValidationError):
        services.create_unit(
            actor=None, parent=tu, code="TLD-2", name="x", kind="tong_ldld", founded_on=date(2020, 1, 1)
        )


def test_national_program_is_reported_by_province(nation):
    report = build_report(program_code="CTPH-QG", date_from="2024-01-01", date_to="2024-12-31")
    assert report["scope"] == ["TLD", "TW"]
    assert report["indicators"]["union.members_admitted"]["by_unit"] == {"LDLD-LAOCAI": 1, "LDLD-YENBAI": 1}


def test_yen_bai_merged_into_lao_cai_from_july_2025_leaves_earlier_reports_unchanged(nation):
    earlier = [
        dict(program_code="CTPH-QG"),
        dict(program_code="CTPH-QG", date_from="2018-01-01", date_to="2025-06-30"),
        dict(program_code="CTPH-LC", date_from="2018-01-01", date_to="2025-06-30"),
        dict(program_code="CTPH-QG", date_from="2024-01-01", date_to="2024-12-31", scope_code="LDLD-YENBAI"),
    ]
    before = [_report(**kw) for kw in earlier]
    laocai, yenbai = Unit.objects.get(code="LDLD-LAOCAI"), Unit.objects.get(code="LDLD-YENBAI")
    services.merge_unit(actor=None, unit=yenbai, target=laocai, on=date(2025, 6, 30))
    services.merge_unit(
        actor=None,
        unit=Unit.objects.get(code="TU-YENBAI"),
        target=Unit.objects.get(code="TU-LAOCAI"),
        on=date(2025, 6, 30),
    )

    assert [_report(**kw) for kw in earlier[1:]] == before[1:]
    july = date(2025, 7, 1)
    assert selectors.parent_on(Unit.objects.get(code="LDLD-YENBAI-H1"), on=july).code == "LDLD-LAOCAI"
    assert selectors.parent_on(Unit.objects.get(code="DUK-YENBAI"), on=july).code == "TU-LAOCAI"
    assert "CDCS-YENBAI-1" in {u.code for u in selectors.units_under(laocai, on=july)}
    assert "CDCS-YENBAI-1" not in {u.code for u in selectors.units_under(laocai, on=date(2025, 6, 30))}
    # The whole program: Yên Bái's 2018–2024 members stay Yên Bái's; its two of September 2025 are Lào Cai's.
    whole = build_report(program_code="CTPH-QG")["indicators"]["union.members_admitted"]["by_unit"]
    assert whole == {"LDLD-LAOCAI": 3 + 2, "LDLD-YENBAI": 2}
    lc = build_report(program_code="CTPH-LC", date_from="2025-07-01", date_to="2025-12-31")
    assert lc["indicators"]["union.members_admitted"]["value"] == 3
