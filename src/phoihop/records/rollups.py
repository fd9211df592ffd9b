"""The maintained rollups of PostgreSQL (migrations 0006–0008, 0010), seen from Python: holding their
triggers back for a load that at least doubles the people, and counting them once afterwards."""

from contextlib import contextmanager

from django.db import connection, transaction

from .models import Person

RECOUNT_MEMORY = "256MB"  # PostgreSQL's work_mem while the rollups are counted from scratch
REBUILDS = ("records_joined_rebuild", "records_record_rebuild", "records_admitted_rebuild")


def _people_at_most(rows: int) -> bool:
    """Whether the database holds no more than `rows` people (counts up to that many, never all)."""
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Person._meta.db_table)
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) AS s", [rows + 1])  # noqa: S608
        return cursor.fetchone()[0] <= rows


def worth_deferring(people: int, *, least: int) -> bool:
    """A write of `people` people (at least `least`) that at least doubles the people of a PostgreSQL
    database, inside a transaction: counting the rollups afterwards, in one pass over a database at most
    twice the load, costs less than the triggers recounting the load under each closure row it adds."""
    return (
        connection.vendor == "postgresql"
        and connection.in_atomic_block
        and people >= least
        and _people_at_most(people)
    )


@contextmanager
def counted_afterwards(enabled: bool = True):
    """Inside the caller's transaction: the rollups' row triggers do nothing until the block ends, then
    each rollup is counted from scratch — on success only; an error leaves the block without counting,
    and the transaction, which wrote without the triggers, must roll back (it is marked so).

    Other sessions' writes meanwhile keep their rollups as always (the setting is this transaction's).
    The recount empties each rollup table (TRUNCATE) and so holds it, for other readers, from then until
    the commit: the last seconds of the load, never the load itself."""
    if not enabled:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('phoihop.rollups', 'deferred', true)")
    try:
        yield
    except BaseException:
        transaction.set_rollback(True)
        raise
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('phoihop.rollups', '', true)")
        # One pass over millions of rows grouped into thousands: enough memory for hash aggregation (the
        # planner expects millions of groups and would sort on disk), and no JIT, whose compiling costs
        # more than it saves here (1.5 s of 2.6 s for the joined rollup of 1 M people).
        cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')")
        before = cursor.fetchone()
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)", [RECOUNT_MEMORY]
        )
        for function in REBUILDS:
            cursor.execute(f"SELECT {function}()")  # noqa: S608 - names of this module
        cursor.execute("SELECT set_config('work_mem', %s, true), set_config('jit', %s, true)", before)
