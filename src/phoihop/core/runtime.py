"""What kind of process this is: a web server, or a batch process (a `phoihop` command, the worker).

Batch processes may pause or freeze Python's cycle collector while they build large numbers of objects
(the import engine does: see workbook.reader.paused_gc); a web process never does, because the pause is
process-wide and would also stop collection for every other request thread. `phoihop serve`/`up` and
plain Django (tests, runserver, a WSGI server importing phoihop.wsgi) are not batch processes.
"""

_batch = False

WEB_COMMANDS = frozenset({"serve", "up", "runserver"})


def mark_batch() -> None:
    global _batch
    _batch = True


def is_batch() -> bool:
    return _batch
