"""The demo province: Lào Cai's federation and bloc party committee, 2017–2025, as a standard workbook.

Generated from a fixed seed so that every run writes the same workbook. Every figure of the 2017–2020
review (indicators.md, last column) holds by construction — the `TARGETS` below — and the records carry
the noise a correct report must ignore: other years, units outside both trees, a unit taken in from
another province, dissolved and merged units, admissions without a referral and referrals after one.
"""

import csv
import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from phoihop.orgs.closure import parent_intervals
from phoihop.workbook.sheets import SHEETS

from .names import (
    AGENCIES,
    BUSINESS,
    DISTRICTS,
    ETHNIC_MIX,
    FAMILY,
    GIVEN,
    MIDDLE,
    OWNERSHIP_FORMS,
    PLACES,
    SECTORS,
)

P_FROM, P_TO = date(2017, 1, 1), date(2020, 12, 31)
P2_FROM, P2_TO = date(2021, 1, 1), date(2025, 12, 31)
REORG = date(2025, 6, 30)  # district federations end; their grassroots unions move up the next day
TODAY = date(2026, 11, 20)

# The figures of the 2017–2020 review the demo must reproduce.
TARGETS = {
    "grassroots_by_year": {2017: 15, 2018: 17, 2019: 16, 2020: 16},  # 64
    "members_by_year": {2017: 1480, 2018: 1530, 2019: 1560, 2020: 1495},  # 6,065
    "referred": 7675,
    "referred_admitted": 4884,
    "cells_in_enterprises_by_year": {2017: 2, 2018: 3, 2019: 3, 2020: 2},  # 10
    "admitted_in_enterprises": 202,
    "owners_admitted": 5,
    "class_sizes": [95, 88, 90, 85, 80, 92, 78, 86, 90, 79, 80],  # 11 classes, 943 trainees
    "trainees_state": 415,
    "trainees_non_state": 270,  # 685 from enterprises
    "works_by_year": {2017: 10, 2018: 11, 2019: 10, 2020: 11},  # 42
    "initiatives_by_year": {2017: 1420, 2018: 1490, 2019: 1512, 2020: 1512},  # 5,934
    "initiatives_value": 17_348_500_000,
    "initiatives_provincial": 273,
    "provincial_contest": [
        (2018, 15, 52),
        (2020, 17, 62),
    ],  # (year, entries, authors): 32 entries, 114 authors
    "national_contest": [
        (2018, ["nhi", "khuyen_khich", ""]),
        (2020, ["khuyen_khich", "khuyen_khich", "khuyen_khich", ""]),
    ],
    "creative_labour": 26,
    "awarded_enterprises": 45,
    "awarded_heads": 24,
    "individual_awards": 250,
    "direct_worker_awards": 71,  # 28.4 %
    "welfare": 175_386_250_000,
}

# The columns of every sheet, in the standard workbook's order: the workbook's own declarations
# (`workbook.sheets.SHEETS`), never a second list. A row carrying a key no sheet declares is an error.
ROW_FIELDS = {sheet.key: [column.key for column in sheet.columns] for sheet in SHEETS}


def _d(day: date | None) -> str:
    return day.isoformat() if day else ""


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` positive-ish integers that add up exactly."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


class Unit:
    def __init__(
        self,
        code,
        name,
        kind,
        parent,
        enterprise=None,
        area="",
        founded=None,
        dissolved=None,
        merged_into=None,
    ):
        self.code, self.name, self.kind, self.parent = code, name, kind, parent
        self.enterprise, self.area, self.founded, self.dissolved = enterprise, area, founded, dissolved
        self.merged_into = merged_into
        self.moves: list[tuple[date, str]] = []
        self._intervals = None  # (the facts they were derived from, parent intervals)

    def exists_on(self, day: date) -> bool:
        return (self.founded is None or self.founded <= day) and (
            self.dissolved is None or day <= self.dissolved
        )

    def parent_on(self, day: date) -> str | None:
        """The parent on `day`, read the way the database's dated tree reads it: the unit's parent
        intervals from `orgs.closure.parent_intervals` (the function that derives `UnitClosure`), over
        the rows this unit will be written as (`ma_cap_tren`, then each `dieu_chuyen` from its date on).
        `demo/tests/test_demo_tree.py` checks it against `orgs.selectors.parent_on` on the loaded demo."""
        facts = (self.parent, self.founded, len(self.moves))  # moves are only ever appended
        if self._intervals is None or self._intervals[0] != facts:  # derived again after a move
            transfers = [(self.code, when, new) for when, new in self.moves]
            self._intervals = (facts, parent_intervals([(self.code, self.parent, self.founded)], transfers))
        for interval in self._intervals[1]:
            if interval.valid_from <= day < interval.valid_to:
                return interval.parent_id
        return None


class DemoBuilder:
    def __init__(self, seed: int = 2017):
        self.rng = random.Random(seed)
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.units: dict[str, Unit] = {}
        self.enterprises: dict[str, dict] = {}
        self.people: dict[str, dict] = {}
        self.admitted: set[str] = set()
        self._seq = defaultdict(int)

    # ---- small helpers ----------------------------------------------------------------------------
    def next_code(self, prefix: str, width: int = 5) -> str:
        self._seq[prefix] += 1
        return f"{prefix}-{self._seq[prefix]:0{width}d}"

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def add_unit(self, unit: Unit) -> Unit:
        self.units[unit.code] = unit
        return unit

    def in_province(self, unit: Unit, day: date) -> bool:
        """Whether the unit stood under LDLD-LC or DUK-LC on `day` (following parents and moves)."""
        seen = 0
        current: Unit | None = unit
        while current is not None and seen < 10:
            if current.code in ("LDLD-LC", "DUK-LC"):
                return True
            parent = current.parent_on(day)
            current = self.units.get(parent) if parent else None
            seen += 1
        return False

    def person(self, *, enterprise=None, union=None, joined=None, owner=False, born_before=2000) -> str:
        rng = self.rng
        ethnicity = rng.choices([e for e, _ in ETHNIC_MIX], weights=[w for _, w in ETHNIC_MIX])[0]
        gender = rng.choice(["nam", "nu"])
        name = f"{rng.choice(FAMILY[ethnicity])} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
        code = self.next_code("LC-NG", 6)
        self.people[code] = {
            "ma_nguoi": code,
            "ho_ten": name,
            "ngay_sinh": _d(self.day_between(date(1962, 1, 1), date(born_before, 12, 31))),
            "gioi_tinh": gender,
            "dan_toc": ethnicity,
            "ma_doanh_nghiep": enterprise or "",
            "chu_doanh_nghiep": "x" if owner else "",
            "ma_cdcs": union or "",
            "ngay_vao_cong_doan": _d(joined),
            "ngay_roi_cong_doan": "",
        }
        return code

    # ---- the organisation -------------------------------------------------------------------------
    def build_enterprises(self) -> None:
        rng = self.rng
        mix = ["nha_nuoc"] * 25 + ["ngoai_nha_nuoc"] * 92 + ["fdi"] * 10 + ["hop_tac_xa"] * 15
        rng.shuffle(mix)
        # The first 30 (party units before 2017) and 31–40 (cells founded 2017–2020) favour state and
        # non-state firms respectively; the rest is mixed.
        mix[:30] = ["nha_nuoc"] * 20 + ["ngoai_nha_nuoc"] * 10
        mix[30:40] = ["ngoai_nha_nuoc"] * 8 + ["fdi", "hop_tac_xa"]
        used = set()
        for i, ownership in enumerate(mix, start=1):
            while True:
                name = f"{rng.choice(OWNERSHIP_FORMS[ownership])} {rng.choice(BUSINESS)} {rng.choice(PLACES)}"
                if name not in used:
                    used.add(name)
                    break
            district = DISTRICTS[i % len(DISTRICTS)]
            code = f"DN-{i:03d}"
            self.enterprises[code] = {
                "ma_doanh_nghiep": code,
                "ten": name,
                "ma_so_thue": f"53{rng.randint(0, 99_999_999):08d}",
                "loai_hinh": ownership,
                "dia_ban": district[1],
                "so_lao_dong": rng.randint(15, 1500),
                "district": district[0],
            }

    def build_units(self) -> None:
        rng, add = self.rng, self.add_unit
        add(
            Unit(
                "LDLD-LC",
                "Liên đoàn Lao động tỉnh Lào Cai",
                "ldld_tinh",
                None,
                area="tỉnh Lào Cai",
                founded=date(1991, 10, 1),
            )
        )
        add(
            Unit(
                "DUK-LC",
                "Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh Lào Cai",
                "dang_uy_khoi",
                None,
                area="tỉnh Lào Cai",
                founded=date(2008, 5, 1),
            )
        )
        for key, name, _ in DISTRICTS:
            add(
                Unit(
                    f"LDLD-H-{key}",
                    f"Liên đoàn Lao động {name}",
                    "ldld_huyen",
                    "LDLD-LC",
                    area=name,
                    founded=date(1992, 1, 1),
                    dissolved=REORG,
                )
            )
        for code, name in SECTORS:
            add(Unit(code, name, "cd_nganh", "LDLD-LC", area="tỉnh Lào Cai", founded=date(1995, 1, 1)))
        # Party committees outside the bloc: the districts' own, which admit most referred members.
        for key, area, name in DISTRICTS:
            add(Unit(f"HU-{key}", name, "dang_uy_khac", None, area=area, founded=date(1991, 10, 1)))
            for j in range(1, 4):
                add(
                    Unit(
                        f"HU-{key}-DB{j}",
                        f"Đảng bộ xã {rng.choice(PLACES)} ({area})",
                        "dang_bo_co_so",
                        f"HU-{key}",
                        area=area,
                        founded=date(1995, 1, 1),
                    )
                )
        # The neighbouring province: outside both trees; one of its unions moves in on 1 July 2019.
        add(
            Unit(
                "LDLD-YB",
                "Liên đoàn Lao động tỉnh Yên Bái",
                "ldld_tinh",
                None,
                area="tỉnh Yên Bái",
                founded=date(1991, 10, 1),
            )
        )
        for j in range(1, 4):
            add(
                Unit(
                    f"CDCS-YB-{j}",
                    f"Công đoàn cơ sở Công ty Lục Yên {j}",
                    "cdcs",
                    "LDLD-YB",
                    area="Yên Bái",
                    founded=date(2012, 3, 1),
                )
            )
        self.units["CDCS-YB-3"].moves.append((date(2019, 7, 1), "LDLD-H-BATXAT"))

        ents = list(self.enterprises.values())

        def parent_for(ent: dict) -> str:
            return (
                "CD-KKT"
                if ent["district"] == "LAOCAI" and rng.random() < 0.3
                else f"LDLD-H-{ent['district']}"
            )

        def enterprise_union(ent: dict, founded) -> Unit:
            """The enterprise's grassroots union. `founded`: a date, or a function drawing one after the
            parent is drawn (the seed's order of draws decides every later figure)."""
            parent = parent_for(ent)
            day = founded() if callable(founded) else founded
            code = ent["ma_doanh_nghiep"]
            return add(
                Unit(
                    f"CDCS-{code}", f"Công đoàn cơ sở {ent['ten']}", "cdcs", parent, code, ent["dia_ban"], day
                )
            )

        # Grassroots unions in enterprises founded before 2017 (enterprises 1–70), and in agencies.
        for ent in ents[:70]:
            enterprise_union(ent, lambda: self.day_between(date(2003, 1, 1), date(2016, 11, 30)))
        for i, agency in enumerate(AGENCIES * 4, start=1):
            sector = SECTORS[i % 4][0]
            add(
                Unit(
                    f"CDCS-CQ-{i:03d}",
                    f"Công đoàn cơ sở {agency} ({i})",
                    "cdcs",
                    sector,
                    None,
                    "",
                    self.day_between(date(2000, 1, 1), date(2015, 12, 31)),
                )
            )
        # A union founded the day before the period, one the day after: neither counts for 2017–2020.
        enterprise_union(ents[70], date(2016, 12, 31))  # CDCS-DN-071
        # The 64 founded in 2017–2020, in enterprises 72–135, first on 1 Jan 2017 and last on 31 Dec 2020.
        pool = ents[71:135]
        k = 0
        for year, n in TARGETS["grassroots_by_year"].items():
            for _ in range(n):
                ent = pool[k]
                k += 1
                day = self.day_between(date(year, 1, 1), date(year, 12, 31))
                if k == 1:
                    day = P_FROM
                if k == 64:
                    day = P_TO
                enterprise_union(ent, day)
        for ent in ents[135:]:
            day = (
                date(2021, 1, 1)
                if ent is ents[135]
                else self.day_between(date(2021, 2, 1), date(2025, 5, 31))
            )
            enterprise_union(ent, day)
        # An enterprise closed in 2019 (its union dissolved), and a merger in 2020.
        self.units["CDCS-DN-005"].dissolved = date(2019, 9, 30)
        self.units["CDCS-DN-006"].dissolved = date(2020, 6, 30)
        self.units["CDCS-DN-006"].merged_into = "CDCS-DN-007"

        def enterprise_party_unit(ent: dict, founded: date, kind: str = "chi_bo_co_so") -> Unit:
            """The party unit of an enterprise, directly under the bloc committee."""
            code, label = ent["ma_doanh_nghiep"], "Đảng bộ" if kind == "dang_bo_co_so" else "Chi bộ"
            return add(
                Unit(f"DB-{code}", f"{label} {ent['ten']}", kind, "DUK-LC", code, ent["dia_ban"], founded)
            )

        # The bloc's grassroots party units.
        for ent in ents[:30]:
            kind = "dang_bo_co_so" if ent["loai_hinh"] == "nha_nuoc" else "chi_bo_co_so"
            enterprise_party_unit(ent, self.day_between(date(2008, 6, 1), date(2016, 6, 30)), kind)
        for i, agency in enumerate(AGENCIES[:8], start=1):
            add(
                Unit(
                    f"DB-CQ-{i:02d}",
                    f"Đảng bộ {agency}",
                    "dang_bo_co_so",
                    "DUK-LC",
                    None,
                    "",
                    self.day_between(date(2008, 6, 1), date(2012, 12, 31)),
                )
            )
        # Cells under an enterprise's party committee: they name no enterprise, their parent does.
        big = next(u for u in self.units.values() if u.kind == "dang_bo_co_so" and u.enterprise)
        for j in range(1, 3):
            add(
                Unit(
                    f"{big.code}-CB{j}",
                    f"Chi bộ phân xưởng {j} - {big.name}",
                    "chi_bo_truc_thuoc",
                    big.code,
                    None,
                    big.area,
                    big.founded + timedelta(days=200),
                )
            )
        add(
            Unit(
                f"{big.code}-CB3",
                f"Chi bộ phân xưởng 3 - {big.name}",
                "chi_bo_truc_thuoc",
                big.code,
                big.enterprise,
                big.area,
                date(2019, 4, 1),
            )
        )  # kind not counted among founded party units
        k = 30
        for year, n in TARGETS["cells_in_enterprises_by_year"].items():
            for _ in range(n):
                ent = ents[k]
                k += 1
                enterprise_party_unit(ent, self.day_between(date(year, 2, 1), date(year, 11, 30)))
        for ent in ents[40:44]:
            enterprise_party_unit(ent, self.day_between(date(2021, 3, 1), date(2024, 12, 31)))
        # A cell in an enterprise under a district party committee: outside the bloc.
        add(
            Unit(
                "HU-LAOCAI-CB-DN050",
                f"Chi bộ {ents[49]['ten']}",
                "chi_bo_co_so",
                "HU-LAOCAI",
                "DN-050",
                ents[49]["dia_ban"],
                date(2018, 8, 8),
            )
        )
        # The 2025 reorganisation: every grassroots union of a district federation moves up on 1 July 2025.
        for unit in list(self.units.values()):
            if unit.kind == "cdcs" and unit.exists_on(REORG + timedelta(days=1)):
                if (unit.parent_on(REORG) or "").startswith("LDLD-H-"):
                    unit.moves.append((REORG + timedelta(days=1), "LDLD-LC"))

    # ---- people and membership ----------------------------------------------------------------------
    def join(self, union: Unit, start: date, end: date) -> str:
        lo = max(start, union.founded or start)
        hi = min(end, union.dissolved or end)
        ent = union.enterprise
        return self.person(enterprise=ent, union=union.code, joined=self.day_between(lo, hi))

    def build_members(self) -> None:
        rng = self.rng
        lc = [u for u in self.units.values() if u.kind == "cdcs" and not u.code.startswith("CDCS-YB")]
        self.old_members = []
        for union in lc:
            if union.founded and union.founded < date(2016, 12, 1):
                for _ in range(rng.randint(25, 70)):
                    self.old_members.append(self.join(union, union.founded, date(2016, 12, 30)))
        # Boundary days: the day before and the day after the period.
        edge = self.units["CDCS-DN-001"]
        for day in (date(2016, 12, 31), date(2016, 12, 31), date(2021, 1, 1)):
            self.join(edge, day, day)
        self.new_members: list[str] = []
        for year, target in TARGETS["members_by_year"].items():
            start, end = date(year, 1, 1), date(year, 12, 31)
            count = target
            if year == 2020:  # the union taken in from Yên Bái counts from its transfer date
                for _ in range(12):
                    self.new_members.append(self.join(self.units["CDCS-YB-3"], date(2020, 1, 1), end))
                count -= 12
            pool = [
                u
                for u in lc
                if u.exists_on(start) or u.exists_on(end) or (u.founded and start <= u.founded <= end)
            ]
            for _ in range(count):
                self.new_members.append(self.join(rng.choice(pool), start, end))
        for j, n in ((1, 10), (2, 10), (3, 15)):  # Yên Bái members before the transfer: outside the province
            for _ in range(n):
                self.join(self.units[f"CDCS-YB-{j}"], date(2017, 1, 1), date(2019, 6, 30))
        self.later_members = []
        for _ in range(2600):
            union = rng.choice([u for u in lc if u.dissolved is None])
            self.later_members.append(self.join(union, date(2021, 1, 2), TODAY))
        for code in rng.sample(self.old_members, 180):  # some members left the union later
            self.people[code]["ngay_roi_cong_doan"] = _d(
                self.day_between(date(2018, 1, 1), date(2023, 12, 31))
            )

    # ---- the union → party pipeline ----------------------------------------------------------------
    def referral(self, person: str, day: date, unit: str, party: str = "") -> None:
        self.rows["gioi_thieu"].append(
            {
                "ma_nguoi": person,
                "ngay_gioi_thieu": _d(day),
                "ma_don_vi_gioi_thieu": unit,
                "ma_to_chuc_dang": party,
            }
        )

    def admission(self, person: str, day: date, party_unit: str) -> None:
        assert person not in self.admitted, person
        self.admitted.add(person)
        full = day + timedelta(days=365) if day + timedelta(days=365) <= TODAY else None
        self.rows["ket_nap"].append(
            {
                "ma_nguoi": person,
                "ngay_ket_nap": _d(day),
                "ma_to_chuc_dang": party_unit,
                "so_quyet_dinh": f"{self.rng.randint(100, 999)}-QĐ/ĐU",
                "ngay_chinh_thuc": _d(full),
            }
        )

    def district_party(self, person: str) -> str:
        union = self.units[self.people[person]["ma_cdcs"]]
        area_key = next((k for k, name, _ in DISTRICTS if name == union.area), "LAOCAI")
        return f"HU-{area_key}-DB{self.rng.randint(1, 3)}"

    def enterprise_party_units(self, day: date) -> list[str]:
        return sorted(
            u.code for u in self.units.values() if u.code.startswith("DB-DN") and u.exists_on(day)
        ) + [u.code for u in self.units.values() if u.kind == "chi_bo_truc_thuoc" and u.exists_on(day)]

    def build_pipeline(self) -> None:
        rng = self.rng
        referred: dict[str, date] = {}
        # 150 referred in 2016; 120 of them admitted in 2017: their referral predates the admission.
        early = rng.sample(self.old_members, 150)
        for person in early:
            day = self.day_between(date(2016, 3, 1), date(2016, 12, 20))
            self.referral(person, day, self.people[person]["ma_cdcs"])
        for person in early[:120]:
            self.admission(
                person, self.day_between(date(2017, 1, 10), date(2017, 12, 20)), self.district_party(person)
            )
        # 7,675 referred within the period by their grassroots union (a tenth by the district federation).
        candidates = [
            p
            for p in self.old_members + self.new_members
            if p not in set(early)
            and not self.people[p]["ma_cdcs"].startswith("CDCS-YB")
            and self.people[p]["ngay_vao_cong_doan"] < "2020-10-01"
        ]
        chosen = rng.sample(candidates, TARGETS["referred"])
        for person in chosen:
            row = self.people[person]
            union = self.units[row["ma_cdcs"]]
            start = max(date.fromisoformat(row["ngay_vao_cong_doan"]) + timedelta(days=60), P_FROM)
            end = min(P_TO, union.dissolved or P_TO)
            day = self.day_between(start, max(start, end))
            unit = union.code
            if rng.random() < 0.1 and (union.parent_on(day) or "").startswith("LDLD-H-"):
                unit = union.parent_on(day)
            referred[person] = day
            self.referral(person, day, unit, self.district_party(person))
        # Of them: 4,764 admitted within the period on or after their referral (so 4,884 with the 120),
        # 150 of those in party units of enterprises; 40 admitted before their referral; 300 admitted in 2021.
        in_enterprise = [p for p in chosen if self.people[p]["ma_doanh_nghiep"]]
        rng.shuffle(in_enterprise)
        ent_admitted = in_enterprise[:150]
        rest = [p for p in chosen if p not in set(ent_admitted)]
        rng.shuffle(rest)
        regular = rest[: TARGETS["referred_admitted"] - 120 - 150]
        before = [p for p in rest[len(regular) :] if referred[p] >= date(2017, 8, 1)][:40]
        later = [p for p in rest[len(regular) :] if p not in set(before)][:300]
        agency_units = [u for u in self.units if u.startswith("DB-CQ-")]
        for person in ent_admitted:
            day = self.day_between(referred[person], P_TO)
            self.admission(person, day, rng.choice(self.enterprise_party_units(day)))
        for i, person in enumerate(regular):
            day = self.day_between(referred[person], P_TO)
            self.admission(
                person, day, rng.choice(agency_units) if i % 3 == 0 else self.district_party(person)
            )
        for person in before:
            self.admission(
                person,
                self.day_between(P_FROM, referred[person] - timedelta(days=1)),
                self.district_party(person),
            )
        for person in later:
            self.admission(
                person, self.day_between(date(2021, 1, 5), date(2021, 12, 20)), self.district_party(person)
            )
        # 52 admitted in enterprises without any referral, 5 of them business owners (202 in all).
        for i in range(TARGETS["admitted_in_enterprises"] - 150):
            day = self.day_between(P_FROM, P_TO)
            unit = self.units[rng.choice(self.enterprise_party_units(day))]
            ent = unit.enterprise or self.units[unit.parent].enterprise
            person = self.person(enterprise=ent, owner=i < TARGETS["owners_admitted"])
            self.admission(person, day, unit.code)
        # Noise: enterprise admissions before and after the period, and in a cell outside the bloc.
        for day_range, n in (
            ((date(2016, 1, 1), date(2016, 12, 31)), 10),
            ((date(2021, 1, 1), date(2025, 12, 31)), 60),
        ):
            for i in range(n):
                day = self.day_between(*day_range)
                unit = self.units[rng.choice(self.enterprise_party_units(day))]
                ent = unit.enterprise or self.units[unit.parent].enterprise
                self.admission(self.person(enterprise=ent, owner=i < 2), day, unit.code)
        for _ in range(5):
            self.admission(
                self.person(enterprise="DN-050"),
                self.day_between(date(2019, 1, 1), date(2019, 12, 31)),
                "HU-LAOCAI-CB-DN050",
            )
        # Yên Bái's own referrals (outside the province) and the second program's.
        for person in [p for p, r in self.people.items() if r["ma_cdcs"] in ("CDCS-YB-1", "CDCS-YB-2")][:15]:
            self.referral(
                person, self.day_between(date(2018, 1, 1), date(2020, 6, 30)), self.people[person]["ma_cdcs"]
            )
        pool = [
            p for p in self.later_members + self.new_members if p not in referred and p not in self.admitted
        ]
        for person in rng.sample(pool, 1500):
            joined = date.fromisoformat(self.people[person]["ngay_vao_cong_doan"])
            day = self.day_between(max(joined + timedelta(days=60), date(2021, 1, 1)), TODAY)
            if day > TODAY:
                continue
            self.referral(person, day, self.people[person]["ma_cdcs"], self.district_party(person))
            if rng.random() < 0.45 and day < date(2026, 6, 1):
                self.admission(person, self.day_between(day, TODAY), self.district_party(person))

    def build_classes(self) -> None:
        rng = self.rng

        def owned(kind):
            return [
                p
                for p, r in self.people.items()
                if r["ma_doanh_nghiep"]
                and r["ma_cdcs"]
                and (self.enterprises[r["ma_doanh_nghiep"]]["loai_hinh"] == "nha_nuoc") == (kind == "state")
            ]

        agency = [
            p
            for p, r in self.people.items()
            if not r["ma_doanh_nghiep"] and r["ma_cdcs"].startswith("CDCS-CQ")
        ]
        state = rng.sample(owned("state"), TARGETS["trainees_state"] + 40)
        private = rng.sample(owned("non_state"), TARGETS["trainees_non_state"] + 40)
        staff = rng.sample(
            agency,
            sum(TARGETS["class_sizes"]) - TARGETS["trainees_state"] - TARGETS["trainees_non_state"] + 60,
        )
        n_state, n_private = TARGETS["trainees_state"], TARGETS["trainees_non_state"]
        trainees = (
            state[:n_state] + private[:n_private] + staff[: sum(TARGETS["class_sizes"]) - n_state - n_private]
        )
        spare = (
            state[n_state:] + private[n_private:] + staff[sum(TARGETS["class_sizes"]) - n_state - n_private :]
        )
        rng.shuffle(trainees)
        organisers = ["DUK-LC"] * 6 + [
            u for u in sorted(self.units) if u.startswith("DB-DN") and self.units[u].kind == "dang_bo_co_so"
        ][:5]
        days = sorted(self.day_between(P_FROM, date(2020, 11, 30)) for _ in TARGETS["class_sizes"])
        start = 0
        for i, (size, organiser, day) in enumerate(
            zip(TARGETS["class_sizes"], organisers, days, strict=True), 1
        ):
            code = f"LOP-{day.year}-{i:02d}"
            self.rows["lop_boi_duong"].append(
                {
                    "ma_lop": code,
                    "ten_lop": f"Lớp bồi dưỡng nhận thức về Đảng khóa {i}",
                    "ma_don_vi_to_chuc": organiser,
                    "ngay_bat_dau": _d(day),
                    "ngay_ket_thuc": _d(day + timedelta(days=5)),
                }
            )
            for person in trainees[start : start + size]:
                self.rows["hoc_vien"].append({"ma_lop": code, "ma_nguoi": person})
            start += size
        # Noise: a class that began before the period, one after it, one outside the bloc.
        for code, name, organiser, day, n in (
            ("LOP-2016-99", "Lớp bồi dưỡng cuối năm 2016", "DUK-LC", date(2016, 12, 20), 30),
            ("LOP-2021-01", "Lớp bồi dưỡng nhận thức về Đảng 2021", "DUK-LC", date(2021, 4, 12), 40),
            ("LOP-HU-2019", "Lớp bồi dưỡng của Huyện ủy Bát Xát", "HU-BATXAT", date(2019, 5, 6), 35),
        ):
            self.rows["lop_boi_duong"].append(
                {
                    "ma_lop": code,
                    "ten_lop": name,
                    "ma_don_vi_to_chuc": organiser,
                    "ngay_bat_dau": _d(day),
                    "ngay_ket_thuc": _d(day + timedelta(days=4)),
                }
            )
            for person in spare[:n]:
                self.rows["hoc_vien"].append({"ma_lop": code, "ma_nguoi": person})
            spare = spare[n:]

    # ---- emulation, awards, culture, democracy, welfare ---------------------------------------------
    def province_units(self, day: date) -> list[str]:
        return sorted(
            u.code
            for u in self.units.values()
            if u.exists_on(day)
            and self.in_province(u, day)
            and u.kind in ("cdcs", "ldld_huyen", "cd_nganh", "chi_bo_co_so", "dang_bo_co_so")
        )

    def build_emulation(self) -> None:
        rng = self.rng
        movements = [
            "Lao động giỏi, lao động sáng tạo",
            "Xanh - Sạch - Đẹp, bảo đảm an toàn vệ sinh lao động",
            "Giỏi việc nước, đảm việc nhà",
        ]
        kinds = ["Công trình chào mừng", "Sản phẩm thi đua", "Công trình thanh niên"]

        def work(year, unit):
            self.rows["cong_trinh"].append(
                {
                    "ma_cong_trinh": self.next_code(f"CT-{year}", 3),
                    "ten": f"{rng.choice(kinds)} {rng.choice(PLACES)} {year}",
                    "ma_don_vi": unit,
                    "nam_dang_ky": year,
                    "phong_trao": rng.choice(movements),
                }
            )

        for year, n in TARGETS["works_by_year"].items():
            units = self.province_units(date(year, 12, 31))
            for _ in range(n):
                work(year, rng.choice(units))
        for year, n in ((2016, 2), (2021, 3), (2022, 3), (2023, 3), (2024, 3)):
            for _ in range(n):
                work(year, rng.choice(self.province_units(date(year, 12, 31))))
        for _ in range(3):
            work(2018, "CDCS-YB-1")

        members = self.old_members + self.new_members
        chosen_rows = []

        def initiative(year, unit, value=0, level=""):
            row = {
                "ma_sang_kien": self.next_code(f"SK-{year}", 4),
                "ten": f"Cải tiến {rng.choice(['quy trình', 'thiết bị', 'dây chuyền', 'phương pháp'])} "
                f"{rng.choice(BUSINESS).lower()} {rng.randint(1, 99)}",
                "ma_don_vi": unit,
                "nam": year,
                "gia_tri_lam_loi": value,
                "cap_cong_nhan": level,
                "tac_gia": ";".join(rng.sample(members, rng.randint(1, 3))),
            }
            self.rows["sang_kien"].append(row)
            return row

        for year, n in TARGETS["initiatives_by_year"].items():
            units = self.province_units(date(year, 12, 31))
            for _ in range(n):
                chosen_rows.append(initiative(year, rng.choice(units), level=rng.choice(["", "co_so"])))
        for row in rng.sample(chosen_rows, TARGETS["initiatives_provincial"] + 6)[
            : TARGETS["initiatives_provincial"]
        ]:
            row["cap_cong_nhan"] = "tinh"
        for row in [r for r in chosen_rows if r["cap_cong_nhan"] != "tinh"][:6]:
            row["cap_cong_nhan"] = "toan_quoc"
        valued = rng.sample(chosen_rows, 2300)
        for row, share in zip(
            valued, _split(TARGETS["initiatives_value"] // 500_000, len(valued), rng), strict=True
        ):
            row["gia_tri_lam_loi"] = share * 500_000
        for year in (2016, 2021, 2022, 2023, 2024, 2025):
            units = self.province_units(date(year, 12, 31))
            for _ in range(20 if year == 2016 else 180):
                initiative(year, rng.choice(units), rng.randint(0, 40) * 1_000_000)
        for _ in range(25):
            initiative(2019, "CDCS-YB-2", 5_000_000)

        contest = {
            2018: "Hội thi Sáng tạo kỹ thuật tỉnh Lào Cai lần thứ V",
            2020: "Hội thi Sáng tạo kỹ thuật tỉnh Lào Cai lần thứ VI",
            2022: "Hội thi Sáng tạo kỹ thuật tỉnh Lào Cai lần thứ VII",
        }
        national = {
            2018: "Hội thi Sáng tạo kỹ thuật toàn quốc lần thứ XV",
            2020: "Hội thi Sáng tạo kỹ thuật toàn quốc lần thứ XVI",
        }

        def entry(year, level, name, unit, authors, prize=""):
            self.rows["hoi_thi"].append(
                {
                    "ma_de_tai": self.next_code(f"HT-{year}", 3),
                    "ten": f"Giải pháp {rng.choice(['tiết kiệm', 'tự động hóa', 'an toàn'])} "
                    f"{rng.choice(BUSINESS).lower()}",
                    "hoi_thi": name,
                    "cap": level,
                    "nam": year,
                    "ma_don_vi": unit,
                    "so_tac_gia": authors,
                    "giai": prize,
                }
            )

        for year, n, authors in TARGETS["provincial_contest"]:
            units = self.province_units(date(year, 12, 31))
            for i, k in enumerate(_split(authors - n, n, rng) if authors > n else [0] * n):
                entry(
                    year,
                    "tinh",
                    contest[year],
                    "" if i == 0 else rng.choice(units),
                    k + 1,
                    rng.choice(["nhat", "nhi", "ba", "khuyen_khich", ""]),
                )
        for year, prizes in TARGETS["national_contest"]:
            for prize in prizes:
                entry(
                    year,
                    "toan_quoc",
                    national[year],
                    rng.choice(self.province_units(date(year, 12, 31))),
                    rng.randint(1, 4),
                    prize,
                )
        for _ in range(12):
            entry(
                2022,
                "tinh",
                contest[2022],
                rng.choice(self.province_units(date(2022, 12, 31))),
                rng.randint(1, 5),
            )
        entry(2018, "tinh", "Hội thi Sáng tạo kỹ thuật tỉnh Yên Bái", "CDCS-YB-1", 3)

    def award(self, **row) -> None:
        base = {
            "ma_khen_thuong": self.next_code(f"KT-{row['nam']}", 4),
            "ma_doanh_nghiep": "",
            "ma_nguoi": "",
            "nguoi_dung_dau": "",
            "lao_dong_truc_tiep": "",
            "ma_don_vi": "",
        }
        self.rows["khen_thuong"].append(base | row)

    def build_awards(self) -> None:
        rng = self.rng
        years = list(TARGETS["members_by_year"])
        authors = [a for r in self.rows["sang_kien"] if r["nam"] in years for a in r["tac_gia"].split(";")]
        creative = rng.sample(sorted(set(authors)), TARGETS["creative_labour"])
        for i, person in enumerate(creative):
            self.award(
                doi_tuong="ca_nhan",
                ma_nguoi=person,
                lao_dong_truc_tiep="x" if i < 10 else "",
                cap="tong_ldld",
                hinh_thuc="bang_lao_dong_sang_tao",
                nam=rng.choice(years),
                ma_don_vi="LDLD-LC",
            )
        firms = rng.sample(sorted(self.enterprises), TARGETS["awarded_enterprises"])
        for i, firm in enumerate(firms + firms[:7]):
            self.award(
                doi_tuong="doanh_nghiep",
                ma_doanh_nghiep=firm,
                cap="ubnd_tinh" if i % 5 else "nha_nuoc",
                hinh_thuc=rng.choice(["bang_khen", "co_thi_dua"]) if i % 5 else "huan_chuong",
                nam=rng.choice(years),
                ma_don_vi=rng.choice(["LDLD-LC", "DUK-LC"]),
            )
        heads = []
        for firm in rng.sample(sorted(self.enterprises), TARGETS["awarded_heads"]):
            heads.append(self.person(enterprise=firm, owner=True, born_before=1985))
        for i, person in enumerate(heads + heads[:3]):
            self.award(
                doi_tuong="ca_nhan",
                ma_nguoi=person,
                nguoi_dung_dau="x",
                cap="ubnd_tinh" if i % 4 else "nha_nuoc",
                hinh_thuc="bang_khen",
                nam=rng.choice(years),
                ma_don_vi="DUK-LC",
            )
        others = TARGETS["individual_awards"] - TARGETS["creative_labour"] - TARGETS["awarded_heads"] - 3
        direct = TARGETS["direct_worker_awards"] - 10
        pool = rng.sample(self.old_members + self.new_members, others)
        for i, person in enumerate(pool):
            self.award(
                doi_tuong="ca_nhan",
                ma_nguoi=person,
                lao_dong_truc_tiep="x" if i < direct else "",
                cap=rng.choice(["co_so", "tong_ldld", "ubnd_tinh"]),
                hinh_thuc=rng.choice(["bang_khen", "giay_khen"]),
                nam=rng.choice(years),
                ma_don_vi=self.people[person]["ma_cdcs"] if i % 3 else "",
            )
        # Noise: lower-level enterprise awards, later years, and a neighbour's proposal.
        for firm in rng.sample(sorted(self.enterprises), 25):
            self.award(
                doi_tuong="doanh_nghiep",
                ma_doanh_nghiep=firm,
                cap=rng.choice(["co_so", "tong_ldld"]),
                hinh_thuc="giay_khen",
                nam=rng.choice(years),
                ma_don_vi="LDLD-LC",
            )
        for year in (2021, 2022, 2023, 2024, 2025):
            for firm in rng.sample(sorted(self.enterprises), 6):
                self.award(
                    doi_tuong="doanh_nghiep",
                    ma_doanh_nghiep=firm,
                    cap="ubnd_tinh",
                    hinh_thuc="bang_khen",
                    nam=year,
                    ma_don_vi="LDLD-LC",
                )
            for person in rng.sample(self.later_members, 30):
                self.award(
                    doi_tuong="ca_nhan",
                    ma_nguoi=person,
                    lao_dong_truc_tiep="x" if rng.random() < 0.35 else "",
                    cap="tong_ldld",
                    hinh_thuc="bang_khen",
                    nam=year,
                    ma_don_vi="LDLD-LC",
                )
        self.award(
            doi_tuong="doanh_nghiep",
            ma_doanh_nghiep="DN-140",
            cap="ubnd_tinh",
            hinh_thuc="bang_khen",
            nam=2019,
            ma_don_vi="CDCS-YB-1",
        )

    def build_yearly(self) -> None:
        rng = self.rng
        party_units = [
            u for u in self.units.values() if u.kind in ("chi_bo_co_so", "dang_bo_co_so") and u.enterprise
        ]
        for year in range(2017, 2026):
            end, start = date(year, 12, 31), date(year, 1, 1)
            firms = sorted(
                {
                    u.enterprise
                    for u in party_units
                    if u.exists_on(end)
                    or (u.dissolved and u.dissolved >= start and (u.founded or start) <= end)
                }
            )
            for firm in firms:
                if year >= 2022 and rng.random() < 0.04:
                    continue  # the second program's years are not all perfect
                self.rows["van_hoa"].append(
                    {"ma_doanh_nghiep": firm, "nam": year, "danh_hieu": "nep_song_van_hoa"}
                )
                if rng.random() < 0.3:
                    self.rows["van_hoa"].append(
                        {"ma_doanh_nghiep": firm, "nam": year, "danh_hieu": "dat_chuan_van_hoa"}
                    )
            for unit in self.units.values():
                if unit.kind not in ("cdcs", "chi_bo_co_so", "dang_bo_co_so"):
                    continue
                if (unit.founded or start) <= end and (unit.dissolved is None or unit.dissolved >= start):
                    done = not (year >= 2022 and rng.random() < 0.03)
                    self.rows["dan_chu"].append(
                        {"ma_don_vi": unit.code, "nam": year, "da_thuc_hien": "x" if done else "không"}
                    )
        for firm in ("DN-120", "DN-121"):  # recognised, but without a party unit: outside the denominator
            self.rows["van_hoa"].append(
                {"ma_doanh_nghiep": firm, "nam": 2018, "danh_hieu": "nep_song_van_hoa"}
            )

    def build_welfare(self) -> None:
        rng = self.rng
        purposes = [
            "Ủng hộ Quỹ Vì người nghèo",
            "Hỗ trợ đồng bào vùng lũ",
            "Xây nhà Mái ấm Công đoàn",
            "Tặng quà Tết cho công nhân khó khăn",
            "Ủng hộ phòng, chống dịch COVID-19",
            "Học bổng cho con công nhân",
        ]

        def give(day, unit, amount):
            self.rows["an_sinh"].append(
                {
                    "ma_dong_gop": self.next_code(f"AS-{day.year}", 4),
                    "ma_don_vi": unit,
                    "ngay": _d(day),
                    "so_tien": amount,
                    "noi_dung": rng.choice(purposes),
                }
            )

        shares = _split(TARGETS["welfare"] // 250_000, 480, rng)
        for i, share in enumerate(shares):
            day = P_FROM if i == 0 else P_TO if i == 1 else self.day_between(P_FROM, P_TO)
            give(day, rng.choice(self.province_units(day) + ["LDLD-LC", "DUK-LC"]), share * 250_000)
        give(date(2016, 12, 31), "LDLD-LC", 900_000_000)
        give(date(2021, 1, 1), "DUK-LC", 750_000_000)
        for _ in range(300):
            day = self.day_between(date(2021, 1, 1), TODAY)
            give(day, rng.choice(self.province_units(day) + ["LDLD-LC"]), rng.randint(4, 400) * 1_000_000)
        for _ in range(10):
            give(self.day_between(P_FROM, P_TO), "CDCS-YB-2", 50_000_000)

    def build_programs(self) -> None:
        self.rows["chuong_trinh"] += [
            {
                "ma_chuong_trinh": "CTPH-2017-2020",
                "ten": "Chương trình phối hợp giữa LĐLĐ tỉnh và Đảng ủy Khối giai đoạn 2017-2020",
                "tu_ngay": _d(P_FROM),
                "den_ngay": _d(P_TO),
                "ma_don_vi_cong_doan": "LDLD-LC",
                "ma_don_vi_dang": "DUK-LC",
            },
            {
                "ma_chuong_trinh": "CTPH-2021-2025",
                "ten": "Chương trình phối hợp giữa LĐLĐ tỉnh và Đảng ủy Khối giai đoạn 2021-2025",
                "tu_ngay": _d(P2_FROM),
                "den_ngay": _d(P2_TO),
                "ma_don_vi_cong_doan": "LDLD-LC",
                "ma_don_vi_dang": "DUK-LC",
            },
        ]
        # Targets sized to what a district achieves in a year, so the ranking spreads around 100%.
        rng = self.rng
        for year in (2021, 2022, 2023, 2024):
            founders = set(rng.sample([key for key, _, _ in DISTRICTS], 2))
            for key, _, _ in DISTRICTS:
                unit = f"LDLD-H-{key}"
                targets = [
                    ("union.members_admitted", rng.randint(3, 5) * 10),
                    ("union.outstanding_referred", rng.randint(1, 2) * 10),
                ]
                if key in founders:
                    targets.append(("union.grassroots_founded", 1))
                for code, value in targets:
                    self.rows["chi_tieu"].append(
                        {"ma_chi_tieu": code, "ma_don_vi": unit, "nam": year, "gia_tri": value}
                    )
        for code, value in (("union.members_admitted", 450), ("union.outstanding_referred", 300)):
            self.rows["chi_tieu"].append(
                {"ma_chi_tieu": code, "ma_don_vi": "LDLD-LC", "nam": 2025, "gia_tri": value}
            )

    # ---- members who moved between districts --------------------------------------------------------
    MOVES = 60  # members who joined in 2017–2020 and moved to another district's union in 2023–2024

    def build_moves(self) -> None:
        """Some members change jobs and unions in 2023–2024: each gets a `qua_trinh` row where they
        joined and one where they moved; `nguoi` holds where they are now. Drawn from a generator of
        its own, so every record built before stays exactly as it was (the 2017–2020 figures too)."""
        rng = random.Random(18)
        start, end = date(2023, 1, 1), date(2024, 12, 31)

        def district(union: Unit, day: date) -> str:
            return union.parent_on(day) or ""

        targets = [
            u
            for u in self.units.values()
            if u.kind == "cdcs" and u.exists_on(start) and u.exists_on(REORG) and self.in_province(u, end)
        ]
        # Bát Xát (the demo editor's district) sends some and receives some, so its lists show both.
        batxat = [u for u in targets if district(u, end) == "LDLD-H-BATXAT"]
        candidates = [c for c in self.new_members if not self.people[c]["ngay_roi_cong_doan"]]
        moved = 0
        self.moves_done: list[tuple[str, date, str, str]] = []
        for code in rng.sample(candidates, len(candidates)):
            if moved >= self.MOVES:
                break
            person = self.people[code]
            source = self.units[person["ma_cdcs"]]
            day = start + timedelta(days=rng.randint(0, (end - start).days))
            if not (source.exists_on(day) and district(source, day).startswith("LDLD-H-")):
                continue
            pool = batxat if moved % 4 == 0 and district(source, day) != "LDLD-H-BATXAT" else targets
            pool = [u for u in pool if district(u, day) != district(source, day) and u.exists_on(day)]
            if not pool:
                continue
            target = rng.choice(pool)
            joined = date.fromisoformat(person["ngay_vao_cong_doan"])
            workplace = target.enterprise or person["ma_doanh_nghiep"]
            self.rows["qua_trinh"] += [
                {
                    "ma_nguoi": code,
                    "tu_ngay": _d(joined),
                    "ma_cdcs": source.code,
                    "ma_doanh_nghiep": person["ma_doanh_nghiep"],
                    "ly_do": "vào công đoàn",
                },
                {
                    "ma_nguoi": code,
                    "tu_ngay": _d(day),
                    "ma_cdcs": target.code,
                    "ma_doanh_nghiep": workplace,
                    "ly_do": "chuyển sinh hoạt",
                },
            ]
            person["ma_cdcs"], person["ma_doanh_nghiep"] = target.code, workplace
            self.moves_done.append((code, day, source.code, target.code))
            moved += 1
        # Staff's own records of those moves (accepted), and three still waiting for Bát Xát's answer.
        self.rows["_chuyen_sinh_hoat"] = [
            {"ma_nguoi": c, "ngay": d, "tu": f, "den": t, "trang_thai": "nhan"}
            for c, d, f, t in self.moves_done
        ]
        waiting = [c for c in candidates if c not in {m[0] for m in self.moves_done}]
        for code in rng.sample(waiting, 40):
            if len(self.rows["_chuyen_sinh_hoat"]) >= len(self.moves_done) + 3:
                break
            source = self.units[self.people[code]["ma_cdcs"]]
            day = date(2026, 10, 1) + timedelta(days=rng.randint(0, 40))
            if not source.exists_on(day) or source.code in {u.code for u in batxat}:
                continue
            self.rows["_chuyen_sinh_hoat"].append(
                {
                    "ma_nguoi": code,
                    "ngay": day,
                    "tu": source.code,
                    "den": rng.choice(batxat).code,
                    "trang_thai": "cho",
                }
            )

    # ---- output -------------------------------------------------------------------------------------
    def build(self) -> dict[str, list[dict]]:
        self.build_enterprises()
        self.build_units()
        self.build_members()
        self.build_pipeline()
        self.build_classes()
        self.build_emulation()
        self.build_awards()
        self.build_yearly()
        self.build_welfare()
        self.build_programs()
        self.build_moves()
        rows = self.rows
        rows["doanh_nghiep"] = [
            {k: v for k, v in e.items() if k != "district"} for e in self.enterprises.values()
        ]
        rows["don_vi"] = [
            {
                "ma_don_vi": u.code,
                "ten": u.name,
                "loai": u.kind,
                "ma_cap_tren": u.parent or "",
                "ma_doanh_nghiep": u.enterprise or "",
                "dia_ban": u.area,
                "ngay_thanh_lap": _d(u.founded),
                "ngay_giai_the": _d(u.dissolved),
                "ma_don_vi_tiep_nhan": u.merged_into or "",
            }
            for u in self.units.values()
        ]
        rows["dieu_chuyen"] = [
            {
                "ma_don_vi": u.code,
                "ngay_hieu_luc": _d(day),
                "ma_cap_tren_moi": parent,
                "so_quyet_dinh": "1234/QĐ-LĐLĐ" if day.year == 2025 else "56/QĐ-TLĐ",
            }
            for u in self.units.values()
            for day, parent in sorted(u.moves)
        ]
        rows["nguoi"] = list(self.people.values())
        return dict(rows)


def build_demo_rows(seed: int = 2017) -> dict[str, list[dict]]:
    return DemoBuilder(seed).build()


def write_csv_workbook(rows: dict[str, list[dict]], folder: Path) -> Path:
    """One UTF-8 CSV per sheet, header = the sheet's column keys."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, fields in ROW_FIELDS.items():
        with open(folder / f"{sheet}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows.get(sheet, []))
    return folder
