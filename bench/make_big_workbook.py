#!/usr/bin/env python3
"""make_big_workbook.py [FOLDER] [--people N] [--seed S] [--xlsx FILE]

Writes a large standard workbook (spec: /work/shared/spec/workbook.md) as a folder of UTF-8 CSV files,
one per sheet, header = the sheet's column keys — the layout `phoihop import FOLDER` and the floor
`raw_load.py FOLDER DB` both read. With --xlsx it also writes the same rows as one .xlsx file.

Default: 50,000 people (memberships are columns of `nguoi`) and about 27,000 other rows (units,
enterprises, transfers, referrals, classes and trainees, admissions, works, initiatives with authors,
contest entries, awards, culture, democracy, welfare, programs, targets). Fixed seed: the same
arguments always write the same bytes. The rows are valid for import and raise no warning, and they
carry the variety a real import parses: both date forms, grouped money, yes/no marks, dissolved and
merged units, transfers between districts, units outside the bloc.

Runs with the project's virtualenv (it borrows the demo's name lists and CSV writer, whose columns are
the workbook's sheet declarations, so Django is set up), no database.
"""

import argparse
import os
import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
# The demo's helpers read the workbook's sheet declarations (models): Django is set up, no database opened.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phoihop.settings")
django.setup()

from phoihop.demo.generator import ROW_FIELDS, write_csv_workbook  # noqa: E402
from phoihop.demo.names import DISTRICTS, ETHNIC_MIX, FAMILY, GIVEN, MIDDLE, SECTORS  # noqa: E402

DEFAULT_FOLDER = Path(tempfile.gettempdir()) / "phoihop-bench" / "workbook-50k"
PEOPLE = 50_000
SEED = 20250
LAST_DAY = date(2025, 12, 31)
TRANSFER_DAY = date(2022, 7, 1)
OWNERSHIP = [("nha_nuoc", 10), ("ngoai_nha_nuoc", 70), ("fdi", 10), ("hop_tac_xa", 10)]
AWARD_FORMS = ["bang_khen", "giay_khen", "co_thi_dua", "huan_chuong", "bang_lao_dong_sang_tao"]
INDICATORS = ["union.members_admitted", "union.grassroots_founded", "union.outstanding_referred"]


class Big:
    """Builds the rows of every sheet; `scale` = people / 50,000 sizes the other sheets."""

    def __init__(self, people: int, seed: int):
        self.rng = random.Random(seed)
        self.n_people = people
        self.scale = people / PEOPLE
        self.rows: dict[str, list[dict]] = {k: [] for k in ROW_FIELDS}
        self.units: dict[str, dict] = {}  # code → {kind, founded, dissolved, enterprise, area}
        self.enterprise_party: dict[str, str] = {}  # enterprise code → its party unit

    # ---- helpers -----------------------------------------------------------------------------
    def n(self, count: int) -> int:
        return max(1, round(count * self.scale))

    def day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange(max(1, (end - start).days + 1)))

    def show_day(self, day: date | None) -> str:
        """Mostly ISO, sometimes DD/MM/YYYY: both forms the spec accepts."""
        if day is None:
            return ""
        return day.strftime("%d/%m/%Y") if self.rng.random() < 0.2 else day.isoformat()

    def show_money(self, amount: int) -> str:
        return f"{amount:,}".replace(",", ".") if self.rng.random() < 0.3 else str(amount)

    def unit(self, code, name, kind, parent="", *, founded, enterprise="", area="", dissolved=None):
        self.units[code] = {
            "kind": kind,
            "founded": founded,
            "dissolved": dissolved,
            "enterprise": enterprise,
            "area": area,
        }
        self.rows["don_vi"].append(
            {
                "ma_don_vi": code,
                "ten": name,
                "loai": kind,
                "ma_cap_tren": parent,
                "ma_doanh_nghiep": enterprise,
                "dia_ban": area,
                "ngay_thanh_lap": self.show_day(founded),
                "ngay_giai_the": self.show_day(dissolved),
                "ma_don_vi_tiep_nhan": "",
            }
        )

    def last_day(self, code: str) -> date:
        dissolved = self.units[code]["dissolved"]
        return min(dissolved, LAST_DAY) if dissolved else LAST_DAY

    # ---- organisations -------------------------------------------------------------------------
    def build_units(self) -> None:
        rng = self.rng
        self.unit("LDLD-T", "Liên đoàn Lao động tỉnh", "ldld_tinh", founded=date(1960, 1, 1))
        self.unit(
            "DUK-T", "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh", "dang_uy_khoi", founded=date(1960, 1, 1)
        )
        self.districts = []
        for code, area, committee in DISTRICTS:
            self.unit(
                f"LDLD-H-{code}",
                f"Liên đoàn Lao động {area}",
                "ldld_huyen",
                "LDLD-T",
                founded=date(1975, 1, 1),
                area=area,
            )
            self.unit(f"HU-{code}", committee, "dang_uy_khac", founded=date(1960, 1, 1), area=area)
            self.districts.append((code, area))
        for code, name in SECTORS:
            self.unit(code, name, "cd_nganh", "LDLD-T", founded=date(1980, 1, 1))
        kinds, weights = zip(*OWNERSHIP, strict=True)
        self.enterprises = []
        for i in range(1, self.n(900) + 1):
            code = f"DN-{i:05d}"
            ownership = rng.choices(kinds, weights)[0]
            district, area = rng.choice(self.districts)
            self.enterprises.append((code, district, area))
            self.rows["doanh_nghiep"].append(
                {
                    "ma_doanh_nghiep": code,
                    "ten": f"Công ty số {i} {area}",
                    "ma_so_thue": f"{5300000000 + i * 7:010d}" + ("-001" if i % 13 == 0 else ""),
                    "loai_hinh": ownership,
                    "dia_ban": area,
                    "so_lao_dong": str(rng.randint(10, 2500)),
                }
            )
        self.cdcs = []
        for i, (ent, district, area) in enumerate(self.enterprises[: self.n(700)], start=1):
            parent = f"LDLD-H-{district}" if rng.random() < 0.85 else rng.choice(["CDN-CT", "CD-KKT"])
            code = f"CDCS-DN-{i:05d}"
            self.unit(
                code,
                f"Công đoàn cơ sở {ent}",
                "cdcs",
                parent,
                founded=self.day(date(2003, 1, 1), date(2024, 6, 30)),
                enterprise=ent,
                area=area,
            )
            self.cdcs.append(code)
        for i in range(1, self.n(400) + 1):
            district, area = rng.choice(self.districts)
            parent = f"LDLD-H-{district}" if rng.random() < 0.6 else rng.choice(SECTORS)[0]
            code = f"CDCS-CQ-{i:05d}"
            self.unit(
                code,
                f"Công đoàn cơ quan số {i}",
                "cdcs",
                parent,
                founded=self.day(date(1990, 1, 1), date(2022, 12, 31)),
                area=area,
            )
            self.cdcs.append(code)
        # Dissolutions and mergers: some enterprise unions end; half are taken over by another union.
        ended = rng.sample(self.cdcs[: self.n(700)], self.n(40))
        by_code = {r["ma_don_vi"]: r for r in self.rows["don_vi"]}
        for code in ended:
            info = self.units[code]
            start = max(info["founded"] + timedelta(days=400), date(2019, 1, 1))
            info["dissolved"] = self.day(start, max(start, date(2024, 12, 31)))
            by_code[code]["ngay_giai_the"] = self.show_day(info["dissolved"])
            if rng.random() < 0.5:
                by_code[code]["ma_don_vi_tiep_nhan"] = rng.choice([c for c in self.cdcs if c not in ended])
        # Transfers: unions moved to another district federation in mid-2022.
        movable = [
            c for c in self.cdcs if not self.units[c]["dissolved"] and self.units[c]["founded"] < TRANSFER_DAY
        ]
        for code in rng.sample(movable, self.n(150)):
            district, _ = rng.choice(self.districts)
            self.rows["dieu_chuyen"].append(
                {
                    "ma_don_vi": code,
                    "ngay_hieu_luc": self.show_day(TRANSFER_DAY),
                    "ma_cap_tren_moi": f"LDLD-H-{district}",
                    "so_quyet_dinh": f"{rng.randint(100, 999)}/QĐ-LĐLĐ",
                }
            )
        self.party = []
        for i, (ent, _district, area) in enumerate(
            rng.sample(self.enterprises[: self.n(700)], self.n(250)), start=1
        ):
            code = f"DB-DN-{i:05d}"
            kind = "chi_bo_co_so" if rng.random() < 0.8 else "dang_bo_co_so"
            self.unit(
                code,
                f"{'Chi bộ' if kind == 'chi_bo_co_so' else 'Đảng bộ'} {ent}",
                kind,
                "DUK-T",
                founded=self.day(date(2008, 1, 1), date(2024, 6, 30)),
                enterprise=ent,
                area=area,
            )
            self.party.append(code)
            self.enterprise_party[ent] = code
        for i in range(1, self.n(60) + 1):
            code = f"DB-CQ-{i:05d}"
            kind = rng.choice(["chi_bo_co_so", "dang_bo_co_so"])
            self.unit(
                code,
                f"Tổ chức đảng cơ quan số {i}",
                kind,
                "DUK-T",
                founded=self.day(date(1990, 1, 1), date(2015, 12, 31)),
            )
            self.party.append(code)
        committees = [c for c in self.party if self.units[c]["kind"] == "dang_bo_co_so"]
        for i in range(1, self.n(120) + 1):
            parent = rng.choice(committees)
            code = f"CB-TT-{i:05d}"
            self.unit(
                code,
                f"Chi bộ trực thuộc số {i}",
                "chi_bo_truc_thuoc",
                parent,
                founded=self.day(self.units[parent]["founded"], date(2024, 12, 31)),
            )
            self.party.append(code)
        for i in range(1, self.n(40) + 1):
            district, area = rng.choice(self.districts)
            code = f"CB-NK-{i:05d}"
            self.unit(
                code,
                f"Chi bộ ngoài khối số {i}",
                "chi_bo_co_so",
                f"HU-{district}",
                founded=self.day(date(1995, 1, 1), date(2020, 12, 31)),
                area=area,
            )

    # ---- people and the pipeline -------------------------------------------------------------------
    def build_people(self) -> None:
        rng = self.rng
        ethnicities, weights = zip(*ETHNIC_MIX, strict=True)
        self.members: list[tuple[str, str, date]] = []  # (person, union, joined)
        self.people = []
        owners = iter(rng.sample([e for e, _, _ in self.enterprises], self.n(300)))
        for i in range(1, self.n_people + 1):
            code = f"NV{i:07d}"
            gender = "nu" if rng.random() < 0.45 else "nam"
            ethnicity = rng.choices(ethnicities, weights)[0]
            name = f"{rng.choice(FAMILY[ethnicity])} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
            row = {
                "ma_nguoi": code,
                "ho_ten": name,
                "ngay_sinh": self.show_day(self.day(date(1962, 1, 1), date(2004, 12, 31))),
                "gioi_tinh": gender,
                "dan_toc": ethnicity,
                "ma_doanh_nghiep": "",
                "chu_doanh_nghiep": "",
                "ma_cdcs": "",
                "ngay_vao_cong_doan": "",
                "ngay_roi_cong_doan": "",
            }
            if rng.random() < 0.88:
                union = rng.choice(self.cdcs)
                info = self.units[union]
                joined = self.day(max(info["founded"], date(2010, 1, 1)), self.last_day(union))
                left = info["dissolved"] or (self.day(joined, LAST_DAY) if rng.random() < 0.05 else None)
                row |= {
                    "ma_doanh_nghiep": info["enterprise"],
                    "ma_cdcs": union,
                    "ngay_vao_cong_doan": self.show_day(joined),
                    "ngay_roi_cong_doan": self.show_day(left),
                }
                self.members.append((code, union, joined))
            elif rng.random() < 0.6:
                row["ma_doanh_nghiep"] = rng.choice(self.enterprises)[0]
            if i % (self.n_people // self.n(300) or 1) == 0:
                owned = next(owners, None)
                if owned:
                    row |= {"ma_doanh_nghiep": owned, "chu_doanh_nghiep": rng.choice(["x", "có", "1"])}
            self.people.append(code)
            self.rows["nguoi"].append(row)

    def party_unit_for(self, union: str, day: date) -> str:
        """The party unit of the union's enterprise when it existed that day, else an agency one."""
        own = self.enterprise_party.get(self.units[union]["enterprise"])
        if own and self.units[own]["founded"] <= day:
            return own
        agency = [c for c in self.party if c.startswith("DB-CQ")]
        return self.rng.choice(agency)

    def build_pipeline(self) -> None:
        rng = self.rng
        referred = rng.sample(self.members, self.n(6500))
        self.referrals: dict[str, date] = {}
        admitted = 0
        for person, union, joined in referred:
            day = self.day(joined, self.last_day(union))
            receiving = self.party_unit_for(union, day)
            self.rows["gioi_thieu"].append(
                {
                    "ma_nguoi": person,
                    "ngay_gioi_thieu": self.show_day(day),
                    "ma_don_vi_gioi_thieu": union,
                    "ma_to_chuc_dang": receiving if rng.random() < 0.9 else "",
                }
            )
            if rng.random() < 0.08 and day + timedelta(days=400) <= self.last_day(union):
                again = day + timedelta(days=rng.randint(370, 400))
                self.rows["gioi_thieu"].append(
                    {
                        "ma_nguoi": person,
                        "ngay_gioi_thieu": self.show_day(again),
                        "ma_don_vi_gioi_thieu": union,
                        "ma_to_chuc_dang": "",
                    }
                )
            if admitted < self.n(3800) and rng.random() < 0.6:
                admitted += 1
                on = day + timedelta(days=rng.randint(60, 720))
                full = on + timedelta(days=365)
                admission = {
                    "ma_nguoi": person,
                    "ngay_ket_nap": self.show_day(on),
                    "ma_to_chuc_dang": receiving,
                    "so_quyet_dinh": f"{rng.randint(1, 999)}-QĐ/ĐU",
                    "ngay_chinh_thuc": self.show_day(full if full <= date(2026, 6, 30) else None),
                }
                # An admission after the workbook's last day would be a date in the future, which the
                # record rules refuse: drawn all the same (every later draw stays), but not written.
                if on <= LAST_DAY:
                    self.rows["ket_nap"].append(admission)
        # Admissions without a referral (people outside the union), as real lists have.
        referred_codes = {p for p, _, _ in referred}
        others = [p for p in self.people[::7] if p not in referred_codes][: self.n(200)]
        for person in others:
            self.rows["ket_nap"].append(
                {
                    "ma_nguoi": person,
                    "ngay_ket_nap": self.show_day(self.day(date(2016, 1, 1), LAST_DAY)),
                    "ma_to_chuc_dang": rng.choice(self.party),
                    "so_quyet_dinh": "",
                    "ngay_chinh_thuc": "",
                }
            )

    def build_classes(self) -> None:
        rng = self.rng
        for i in range(1, self.n(120) + 1):
            code = f"LOP-{i:04d}"
            organiser = rng.choice([c for c in self.party if not c.startswith("CB-TT")])
            start = self.day(max(self.units[organiser]["founded"], date(2015, 1, 1)), LAST_DAY)
            self.rows["lop_boi_duong"].append(
                {
                    "ma_lop": code,
                    "ten_lop": f"Lớp bồi dưỡng nhận thức về Đảng khóa {i}",
                    "ma_don_vi_to_chuc": organiser,
                    "ngay_bat_dau": self.show_day(start),
                    "ngay_ket_thuc": self.show_day(start + timedelta(days=rng.randint(3, 10))),
                }
            )
            for person in rng.sample(self.people, rng.randint(20, 47)):
                self.rows["hoc_vien"].append({"ma_lop": code, "ma_nguoi": person})

    # ---- emulation, awards, yearly, welfare -----------------------------------------------------------
    def live_unit(self, pool: list[str], year: int) -> str | None:
        for _ in range(20):
            code = self.rng.choice(pool)
            info = self.units[code]
            if info["founded"].year <= year and not (info["dissolved"] and info["dissolved"].year < year):
                return code
        return None

    def build_emulation(self) -> None:
        rng = self.rng
        grassroots = self.cdcs + [c for c in self.party if not c.startswith("CB-TT")]
        for i in range(1, self.n(600) + 1):
            year = rng.randint(2015, 2025)
            self.rows["cong_trinh"].append(
                {
                    "ma_cong_trinh": f"CT-{i:05d}",
                    "ten": f"Công trình thi đua số {i}",
                    "ma_don_vi": self.live_unit(grassroots, year) or "LDLD-T",
                    "nam_dang_ky": str(year),
                    "phong_trao": "Lao động giỏi, lao động sáng tạo",
                }
            )
        for i in range(1, self.n(3500) + 1):
            year = rng.randint(2015, 2025)
            level = rng.choices(["", "co_so", "tinh", "toan_quoc"], [40, 50, 9, 1])[0]
            self.rows["sang_kien"].append(
                {
                    "ma_sang_kien": f"SK-{i:06d}",
                    "ten": f"Sáng kiến cải tiến số {i}",
                    "ma_don_vi": self.live_unit(self.cdcs, year) or "LDLD-T",
                    "nam": str(year),
                    "gia_tri_lam_loi": self.show_money(rng.randint(0, 50_000) * 1000),
                    "cap_cong_nhan": level,
                    "tac_gia": ";".join(rng.sample(self.people, rng.randint(0, 3))),
                }
            )
        for i in range(1, self.n(150) + 1):
            year = rng.choice([2016, 2018, 2020, 2022, 2024])
            level = "tinh" if rng.random() < 0.85 else "toan_quoc"
            self.rows["hoi_thi"].append(
                {
                    "ma_de_tai": f"HT-{i:05d}",
                    "ten": f"Đề tài sáng tạo kỹ thuật số {i}",
                    "hoi_thi": f"Hội thi Sáng tạo kỹ thuật {'tỉnh' if level == 'tinh' else 'toàn quốc'} {year}",
                    "cap": level,
                    "nam": str(year),
                    "ma_don_vi": (self.live_unit(self.cdcs, year) or "") if rng.random() < 0.9 else "",
                    "so_tac_gia": str(rng.randint(1, 6)),
                    "giai": rng.choice(["", "", "nhat", "nhi", "ba", "khuyen_khich"]),
                }
            )

    def build_awards(self) -> None:
        rng = self.rng
        for i in range(1, self.n(1500) + 1):
            year = rng.randint(2015, 2025)
            to_enterprise = rng.random() < 0.3
            row = {
                "ma_khen_thuong": f"KT-{i:05d}",
                "doi_tuong": "doanh_nghiep" if to_enterprise else "ca_nhan",
                "ma_doanh_nghiep": rng.choice(self.enterprises)[0] if to_enterprise else "",
                "ma_nguoi": "" if to_enterprise else rng.choice(self.people),
                "nguoi_dung_dau": "x" if not to_enterprise and rng.random() < 0.1 else "",
                "lao_dong_truc_tiep": "x" if not to_enterprise and rng.random() < 0.3 else "",
                "cap": rng.choice(["co_so", "tong_ldld", "ubnd_tinh", "nha_nuoc"]),
                "hinh_thuc": rng.choice(AWARD_FORMS),
                "nam": str(year),
                "ma_don_vi": (self.live_unit(self.cdcs, year) or "") if rng.random() < 0.9 else "",
            }
            self.rows["khen_thuong"].append(row)

    def build_yearly(self) -> None:
        rng = self.rng
        years = range(2017, 2025)
        with_party = sorted(self.enterprise_party)
        for ent in with_party[: self.n(200)]:
            for year in years:
                if rng.random() < 0.5:
                    self.rows["van_hoa"].append(
                        {"ma_doanh_nghiep": ent, "nam": str(year), "danh_hieu": "nep_song_van_hoa"}
                    )
        for code in [c for c in self.party if not c.startswith("CB-TT")][: self.n(190)]:
            for year in years:
                if self.units[code]["founded"].year <= year:
                    self.rows["dan_chu"].append(
                        {
                            "ma_don_vi": code,
                            "nam": str(year),
                            "da_thuc_hien": "x" if rng.random() < 0.85 else "",
                        }
                    )
        for i in range(1, self.n(1500) + 1):
            unit = rng.choice(self.cdcs)
            info = self.units[unit]
            self.rows["an_sinh"].append(
                {
                    "ma_dong_gop": f"AS-{i:06d}",
                    "ma_don_vi": unit,
                    "ngay": self.show_day(
                        self.day(max(info["founded"], date(2015, 1, 1)), self.last_day(unit))
                    ),
                    "so_tien": self.show_money(rng.randint(1, 500) * 1_000_000),
                    "noi_dung": rng.choice(
                        ["Mái ấm Công đoàn", "Ủng hộ đồng bào vùng lũ", "Quỹ vì người nghèo", "Tết sum vầy"]
                    ),
                }
            )

    def build_programs(self) -> None:
        for code, name, start, end in [
            (
                "CTPH-2017-2020",
                "Chương trình phối hợp giai đoạn 2017–2020",
                date(2017, 1, 1),
                date(2020, 12, 31),
            ),
            (
                "CTPH-2021-2025",
                "Chương trình phối hợp giai đoạn 2021–2025",
                date(2021, 1, 1),
                date(2025, 12, 31),
            ),
        ]:
            self.rows["chuong_trinh"].append(
                {
                    "ma_chuong_trinh": code,
                    "ten": name,
                    "tu_ngay": start.isoformat(),
                    "den_ngay": end.isoformat(),
                    "ma_don_vi_cong_doan": "LDLD-T",
                    "ma_don_vi_dang": "DUK-T",
                }
            )
        for district, _ in self.districts:
            for year in range(2017, 2026):
                for indicator in INDICATORS:
                    self.rows["chi_tieu"].append(
                        {
                            "ma_chi_tieu": indicator,
                            "ma_don_vi": f"LDLD-H-{district}",
                            "nam": str(year),
                            "gia_tri": str(self.rng.randint(5, 400)),
                        }
                    )

    def build(self) -> dict[str, list[dict]]:
        self.build_units()
        self.build_people()
        self.build_pipeline()
        self.build_classes()
        self.build_emulation()
        self.build_awards()
        self.build_yearly()
        self.build_programs()
        return self.rows


def build_rows(people: int = PEOPLE, seed: int = SEED) -> dict[str, list[dict]]:
    return Big(people, seed).build()


def write_xlsx(rows: dict[str, list[dict]], path: Path) -> Path:
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    for sheet, fields in ROW_FIELDS.items():
        ws = book.add_worksheet(sheet)
        ws.write_row(0, 0, fields)
        for r, row in enumerate(rows.get(sheet, []), start=1):
            ws.write_row(r, 0, [row.get(f, "") for f in fields])
    book.close()
    return path


def make(folder: Path = DEFAULT_FOLDER, *, people: int = PEOPLE, seed: int = SEED, xlsx: Path | None = None):
    """Write the CSV folder (and the .xlsx when asked); returns {sheet: row count}."""
    rows = build_rows(people, seed)
    write_csv_workbook(rows, folder)
    if xlsx:
        write_xlsx(rows, xlsx)
    return {k: len(rows.get(k, [])) for k in ROW_FIELDS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--xlsx", type=Path, help="also write the rows as this .xlsx file")
    args = parser.parse_args()
    counts = make(args.folder, people=args.people, seed=args.seed, xlsx=args.xlsx)
    for sheet, n in counts.items():
        print(f"{sheet:<16}{n:>8}")
    other = sum(n for k, n in counts.items() if k != "nguoi")
    print(f"{'people':<16}{counts['nguoi']:>8}\n{'other rows':<16}{other:>8}\n→ {args.folder}")


if __name__ == "__main__":
    main()
