"""The official report as PDF: the same document as the DOCX, set in Liberation Serif (metric-compatible
with Times New Roman, SIL Open Font License, shipped in `reports/fonts/` and embedded in the file),
A4 with margins 2/2/3/2 cm, body justified, page numbers at the top centre from page 2."""

from __future__ import annotations

import io
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .. import tables
from . import Document, Renderer, register

FONT = "LiberationSerif"
FONTS = Path(__file__).resolve().parent.parent / "fonts"
MM_PER_PT = 0.3528


@register
class PdfRenderer(Renderer):
    identifier = "pdf"
    verbose_name = _("PDF để in (A4)")
    content_type = "application/pdf"
    extension = "pdf"

    def render(self, doc: Document, *, template: bytes | None = None) -> bytes:
        from fpdf import FPDF

        class Pdf(FPDF):
            def header(self):
                if self.page_no() > 1:  # Decree 30: no number on the first page, top centre after
                    self.set_y(10)
                    self.set_font(FONT, "", 13)
                    self.cell(0, 6, str(self.page_no()), align="C")
                    self.set_y(self.t_margin)

        pdf = Pdf(format="A4", unit="mm")
        pdf.set_margins(30, 20, 20)
        pdf.set_auto_page_break(True, margin=20)
        for style, name in (("", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic")):
            pdf.add_font(FONT, style, str(FONTS / f"LiberationSerif-{name}.ttf"))
        off = doc.official
        pdf.set_title(f"Báo cáo - {off.summary}")
        pdf.set_author("; ".join(s["name"] for s in off.sides))
        pdf.set_lang("vi")
        pdf.add_page()
        Layout(pdf, doc).write()
        return bytes(pdf.output())


def grid_table(pdf, *, widths, align, line_height: float):
    """A table as the documents draw them (the report's appendix, the printed lists): bold headings on
    grey, repeated on every page."""
    from fpdf.fonts import FontFace

    return pdf.table(
        col_widths=widths,
        text_align=align,
        headings_style=FontFace(emphasis="BOLD", fill_color=(231, 231, 231)),
        line_height=line_height,
        padding=0.8,
        repeat_headings=1,
    )


def centred_lines(pdf, x: float, y: float, w: float, items, *, leading: float = 1.2) -> float:
    """Centred lines (text, style, size) in a column from (x, y), `leading` times the size apart; returns
    the y below them. A text "—rule" draws a short rule (a third of the column; "—rule:40", 40 mm)."""
    pdf.set_xy(x, y)
    for text, style, size in items:
        if text.startswith("—rule"):
            length = float(text.split(":")[1]) if ":" in text else w / 3
            y = pdf.get_y() + 0.6
            pdf.set_line_width(0.25)
            pdf.line(x + (w - length) / 2, y, x + (w + length) / 2, y)
            pdf.set_xy(x, y + 1.2)
            continue
        pdf.set_font(FONT, style, size)
        pdf.set_x(x)
        pdf.multi_cell(w, size * MM_PER_PT * leading, text, align="C", new_x="LEFT", new_y="NEXT")
    return pdf.get_y()


class Layout:
    def __init__(self, pdf, doc: Document):
        self.pdf, self.doc, self.off = pdf, doc, doc.official
        self.width = pdf.epw

    # ---- small tools ------------------------------------------------------------------------------------
    def lines(self, x: float, y: float, w: float, items: list[tuple[str, str, float]]) -> float:
        return centred_lines(self.pdf, x, y, w, items)

    def para(self, text: str, *, size=14, style="", align="J", indent=12.7, after=2.0, before=0.0):
        pdf = self.pdf
        pdf.set_font(FONT, style, size)
        with pdf.text_columns(text_align=align, line_height=1.2) as cols:
            with cols.paragraph(first_line_indent=indent, top_margin=before, bottom_margin=after) as p:
                p.write(text)

    def heading(self, text: str, *, size=14, style="B", indent=0.0, before=2.0):
        if self.pdf.will_page_break(20):
            self.pdf.add_page()
        self.para(text, size=size, style=style, align="L", indent=indent, after=1.5, before=before)

    # ---- the parts ------------------------------------------------------------------------------------
    def write(self):
        self.head()
        self.title()
        for section in self.off.sections:
            self.section(section)
        self.closing()
        self.appendix()

    def head(self):
        pdf, off = self.pdf, self.off
        left_w, right_w = 68.0, 100.0
        x0 = pdf.l_margin - (left_w + right_w - self.width) / 2 - 2
        y = pdf.get_y()
        for side in off.sides:
            left = [(side["superior"].upper(), "", 12)] if side["superior"] else []
            left.append((side["name"].upper(), "B", 12))
            if side["tree"] == "party":
                left.append(("*", "", 13))
                right = [("ĐẢNG CỘNG SẢN VIỆT NAM", "B", 13), ("—rule:58", "", 0)]
            else:
                left.append(("—rule:24", "", 0))
                right = [
                    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12),
                    ("Độc lập - Tự do - Hạnh phúc", "B", 13),
                    ("—rule:56", "", 0),
                ]
            bottom_left = self.lines(x0, y, left_w, left)
            bottom_right = self.lines(x0 + left_w, y, right_w, right)
            y = max(bottom_left, bottom_right) + 2
        bottom_left = self.lines(x0, y, left_w, [(off.number, "", 13)])
        bottom_right = self.lines(x0 + left_w, y, right_w, [(off.date_text, "I", 14)])
        pdf.set_xy(pdf.l_margin, max(bottom_left, bottom_right) + 5)

    def title(self):
        pdf = self.pdf
        pdf.set_font(FONT, "B", 14)
        pdf.multi_cell(self.width, 6.5, "BÁO CÁO", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(self.width, 6.5, self.off.summary, align="C", new_x="LMARGIN", new_y="NEXT")
        y = pdf.get_y() + 1
        pdf.line(pdf.l_margin + self.width / 2 - 25, y, pdf.l_margin + self.width / 2 + 25, y)
        pdf.set_y(y + 4)

    def section(self, section: dict):
        self.heading(section["title"])
        for text in section["paragraphs"]:
            self.para(text)
        for n, part in enumerate(section["subsections"], 1):
            if part["title"]:
                title = f"{n}. {part['title']}" if section.get("numbered") else part["title"]
                self.heading(title, indent=12.7, before=1)
            for text in part["paragraphs"]:
                self.para(text)

    def signature(self, x: float, y: float, w: float, block: dict) -> float:
        items = [
            (block["authority"].upper(), "B", 14),
            (block["title"].upper(), "B", 14),
            (" ", "", 14),
            (" ", "", 14),
            (" ", "", 14),
            (block["name"] or " ", "B", 14),
        ]
        return self.lines(x, y, w, items)

    def recipients(self, x: float, y: float, w: float) -> float:
        pdf = self.pdf
        pdf.set_xy(x, y)
        pdf.set_font(FONT, "BI", 12)
        pdf.cell(w, 5.5, "Nơi nhận:", new_x="LEFT", new_y="NEXT")
        pdf.set_font(FONT, "", 11)
        for line in self.off.recipients:
            pdf.set_x(x)
            pdf.multi_cell(w, 4.8, line, align="L", new_x="LEFT", new_y="NEXT")
        return pdf.get_y()

    def closing(self):
        pdf, blocks = self.pdf, self.off.signatures
        if pdf.will_page_break(60):
            pdf.add_page()
        y = pdf.get_y() + 4
        if len(blocks) == 1:
            bottom = max(
                self.recipients(pdf.l_margin, y, 75),
                self.signature(pdf.l_margin + 75, y, self.width - 75, blocks[0]),
            )
        else:
            half = self.width / 2
            bottom = max(
                self.signature(pdf.l_margin, y, half, blocks[0]),
                self.signature(pdf.l_margin + half, y, half, blocks[1]),
            )
            bottom = self.recipients(pdf.l_margin, bottom + 6, self.width)
        pdf.set_xy(pdf.l_margin, bottom + 4)

    def appendix(self):
        from fpdf.fonts import FontFace

        pdf, doc = self.pdf, self.doc
        pdf.add_page()
        pdf.set_font(FONT, "B", 14)
        pdf.multi_cell(self.width, 6.5, "PHỤ LỤC", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(self.width, 6.5, "SỐ LIỆU KẾT QUẢ THỰC HIỆN", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "I", 13)
        pdf.multi_cell(self.width, 6, self.off.appendix_caption, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        for table in doc.tables:
            if pdf.will_page_break(30):
                pdf.add_page()
            pdf.set_font(FONT, "BI", 13)
            pdf.multi_cell(self.width, 6, table.title, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
            pdf.set_font(FONT, "", 10)
            units = table.kinds and table.kinds[0] in ("units", "total")
            if units:
                rest = (1 - 0.3) / (len(table.header) - 2)
                widths = [0.06, 0.24] + [rest] * (len(table.header) - 2)
                align = ["CENTER", "LEFT"] + ["RIGHT"] * (len(table.header) - 2)
            elif table.widths:
                widths = table.widths
                align = [
                    "LEFT" if isinstance(v, str) and i != 1 else "RIGHT" for i, v in enumerate(table.rows[0])
                ]
            else:
                widths = [0.36] + [0.64 / (len(table.header) - 1)] * (len(table.header) - 1)
                align = ["LEFT"] + ["RIGHT"] * (len(table.header) - 1)
            with grid_table(pdf, widths=widths, align=align, line_height=4.6) as grid:
                grid.row(table.header)
                for row, kind in zip(table.rows, table.kinds, strict=True):
                    cells = grid.row()
                    if kind == "group":
                        cells.cell(row[0], colspan=len(row), style=FontFace(emphasis="BOLD"))
                        continue
                    style = FontFace(emphasis="BOLD") if kind == "total" else None
                    for i, value in enumerate(row):
                        cells.cell(tables.cell_for(table, kind, i, value), style=style)
            pdf.ln(5)
        for n, (title, png) in enumerate(doc.charts, 1):
            if pdf.will_page_break(80):
                pdf.add_page()
            pdf.image(io.BytesIO(png), w=self.width * 0.95, x=pdf.l_margin + self.width * 0.025)
            pdf.set_font(FONT, "I", 12)
            pdf.multi_cell(self.width, 6, f"Biểu đồ {n}. {title}", align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
