"""The .docx template of the official report (docxtpl placeholders) — the built-in one and uploaded ones.

The built-in template `docx/mau-bao-cao.docx` ships in the package and is made by `build_builtin()`
(`python -m phoihop.reports.docx_template` writes it again). A federation may upload its own; it is
checked by `check_template()` before it is kept.

Placeholders (docxtpl, Jinja syntax; `{{p name }}` stands alone in its paragraph and is replaced by
generated paragraphs and tables):
    {{p heading }}      the heading block(s): bodies, motto / Party heading, number, place and date
    {{ number }}  {{ date }}  {{ place }}  {{ issuer }}  {{ superior }}  {{ party_issuer }}
    {{ party_superior }}  {{ summary }}  {{ kind }}   — single lines, for a template with its own heading
    {{p results }}      I. situation and II. results by area
    {{p assessment }}   III. strengths, shortcomings and causes, lessons
    {{p directions }}   IV. directions and tasks
    {{p proposals }}    V. proposals
    {{p signatures }}   recipients ("Nơi nhận:") and the signature block(s)
    {{p appendix }}     the appendix tables (units as rows) and charts
"""

from __future__ import annotations

import io
from pathlib import Path

from django.utils.translation import gettext as _

FONT = "Times New Roman"
BUILTIN = Path(__file__).parent / "docx" / "mau-bao-cao.docx"
BLOCKS = ("heading", "results", "assessment", "directions", "proposals", "signatures", "appendix")
LINES = (
    "number",
    "date",
    "place",
    "issuer",
    "superior",
    "party_issuer",
    "party_superior",
    "summary",
    "kind",
)
KNOWN = frozenset(BLOCKS + LINES)
REQUIRED = frozenset(
    ("summary", "results", "assessment", "directions", "proposals", "signatures", "appendix")
)


class TemplateProblem(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def builtin_bytes() -> bytes:
    return BUILTIN.read_bytes()


# ---- fonts: Times New Roman in every style, no theme fonts -------------------------------------------
def _set_fonts(rpr) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)


def use_times_new_roman(word) -> None:
    """Every style and the document defaults in Times New Roman on all four scripts, theme font
    references removed, theme colours made black: what Decree 30 asks, whatever the template held."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    _set_fonts(rpr)
    for style in styles.findall(qn("w:style")):
        rpr = style.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            style.append(rpr)
        _set_fonts(rpr)
        color = rpr.find(qn("w:color"))
        if color is not None and color.get(qn("w:themeColor")):
            for attr in ("themeColor", "themeShade", "themeTint"):
                color.attrib.pop(qn(f"w:{attr}"), None)
            color.set(qn("w:val"), "000000")
    # Direct formatting in the body that points at theme fonts (a pasted run) is pointed at the font too.
    for fonts in word.element.body.iter(qn("w:rFonts")):
        if any(fonts.get(qn(f"w:{a}")) for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")):
            _set_fonts(fonts.getparent())
    _theme_fonts(word)


def _theme_fonts(word) -> None:
    """The theme's major and minor Latin fonts set to Times New Roman too, so nothing falls back to
    Calibri or Cambria."""
    from lxml import etree

    part = next(
        (rel.target_part for rel in word.part.rels.values() if rel.reltype.endswith("/theme")),
        None,
    )
    if part is None:
        return
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    root = etree.fromstring(part.blob)  # noqa: S320 - our own template's theme or one just checked
    for font in ("majorFont", "minorFont"):
        for latin in root.iterfind(f".//a:{font}/a:latin", ns):
            latin.set("typeface", FONT)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---- the built-in template ------------------------------------------------------------------------------
def _style(
    word,
    name: str,
    *,
    size: float,
    bold=False,
    italic=False,
    align=None,
    before=0,
    after=0,
    indent=None,
    line=1.0,
    keep=False,
):
    from docx.shared import Cm, Pt, RGBColor

    style = word.styles[name]
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = line
    if align is not None:
        fmt.alignment = align
    fmt.first_line_indent = Cm(indent) if indent else None
    fmt.keep_with_next = keep
    return style


def _page_number(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def build_builtin() -> bytes:
    """The built-in template: A4, margins 2/2/3/2 cm, Times New Roman styles, page numbers at the top
    centre from page 2, and the placeholders in the order of an official report."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH as ALIGN
    from docx.shared import Cm

    word = docx.Document()
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.header_distance, section.footer_distance = Cm(1), Cm(1)
    section.different_first_page_header_footer = True  # no number on page 1
    header = section.header.paragraphs[0]
    header.alignment = ALIGN.CENTER
    _page_number(header)

    _style(word, "Normal", size=14)
    _style(word, "Body Text", size=14, align=ALIGN.JUSTIFY, after=6, indent=1.27, line=1.15)
    _style(word, "Heading 1", size=14, bold=True, align=ALIGN.LEFT, before=6, after=6, keep=True)
    _style(word, "Heading 2", size=14, bold=True, align=ALIGN.LEFT, before=3, after=3, indent=1.27, keep=True)
    _style(word, "Heading 3", size=14, bold=True, italic=True, align=ALIGN.LEFT, before=3, after=3, keep=True)
    _style(word, "Title", size=14, bold=True, align=ALIGN.CENTER, before=12)
    _style(word, "Subtitle", size=14, bold=True, align=ALIGN.CENTER)
    _style(word, "Caption", size=12, italic=True, align=ALIGN.CENTER, after=6)
    _style(word, "Header", size=13, align=ALIGN.CENTER)
    _style(word, "Footer", size=12)
    for name in ("Title", "Subtitle"):
        rpr = word.styles[name].element.get_or_add_rPr()
        for child in list(rpr):
            if child.tag.endswith(("}spacing", "}kern", "}u")):
                rpr.remove(child)
        ppr = word.styles[name].element.get_or_add_pPr()
        for child in list(ppr):
            if child.tag.endswith("}pBdr"):
                ppr.remove(child)
    table_font = word.styles["Table Grid"]
    table_font.font.name = FONT

    body = word.paragraphs[0] if word.paragraphs else word.add_paragraph()
    body.text = "{{p heading }}"
    word.add_paragraph("BÁO CÁO", style="Title")
    word.add_paragraph("{{ summary }}", style="Subtitle")
    rule = word.add_paragraph("", style="Normal")
    rule_line(rule, 5.5)
    for block in ("results", "assessment", "directions", "proposals", "signatures", "appendix"):
        word.add_paragraph("{{p " + block + " }}")
    use_times_new_roman(word)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def rule_line(paragraph, indent_cm: float) -> None:
    """A short centred line under a heading line (Decree 30's rule under the body name, the motto and
    the summary): a bottom border on an empty paragraph indented from both sides."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(3)
    fmt.first_line_indent = None
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    ppr.append(border)


# ---- checking an uploaded template --------------------------------------------------------------------
def placeholders(data: bytes) -> set[str]:
    """The variables a template uses. Raises TemplateProblem for a file that is not a readable .docx
    template."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError

    try:
        return set(DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables())
    except TemplateSyntaxError as bad:
        raise TemplateProblem(
            _("Mẫu báo cáo có lỗi cú pháp ở chỗ giữ chỗ: %(error)s.") % {"error": bad.message}
        ) from bad
    except Exception as bad:  # noqa: BLE001 - any unreadable upload is the same answer
        raise TemplateProblem(_("Tệp tải lên không phải là tệp Word (.docx) đọc được.")) from bad


def _unbalanced(data: bytes) -> str | None:
    """The first paragraph whose placeholder brackets do not close (docxtpl would render it as text)."""
    import docx

    word = docx.Document(io.BytesIO(data))
    paragraphs = list(word.paragraphs)
    paragraphs += [p for t in word.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    for section in word.sections:
        paragraphs += section.header.paragraphs + section.footer.paragraphs
    for p in paragraphs:
        text = p.text
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            return text.strip()[:80]
    return None


def check_template(data: bytes) -> set[str]:
    """The template's placeholders, or TemplateProblem naming the unknown and missing ones."""
    used = placeholders(data)
    broken = _unbalanced(data)
    if broken is not None:
        raise TemplateProblem(
            _("Mẫu báo cáo có lỗi cú pháp ở chỗ giữ chỗ: đoạn “%(text)s” mở ngoặc mà không đóng.")
            % {"text": broken}
        )
    unknown = sorted(used - KNOWN)
    missing = sorted(REQUIRED - used)
    if "heading" not in used and not {"number", "date"} <= used:
        missing.append("heading")
    problems = []
    if unknown:
        problems.append(_("chỗ giữ chỗ không có trong danh mục: %(names)s") % {"names": ", ".join(unknown)})
    if missing:
        problems.append(_("thiếu chỗ giữ chỗ: %(names)s") % {"names": ", ".join(missing)})
    if problems:
        raise TemplateProblem(
            _("Mẫu báo cáo không dùng được — %(problems)s.") % {"problems": "; ".join(problems)}
        )
    return used


if __name__ == "__main__":  # pragma: no cover - regenerates the shipped file
    BUILTIN.parent.mkdir(exist_ok=True)
    BUILTIN.write_bytes(build_builtin())
    print(BUILTIN)
