#!/usr/bin/env python3
"""national_bench.py [--database-url URL] [--runs R] [--explain] [--only reports|dashboard|people|transfer|indicators ...]

Times, in one process (Django started once, so start-up is not counted), on the national database
written by make_national.py (PostgreSQL):
- the report (build_report) of the national program, of one province (its own program) and of one
  district (scope of the province program), each cold (cache cleared) and again from the cache;
- the dashboard of the national root's user (and, with REDIS_URL set, just after a change); the people list page and the API people page of that
  root user (Django's test client, the whole request);
- one transfer of a grassroots union to another district (orgs.services.transfer_unit);
- with --explain, EXPLAIN (ANALYZE, BUFFERS) of the slowest single SQL statement seen;
- with --only indicators (not in the default set), where a cold report's time goes: each indicator of the three reports computed
  alone, and their targets (compute_targets), one run each, slowest first.
Median of R runs each. Prints a Markdown table for BENCHMARKS.md.

    nice -n 10 .venv/bin/python bench/national_bench.py --database-url postgres://postgres@127.0.0.1:5432/h_scale_bench
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


class SlowestQuery:
    """An execute_wrapper keeping the slowest statement (sql, params, seconds)."""

    def __init__(self):
        self.worst = (None, None, 0.0)

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - start
            if took > self.worst[2] and not many:
                self.worst = (sql, params, took)


def timed(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/h_scale_bench")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--only",
        action="append",
        choices=("reports", "dashboard", "people", "transfer", "indicators"),
        help="run only these operations (repeatable; default: all)",
    )
    args = parser.parse_args()
    wanted = set(args.only or ("reports", "dashboard", "people", "transfer"))
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phoihop.settings")
    os.environ.setdefault("PHOIHOP_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings

    # Pages are rendered without `collectstatic` having run: plain static storage (no manifest).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.db.models import Max
    from django.test import Client

    from phoihop.accounts.models import ApiToken, User
    from phoihop.orgs import services
    from phoihop.orgs.models import Transfer, Unit
    from phoihop.records.models import Person, Program
    from phoihop.reports.assemble import build_report
    from phoihop.reports.cache import cached_report
    from phoihop.reports.dashboard import build_dashboard
    from phoihop.site.warmup import warm_up

    people = Person.objects.unscoped().count()
    units = Unit.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem'), current_setting('jit'), version()")
        work_mem, jit, version = cursor.fetchone()
    print(
        f"database: {args.database_url.split('@')[-1]} — {people:,} people, {units:,} units; median of {args.runs}"
        f"\n{version.split(' on ')[0]}, work_mem {work_mem}, jit {jit}"
        f"\nload average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        flush=True,
    )
    national = Program.objects.unscoped().get(code="CTPH-QG-2021-2025")
    root = Unit.objects.get(code="TLD")
    user, _ = User.objects.get_or_create(username="bench-tld", defaults={"role": "admin", "unit": root})
    rows = []
    spy = SlowestQuery()

    def report_case(label, **kwargs):
        def cold():
            cache.clear()
            build_report(**kwargs)

        with connection.execute_wrapper(spy):
            med, runs = timed(cold, args.runs)
        rows.append((f"report JSON, {label}", med, runs, 2.0))
        print(f"{label}: cold {', '.join(f'{r:.2f}' for r in runs)} s", flush=True)
        cached_report(**kwargs)
        med, runs = timed(lambda: cached_report(**kwargs), args.runs)
        rows.append((f"same again from the cache, {label}", med, runs, 0.2))

    if "reports" in wanted:
        report_case("national program", program_code=national.code)
        report_case("one province (its program)", program_code="CTPH-T01-2021-2025")
        report_case("one district", program_code="CTPH-T01-2021-2025", scope_code="LDLD-T01-H01")

    if "indicators" in wanted:
        from phoihop.indicators.registry import REGISTRY
        from phoihop.reports.assemble import compute_targets, frame

        for label, kwargs in (
            ("national", {"program_code": national.code}),
            ("province", {"program_code": "CTPH-T01-2021-2025"}),
            ("district", {"program_code": "CTPH-T01-2021-2025", "scope_code": "LDLD-T01-H01"}),
        ):
            program, ctx = frame(**kwargs)
            took = []
            with connection.execute_wrapper(spy):
                for code, spec in REGISTRY.items():
                    start = time.perf_counter()
                    spec.compute(ctx)
                    took.append((time.perf_counter() - start, code))
                start = time.perf_counter()
                compute_targets(ctx, program)
                took.append((time.perf_counter() - start, "(targets)"))
            total = sum(t for t, _ in took)
            print(
                f"{label}: indicators and targets {total:.2f} s — "
                + ", ".join(f"{code} {t:.2f}" for t, code in sorted(took, reverse=True)),
                flush=True,
            )

    if "dashboard" in wanted:
        cache.clear()
        with connection.execute_wrapper(spy):
            med, runs = timed(lambda: build_dashboard(user=user, program=national), args.runs)
        rows.append(("dashboard data, national root user (first build, then cached)", med, runs, 1.0))
        if settings.WARM_REPORTS:  # a shared cache that workers keep (REDIS_URL set): the overview's way
            from phoihop.jobs.dataversion import bump

            def after_a_change():
                bump()  # what every write does (outside a transaction: at once)
                board = build_dashboard(user=user, program=national)
                assert not board.current  # the earlier figures, said to be so; a refresh is queued

            with connection.execute_wrapper(spy):
                med, runs = timed(after_a_change, args.runs)
            rows.append(("dashboard data, national root user, just after a change", med, runs, 1.0))

    client = Client()
    client.force_login(user)
    # As a served process is before its first request (`phoihop serve` and `phoihop.wsgi` call it).
    warm_up()

    def page(url: str, **headers) -> None:
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)  # a fast error is no figure

    if "people" in wanted:
        with connection.execute_wrapper(spy):
            med, runs = timed(lambda: page("/ho-so/nguoi/"), args.runs)
        rows.append(("people list page /ho-so/nguoi/, root user", med, runs, 0.3))
        token = ApiToken.issue(user)
        with connection.execute_wrapper(spy):
            med, runs = timed(
                lambda: page("/api/v1/units/TLD/people", HTTP_AUTHORIZATION=f"Bearer {token}"), args.runs
            )
        rows.append(("API units/TLD/people page, root user", med, runs, 0.3))

    cdcs = Unit.objects.filter(kind="cdcs", code__startswith="CDCS-T02-").order_by("code").first()
    targets = list(Unit.objects.filter(kind="ldld_huyen", code__startswith="LDLD-T02-").order_by("code")[:2])

    def one_transfer():
        # The day after the unit's latest transfer (an earlier run of this bench left its own), 2024 at the
        # earliest: two transfers of a unit on one day are refused.
        latest = Transfer.objects.filter(unit=cdcs).aggregate(day=Max("effective_on"))["day"]
        day = max(date(2024, 1, 1), latest + timedelta(days=1)) if latest else date(2024, 1, 1)
        with transaction.atomic():
            services.transfer_unit(
                actor=None, unit=cdcs, new_parent=targets[len(Transfer.objects.filter(unit=cdcs)) % 2], on=day
            )

    if "transfer" in wanted:
        with connection.execute_wrapper(spy):
            med, runs = timed(one_transfer, args.runs)
        rows.append(("one transfer (grassroots union to another district)", med, runs, 1.0))

    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\n| operation | median | runs | goal |\n|---|---|---|---|")
    for label, med, runs, goal in rows:
        verdict = "met" if med <= goal else "**not met**"
        print(f"| {label} | {med:.3f} s | {', '.join(f'{r:.2f}' for r in runs)} | ≤ {goal:g} s: {verdict} |")
    sql, params, took = spy.worst
    print(f"\nslowest statement: {took:.2f} s\n{sql[:2000]}")
    if args.explain and sql:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(r[0] for r in cursor.fetchall()))


if __name__ == "__main__":
    main()
