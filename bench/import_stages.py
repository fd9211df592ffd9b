#!/usr/bin/env python3
"""import_stages.py FOLDER --database-url URL [--sample S] [--no-recreate]

Where a large import's time and memory go, stage by stage, in one process: read, parse, check, write
(sheet by sheet, the closure and the audit row inside it) and commit — wall clock, CPU time of this
process and its resident memory after each stage (and the peak). With a PostgreSQL URL (a database
named h_import…, dropped, created and migrated first unless --no-recreate), a second connection samples
`pg_stat_activity` every S seconds (default 0.5) while the import runs and prints, per statement kind,
how often the server was seen running it and what it waited on — the server's side of the wall-clock
time, which the CPU time of this process does not show.

    .venv/bin/python bench/import_stages.py /tmp/phoihop-bench/workbook-1000k \
        --database-url postgres://postgres@127.0.0.1:5432/h_import
"""

import argparse
import collections
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.start = self.wall
        self.lines = []

    def mark(self, stage: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        line = (
            f"{stage:<28} {wall - self.wall:7.2f} s wall {cpu - self.cpu:7.2f} s CPU   "
            f"RSS {rss_mb():6.0f} MB (peak {peak_mb():6.0f} MB)"
        )
        print(line, flush=True)
        self.lines.append(line)
        self.wall, self.cpu = wall, cpu


class Sampler(threading.Thread):
    """pg_stat_activity of the import's database, every `every` seconds."""

    def __init__(self, url: str, every: float):
        super().__init__(daemon=True)
        self.url, self.every = url, every
        self.seen: collections.Counter = collections.Counter()
        self.samples = 0
        self.stop = threading.Event()

    def run(self) -> None:
        import psycopg

        name = self.url.rsplit("/", 1)[1]
        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            while not self.stop.wait(self.every):
                rows = conn.execute(
                    "SELECT state, coalesce(wait_event_type, 'CPU'), coalesce(wait_event, ''), "
                    "left(regexp_replace(query, '\\s+', ' ', 'g'), 70) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                    [name],
                ).fetchall()
                self.samples += 1
                for state, kind, event, query in rows:
                    if state == "active":
                        self.seen[(f"{kind}:{event}", query)] += 1
                    else:
                        self.seen[(state, "")] += 1

    def report(self) -> None:
        print(f"\npg_stat_activity, {self.samples} samples every {self.every} s (server busy / waiting):")
        for (wait, query), n in self.seen.most_common(25):
            print(f"{n * self.every:7.1f} s  {wait:<28} {query}")


def recreate(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not name.startswith("h_import"):
        sys.exit(f"refusing to recreate {name}: only databases named h_import…")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    phoihop = Path(sys.executable).parent / "phoihop"
    subprocess.run([str(phoihop), "migrate", "-v0"], env=os.environ | {"DATABASE_URL": url}, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--database-url", help="PostgreSQL h_import… (default: the settings' database)")
    parser.add_argument("--sample", type=float, default=0.5)
    parser.add_argument("--no-recreate", action="store_true")
    parser.add_argument("--slow", type=float, help="print every statement slower than this (seconds)")
    parser.add_argument("--profile", choices=["read", "parse", "check", "write"], help="cProfile one stage")
    args = parser.parse_args()
    if args.database_url:
        if not args.no_recreate:
            recreate(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phoihop.settings")
    sys.path.insert(0, str(HERE.parent / "src"))
    import django

    clock = Clock()
    django.setup()
    from django.db import transaction

    from phoihop.core import runtime
    from phoihop.workbook import services
    from phoihop.workbook.reader import paused_gc, read_source
    from phoihop.workbook.validate import Validator
    from phoihop.workbook.write import Writer

    runtime.mark_batch()  # as `phoihop import`: the cycle collector paused
    clock.mark("django setup")
    sampler = Sampler(args.database_url, args.sample) if args.database_url else None
    if sampler:
        sampler.start()

    def progress(stage, done, total):
        if stage == "write":
            clock.mark(f"  write sheet {done}/{total}")

    import cProfile
    import pstats

    profiler = cProfile.Profile()

    def stage(name, call, *a):
        if args.profile == name:
            profiler.enable()
        try:
            return call(*a)
        finally:
            if args.profile == name:
                profiler.disable()

    slow = []

    def timed_statement(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - start
            if took >= args.slow:
                slow.append((took, " ".join(sql.split())[:110]))

    from django.db import connection

    if args.slow is not None:
        connection.execute_wrappers.append(timed_statement)
    with paused_gc():
        raw = stage("read", lambda: read_source(args.folder, stream=True))
        clock.mark("read")
        validator = Validator(indicator_codes=services._indicator_codes())
        stage("parse", validator.parse, raw, None)
        del raw
        clock.mark("parse")
        stage("check", validator.check)
        clock.mark("check")
        if validator.errors:
            for problem in validator.errors[:20]:
                print(problem.render("en"))
            sys.exit(f"{len(validator.errors)} errors")
        who = services._who(None)
        rows, validator.rows = validator.rows, {}  # as services.import_workbook: sheets let go once written
        writer = Writer(rows, progress, audit_sink=lambda e: services._save_audit(e, who), release=True)
        result = services.ImportResult()
        with transaction.atomic():
            stage("write", services._write, writer, who, args.folder, result)
            clock.mark("write (incl. closure)")
        clock.mark("commit")
    print(
        f"total {time.perf_counter() - clock.start:.2f} s wall, {time.process_time():.2f} s CPU, "
        f"peak RSS {peak_mb():.0f} MB; rows: " + ", ".join(f"{k} {v}" for k, v in writer.summary.items())
    )
    if sampler:
        sampler.stop.set()
        sampler.report()
    if slow:
        print(
            f"\nStatements slower than {args.slow} s ({len(slow)}, {sum(t for t, _ in slow):.1f} s in all):"
        )
        for took, sql in slow:
            print(f"{took:7.2f} s  {sql}")
    if args.profile:
        print(f"\nProfile of the {args.profile} stage (cProfile, times inflated by the profiler):")
        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "tottime")).print_stats(25)


if __name__ == "__main__":
    main()
