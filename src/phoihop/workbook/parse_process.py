"""A second process that parses blocks of a large sheet's rows, and checks its rows against the record
rules, beside the importing one (issue 13).

Past the rows a workbook keeps in memory (`rowstore`), a sheet's rows are parsed block by block and
written to its spilled file. Parsing is Python work per cell that holds the interpreter, so one process
uses one core however many threads it has; on a machine of two or more cores the import forks one
process that parses every other block (the one the importing process is not parsing) while the
importing process reads the next rows from the workbook. Each block comes back encoded as the spilled
file stores it, with the problems found in it; the importing process adds blocks and problems in the
sheet's order, so the rows, the messages and what is written are those of one process (the workbook
tests run with every sheet spilled, which takes this path).

The child is forked after the sheet's parsers are set up, so it needs nothing sent but the raw rows; it
never touches the database connection it inherits (and leaves with `os._exit`, as multiprocessing's
forked children do, so that connection is not closed under the importing process). A child that fails
or dies makes the import fail with a message; nothing is written by then (parsing comes before any
write). Where fork is missing (not Linux) or the machine has one core, the importing process parses
every block itself, as it does for the rows kept in memory.

The same child, forked once the rows are parsed, checks every row against the record rules (`Beside`)
while the importing process checks keys and references; its messages go where they would have gone.
Both read the spilled files by position (`rowstore._read`), never moving the position they share."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import traceback
from collections.abc import Callable

from django.conf import settings

NAME = "phoihop-parse"


def available() -> bool:
    """Whether a parsing process may be started: the setting on, fork at hand, more than one core."""
    return (
        settings.PHOIHOP_IMPORT_PARSE_PROCESS
        and "fork" in multiprocessing.get_all_start_methods()
        and (os.cpu_count() or 1) > 1
    )


class BlockParser:
    """The forked child: `send` a block, `receive` the results in the order the blocks were sent."""

    def __init__(self, parse_block: Callable[[list], object]):
        context = multiprocessing.get_context("fork")
        # Queues, not a bare pipe: each side's feeder thread writes while that side goes on working, so
        # neither blocks on a full pipe while the other is writing to it.
        self._blocks = context.Queue()
        self._results = context.Queue()
        self._process = context.Process(
            target=_serve, args=(self._blocks, self._results, parse_block), name=NAME, daemon=True
        )
        self._process.start()
        self.in_flight = 0

    def send(self, block: list) -> None:
        self._blocks.put(block)
        self.in_flight += 1

    def ready(self) -> bool:
        return not self._results.empty()

    def receive(self):
        while True:
            try:
                status, payload = self._results.get(timeout=1)
                break
            except queue.Empty:
                if not self._process.is_alive():
                    raise RuntimeError(
                        f"the parsing process ended without an answer (exit code {self._process.exitcode})"
                    ) from None
        self.in_flight -= 1
        if status == "error":
            raise RuntimeError(f"the parsing process failed:\n{payload}")
        return payload

    def close(self, *, abandon: bool = False) -> None:
        """The child told to stop once its work is taken and waited for (killed if it does not stop);
        with `abandon` (the import failed meanwhile, its answers no longer wanted), killed at once."""
        if abandon:
            self._process.kill()
            self._blocks.cancel_join_thread()  # what the dead child did not read is dropped
        else:
            try:
                self._blocks.put(None)
                self._blocks.close()
                self._blocks.join_thread()
            except (OSError, ValueError):
                pass
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._blocks.close()
        self._results.close()
        self._results.cancel_join_thread()


class Beside:
    """`call()` worked out in a forked child while this process goes on with other checks; `result()`
    gives what it returned. Without a child (`available`), `result()` calls it here and then. `close`
    ends the child if its result is not wanted (the caller failed meanwhile)."""

    def __init__(self, call: Callable[[], object]):
        self._call = call
        self._child = BlockParser(lambda _: call()) if available() else None
        if self._child is not None:
            self._child.send([])  # nothing to send: the child has what it checks

    def result(self):
        if self._child is None:
            return self._call()
        child, self._child = self._child, None
        try:
            return child.receive()
        finally:
            child.close()

    def close(self) -> None:
        if self._child is not None:
            child, self._child = self._child, None
            child.close(abandon=True)


def _serve(blocks, results, parse_block) -> None:
    # Forked from whatever process imports (the command line, a worker, `phoihop serve`'s worker
    # thread): that process's signal handlers are its server's, not this child's. Stopped or
    # interrupted, the child just ends; the importing process sees it and fails the import.
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):
            signal.signal(number, signal.SIG_DFL)
    while (block := blocks.get()) is not None:
        try:
            answer = ("ok", parse_block(block))
        except BaseException:  # handed back whole: the importing process raises it
            answer = ("error", traceback.format_exc())
        results.put(answer)
    results.close()
    results.join_thread()
