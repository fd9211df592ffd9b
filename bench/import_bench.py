#!/usr/bin/env python3
"""import_bench.py [--people N] [--runs R] [--folder DIR] [--profile] [--xlsx]

The import benchmark. In one run it
1. writes (or reuses) the large CSV workbook of `make_big_workbook.py` (50,000 people by default);
2. times the floor: `raw_load.py FOLDER DB` (every CSV into SQLite text tables, no parsing), a fresh DB
   each time;
3. times `phoihop import FOLDER` into a fresh SQLite database (`phoihop migrate` first, not timed);
4. prints the medians, their ratio (the requirement: at most 10× the floor; the goal: 5×), and, as extra
   information, a re-import of the same folder (everything unchanged) and, with --xlsx, the import of
   the same rows as one .xlsx file.
With --database-url (PostgreSQL, a database whose name starts with h_import) the workbook is imported
into that database instead, dropped, created and migrated before each run (with --xlsx, the same rows as
one .xlsx file too, into a database made afresh), then imported again (every row unchanged): wall, CPU
and peak RSS of each. With --into URL, a 50-row workbook (new people under a
grassroots union of that existing, large database) is imported into it twice: new, then unchanged.
Floor and import runs alternate, so a busy machine slows both alike. Whole processes are timed (wall
clock, subprocess), as a user would wait for them. --profile also runs the import once under cProfile
and prints where the time goes.

    .venv/bin/python bench/import_bench.py
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from make_big_workbook import PEOPLE, SEED, make, write_xlsx  # noqa: E402

RAW_LOAD = Path(os.environ.get("PHOIHOP_RAW_LOAD", "/work/shared/bench/raw_load.py"))
WORK = Path(tempfile.gettempdir()) / "phoihop-bench"


def phoihop_command() -> list[str]:
    script = Path(sys.executable).parent / "phoihop"
    if script.exists():
        return [str(script)]
    found = shutil.which("phoihop")
    return [found] if found else [sys.executable, "-m", "phoihop.cli"]


def fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def env_for(db: Path) -> dict:
    # Bytecode cached as in an installed copy: with PYTHONDONTWRITEBYTECODE set (as in some shells) every
    # run would recompile the project's modules first.
    return os.environ | {"DATABASE_URL": f"sqlite:///{db}", "PYTHONDONTWRITEBYTECODE": ""}


GNU_TIME = "/usr/bin/time"
PEAK_MARK = "phoihop-bench peak KB: "
CPU: list[float] = []  # CPU seconds (user + system) of each timed process, in order
RSS: list[float] = []  # peak resident memory (MB) of each timed process, in order


PSS: list[float] = []  # peak of the summed proportional set size (MB) of each timed process and its children


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(p for child in children for p in _tree(int(child)))]


def _summed_pss(pid: int) -> int:
    """KB of the proportional set size of `pid` and its descendants: shared pages counted once in all,
    which summing their RSS would not (an import's parsing child shares the importer's pages)."""
    total = 0
    for member in _tree(pid):
        try:
            with open(f"/proc/{member}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total


class _PssWatch(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.peak = max(self.peak, _summed_pss(self.pid))


def timed(cmd: list[str], env: dict | None = None, *, check_output: str | None = None) -> float:
    """Wall-clock seconds of the whole process; its CPU seconds go to CPU, its peak RSS to RSS and the
    peak of its and its children's summed proportional set size to PSS (sampled every 0.2 s)."""
    # The peak is taken by GNU time where there is one: wait4's own figure starts from this process's
    # peak (Linux records the memory a child shares with its parent until exec), so it reads 900 MB for
    # a 300 MB import once this benchmark has held a workbook.
    measured = [GNU_TIME, "-f", f"{PEAK_MARK}%M", *cmd] if os.path.exists(GNU_TIME) else cmd
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(measured, env=env, stdout=out, stderr=err, text=True)
        watch = _PssWatch(process.pid)
        watch.start()
        _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage, not all children's
        elapsed = time.perf_counter() - start
        watch.done.set()
        watch.join()
        PSS.append(watch.peak / 1024)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    CPU.append(usage.ru_utime + usage.ru_stime)
    peaks = [line for line in stderr.splitlines() if line.startswith(PEAK_MARK)]
    RSS.append(int(peaks[-1][len(PEAK_MARK) :]) / 1024 if peaks else usage.ru_maxrss / 1024)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"failed ({code}): {' '.join(cmd)}\n{stdout[-2000:]}\n{stderr[-4000:]}")
    if check_output and check_output not in stdout:
        sys.exit(f"unexpected output of {' '.join(cmd)}:\n{stdout[-2000:]}")
    return elapsed


def env_url(url: str) -> dict:
    return os.environ | {"DATABASE_URL": url, "PYTHONDONTWRITEBYTECODE": ""}


def recreate(url: str) -> None:
    """Drop, create and migrate the PostgreSQL database of `url` (only an h_import* one)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not name.startswith("h_import"):
        sys.exit(f"refusing to recreate {name}: only databases named h_import…")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([*phoihop_command(), "migrate", "-v0"], env=env_url(url), check=True)


def _figures(label: str, wall: float) -> str:
    return (
        f"{label}: {wall:6.2f} s wall, {CPU[-1]:6.2f} s CPU, peak RSS {RSS[-1]:7.0f} MB, "
        f"summed PSS {PSS[-1]:7.0f} MB"
    )


def postgres_runs(url: str, folder: Path, counts: dict, runs: int, xlsx: Path | None = None) -> None:
    """Each run: the folder into an empty database, then (with `xlsx`) the same rows as one .xlsx file into
    an empty database; then the folder once more, every row unchanged."""
    cmd = [*phoihop_command(), "import", str(folder)]
    for _ in range(runs):
        recreate(url)
        print(
            _figures(
                "import into an empty database", timed(cmd, env_url(url), check_output=str(counts["nguoi"]))
            )
        )
        if xlsx is not None:
            recreate(url)
            xlsx_cmd = [*phoihop_command(), "import", str(xlsx)]
            figures = timed(xlsx_cmd, env_url(url), check_output=str(counts["nguoi"]))
            print(_figures("the same rows as .xlsx        ", figures))
    # The database holds the last import's rows (the folder's or the same as .xlsx): all unchanged.
    print(_figures("re-import, nothing changes    ", timed(cmd, env_url(url))))


def fifty_rows_into(url: str) -> None:
    """A 50-row workbook into a large existing database: new people, then the same again (unchanged)."""
    import csv

    import psycopg

    with psycopg.connect(url) as conn:
        unit, enterprise = conn.execute(
            "SELECT u.code, e.code FROM orgs_unit u JOIN orgs_enterprise e ON e.id = u.enterprise_id "
            "WHERE u.kind = 'cdcs' AND u.dissolved_on IS NULL AND u.founded_on < '2019-01-01' "
            "ORDER BY u.id LIMIT 1"
        ).fetchone()
        people = conn.execute("SELECT count(*) FROM records_person").fetchone()[0]
    folder = Path(tempfile.mkdtemp(prefix="fifty-", dir=WORK))
    stamp = int(time.time())
    with open(folder / "don_vi.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow(["ma_don_vi", "ten", "loai", "ma_cap_tren"])
    with open(folder / "nguoi.csv", "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["ma_nguoi", "ho_ten", "ngay_sinh", "gioi_tinh", "ma_doanh_nghiep", "ma_cdcs"])
        for i in range(50):
            out.writerow(
                [f"B{stamp}-{i:02d}", f"Người thử {i}", f"19{70 + i % 30}-01-15", "nu", enterprise, unit]
            )
    print(f"50 rows into {url.rsplit('/', 1)[1]} ({people:,} people), under {unit}:")
    cmd = [*phoihop_command(), "import", str(folder)]
    print(_figures("  new     ", timed(cmd, env_url(url))))
    print(_figures("  again   ", timed(cmd, env_url(url))))
    shutil.rmtree(folder)


def workbook(folder: Path, people: int, seed: int) -> dict:
    stamp = folder / ".made-with.json"
    wanted = {"people": people, "seed": seed, "generator": (HERE / "make_big_workbook.py").stat().st_mtime}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return json.loads((folder / ".counts.json").read_text())
    if folder.exists():
        shutil.rmtree(folder)
    counts = make(folder, people=people, seed=seed)
    (folder / ".counts.json").write_text(json.dumps(counts))
    stamp.write_text(json.dumps(wanted))
    return counts


def migrated(db: Path) -> Path:
    subprocess.run([*phoihop_command(), "migrate", "-v0"], env=env_for(fresh(db)), check=True)
    return db


def profile(folder: Path, db: Path) -> None:
    out = WORK / "import.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "phoihop.cli", "import", str(folder)]
    subprocess.run(cmd, env=env_for(migrated(db)), capture_output=True, check=True)
    import pstats

    print("\nProfile of one import (cProfile; times inflated by the profiler):")
    pstats.Stats(str(out)).sort_stats("cumulative").print_stats(r"phoihop|executemany|bulk_create", 30)


def _list(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--folder", type=Path, help="CSV folder (default: a temporary folder per size)")
    parser.add_argument("--profile", action="store_true", help="also profile one import")
    parser.add_argument("--xlsx", action="store_true", help="also time the import of the same rows as .xlsx")
    parser.add_argument("--database-url", help="PostgreSQL (h_import…): import into it, recreated per run")
    parser.add_argument("--into", help="PostgreSQL: a 50-row workbook into this existing large database")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.into:
        fifty_rows_into(args.into)
        return
    folder = args.folder or WORK / f"workbook-{args.people // 1000}k"
    counts = workbook(folder, args.people, args.seed)
    other = sum(n for k, n in counts.items() if k != "nguoi")
    size = sum(f.stat().st_size for f in folder.glob("*.csv"))
    print(
        f"workbook: {folder} — {counts['nguoi']:,} people, {other:,} other rows, {size / 1e6:.1f} MB of CSV"
    )

    xlsx = WORK / f"workbook-{args.people // 1000}k.xlsx" if args.xlsx else None
    if xlsx is not None and not xlsx.exists():
        from make_big_workbook import build_rows

        write_xlsx(build_rows(args.people, args.seed), xlsx)
    if args.database_url:
        postgres_runs(args.database_url, folder, counts, args.runs, xlsx)
        return
    floors, imports, floor_cpu, import_cpu = [], [], [], []
    db = WORK / "import.sqlite3"
    for _ in range(args.runs):
        floor_db = fresh(WORK / "floor.sqlite3")
        floors.append(timed([sys.executable, str(RAW_LOAD), str(folder), str(floor_db)]))
        floor_cpu.append(CPU[-1])
        migrated(db)
        cmd = [*phoihop_command(), "import", str(folder)]
        imports.append(timed(cmd, env_for(db), check_output=str(counts["nguoi"])))
        import_cpu.append(CPU[-1])
    again = [
        timed([*phoihop_command(), "import", str(folder)], env_for(db)) for _ in range(min(3, args.runs))
    ]
    floor, imported = statistics.median(floors), statistics.median(imports)
    cpu_floor, cpu_import = statistics.median(floor_cpu), statistics.median(import_cpu)
    print(
        f"floor  raw_load.py     median {floor:5.2f} s wall, {cpu_floor:5.2f} s CPU   runs: {_list(floors)}"
    )
    print(
        f"import phoihop import  median {imported:5.2f} s wall, {cpu_import:5.2f} s CPU   runs: {_list(imports)}"
    )
    print(
        f"ratio  {imported / floor:.1f}× the floor by wall clock, {cpu_import / cpu_floor:.1f}× by CPU time "
        "(requirement ≤ 10×, goal 5×)"
    )
    print(f"peak RSS of the imports: {max(RSS[1 : 2 * args.runs : 2]):.0f} MB")
    print(f"re-import, nothing changes: median {statistics.median(again):.2f} s")
    if xlsx is not None:
        runs = []
        for _ in range(min(3, args.runs)):
            migrated(db)
            runs.append(timed([*phoihop_command(), "import", str(xlsx)], env_for(db)))
        print(
            f"import of the same rows as .xlsx ({xlsx.stat().st_size / 1e6:.1f} MB): "
            f"median {statistics.median(runs):.2f} s"
        )
    if args.profile:
        profile(folder, db)


if __name__ == "__main__":
    main()
