"""PostgreSQL: a report's independent queries run side by side on several connections (core.side_by_side)
and give what they give one after another; inside a transaction they stay on the caller's connection."""

import json
import time

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import translation

from phoihop.core import side_by_side


def _backend_and_language(pause: float = 0.0):
    def job():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_backend_pid(), pg_sleep(%s), current_setting('statement_timeout')", [pause]
            )
            pid, _, timeout = cursor.fetchone()
        return pid, translation.get_language(), timeout

    return job


def _gone(pid: int) -> bool:
    """Whether the server process of a closed connection has ended (it ends just after the close)."""
    for _ in range(50):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                return True
        time.sleep(0.1)
    return False


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs the jobs one after another: there is nothing side by side to check")


@pytest.mark.django_db(transaction=True)
def test_jobs_run_on_their_own_connections_in_the_callers_language_and_time_limit(postgresql):
    connection._phoihop_timeout = (connection.connection, 4321)  # as core.db_timeout marks a web request
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', '4321ms', false)")
    try:
        with translation.override("en"):
            found = side_by_side.run([_backend_and_language(0.3) for _ in range(4)], workers=2)
    finally:
        del connection._phoihop_timeout
    pids = {pid for pid, _, _ in found}
    assert len(pids) == 2  # the caller's connection and one more
    assert {(language, timeout) for _, language, timeout in found} == {("en", "4321ms")}
    (other,) = pids - {connection.connection.info.backend_pid}
    assert _gone(other)  # the thread closed its connection


@pytest.mark.django_db(transaction=True)
def test_results_come_in_the_order_of_the_jobs_and_an_error_reaches_the_caller(postgresql):
    assert side_by_side.run([lambda n=n: n * n for n in range(9)], workers=3) == [n * n for n in range(9)]

    def broken():
        raise ValueError("mã chỉ tiêu hỏng")

    with pytest.raises(ValueError, match="mã chỉ tiêu hỏng"):
        side_by_side.run([_backend_and_language(0.1), broken, _backend_and_language(0.1)], workers=2)


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_every_job_uses_the_callers_connection(postgresql):
    with transaction.atomic():
        found = side_by_side.run([_backend_and_language() for _ in range(4)], workers=2)
    assert {pid for pid, _, _ in found} == {connection.connection.info.backend_pid}


def test_the_demo_report_is_the_same_built_side_by_side(demo_province, django_db_blocker, settings):
    """The demo is committed (loaded outside the tests' transactions), so other connections see it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite builds the report one indicator after another")
    from phoihop.reports.assemble import build_report

    built = []
    with django_db_blocker.unblock():
        for connections in (1, 2):
            settings.REPORT_CONNECTIONS = connections
            cache.clear()
            assert side_by_side.parallel_possible()  # outside a transaction: the threads are used
            report = build_report(program_code="CTPH-2021-2025")
            report.pop("generated_at")
            built.append(json.dumps(report, sort_keys=True, default=str))
    assert built[0] == built[1]
    assert '"union.members_admitted"' in built[0]
