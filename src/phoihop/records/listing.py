"""A records list as its page shows it, for the page, the .xlsx export and the printed list (PDF, in
reports.roster): the filters read from the query string once, the rows through the same selector and
scope, newest first, and a person's personal fields emptied where the person page hides them
(accounts.scope.personal_data_q).

Exports and printouts of lists that show people or party data are audited like the list view itself
(records.services.PERSONAL_LISTS): one row per export with its filters and size."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from phoihop.accounts.scope import Scope, personal_data_q
from phoihop.audit.models import AuditEntry
from phoihop.audit.services import log_change
from phoihop.core import numbers, params

from . import selectors, services
from .kinds import Col, Kind
from .models import Person

EXPORT_CAP = 100_000  # rows in one .xlsx; more: filter first (the sheet says so)
PRINT_CAP = 1_000  # rows in one printed list (about 70 pages; fpdf lays out ~100 rows a second)


@dataclass(frozen=True)
class Filters:
    query: str = ""
    unit_code: str | None = None
    year: int | None = None
    sort: str = ""

    @classmethod
    def of(cls, request) -> Filters:
        """The list's filters from the query string; a malformed year answers 400 (core.params)."""
        return cls(
            query=request.GET.get("q", "").replace("\x00", "").strip()[:100],
            unit_code=request.GET.get("don_vi", "").replace("\x00", "").strip() or None,
            year=params.year(request, "nam"),
            sort=request.GET.get("sap_xep", "")[:60],
        )

    @property
    def kept(self) -> dict:
        values = {"q": self.query, "don_vi": self.unit_code, "nam": self.year, "sap_xep": self.sort}
        return {k: v for k, v in values.items() if v}

    @property
    def query_string(self) -> str:
        return urlencode(self.kept)

    def rows(self, scope: Scope, kind: Kind) -> QuerySet:
        return selectors.records_for(
            scope=scope, kind=kind, query=self.query, unit_code=self.unit_code, year=self.year, sort=self.sort
        )


# ---- personal columns --------------------------------------------------------------------------------

PERSONAL = (
    Col("birth_date", _("Ngày sinh")),
    Col("gender", _("Giới tính")),
    Col("ethnicity", _("Dân tộc")),
)


def personal_columns(kind: Kind) -> tuple[Col, ...]:
    """Birth date, gender, ethnicity of the person a row is about (lists of people only)."""
    return PERSONAL if kind.person_path is not None else ()


def with_personal_flag(rows: QuerySet, scope: Scope, kind: Kind) -> QuerySet:
    """Marks each row with `shows_personal`: may this scope see its person's personal fields? The
    person page's own rule (accounts.scope.personal_data_q), as the workbook export applies it."""
    if kind.person_path is None:
        return rows
    person_id = f"{kind.person_path}pk" if kind.person_path else "pk"
    visible = Person._base_manager.filter(personal_data_q(scope), pk=OuterRef(person_id))
    return rows.annotate(shows_personal=Exists(visible))


def _person(kind: Kind, obj):
    return obj if kind.person_path == "" else getattr(obj, "person", None)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    dates: list[bool]  # columns holding dates (real date cells in the .xlsx)
    capped: bool  # more rows matched than the cap


def table(rows: QuerySet, scope: Scope, kind: Kind, *, cap: int) -> Table:
    """The list's columns (and a person's personal ones, emptied where hidden) as text, first `cap`
    rows."""
    personal = personal_columns(kind)
    flagged = with_personal_flag(rows, scope, kind)
    out = []
    dates = [False] * (len(kind.columns) + len(personal))
    for obj in flagged[: cap + 1]:
        for i, c in enumerate((*kind.columns, *personal)):
            if not dates[i] and isinstance(
                _raw(c, obj if i < len(kind.columns) else _person(kind, obj)), date
            ):
                dates[i] = True
        cells = [c.value(obj) for c in kind.columns]
        if personal:
            shown = getattr(obj, "shows_personal", False)
            person = _person(kind, obj)
            cells += [c.value(person) if shown and person is not None else "" for c in personal]
        out.append(cells)
    capped = len(out) > cap
    return Table(
        header=[str(c.label) for c in (*kind.columns, *personal)],
        rows=out[:cap],
        numeric=[c.money for c in (*kind.columns, *personal)],
        dates=dates,
        capped=capped,
    )


def _raw(col: Col, obj):
    value = obj
    for part in col.path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
    return value


# ---- describing the filters in a title ---------------------------------------------------------------


def describe(kind: Kind, filters: Filters, unit_name: str | None) -> str:
    """'Năm 2024 · Liên đoàn Lao động huyện Bát Xát · tìm “hoa”' (empty when unfiltered)."""
    parts = []
    if filters.year:
        parts.append(_("Năm %(year)s") % {"year": filters.year})
    if unit_name:
        parts.append(unit_name)
    if filters.query:
        parts.append(_("tìm “%(q)s”") % {"q": filters.query})
    return " · ".join(parts)


def file_name(kind: Kind, filters: Filters, extension: str) -> str:
    """'danh-sach-nguoi-2024.xlsx': ASCII, from the kind's slug and the year."""
    stem = f"danh-sach-{kind.slug}"
    if filters.year:
        stem += f"-{filters.year}"
    return f"{stem}.{extension}"


# ---- .xlsx --------------------------------------------------------------------------------------------


def xlsx(kind: Kind, data: Table, *, title: str, subtitle: str) -> bytes:
    """The filtered list as a one-sheet workbook: a title, the filters, a frozen header row, dates as
    the page writes them (dd/mm/yyyy), money as numbers."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet(_("Danh sách")[:31])
    bold = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format(
        {"bold": True, "bg_color": "#E7E7E7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    cell = book.add_format({"border": 1, "valign": "top"})
    money = book.add_format({"border": 1, "num_format": "#,##0", "valign": "top"})
    day = book.add_format({"border": 1, "num_format": "dd/mm/yyyy", "valign": "top"})
    sheet.write(0, 0, title, bold)
    sheet.write(1, 0, subtitle)
    top = 3
    columns = ["STT", *data.header]
    for col, label in enumerate(columns):
        sheet.write(top, col, label, head)
    widths = [len(c) for c in columns]
    for n, row in enumerate(data.rows, 1):
        sheet.write_number(top + n, 0, n, cell)
        for col, (value, numeric, is_day) in enumerate(zip(row, data.numeric, data.dates, strict=True), 1):
            if numeric and value:
                sheet.write_number(top + n, col, int(value.replace(".", "")), money)
            elif is_day and value:
                d, m, y = (int(x) for x in value.split("/"))
                sheet.write_datetime(top + n, col, datetime(y, m, d), day)
            elif value:
                sheet.write_string(top + n, col, value, cell)
            else:
                sheet.write_blank(top + n, col, None, cell)
            widths[col] = max(widths[col], min(len(value), 60))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width + 2)
    sheet.freeze_panes(top + 1, 0)
    if data.capped:
        sheet.write(
            top + len(data.rows) + 2,
            0,
            _("Danh sách chỉ có %(n)s dòng đầu; hãy lọc theo năm hoặc đơn vị để xuất phần còn lại.")
            % {"n": numbers.number(len(data.rows))},
        )
    book.set_properties({"title": title})
    book.close()
    return buffer.getvalue()


def log_export(*, actor, kind: Kind, filters: Filters, rows: int, fmt: str, ip_address: str | None) -> None:
    """One audit row per export or printout of a list of people or party data (as its view is logged)."""
    model = kind.model._meta.label
    if model not in services.PERSONAL_LISTS:
        return
    log_change(
        actor=actor,
        action=AuditEntry.Action.EXPORT,
        model=model,
        object_code="",
        before=None,
        after={"filters": filters.kept, "rows": rows, "format": fmt},
        detail=f"xuất danh sách ({fmt})",
        ip_address=ip_address,
    )


# ---- the printed list -----------------------------------------------------------------------------------
# The PDF is laid out by the reports app (reports.roster: the official report's heading, fonts and
# signature lines). Reports sit above records, so records does not import it: reports registers its
# printer here when the app is ready, as other apps register write rules with accounts.scope.

_printer: Callable[..., bytes] | None = None


def register_printer(printer: Callable[..., bytes]) -> Callable[..., bytes]:
    global _printer
    _printer = printer
    return printer


def printer() -> Callable[..., bytes] | None:
    return _printer
