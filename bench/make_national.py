#!/usr/bin/env python3
"""make_national.py [--people N] [--database-url URL] [--seed S]

Writes a national database straight into PostgreSQL with COPY (not through workbooks: at 10 M people a
workbook import is itself a benchmark, see import_bench.py): the two national roots (Tổng LĐLĐ, Trung
ương), 34 provinces — each a province federation with 10 district federations, 2 sector unions and
about 3,300 grassroots unions, and a provincial Party organisation with a bloc committee, another
committee and about 1,100 party cells — so about 150,000 units; 68,000 enterprises; N people (default
10,000,000) spread over the grassroots unions; referrals (3 %), training classes and enrolments,
admissions (1 %), initiatives, welfare contributions; 1 % of the grassroots unions moved to another
district in 2022; programs (one national 2021–2025 between the two roots, one per province) and targets
for every child unit, year and three indicators. Fixed seed: the same arguments write the same rows.

The schema comes from `phoihop migrate`; the data tables are emptied first; foreign-key triggers are
off during the load (session_replication_role); the secondary indexes of the data tables (every index
that does not back a primary-key or unique constraint) are dropped before the load and created again
from their saved definitions after it (a build from sorted data is several times faster than 10 M
inserts into a dozen indexes); the script checks at the end that every index is back. The rollups kept by
triggers (records migration 0006: the triggers are off during the load) are recounted. VACUUM (ANALYZE) at
the end. Progress goes to stdout with the elapsed time. Runs with the project's venv:

    nice -n 10 .venv/bin/python bench/make_national.py --people 10000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/h_scale_bench
"""

import argparse
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PROVINCES = 34
DISTRICTS = 10
SECTORS = 2
GRASSROOTS_PER_PROVINCE = 3_300
CELLS_PER_PROVINCE = 1_100
ENTERPRISES_PER_PROVINCE = 2_000
FIRST_YEAR, LAST_YEAR = 2015, 2025
TARGETED = ("union.members_admitted", "union.grassroots_founded", "union.outstanding_referred")


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phoihop.settings")
    subprocess.run(
        [sys.executable, "-c", "from phoihop.cli import main; main()", "migrate", "-v0"],
        env=os.environ | {"PYTHONPATH": str(ROOT / "src")},
        check=True,
    )
    import django

    django.setup()


def columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def defaults(model) -> dict:
    out = {}
    for f in model._meta.concrete_fields:
        value = f.get_default()
        out[f.column] = value
    return out


class Loader:
    """COPY rows into a model's table: rows are dicts of column → value; missing columns take the
    field's default. Ids are given by the caller."""

    def __init__(self, cursor):
        self.cursor = cursor

    def copy(self, model, rows) -> int:
        import json

        table = model._meta.db_table
        cols = columns(model)
        base = defaults(model)
        json_cols = {f.column for f in model._meta.concrete_fields if f.get_internal_type() == "JSONField"}
        n = 0
        with self.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for c in cols:
                    v = row.get(c, base[c])
                    values.append(json.dumps(v) if c in json_cols and v is not None else v)
                copy.write_row(values)
                n += 1
        return n


def secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of every index on `tables` that no constraint owns."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        ORDER BY i.tablename, i.indexname""",
        [tables],
    )
    return cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/h_scale_bench")
    args = parser.parse_args()
    started = time.time()
    setup(args.database_url)

    from django.db import connection

    from phoihop.core.text import fold
    from phoihop.demo.names import ETHNIC_MIX, FAMILY, GIVEN, MIDDLE
    from phoihop.orgs.closure import rebuild_closure
    from phoihop.orgs.models import Enterprise, Transfer, Unit, UnitClosure
    from phoihop.records.models import (
        Admission,
        Enrolment,
        Initiative,
        Person,
        Program,
        Referral,
        Target,
        TrainingClass,
        WelfareContribution,
    )

    rng = random.Random(args.seed)
    data_models = [
        Target,
        Program,
        WelfareContribution,
        Initiative,
        Admission,
        Enrolment,
        TrainingClass,
        Referral,
        Person,
        UnitClosure,
        Transfer,
        Unit,
        Enterprise,
    ]
    raw = connection.cursor().cursor
    connection.cursor().execute("SET session_replication_role = replica")  # no FK triggers while loading
    with connection.cursor() as cursor:
        tables = ", ".join(m._meta.db_table for m in data_models)
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    table_names = [m._meta.db_table for m in data_models]
    with connection.cursor() as cursor:
        dropped = secondary_indexes(cursor, table_names)
        for name, _definition in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
    print(
        f"{time.time() - started:6.1f}s schema ready, tables emptied, {len(dropped)} secondary indexes dropped",
        flush=True,
    )

    # ---- units -------------------------------------------------------------------------------------
    units: list[dict] = []

    def unit(code, name, kind, parent=None, founded=date(2000, 1, 1), enterprise=None):
        units.append(
            {
                "id": len(units) + 1,
                "code": code,
                "name": name,
                "search_name": fold(name),
                "kind": kind,
                "parent_id": parent,
                "enterprise_id": enterprise,
                "area": "",
                "founded_on": founded,
                "dissolved_on": None,
                "merged_into_id": None,
            }
        )
        return len(units)

    enterprises: list[dict] = []
    nation_union = unit("TLD", "Tổng Liên đoàn Lao động Việt Nam", "tong_ldld", founded=date(1929, 7, 28))
    nation_party = unit("TW", "Trung ương", "trung_uong", founded=date(1930, 2, 3))
    provinces = []  # (code, union root, bloc, districts, sectors, grassroots, cells)
    for p in range(1, PROVINCES + 1):
        pc = f"T{p:02d}"
        union_root = unit(f"LDLD-{pc}", f"Liên đoàn Lao động tỉnh {pc}", "ldld_tinh", nation_union)
        party_root = unit(f"TU-{pc}", f"Đảng bộ tỉnh {pc}", "dang_bo_tinh", nation_party)
        bloc = unit(f"DUK-{pc}", f"Đảng ủy Khối tỉnh {pc}", "dang_uy_khoi", party_root)
        other = unit(f"DUKH-{pc}", f"Đảng ủy các cơ quan Đảng tỉnh {pc}", "dang_uy_khac", party_root)
        districts = [
            unit(
                f"LDLD-{pc}-H{d:02d}",
                f"LĐLĐ huyện {d:02d} tỉnh {pc}",
                "ldld_huyen",
                union_root,
                date(2001, 1, 1),
            )
            for d in range(1, DISTRICTS + 1)
        ]
        sectors = [
            unit(f"CDN-{pc}-{s}", f"Công đoàn ngành {s} tỉnh {pc}", "cd_nganh", union_root, date(2001, 1, 1))
            for s in range(1, SECTORS + 1)
        ]
        first_enterprise = len(enterprises) + 1
        for e in range(ENTERPRISES_PER_PROVINCE):
            name = f"Công ty {pc}-{e:04d}"
            enterprises.append(
                {
                    "id": len(enterprises) + 1,
                    "code": f"DN-{pc}-{e:04d}",
                    "name": name,
                    "search_name": fold(name),
                    "tax_code": "",
                    "ownership": rng.choices(
                        ["nha_nuoc", "ngoai_nha_nuoc", "fdi", "hop_tac_xa"], [10, 70, 10, 10]
                    )[0],
                    "area": "",
                    "workforce": rng.randint(10, 3000),
                }
            )
        grassroots = []
        for g in range(GRASSROOTS_PER_PROVINCE):
            parent = rng.choice(districts) if g % 6 else rng.choice(sectors)
            founded = date(rng.randint(2005, 2025), rng.randint(1, 12), 1)
            in_enterprise = first_enterprise + g % ENTERPRISES_PER_PROVINCE if g % 3 else None
            grassroots.append(
                unit(f"CDCS-{pc}-{g:05d}", f"CĐCS {pc} số {g:05d}", "cdcs", parent, founded, in_enterprise)
            )
        cells = []
        for c in range(CELLS_PER_PROVINCE):
            founded = date(rng.randint(2005, 2025), rng.randint(1, 12), 1)
            kind = "chi_bo_co_so" if c % 10 else "dang_bo_co_so"
            in_enterprise = first_enterprise + c % ENTERPRISES_PER_PROVINCE if c % 2 else None
            cells.append(
                unit(
                    f"CB-{pc}-{c:05d}",
                    f"Chi bộ {pc} số {c:05d}",
                    kind,
                    bloc if c % 5 else other,
                    founded,
                    in_enterprise,
                )
            )
        provinces.append((pc, union_root, bloc, districts, sectors, grassroots, cells))
    loader = Loader(raw)
    loader.copy(Enterprise, enterprises)
    loader.copy(Unit, units)
    moves = []
    for _pc, _u, _b, districts, _s, grassroots, _c in provinces:
        for g in rng.sample(grassroots, len(grassroots) // 100):
            moves.append(
                {
                    "unit_id": g,
                    "effective_on": date(2022, 7, 1),
                    "new_parent_id": rng.choice(districts),
                    "decision_no": "",
                }
            )
    for i, m in enumerate(moves, start=1):
        m["id"] = i
    loader.copy(Transfer, moves)
    print(
        f"{time.time() - started:6.1f}s {len(units):,} units, {len(enterprises):,} enterprises, {len(moves):,} transfers",
        flush=True,
    )
    with connection.cursor():
        from django.db import transaction

        with transaction.atomic():
            rows = rebuild_closure()
    print(f"{time.time() - started:6.1f}s closure: {rows:,} rows", flush=True)

    # ---- people (streamed) --------------------------------------------------------------------------
    ethnic = [e for e, w in ETHNIC_MIX for _ in range(w)]
    folded = {w: fold(w) for group in (*FAMILY.values(), *MIDDLE.values(), *GIVEN.values()) for w in group}
    all_grassroots = [(pc, g, u) for pc, u, _b, _d, _s, grassroots, _c in provinces for g in grassroots]
    province_of = {g: i for i, province in enumerate(provinces) for g in province[5]}
    enterprise_of = {u["id"]: u["enterprise_id"] for u in units}
    referred: list[tuple[int, int, int]] = []  # (person id, grassroots id, province index)

    def people():
        day0 = date(FIRST_YEAR - 15, 1, 1).toordinal()
        span = date(LAST_YEAR, 12, 31).toordinal() - day0
        for pid in range(1, args.people + 1):
            pc, g, _root = all_grassroots[rng.randrange(len(all_grassroots))]
            e = rng.choice(ethnic)
            gender = "nu" if rng.random() < 0.45 else "nam"
            fam, mid, giv = rng.choice(FAMILY[e]), rng.choice(MIDDLE[gender]), rng.choice(GIVEN[gender])
            if rng.random() < 0.03:
                referred.append((pid, g, province_of[g]))
            born = date.fromordinal(day0 - 9000 + rng.randrange(12000))
            joined = date.fromordinal(day0 + rng.randrange(span))
            # Joining the union follows birth (records.rules): at 18 at the earliest. Only birth dates
            # move, which no indicator reads; the random sequence and every other value stay as they were.
            born = min(born, date.fromordinal(joined.toordinal() - 6575))
            yield {
                "id": pid,
                "code": f"P{pid:09d}",
                "full_name": f"{fam} {mid} {giv}",
                "search_name": f"{folded[fam]} {folded[mid]} {folded[giv]}",
                "birth_date": born,
                "gender": gender,
                "ethnicity": e,
                "enterprise_id": enterprise_of[g],
                "is_business_owner": False,
                "grassroots_union_id": g,
                "union_joined_on": joined,
                "union_left_on": None,
                "cccd": "",
            }
            if pid % 1_000_000 == 0:
                print(f"{time.time() - started:6.1f}s {pid:,} people", flush=True)

    loader.copy(Person, people())
    print(f"{time.time() - started:6.1f}s {args.people:,} people", flush=True)

    # ---- party side ---------------------------------------------------------------------------------
    def year_day(year):
        return date(year, 1, 1) + timedelta(days=rng.randrange(365))

    classes, enrol, admissions, referrals = [], [], [], []
    class_of_province: dict[int, list[tuple[int, int]]] = {}
    for i, (pc, _u, bloc, _d, _s, _g, _cells) in enumerate(provinces):
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            for k in range(20):
                cid = len(classes) + 1
                classes.append(
                    {
                        "id": cid,
                        "code": f"L-{pc}-{year}-{k:02d}",
                        "name": f"Lớp bồi dưỡng {pc} {year} số {k}",
                        "organiser_id": bloc,
                        "starts_on": year_day(year),
                        "ends_on": None,
                    }
                )
                class_of_province.setdefault(i, []).append((cid, year))
    for n, (pid, g, prov) in enumerate(referred, start=1):
        cells = provinces[prov][6]
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        cell = rng.choice(cells)
        referrals.append(
            {
                "id": n,
                "person_id": pid,
                "referred_on": year_day(year),
                "referring_unit_id": g,
                "receiving_party_unit_id": cell,
            }
        )
        cid, _y = rng.choice(class_of_province[prov])
        enrol.append({"id": n, "training_class_id": cid, "person_id": pid})
        if n % 3 == 0:
            admitted = min(year + 1, LAST_YEAR)
            admissions.append(
                {
                    "id": len(admissions) + 1,
                    "person_id": pid,
                    "admitted_on": year_day(admitted),
                    "party_unit_id": cell,
                    "decision_no": "",
                    "full_member_on": None,
                }
            )
    loader.copy(TrainingClass, classes)
    loader.copy(Referral, referrals)
    loader.copy(Enrolment, enrol)
    loader.copy(Admission, admissions)
    print(
        f"{time.time() - started:6.1f}s {len(referrals):,} referrals, {len(classes):,} classes, {len(admissions):,} admissions",
        flush=True,
    )

    # ---- emulation, welfare --------------------------------------------------------------------------
    initiatives, welfare = [], []
    for pc, _u, _b, _d, _s, grassroots, _c in provinces:
        for g in rng.sample(grassroots, 300):
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                initiatives.append(
                    {
                        "id": len(initiatives) + 1,
                        "code": f"SK-{pc}-{g}-{year}",
                        "name": "Sáng kiến",
                        "unit_id": g,
                        "year": year,
                        "value_vnd": rng.randint(1, 500) * 1_000_000,
                        "level": "co_so",
                    }
                )
                welfare.append(
                    {
                        "id": len(welfare) + 1,
                        "code": f"AS-{pc}-{g}-{year}",
                        "unit_id": g,
                        "date": year_day(year),
                        "amount_vnd": rng.randint(1, 100) * 1_000_000,
                        "purpose": "",
                    }
                )
    loader.copy(Initiative, initiatives)
    loader.copy(WelfareContribution, welfare)

    # ---- programs and targets ------------------------------------------------------------------------
    programs = [
        {
            "id": 1,
            "code": "CTPH-QG-2021-2025",
            "name": "Chương trình phối hợp toàn quốc 2021–2025",
            "starts_on": date(2021, 1, 1),
            "ends_on": date(2025, 12, 31),
            "union_root_id": nation_union,
            "party_root_id": nation_party,
            "created_from_id": None,
        }
    ]
    targets = []

    def target(unit_id, code, year, value):
        targets.append(
            {"id": len(targets) + 1, "indicator_code": code, "unit_id": unit_id, "year": year, "value": value}
        )

    for pc, union_root, bloc, districts, sectors, _g, _c in provinces:
        programs.append(
            {
                "id": len(programs) + 1,
                "code": f"CTPH-{pc}-2021-2025",
                "name": f"Chương trình phối hợp tỉnh {pc} 2021–2025",
                "starts_on": date(2021, 1, 1),
                "ends_on": date(2025, 12, 31),
                "union_root_id": union_root,
                "party_root_id": bloc,
                "created_from_id": None,
            }
        )
        for year in range(2021, 2026):
            for code in TARGETED:
                target(union_root, code, year, rng.randint(1000, 20000))
                for child in districts + sectors:
                    target(child, code, year, rng.randint(50, 2000))
    loader.copy(Program, programs)
    loader.copy(Target, targets)
    print(
        f"{time.time() - started:6.1f}s {len(programs)} programs, {len(targets):,} targets, {len(initiatives):,} initiatives, {len(welfare):,} contributions",
        flush=True,
    )

    with connection.cursor() as cursor:
        # One build at a time with all the memory it wants, each able to use parallel workers.
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
        for name, definition in dropped:
            step = time.time()
            cursor.execute(definition)
            print(f"{time.time() - started:6.1f}s index {name} ({time.time() - step:.1f}s)", flush=True)
        missing = {name for name, _d in dropped} - {
            name for name, _d in secondary_indexes(cursor, table_names)
        }
        if missing:
            raise SystemExit(f"indexes not rebuilt: {sorted(missing)}")
        # The maintained rollups (records migrations 0006-0008) are kept by triggers, which were off during the
        # load (session_replication_role): recount them once from the loaded rows.
        for rebuild, table in (
            ("records_joined_rebuild", "records_joined_rollup"),
            ("records_record_rebuild", "records_record_rollup"),
            ("records_admitted_rebuild", "records_admitted_person"),
        ):
            cursor.execute("SELECT to_regproc(%s) IS NOT NULL", [rebuild])
            if cursor.fetchone()[0]:
                step = time.time()
                cursor.execute(f"SELECT {rebuild}()")
                cursor.execute(f"VACUUM (ANALYZE) {table}")
                print(f"{time.time() - started:6.1f}s rollup {table} ({time.time() - step:.1f}s)", flush=True)
        for model in data_models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(1, (SELECT MAX(id) FROM {table})))"
            )
            cursor.execute(f"VACUUM (ANALYZE) {table}")  # visibility map: index-only scans
    print(f"{time.time() - started:6.1f}s done (sequences set, VACUUM ANALYZE)", flush=True)


if __name__ == "__main__":
    main()
