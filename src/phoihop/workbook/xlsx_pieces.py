"""A large worksheet of an .xlsx file read a piece at a time (issue 13, item 5).

calamine, the reader of every .xlsx file here, loads a worksheet whole: a million people's sheet (600 MB of
XML) held 700 MB of cells and peaked near 1 GB. Here the sheet's XML is unpacked as a stream and cut at row
ends into pieces of about PIECE_BYTES; each piece is given to calamine as a small workbook of its own — the
file's styles, shared strings and workbook parts as they are, and the sheet holding the piece's rows with
their own row numbers — and its rows are handed on before the next piece is cut. So every cell is still read
by calamine (the same values, dates and text as the whole sheet would give), and memory is bounded by the
piece, not by the sheet.

A sheet is read whole instead, as before, when its pieces could not say what the whole says: merged cells
(their ranges come after the rows), rows without a row number, or rows not written in the main namespace's
plain form. `usable` tells, from one pass over the unpacked XML (one to two seconds per 600 MB).

calamine parses the next piece in a thread of its own while the import parses the rows of this one: it
lets go of Python's lock while it parses, so on a second core most of its time is off the import's."""

import io
import itertools
import queue
import re
import threading
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor

# Of a worksheet's XML per piece (about 27,000 people): calamine holds about 1.6 times as much, and the
# piece's rows as Python about as much again. At 64 MB the million-people import peaked at 864 MB; at
# 16 MB at about 560 MB while parsing (BENCHMARKS.md).
PIECE_BYTES = 8 * 1024 * 1024
BLOCK = 4 * 1024 * 1024  # bytes unpacked at a time
PARSERS = 2  # pieces calamine parses at once (each on a thread of its own)

_OPEN, _CLOSE = b"<sheetData>", b"</sheetData>"
_ROW_END = b"</row>"
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")  # the whole sheet's extent: not the piece's
_DONE = object()
LOADER = "phoihop-xlsx-pieces"  # the loader thread's name
_EMPTY_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
)


class Broken(ValueError):
    """The sheet's XML ends before its rows do, or has no rows element."""


class SheetPieces:
    """The worksheet `name`, at `path` in the .xlsx `archive` (a ZipFile), read a piece at a time."""

    def __init__(self, archive: zipfile.ZipFile, path: str, name: str):
        self.archive, self.path, self.name = archive, path, name

    def _xml(self):
        """(head, blocks, tail): the XML before the rows (with `<sheetData>`), the rows in blocks that each
        end at a row end, then (once the blocks are exhausted) the XML after the rows in `tail[0]`."""
        tail: list[bytes] = []

        def blocks(f, rest: bytes):
            with f:
                while True:
                    data = f.read(BLOCK)
                    buf = rest + data
                    end = buf.find(_CLOSE)
                    if end >= 0:
                        tail.append(buf[end:] + f.read())
                        if end:
                            yield buf[:end]
                        return
                    if not data:
                        raise Broken("the rows do not end")
                    cut = buf.rfind(_ROW_END) + len(_ROW_END)
                    if cut >= len(_ROW_END):
                        yield buf[:cut]
                        rest = buf[cut:]
                    else:
                        rest = buf

        f = self.archive.open(self.path)
        head = b""
        while (start := head.find(_OPEN)) < 0:
            data = f.read(BLOCK)
            if not data or len(head) > BLOCK:
                f.close()
                return None, iter(()), tail
            head += data
        start += len(_OPEN)
        return head[:start], blocks(f, head[start:]), tail

    def usable(self) -> bool:
        """Whether the pieces give the sheet's rows as the whole sheet would: no merged cells, every row
        numbered, the plain namespace form. One pass over the unpacked XML, nothing kept."""
        head, blocks, tail = self._xml()
        if head is None:
            return False  # no rows, or a prefixed namespace (<x:sheetData>): the whole sheet is read
        for block in blocks:
            if block.count(b"<row") != block.count(b'<row r="'):
                return False
        return b"<mergeCell" not in tail[0]

    def pieces(self) -> "Pieces":
        """The pieces with cells, as (Excel number of the first row, its rows from column A). The loader
        thread starts at once, so that `usable` may be asked meanwhile (`close` the pieces when not)."""
        head, blocks, _ = self._xml()
        if head is None:
            raise Broken("no rows element")
        pieces = Pieces()
        loader = threading.Thread(
            target=self._load,
            args=(_DIMENSION.sub(b"", head), blocks, pieces.ready, pieces.taken, pieces.stop),
            name=LOADER,
            daemon=True,
        )
        loader.start()
        return pieces

    def _load(self, head: bytes, blocks, ready: queue.Queue, taken, stop: threading.Event) -> None:
        """The loader thread: each piece's calamine sheet (a future, or the error met) put in `ready`, then
        _DONE. calamine parses the pieces on PARSERS threads of its own; a piece is cut once one of the
        pieces before it has been taken (`taken`): PARSERS pieces at most wait, besides the one whose
        rows are being parsed."""
        held = False

        def hold() -> bool:  # False: the pieces are no longer read
            nonlocal held
            while not held and not stop.is_set():
                held = taken.acquire(timeout=0.2)
            return held

        def put(item) -> None:
            nonlocal held
            ready.put(item)
            held = False

        parsers = ThreadPoolExecutor(PARSERS, thread_name_prefix=f"{LOADER}-calamine")
        try:
            parts = self._other_parts()
            piece: list[bytes] = []
            size = 0
            for block in itertools.chain(blocks, [None]):
                if block is not None:
                    piece.append(block)
                    size += len(block)
                    if size < PIECE_BYTES:
                        continue
                if not piece:
                    break
                if not hold():
                    return
                book = _workbook(parts, self.path, [head, *piece, _CLOSE, b"</worksheet>"])
                piece, size = [], 0
                put(parsers.submit(_sheet_of, book, self.name))
                del book
            if hold():
                put(_DONE)
        except BaseException as error:  # handed to the reader of the pieces, which raises it
            if hold():
                put(error)
        finally:
            parsers.shutdown(wait=stop.is_set(), cancel_futures=stop.is_set())  # the rest is still read

    def _other_parts(self) -> dict[str, bytes]:
        """Every part but worksheets (the piece's sheet stands for its own; the others are left empty) and
        pictures: what calamine reads to open a workbook and type its cells."""
        parts = {}
        for info in self.archive.infolist():
            name = info.filename
            if name.startswith(("xl/media/", "xl/drawings/", "xl/worksheets/_rels/")):
                continue
            parts[name] = _EMPTY_SHEET if name.startswith("xl/worksheets/") else self.archive.read(info)
        return parts


class Pieces:
    """The pieces the loader thread parses, in order: each (Excel number of the first row, its rows from
    column A); the cells are calamine's, one width per piece (the validator reads a missing cell as an
    empty one). One piece waits ready at most; the loader stops once the pieces are closed, read to the
    end or let go."""

    def __init__(self):
        self.ready: queue.Queue = queue.Queue(maxsize=PARSERS)
        self.taken = threading.Semaphore(PARSERS)  # a piece is cut once one before it is taken
        self.stop = threading.Event()

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, list[list]]:
        while not self.stop.is_set():
            sheet = self.ready.get()
            self.taken.release()
            if isinstance(sheet, Future):
                try:
                    sheet = sheet.result()
                except BaseException as error:
                    sheet = error
            if sheet is _DONE or isinstance(sheet, BaseException):
                self.close()
                if sheet is _DONE:
                    break
                raise sheet
            if sheet.start is None:
                continue  # rows without cells
            top, left = sheet.start
            # The piece's rows only (iter_rows would give every row above them too, empty).
            rows = sheet.to_python(skip_empty_area=True)
            if left:
                pad = [""] * left
                rows = [pad + cells for cells in rows]
            return top + 1, rows
        raise StopIteration

    def close(self) -> None:
        self.stop.set()

    __del__ = close


def _sheet_of(book: io.BytesIO, name: str):
    """The piece's sheet as calamine reads it (on one of the parsing threads: calamine lets go of
    Python's lock while it parses, so two pieces are parsed at once on two cores)."""
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(book).get_sheet_by_name(name)  # calamine copies the bytes


def _workbook(parts: dict[str, bytes], path: str, xml: list[bytes]) -> io.BytesIO:
    """A workbook of `parts` whose worksheet `path` is the pieces of `xml` joined, unpacked (stored)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in parts.items():
            if name != path:
                z.writestr(name, data)
        with z.open(path, "w", force_zip64=True) as sheet:
            for part in xml:
                sheet.write(part)
    out.seek(0)
    return out
