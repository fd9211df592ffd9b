#!/usr/bin/env python3
"""report_bench.py [--runs R] [--formats json,docx,pdf] [--database-url URL] [--program CODE]

The report benchmark: the whole `phoihop report --program CODE --format F` process, timed from outside
(wall clock and CPU, median of R runs), on the database of the large workbook (50,000 people, see
`make_big_workbook.py`). Goals: json within 1 s, docx and pdf within 5 s.

The database is built once and reused: by default a SQLite file in the temporary folder (workbook
written, `phoihop migrate`, `phoihop import`); with --database-url (e.g. a PostgreSQL database you
created) the same import goes there first when it holds no people yet. Nothing is timed while building.

    .venv/bin/python bench/report_bench.py
    .venv/bin/python bench/report_bench.py --database-url postgres://postgres@127.0.0.1:5432/phoihop_bench
"""

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from import_bench import CPU, WORK, phoihop_command, timed, workbook  # noqa: E402
from make_big_workbook import PEOPLE, SEED  # noqa: E402

FORMATS = ("json", "docx", "pdf", "xlsx", "html")
GOALS = {"json": 1.0, "docx": 5.0, "pdf": 5.0}


def env_for(url: str) -> dict:
    # Bytecode cached as in an installed copy: with PYTHONDONTWRITEBYTECODE set (as in some shells) every
    # run would recompile the project's modules first.
    return os.environ | {"DATABASE_URL": url, "PYTHONDONTWRITEBYTECODE": ""}


def people_in(url: str) -> int:
    code = "from phoihop.records.models import Person;print(Person.objects.unscoped().count())"
    done = subprocess.run(
        [*phoihop_command(), "shell", "-c", code],
        env=env_for(url),
        capture_output=True,
        text=True,
        check=False,
    )
    last = done.stdout.strip().splitlines()[-1:] if done.returncode == 0 else []
    return int(last[0]) if last and last[0].isdigit() else 0


def database(url: str | None, people: int) -> str:
    """A database holding the large workbook; built (not timed) when it holds no people yet."""
    url = url or f"sqlite:///{WORK / f'report-{people // 1000}k.sqlite3'}"
    subprocess.run([*phoihop_command(), "migrate", "-v0"], env=env_for(url), check=True)
    if people_in(url) < people:
        folder = WORK / f"workbook-{people // 1000}k"
        workbook(folder, people, SEED)
        print(f"importing {folder} into {url} …", flush=True)
        subprocess.run(
            [*phoihop_command(), "import", str(folder)], env=env_for(url), check=True, capture_output=True
        )
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--formats", default="json,docx,pdf,xlsx,html")
    parser.add_argument("--program", default="CTPH-2017-2020")
    parser.add_argument("--scope", help="also time a report on this unit's subtree")
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--database-url", help="default: a SQLite file in the temporary folder")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    url = database(args.database_url, args.people)
    shown = url.split("@")[-1] if "@" in url else url
    print(
        f"database: {shown} — {people_in(url):,} people; program {args.program}; median of {args.runs} runs"
    )
    failed = []
    cases = [(f, None) for f in args.formats.split(",")] + ([("json", args.scope)] if args.scope else [])
    for fmt, scope in cases:
        out = WORK / f"report.{fmt}"
        cmd = [*phoihop_command(), "report", "--program", args.program, "--format", fmt]
        cmd += ["--scope", scope] if scope else []
        cmd += (
            [] if fmt == "json" else ["--output", str(out)]
        )  # json: to standard output, as a script reads it
        walls, cpus = [], []
        for _ in range(args.runs):
            try:
                walls.append(timed(cmd, env_for(url)))
            except SystemExit as error:
                print(f"{fmt:<5} failed: {str(error)[-600:]}")
                failed.append(fmt)
                break
            cpus.append(CPU[-1])
        if len(walls) < args.runs:
            continue
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        goal = GOALS.get(fmt) if not scope else None
        verdict = "" if goal is None else (f"  (goal {goal:g} s: {'met' if wall <= goal else 'NOT met'})")
        label = f"{fmt} --scope {scope}" if scope else fmt
        runs = ", ".join(f"{t:.2f}" for t in walls)
        print(f"{label:<22} median {wall:5.2f} s wall, {cpu:5.2f} s CPU   runs: {runs}{verdict}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
