"""A time limit on every SQL statement a web request runs (PostgreSQL).

A page that asks the database for something unexpectedly large must not keep a connection busy after
the browser has given up: on PostgreSQL each web connection gets `SET statement_timeout` (the setting
STATEMENT_TIMEOUT_MS, env PHOIHOP_STATEMENT_TIMEOUT_MS, 0 = none) before the view runs, and a statement
cut off by it answers 503 with a Vietnamese message instead of a 500. Only web requests pass through
this middleware: imports, reports and jobs run from the command line and the worker are not limited.
SQLite has no statement timeout and is left alone.
"""

from django.conf import settings
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _


def _applied(raw, limit: int) -> bool:
    done = getattr(connection, "_phoihop_timeout", None)
    return done is not None and done[0] is raw and done[1] == limit


def limit_on(db) -> int:
    """The limit a web request set on this connection (0: none) — for work the request hands to other
    connections (core.side_by_side), which must run under the same limit."""
    return getattr(db, "_phoihop_timeout", (None, 0))[1]


def set_limit(cursor, limit: int) -> None:
    cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{int(limit)}ms"])


def _limit_first(limit: int):
    """An execute wrapper that sets the limit on the connection just before the request's first statement:
    a request that never touches the database never opens a connection for it."""

    def wrapper(execute, sql, params, many, context):
        db = context["connection"]
        raw = db.connection
        if not _applied(raw, limit):  # once per database connection (connections outlive requests)
            set_limit(context["cursor"].cursor, limit)
            db._phoihop_timeout = (raw, limit)
        return execute(sql, params, many, context)

    return wrapper


class StatementTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = getattr(settings, "STATEMENT_TIMEOUT_MS", 0)
        if limit and connection.vendor == "postgresql":
            with connection.execute_wrapper(_limit_first(limit)):
                return self.get_response(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if cut_off_by_timeout(exception):
            return HttpResponse(
                f"<!doctype html><title>503</title><p>{escape(timeout_message())}</p>", status=503
            )
        return None


def cut_off_by_timeout(exception: BaseException) -> bool:
    """Whether a database error is PostgreSQL cancelling a statement at the time limit."""
    cause = getattr(exception, "__cause__", None)
    return isinstance(exception, OperationalError) and type(cause).__name__ == "QueryCanceled"


def timeout_message() -> str:
    return _(
        "Yêu cầu cần quá nhiều thời gian và đã bị dừng. Hãy thu hẹp phạm vi, bộ lọc hoặc kỳ rồi thử lại."
    )
