import io
from pathlib import Path

from .. import tables
from . import Document, Renderer, register


def font_dir() -> Path:
    """DejaVu Sans ships with matplotlib (a dependency already) and covers every Vietnamese letter."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@register
class PdfRenderer(Renderer):
    identifier = "pdf"
    verbose_name = "PDF để in (A4)"
    content_type = "application/pdf"
    extension = "pdf"

    def render(self, report: dict) -> bytes:
        from fpdf import FPDF
        from fpdf.fonts import FontFace

        doc = Document(report)

        class Pdf(FPDF):
            def footer(self):
                self.set_y(-12)
                self.set_font("DejaVu", size=8)
                self.set_text_color(110)
                self.cell(0, 6, f"{doc.title['program_code']} · Trang {self.page_no()}/{{nb}}", align="C")
                self.set_text_color(0)

        pdf = Pdf(format="A4", unit="mm")
        pdf.set_margins(22, 18, 16)
        pdf.set_auto_page_break(True, margin=18)
        fonts = font_dir()
        pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        pdf.add_font("DejaVu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
        pdf.set_title(f"{doc.title['title']} – {doc.title['program']}")
        pdf.set_lang("vi")
        pdf.add_page()
        width = pdf.epw

        def line(text, *, style="", size=11, align="C", gap=1.5):
            pdf.set_font("DejaVu", style, size)
            pdf.multi_cell(width, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(gap)

        for org in doc.title["organisations"]:
            line(org.upper(), style="B", size=10, gap=0.5)
        pdf.ln(4)
        line(doc.title["title"], style="B", size=14)
        line(doc.title["program"], style="B", size=11)
        line(doc.title["period"], size=10.5)
        line(f"{doc.title['generated_text']} · Phạm vi: {doc.title['scope']}", style="I", size=9, gap=5)

        def heading(text, size=12):
            if pdf.will_page_break(20):
                pdf.add_page()
            line(text, style="B", size=size, align="L", gap=1)

        heading("I. Khái quát")
        line(doc.opening, size=10.5, align="J", gap=3)
        heading("II. Kết quả thực hiện")
        for n, (title, text) in enumerate(doc.paragraphs, 1):
            heading(f"{n}. {title}", size=10.5)
            line(text, size=10.5, align="J", gap=2.5)
        if not doc.paragraphs:
            line("Trong kỳ báo cáo chưa có số liệu nào được ghi nhận.", size=10.5, align="L")

        heading("III. Bảng số liệu")
        for table in doc.tables:
            heading(table.title, size=10.5)
            pdf.set_font("DejaVu", size=7.5)
            first = 0.42 if len(table.header) > 4 else 0.5
            rest = (1 - first) / (len(table.header) - 1)
            widths = table.widths or [first] + [rest] * (len(table.header) - 1)
            with pdf.table(
                col_widths=widths,
                text_align=[
                    "LEFT" if isinstance(v, str) and i != 1 else "RIGHT" for i, v in enumerate(table.rows[0])
                ]
                if table.widths
                else ["LEFT"] + ["RIGHT"] * (len(table.header) - 1),
                headings_style=FontFace(emphasis="BOLD", fill_color=(232, 237, 245)),
                line_height=4.2,
                padding=0.8,
            ) as grid:
                grid.row(table.header)
                for row, kind in zip(table.rows, table.kinds, strict=True):
                    cells = grid.row()
                    if kind == "group":
                        cells.cell(
                            row[0],
                            colspan=len(row),
                            style=FontFace(emphasis="BOLD", fill_color=(245, 245, 245)),
                        )
                        continue
                    for value in row:
                        cells.cell(tables.cell_text(value, kind))
            pdf.ln(4)

        if doc.charts:
            heading("IV. Biểu đồ")
            for n, (title, png) in enumerate(doc.charts, 1):
                image = pdf.image(io.BytesIO(png), w=width * 0.95, x=pdf.l_margin + width * 0.025)
                del image
                line(f"Hình {n}. {title}", style="I", size=9, gap=5)
        return bytes(pdf.output())
