#!/usr/bin/env python3
"""export_bench.py [--folder DIR] [--data DIR] [--src DIR] [--runs R]

The export benchmark (issue 13 item 5): peak memory (max RSS) and wall time of exporting the whole
database of a large workbook — `make_big_workbook.py`'s 50,000 people by default — as one .xlsx and as a
folder of .csv, each in its own process (`phoihop export`), next to the baseline of a process that only
starts Django. The database is a temporary SQLite one (`phoihop migrate` + `phoihop import FOLDER`, not
timed), kept in --data between runs. `phoihop check` is the floor: what any command costs before it
reads a row.

--src runs the export of another checkout (its `src` folder first on the path: e.g. the code before a
change, from `git archive <commit> | tar -x -C DIR`) against the same database.

    .venv/bin/python bench/export_bench.py
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from make_big_workbook import DEFAULT_FOLDER  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
SETUP_ONLY = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'phoihop.settings'); django.setup()"
)
CLI = "import sys; from phoihop.cli import main; sys.argv[0] = 'phoihop'; sys.exit(main())"


def measure(args: list[str], env: dict) -> tuple[float, int]:
    """(wall seconds, max RSS in KiB) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed: {process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument(
        "--data", type=Path, default=Path(tempfile.gettempdir()) / "phoihop-bench" / "export-db"
    )
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--people", type=int, default=None, help="make the workbook with this many people")
    args = parser.parse_args()

    base_env = os.environ | {"PHOIHOP_DATA_DIR": str(args.data)}
    base_env.pop("DATABASE_URL", None)
    here = base_env | {"PYTHONPATH": str(ROOT / "src")}
    if not (args.folder / "nguoi.csv").exists():
        people = ["--people", str(args.people)] if args.people else []
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "make_big_workbook.py"), str(args.folder), *people], check=True
        )
    if not (args.data / "phoihop.sqlite3").exists():
        args.data.mkdir(parents=True, exist_ok=True)
        subprocess.run([PYTHON, "-c", CLI, "migrate", "-v0"], env=here, check=True)
        subprocess.run(
            [PYTHON, "-c", CLI, "import", str(args.folder)], env=here, check=True, stdout=subprocess.DEVNULL
        )

    env = base_env | {"PYTHONPATH": str(args.src)}
    out = Path(tempfile.mkdtemp(prefix="phoihop-export-bench-"))
    cases = {
        "django.setup() only": [PYTHON, "-c", SETUP_ONLY],
        "phoihop check": [PYTHON, "-c", CLI, "check"],  # the command's own start: URLs, apps, checks
        "export .xlsx": [PYTHON, "-c", CLI, "export", str(out / "so.xlsx")],
        "export .csv folder": [PYTHON, "-c", CLI, "export", str(out / "so")],
    }
    print(f"source: {args.src}   database: {args.data}   runs: {args.runs}")
    for name, command in cases.items():
        runs = [measure(command, env) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        print(f"{name:22s} median {wall:6.1f} s   peak RSS {rss / 1024:6.1f} MiB")
    size = (out / "so.xlsx").stat().st_size
    print(f".xlsx size {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
