import io
from datetime import date

from django.utils.translation import gettext_lazy as _

from .. import tables
from . import Document, Renderer, register

TITLE_ROWS = 3  # title, summary line, blank: the header row comes after and repeats on every page


@register
class SpreadsheetRenderer(Renderer):
    """The report's tables, one sheet each, numbers as numbers, dates as dates, units as rows; every
    sheet set up to print on A4 (fit to the page width, titles repeated, page numbers)."""

    identifier = "xlsx"
    verbose_name = _("Bảng tính Excel (XLSX)")
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"

    def render(self, doc: Document, *, template: bytes | None = None) -> bytes:
        import xlsxwriter

        report = doc.report
        out = io.BytesIO()
        # Text stays text: a unit named "=HYPERLINK(...)" is written as a string, never as a formula.
        book = xlsxwriter.Workbook(
            out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        font = {"font_name": "Times New Roman", "font_size": 11}
        self.f = {
            "text": book.add_format({**font, "text_wrap": True, "valign": "top"}),
            "bold": book.add_format({**font, "bold": True}),
            "title": book.add_format({**font, "bold": True, "font_size": 13}),
            "head": book.add_format(
                {
                    **font,
                    "bold": True,
                    "bg_color": "#E7E7E7",
                    "border": 1,
                    "text_wrap": True,
                    "align": "center",
                    "valign": "vcenter",
                }
            ),
            "group": book.add_format({**font, "bold": True, "bg_color": "#F3F3F3", "border": 1}),
            "cell": book.add_format({**font, "border": 1, "text_wrap": True, "valign": "top"}),
            "count": book.add_format({**font, "border": 1, "num_format": "#,##0"}),
            "vnd": book.add_format({**font, "border": 1, "num_format": "#,##0"}),
            "pct": book.add_format({**font, "border": 1, "num_format": "0.0"}),
            "total": book.add_format({**font, "border": 1, "bold": True, "num_format": "#,##0"}),
            "date": book.add_format({**font, "num_format": "dd/mm/yyyy", "align": "left"}),
        }
        self.summary = doc.official.summary

        info = book.add_worksheet("Thông tin")
        self._print(info, landscape=False)
        info.set_column(0, 0, 24)
        info.set_column(1, 1, 90)
        period = report["period"]
        rows = [
            ("Báo cáo", doc.official.summary),
            ("Số", doc.official.number),
            ("Kỳ báo cáo từ ngày", date.fromisoformat(period["from"])),
            ("Đến ngày", date.fromisoformat(period["to"])),
            ("Phạm vi", doc.title["scope"]),
            (
                "Ngày lập",
                date.fromisoformat(report["generated_at"][:10]) if report.get("generated_at") else None,
            ),
        ]
        for r, (k, v) in enumerate(rows):
            info.write_string(r, 0, k, self.f["bold"])
            if isinstance(v, date):
                info.write_datetime(r, 1, v, self.f["date"])
            elif v:
                info.write_string(r, 1, v, self.f["text"])
        r = len(rows) + 1
        for section in doc.official.sections[:2]:
            info.write_string(r, 0, section["title"], self.f["bold"])
            r += 1
            for text in section["paragraphs"]:
                info.write_string(r, 1, text, self.f["text"])
                r += 1
            for part in section["subsections"]:
                info.write_string(r, 0, part["title"], self.f["text"])
                for text in part["paragraphs"]:
                    info.write_string(r, 1, text, self.f["text"])
                    r += 1

        sheets = [("Kết quả", tables.indicator_table(report))]
        if report.get("targets"):
            sheets.append(("Chỉ tiêu giao", tables.targets_table(report)))
        sheets += [("Theo đơn vị", tables.unit_table(report)), ("Phân tổ", tables.breakdown_table(report))]
        for name, table in sheets:
            self._table(book, name, table)
        book.close()
        return out.getvalue()

    @staticmethod
    def _print(sheet, *, landscape: bool, header_row: int | None = None) -> None:
        sheet.set_paper(9)  # A4
        if landscape:
            sheet.set_landscape()
        sheet.set_margins(left=0.8, right=0.5, top=0.8, bottom=0.8)
        sheet.fit_to_pages(1, 0)  # the page's width, as many pages down as needed
        sheet.center_horizontally()
        sheet.set_footer("&C&P/&N")
        if header_row is not None:
            sheet.repeat_rows(header_row)

    def _table(self, book, name, table) -> None:
        f = self.f
        sheet = book.add_worksheet(name)
        units = bool(table.kinds) and table.kinds[0] in ("units", "total")
        self._print(sheet, landscape=len(table.header) > 6, header_row=TITLE_ROWS)
        sheet.write_string(0, 0, table.title, f["title"])
        sheet.write_string(1, 0, self.summary, f["bold"])
        if units:
            sheet.set_column(0, 0, 6)
            sheet.set_column(1, 1, 40)
            sheet.set_column(2, len(table.header), 16)
        else:
            sheet.set_column(0, 0, 48)
            sheet.set_column(1, len(table.header), 14)
        head = TITLE_ROWS
        sheet.set_row(head, 48)
        for c, text in enumerate(table.header):
            sheet.write_string(head, c, text, f["head"])
        sheet.freeze_panes(head + 1, 2 if units else 1)
        for r, (row, kind) in enumerate(zip(table.rows, table.kinds, strict=True), head + 1):
            for c, value in enumerate(row):
                if kind == "group":
                    if c == 0:
                        sheet.write_string(r, 0, value, f["group"])
                    continue
                style = self._style(table, kind, c)
                if value is None or value == "":
                    sheet.write_blank(r, c, None, style)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value, f["cell"] if kind != "total" else f["total"])
                else:
                    sheet.write_number(r, c, value, style)

    def _style(self, table, kind: str, c: int):
        f = self.f
        if kind == "total":
            return f["total"]
        if kind == "units":
            column = (table.column_kinds or [])[c - 2] if c >= 2 and table.column_kinds else "count"
            return f["pct" if column == "pct" else "count"]
        if c == len(table.header) - 1 and table.header[-1].endswith("(%)"):
            return f["pct"]
        return f.get(kind, f["count"])
