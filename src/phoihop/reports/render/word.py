"""The official report as a Word document: the .docx template (built-in or the federation's own) filled
by docxtpl, its blocks (heading, parts I–V, signatures, appendix) generated here as sub-documents."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _

from .. import tables
from ..docx_template import builtin_bytes, rule_line, use_times_new_roman
from . import Document, Renderer, register

HEADING_WIDTHS = (6.8, 10.0)  # cm: bodies on the left, motto on the right (text width 16 cm)
TEXT_WIDTH = 16.0


def _cell_shading(cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _line(
    container, text: str, *, size=13, bold=False, italic=False, align="center", after=0, style="Normal"
):
    from docx.enum.text import WD_ALIGN_PARAGRAPH as ALIGN
    from docx.shared import Pt

    p = container.add_paragraph(style=style)
    p.alignment = {"center": ALIGN.CENTER, "left": ALIGN.LEFT, "justify": ALIGN.JUSTIFY}[align]
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.first_line_indent = None
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    return p


def _cell(cell):
    """A table cell emptied of its first blank paragraph, ready for `_line`."""
    first = cell.paragraphs[0]
    first._p.getparent().remove(first._p)
    return cell


def _grid(sub, rows: int, widths: tuple[float, ...]):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    grid = sub.add_table(rows=rows, cols=len(widths))
    _widths(grid, widths)
    if sum(widths) > TEXT_WIDTH:  # the heading reaches a little into the left margin, as printed ones do
        indent = OxmlElement("w:tblInd")
        indent.set(qn("w:w"), str(-int((sum(widths) - TEXT_WIDTH) * 567)))
        indent.set(qn("w:type"), "dxa")
        grid._tbl.tblPr.append(indent)
    return grid


def _widths(grid, widths) -> None:
    """Fixed column widths that Word and LibreOffice both keep (grid columns and every cell)."""
    from docx.shared import Cm

    grid.autofit = False  # a fixed layout
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Cm(width)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def table_widths(table: tables.Table) -> tuple[float, ...]:
    columns = len(table.header)
    if table.kinds and table.kinds[0] in ("units", "total"):
        first = (1.2, 4.6)
    elif table.widths:
        return tuple(round(w * TEXT_WIDTH, 2) for w in table.widths)
    else:
        first = (5.6,)
    rest = (TEXT_WIDTH - sum(first)) / (columns - len(first))
    return (*first, *([round(rest, 2)] * (columns - len(first))))


def heading_block(tpl, doc: Document):
    """Decree 30's heading (body above, issuing body, a rule, number | motto, a rule, place and date);
    the party side's after the Party's guidance (body above, party committee, "*" | ĐẢNG CỘNG SẢN VIỆT
    NAM); a joint report carries both, with one number and one date."""
    off = doc.official
    sub = tpl.new_subdoc()
    sides = off.sides
    grid = _grid(sub, len(sides) + 1, HEADING_WIDTHS)
    for row, side in zip(grid.rows, sides, strict=False):
        left, right = _cell(row.cells[0]), _cell(row.cells[1])
        if side["superior"]:
            _line(left, side["superior"].upper(), size=12)
        _line(left, side["name"].upper(), size=12, bold=True)
        if side["tree"] == "party":
            _line(left, "*", size=13, after=6)
            _line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=13, bold=True)
            rule_line(right.add_paragraph(), 2.3)
        else:
            rule_line(left.add_paragraph(), 2.1)
            _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
            _line(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True)
            rule_line(right.add_paragraph(), 2.2)
        _line(right, "", size=6)
    last = grid.rows[-1]
    left, right = _cell(last.cells[0]), _cell(last.cells[1])
    _line(left, off.number, size=13, after=6)
    _line(right, off.date_text, size=14, italic=True, after=6)
    return sub


def _section(sub, section: dict) -> None:
    sub.add_paragraph(section["title"], style="Heading 1")
    for text in section["paragraphs"]:
        sub.add_paragraph(text, style="Body Text")
    for n, part in enumerate(section["subsections"], 1):
        if part["title"]:
            title = f"{n}. {part['title']}" if section.get("numbered") else part["title"]
            sub.add_paragraph(title, style="Heading 2")
        for text in part["paragraphs"]:
            sub.add_paragraph(text, style="Body Text")


def sections_block(tpl, doc: Document, indexes: tuple[int, ...]):
    sub = tpl.new_subdoc()
    sections = doc.official.sections
    for i in indexes:
        _section(sub, sections[i])
    return sub


def _signature(cell, block: dict) -> None:
    _line(cell, block["authority"].upper(), size=14, bold=True)
    _line(cell, block["title"].upper(), size=14, bold=True, after=0)
    for _blank in range(4):
        _line(cell, "", size=14)
    _line(cell, block["name"], size=14, bold=True)


def _recipients(cell, lines: list[str]) -> None:
    _line(cell, "Nơi nhận:", size=12, bold=True, italic=True, align="left")
    for text in lines:
        _line(cell, text, size=11, align="left")


def signatures_block(tpl, doc: Document):
    """Recipients on the left, the signature on the right; a joint report signs side by side, the
    federation on the left, and lists the recipients below."""
    off = doc.official
    sub = tpl.new_subdoc()
    blocks = off.signatures
    sub.add_paragraph("", style="Normal")
    if len(blocks) == 1:
        grid = _grid(sub, 1, (7.5, 8.5))
        _recipients(_cell(grid.rows[0].cells[0]), off.recipients)
        _signature(_cell(grid.rows[0].cells[1]), blocks[0])
    else:
        grid = _grid(sub, 1, (8.0, 8.0))
        for cell, block in zip(grid.rows[0].cells, blocks[:2], strict=False):
            _signature(_cell(cell), block)
        sub.add_paragraph("", style="Normal")
        _recipients(sub, off.recipients)
    return sub


def _table(sub, table: tables.Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH as ALIGN
    from docx.shared import Pt

    sub.add_paragraph(table.title, style="Heading 3").alignment = ALIGN.CENTER
    grid = sub.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    _repeat_header(grid.rows[0])
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = text
        cell.paragraphs[0].alignment = ALIGN.CENTER
        cell.paragraphs[0].runs[0].bold = True
        _cell_shading(cell, "E7E7E7")
    for row, kind in zip(table.rows, table.kinds, strict=True):
        cells = grid.add_row().cells
        if kind == "group":
            merged = cells[0].merge(cells[-1])
            merged.text = row[0]
            merged.paragraphs[0].runs[0].bold = True
            continue
        for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.text = tables.cell_for(table, kind, i, value)
            text_col = isinstance(value, str) or (kind in ("units", "total") and i < 2)
            cell.paragraphs[0].alignment = ALIGN.LEFT if text_col or i == 0 else ALIGN.RIGHT
            if i == 0 and kind in ("units", "total"):
                cell.paragraphs[0].alignment = ALIGN.CENTER
            if kind == "total" and cell.paragraphs[0].runs:
                cell.paragraphs[0].runs[0].bold = True
    _widths(grid, table_widths(table))
    for row in grid.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.first_line_indent = None
                p.paragraph_format.space_after = Pt(0)
                for run in p.runs:
                    run.font.size = Pt(11)


def appendix_block(tpl, doc: Document):
    """A new page: "PHỤ LỤC", what it accompanies, the tables with units as rows, then the charts."""
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm

    off = doc.official
    sub = tpl.new_subdoc()
    sub.add_paragraph("", style="Normal").add_run().add_break(WD_BREAK.PAGE)
    _line(sub, "PHỤ LỤC", size=14, bold=True)
    _line(sub, "SỐ LIỆU KẾT QUẢ THỰC HIỆN", size=14, bold=True)
    _line(sub, off.appendix_caption, size=13, italic=True, after=12)
    for table in doc.tables:
        _table(sub, table)
        _line(sub, "", size=8)
    for n, (title, png) in enumerate(doc.charts, 1):
        sub.add_picture(io.BytesIO(png), width=Cm(15.5))
        sub.paragraphs[-1].alignment = 1
        sub.add_paragraph(f"Biểu đồ {n}. {title}", style="Caption")
    return sub


def context(tpl, doc: Document) -> dict:
    off = doc.official
    union = next((s for s in off.sides if s["tree"] == "union"), {})
    party = next((s for s in off.sides if s["tree"] == "party"), {})
    return {
        "heading": heading_block(tpl, doc),
        "number": off.number,
        "date": off.date_text,
        "place": off.place,
        "issuer": (union or party).get("name", "").upper(),
        "superior": (union or party).get("superior", "").upper(),
        "party_issuer": party.get("name", "").upper(),
        "party_superior": party.get("superior", "").upper(),
        "summary": off.summary,
        "kind": off.kind_word,
        "results": sections_block(tpl, doc, (0, 1)),
        "assessment": sections_block(tpl, doc, (2,)),
        "directions": sections_block(tpl, doc, (3,)),
        "proposals": sections_block(tpl, doc, (4,)),
        "signatures": signatures_block(tpl, doc),
        "appendix": appendix_block(tpl, doc),
    }


@register
class WordRenderer(Renderer):
    identifier = "docx"
    verbose_name = _("Văn bản Word (DOCX)")
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    extension = "docx"

    def render(self, doc: Document, *, template: bytes | None = None) -> bytes:
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(io.BytesIO(template or builtin_bytes()))
        tpl.render(context(tpl, doc), autoescape=True)
        use_times_new_roman(tpl.docx)
        props = tpl.docx.core_properties  # python-docx's own "python-docx" author and comments go
        props.title = f"Báo cáo {doc.official.summary}"[:250]
        props.author = props.last_modified_by = "; ".join(s["name"] for s in doc.official.sides)[:250]
        props.comments = props.subject = props.keywords = props.category = ""
        props.created = props.modified = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()
