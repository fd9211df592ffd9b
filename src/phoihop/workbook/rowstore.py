"""A workbook's parsed rows between validation and writing, with the memory they take bounded.

An import checks every row against every other (keys, references, CCCD numbers) before it writes any, so
the parsed rows of the whole workbook are needed twice. Held as Python objects they weigh about 0.6 KB
each: a million people, 600 MB, growing with the workbook. Here a workbook holds up to
`settings.PHOIHOP_IMPORT_ROWS_IN_MEMORY` rows as objects (every province's usual workbook, and the 50 k
benchmark, never leave memory); past that, each sheet's rows go to a temporary file as they are parsed
(`SpilledRows`), CHUNK rows at a time and column by column, and are read back a chunk at a time by each
pass over them — one column when the pass reads one (reference and key checks), whole rows when it reads
them (record rules, the writer). Memory then follows the chunk and the workbook's keys (the codes the
checks compare), not its rows (issue 13, item 5).

The passes see a spilled sheet exactly as a list: the same rows in the same order, so every message and
every row written is the same (the workbook tests run once more with every sheet spilled)."""

from __future__ import annotations

import io
import os
import pickle
import tempfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import chain, islice, repeat
from operator import attrgetter, methodcaller

CHUNK = 20_000  # rows of a spilled sheet written, and read back, at a time


@dataclass(slots=True)  # a million rows: no per-row __dict__
class Row:
    no: int
    values: dict[str, object]


_VALUES = attrgetter("values")
_NUMBER = attrgetter("no")


class SpilledRows:
    """A sheet's parsed rows in a temporary file (deleted when closed or let go). Iterating gives Row
    objects a chunk at a time; `column(key)` gives one column's values; `edited()` gives rows whose
    changes are written back. Rows are added with `extend` and the sheet closed with `seal`."""

    def __init__(self):
        self._file = tempfile.TemporaryFile(prefix="phoihop-import-")
        self._chunks: list[dict[str, tuple[int, int, str]]] = []  # column → (offset, size, form)
        self._sizes: list[int] = []  # rows of each chunk
        self._keys: tuple[str, ...] | None = None
        self._pending: list[Row] = []
        self._len = 0

    # ---- writing ------------------------------------------------------------------------------
    def extend(self, rows: list[Row]) -> None:
        self._pending += rows
        while len(self._pending) >= CHUNK:
            self._write_chunk(self._pending[:CHUNK])
            del self._pending[:CHUNK]

    def seal(self) -> SpilledRows:
        self._flush()
        return self

    def _flush(self) -> None:
        rows, self._pending = self._pending, []
        if rows:
            self._write_chunk(rows)

    def _write_chunk(self, rows: list[Row]) -> None:
        if self._keys is None:
            self._keys = tuple(rows[0].values)  # every row of a sheet has the same keys, in one order
        self._append(encode(rows, self._keys))

    def add_encoded(self, chunk: EncodedChunk) -> None:
        """A chunk encoded elsewhere (`encode`: another process parsed its rows), after the rows so far."""
        if chunk.size:
            self._flush()
            self._append(chunk)

    def _append(self, chunk: EncodedChunk) -> None:
        if self._keys is None:
            self._keys = chunk.keys
        elif chunk.keys != self._keys:
            raise ValueError(f"chunk keys {chunk.keys} differ from the sheet's {self._keys}")
        f = self._file
        f.seek(0, 2)
        start = f.tell()
        f.write(chunk.data)
        f.flush()  # read back by position (`_read`), past the file object's buffer
        self._chunks.append({k: (start + offset, n, form) for k, (offset, n, form) in chunk.where.items()})
        self._sizes.append(chunk.size)
        self._len += chunk.size

    # ---- reading ------------------------------------------------------------------------------
    def _rows(self, where: dict) -> list[Row]:
        return _chunk_rows(self._file, self._keys, where)

    def __iter__(self) -> Iterator[Row]:
        self._flush()
        return chain.from_iterable(map(self._rows, self._chunks))

    def chunks(self) -> Iterator[list[Row]]:
        self._flush()
        return map(self._rows, self._chunks)

    def column(self, key: str) -> Iterator:
        """One column's values (a row's values.get(key)); key "" gives the rows' numbers."""
        self._flush()
        if self._keys is not None and key and key not in self._keys:
            return repeat(None, self._len)
        file = self._file
        return chain.from_iterable(_read(file, where[key]) for where in self._chunks)

    def value_lists(self, keys: list[str]) -> Iterator[list[list]]:
        """Per chunk, each row's values of `keys` as a list (a row's values.get(key) each), read column
        by column: no Row and no dict per row (the writer of a new table's rows)."""
        self._flush()
        file = self._file
        for where, size in zip(self._chunks, self._sizes, strict=True):
            columns = [_read(file, where[k]) if k in where else [None] * size for k in keys]
            yield list(map(list, zip(*columns, strict=True))) if columns else [[] for _ in range(size)]

    def edited(self) -> Iterator[Row]:
        """The rows one by one; what the caller changes in a row's values is kept (each chunk is
        written again once the caller has gone past it). The caller goes through to the end."""
        self._flush()
        old, self._chunks, self._sizes, self._len = self._chunks, [], [], 0
        source, self._file = self._file, tempfile.TemporaryFile(prefix="phoihop-import-")
        for where in old:
            rows = _chunk_rows(source, self._keys, where)
            yield from rows
            self._write_chunk(rows)
        source.close()

    def __len__(self) -> int:
        return self._len + len(self._pending)

    def __bool__(self) -> bool:
        return len(self) > 0

    def close(self) -> None:
        self._file.close()


@dataclass(slots=True)
class EncodedChunk:
    """A chunk of a sheet's parsed rows as `SpilledRows` stores it: its columns' bytes, where each column
    lies in them, the column keys and the number of rows. What a parsing process hands back."""

    keys: tuple[str, ...]
    data: bytes
    where: dict[str, tuple[int, int, str]]
    size: int


def encode(rows: list[Row], keys: tuple[str, ...] | None = None) -> EncodedChunk:
    """`rows` in the form a spilled sheet stores them, by `keys` (by default the first row's: the rows of
    one sheet have the same keys in one order)."""
    if not rows:
        return EncodedChunk((), b"", {}, 0)
    keys = tuple(rows[0].values) if keys is None else keys
    out = io.BytesIO()
    where = _write_rows(out, keys, rows)
    return EncodedChunk(keys, out.getvalue(), where, len(rows))


def _write_rows(f, keys: tuple[str, ...], rows: list[Row]) -> dict[str, tuple[int, int, str]]:
    """The rows' numbers and then each column written to `f`; where each lies in it."""
    where = {"": _write(f, list(map(_NUMBER, rows)))}
    held = list(map(_VALUES, rows))
    if all(map(keys.__eq__, map(tuple, held))):  # as always: one transposition at C speed
        columns = zip(*map(dict.values, held), strict=True)
    else:
        columns = (list(map(methodcaller("get", k), held)) for k in keys)
    for key, values in zip(keys, columns, strict=True):
        where[key] = _write(f, values)
    return where


_DATE_TYPES = {date, type(None)}


def _write(file, values) -> tuple[int, int, str]:
    """One column of a chunk at the file's end: dates (or empty cells) as day numbers (a tenth of pickling
    each date), whole numbers as machine integers, anything else pickled. Returns (offset, size, form)."""
    kinds = set(map(type, values))
    data = None
    if kinds <= _DATE_TYPES and date in kinds:
        form, data = "days", array("i", [d.toordinal() if d is not None else 0 for d in values]).tobytes()
    elif kinds == {int}:
        form, data = "ints", _whole_numbers(values)
    if data is None:
        form, data = "pickle", pickle.dumps(values, pickle.HIGHEST_PROTOCOL)
    offset = file.tell()
    file.write(data)
    return offset, len(data), form


def _whole_numbers(values: list[int]) -> bytes | None:
    try:
        return array("q", values).tobytes()
    except OverflowError:  # beyond 64 bits: pickled
        return None


def _read(file, where: tuple[int, int, str]) -> list:
    offset, size, form = where
    # At its place, leaving the file's position alone: a checking process forked from the importing one
    # reads the same files at the same time (parse_process.Beside), through the one open file they share.
    data = os.pread(file.fileno(), size, offset)
    if form == "ints":
        return array("q", data).tolist()
    if form == "days":
        day = date.fromordinal
        return [day(n) if n else None for n in array("i", data)]
    return pickle.loads(data)  # noqa: S301 — this process's own temporary file


def _chunk_rows(file, keys, where: dict) -> list[Row]:
    columns = [_read(file, where[k]) for k in keys]
    pair = partial(zip, keys, strict=True)  # each row's values with their keys, at C speed
    return list(map(Row, _read(file, where[""]), map(dict, map(pair, zip(*columns, strict=True)))))


def column_values(rows, key: str):
    """One column's values over the rows, iterated at C speed (no Python step per row); from a spilled
    sheet, read back column by column."""
    if isinstance(rows, SpilledRows):
        return rows.column(key)
    return map(methodcaller("get", key), map(_VALUES, rows))


def row_numbers(rows):
    """The rows' numbers in the sheet, in order."""
    if isinstance(rows, SpilledRows):
        return rows.column("")
    return map(_NUMBER, rows)


def edited(rows):
    """The rows, for a pass that changes their values: a list as it is, a spilled sheet rewritten."""
    if isinstance(rows, SpilledRows):
        return rows.edited()
    return rows


def without(rows, numbers: set[int]):
    """The rows but those numbered in `numbers`, in the same form (a spilled sheet gives a spilled one)."""
    if not isinstance(rows, SpilledRows):
        return [r for r in rows if r.no not in numbers]
    kept = SpilledRows()
    for chunk in rows.chunks():
        kept.extend([r for r in chunk if r.no not in numbers])
    return kept.seal()


def batches(rows, size: int):
    """The rows in lists of `size`."""
    if isinstance(rows, list):
        for i in range(0, len(rows), size):
            yield rows[i : i + size]
        return
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch
