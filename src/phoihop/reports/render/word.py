import io

from .. import tables
from . import Document, Renderer, register


def _cell_shading(cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


@register
class WordRenderer(Renderer):
    identifier = "docx"
    verbose_name = "Văn bản Word (DOCX)"
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    extension = "docx"

    def render(self, report: dict) -> bytes:
        import docx
        from docx.enum.section import WD_ORIENT  # noqa: F401 - portrait A4 set below
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        doc = Document(report)
        word = docx.Document()
        section = word.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin, section.right_margin = Cm(2.5), Cm(1.8)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        normal = word.styles["Normal"]
        normal.font.name = "Times New Roman"
        normal.font.size = Pt(13)

        def centred(text: str, *, bold=False, italic=False, size=None):
            p = word.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(text)
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = Pt(size)
            return p

        for org in doc.title["organisations"]:
            centred(org.upper(), bold=True, size=12)
        centred(doc.title["title"], bold=True, size=15)
        centred(doc.title["program"], bold=True)
        centred(doc.title["period"])
        centred(f"{doc.title['generated_text']} · Phạm vi: {doc.title['scope']}", italic=True, size=11)

        word.add_heading("I. Khái quát", level=2)
        word.add_paragraph(doc.opening).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        word.add_heading("II. Kết quả thực hiện", level=2)
        for n, (title, text) in enumerate(doc.paragraphs, 1):
            word.add_heading(f"{n}. {title}", level=3)
            word.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if not doc.paragraphs:
            word.add_paragraph("Trong kỳ báo cáo chưa có số liệu nào được ghi nhận.")

        word.add_heading("III. Bảng số liệu", level=2)
        for table in doc.tables:
            word.add_heading(table.title, level=3)
            grid = word.add_table(rows=1, cols=len(table.header))
            grid.style = "Table Grid"
            for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
                _cell_shading(cell, "E8EDF5")
            for row, kind in zip(table.rows, table.kinds, strict=True):
                cells = grid.add_row().cells
                if kind == "group":
                    merged = cells[0].merge(cells[-1])
                    merged.text = row[0]
                    merged.paragraphs[0].runs[0].bold = True
                    _cell_shading(merged, "F5F5F5")
                    continue
                for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
                    cell.text = tables.cell_text(value, kind)
                    if i:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for row in grid.rows:
                for cell in row.cells:
                    for p in cell.paragraphs:
                        for run in p.runs:
                            run.font.size = Pt(9)

        if doc.charts:
            word.add_heading("IV. Biểu đồ", level=2)
            for n, (title, png) in enumerate(doc.charts, 1):
                word.add_picture(io.BytesIO(png), width=Cm(16))
                word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
                centred(f"Hình {n}. {title}", italic=True, size=11)

        out = io.BytesIO()
        word.save(out)
        return out.getvalue()
