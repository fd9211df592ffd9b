import io

from .. import tables
from . import Document, Renderer, register


@register
class SpreadsheetRenderer(Renderer):
    """The report's tables, one sheet each, numbers as numbers; plus the raw breakdowns."""

    identifier = "xlsx"
    verbose_name = "Bảng tính Excel (XLSX)"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"

    def render(self, report: dict) -> bytes:
        import xlsxwriter

        doc = Document(report)
        out = io.BytesIO()
        # Text stays text: a unit named "=HYPERLINK(...)" is written as a string, never as a formula.
        book = xlsxwriter.Workbook(
            out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        bold = book.add_format({"bold": True})
        head = book.add_format({"bold": True, "bg_color": "#E8EDF5", "border": 1, "text_wrap": True})
        group = book.add_format({"bold": True, "bg_color": "#F5F5F5"})
        formats = {
            "count": book.add_format({"num_format": "#,##0"}),
            "vnd": book.add_format({"num_format": "#,##0"}),
            "pct": book.add_format({"num_format": "0.0"}),
        }

        info = book.add_worksheet("Thông tin")
        info.set_column(0, 0, 22)
        info.set_column(1, 1, 90)
        rows = [
            ("Báo cáo", doc.title["title"]),
            ("Chương trình", doc.title["program"]),
            ("Mã chương trình", doc.title["program_code"]),
            ("Kỳ báo cáo", doc.title["period"]),
            ("Phạm vi", doc.title["scope"]),
            ("Ngày lập", doc.title["generated"]),
        ]
        for r, (k, v) in enumerate(rows):
            info.write_string(r, 0, k, bold)
            info.write_string(r, 1, v)
        info.write_string(len(rows) + 1, 0, "Nhận định", bold)
        for r, (title, text) in enumerate(doc.paragraphs, len(rows) + 2):
            info.write_string(r, 0, title)
            info.write_string(r, 1, text)

        sheets = [("Kết quả", tables.indicator_table(report))]
        if report.get("targets"):
            sheets.append(("Chỉ tiêu giao", tables.targets_table(report)))
        sheets += [("Theo đơn vị", tables.unit_table(report)), ("Phân tổ", tables.breakdown_table(report))]
        for name, table in sheets:
            self._table(book, name, table, head=head, group=group, formats=formats)
        book.close()
        return out.getvalue()

    @staticmethod
    def _table(book, name, table, *, head, group, formats) -> None:
        sheet = book.add_worksheet(name)
        sheet.set_column(0, 0, 48)
        sheet.set_column(1, len(table.header), 14)
        for c, text in enumerate(table.header):
            sheet.write_string(0, c, text, head)
        sheet.freeze_panes(1, 1)
        for r, (row, kind) in enumerate(zip(table.rows, table.kinds, strict=True), 1):
            for c, value in enumerate(row):
                if kind == "group":
                    if c == 0:
                        sheet.write_string(r, 0, value, group)
                elif value is None:
                    sheet.write_blank(r, c, None)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    fmt_kind = "pct" if c == len(row) - 1 and table.header[-1].endswith("(%)") else kind
                    sheet.write_number(r, c, value, formats.get(fmt_kind))
