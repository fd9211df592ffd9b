#!/usr/bin/env python3
"""national_check.py [--database-url URL] [--scopes CODE,CODE…] [--indicators PREFIX]

Issue 13's "every indicator computed by the new path equals the old": on the national database written
by make_national.py, each indicator of the report is computed twice for a sample of scopes — placed in
the database (indicators.placement_sql and the maintained rollups of records migrations 0006/0007, what
reports use) and placed group by group in Python (indicators.definitions.placed_in_python, the path
before placement_sql, reading the records themselves) — and the figures a report shows (value, by
year, by child unit, breakdowns) are compared. The targets of each scope (reports.assemble.
compute_targets) are compared too: through the rollups and reading the records directly
(definitions.without_rollups). Prints one line per (scope, indicator) with both timings; exits 1 when
there is a difference (all differences are listed first).

Default scopes: the national program, one province's program, one district and one party bloc of it.

    nice -n 10 .venv/bin/python bench/national_check.py \\
        --database-url postgres://postgres@127.0.0.1:5432/h_national
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SCOPES = (
    ("CTPH-QG-2021-2025", None),
    ("CTPH-T01-2021-2025", None),
    ("CTPH-T01-2021-2025", "LDLD-T01-H01"),
    ("CTPH-T01-2021-2025", "DUK-T01"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/h_national")
    parser.add_argument("--scopes", help="program[:scope],… (default: national, T01, LDLD-T01-H01, DUK-T01)")
    parser.add_argument("--indicators", default="", help="only indicators whose code starts so")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phoihop.settings")
    import django

    django.setup()
    from phoihop.indicators.definitions import placed_in_python, without_rollups
    from phoihop.indicators.registry import REGISTRY
    from phoihop.reports.assemble import compute_targets, frame

    scopes = SCOPES
    if args.scopes:
        scopes = tuple((p, s or None) for p, _, s in (x.partition(":") for x in args.scopes.split(",")))

    def figures(result) -> dict:
        return {
            "value": result.value,
            "by_year": result.by_year,
            "by_unit": result.by_unit,
            "breakdowns": result.breakdowns,
        }

    differences = 0
    for program_code, scope_code in scopes:
        program, ctx = frame(program_code=program_code, scope_code=scope_code)
        if not args.indicators:
            start = time.perf_counter()
            new_targets = compute_targets(ctx, program)
            took_new = time.perf_counter() - start
            start = time.perf_counter()
            with without_rollups():
                old_targets = compute_targets(ctx, program)
            took_old = time.perf_counter() - start
            same = new_targets == old_targets
            differences += not same
            print(
                f"{'same' if same else 'DIFFERENT'}  {program_code} {scope_code or '(program roots)'} targets: "
                f"{len(new_targets)} rows  rollups {took_new:.2f} s, records {took_old:.2f} s",
                flush=True,
            )
            for a, b in zip(new_targets, old_targets, strict=False):
                if a != b:
                    print(f"    rollups {a!r}\n    records {b!r}")
        for code, spec in REGISTRY.items():
            if not code.startswith(args.indicators):
                continue
            start = time.perf_counter()
            new = figures(spec.compute(ctx))
            took_new = time.perf_counter() - start
            start = time.perf_counter()
            with placed_in_python():
                old = figures(spec.compute(ctx))
            took_old = time.perf_counter() - start
            same = new == old
            differences += not same
            print(
                f"{'same' if same else 'DIFFERENT'}  {program_code} {scope_code or '(program roots)'} {code}: "
                f"value {new['value']}  database {took_new:.2f} s, Python {took_old:.2f} s",
                flush=True,
            )
            if not same:
                for key in new:
                    if new[key] != old[key]:
                        print(f"    {key}: database {new[key]!r}\n    {key}: Python   {old[key]!r}")
    print(f"{differences} differences")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
