"""Independent read-only jobs run side by side on several database connections (PostgreSQL).

A national report is some thirty aggregate queries that do not depend on each other; one after another
they leave all but one of the database server's cores idle. `run` hands them to `workers` threads, each
with its own connection, and returns their results in the order of the jobs — only where that gives the
same answer as running them one after another:
- PostgreSQL only (SQLite has one writer and gains nothing);
- never inside a transaction: another connection would not see what the transaction wrote (tests, a
  request that has just written). There the jobs run one after another on the caller's connection.

Each thread runs in a copy of the caller's context (a request pinned to the primary database:
core.dbrouter), in the caller's language, under the caller's statement time limit (core.db_timeout), and
closes its connection when it is done. The caller's thread works too. The first error stops the other threads and
is raised once they have finished their current job."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Sequence

from django.db import connection, connections
from django.utils import translation

from . import db_timeout


def parallel_possible() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def run(jobs: Sequence[Callable[[], object]], workers: int) -> list:
    if workers < 2 or len(jobs) < 2 or not parallel_possible():
        return [job() for job in jobs]
    results: list = [None] * len(jobs)
    pending = list(reversed(range(len(jobs))))
    errors: list[BaseException] = []
    lock = threading.Lock()
    limit = db_timeout.limit_on(connection)
    language = translation.get_language()  # Django keeps it per thread, not in the context

    def work() -> None:
        while True:
            with lock:
                if errors or not pending:
                    return
                i = pending.pop()
            try:
                results[i] = jobs[i]()
            except BaseException as error:  # noqa: BLE001 — handed to the caller's thread
                with lock:
                    errors.append(error)
                return

    def in_thread() -> None:
        translation.activate(language)
        try:
            if limit:
                with connection.cursor() as cursor:
                    db_timeout.set_limit(cursor, limit)
            work()
        except BaseException as error:  # noqa: BLE001
            with lock:
                errors.append(error)
        finally:
            connections.close_all()  # this thread's connections only (they are per thread)

    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(in_thread,), daemon=True)
        for _ in range(min(workers, len(jobs)) - 1)
    ]
    for thread in threads:
        thread.start()
    work()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
