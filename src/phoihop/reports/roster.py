"""A records list printed as an administrative document (a union's member list, a class roster): the
issuing unit's heading as on the official report (reports.official.side_of — its superior and name on
the left, the national motto or "ĐẢNG CỘNG SẢN VIỆT NAM" on the right, place and date), a title, the
table with a running number, and the signature lines (the clerk who drew it up, and the unit's signing
authority). Same fonts as the report's PDF (Liberation Serif, embedded), A4, landscape when the table
is wide.

Registered with records.listing when the app is ready (records sits below reports and cannot import it).
"""

from __future__ import annotations

from django.utils import timezone, translation

from phoihop.core import numbers
from phoihop.orgs.selectors import parent_on

from .official import DOCUMENT_LANGUAGE, date_line, side_of
from .render.pdf import FONT, FONTS, centred_lines, grid_table

CLERK = "NGƯỜI LẬP BIỂU"
SIGN_HINT = "(Ký, ghi rõ họ tên)"


def render_list(*, kind, data, unit, subtitle: str = "") -> bytes:
    """The printed list as PDF bytes. `data`: records.listing.Table; `unit`: the issuing unit (the
    filter's unit, else the user's), None for a user above every unit."""
    from fpdf import FPDF

    wide = len(data.header) > 5
    pdf = FPDF(orientation="L" if wide else "P", format="A4", unit="mm")
    pdf.set_margins(20 if wide else 25, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    for style, name in (("", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic")):
        pdf.add_font(FONT, style, str(FONTS / f"LiberationSerif-{name}.ttf"))
    side = side_of(unit) if unit is not None else None
    if side and unit.exists_on(timezone.localdate()):
        # The body above the unit today (side_of names the founding parent; units move and merge).
        above = parent_on(unit, on=timezone.localdate())
        if above is not None:
            side["superior"] = above.name
    title = kind.title.upper()
    pdf.set_title(title)
    pdf.set_author(side["name"] if side else "")
    pdf.set_lang("vi")
    pdf.add_page()
    width = pdf.epw

    # ---- heading: the unit on the left, the motto on the right, then place and date -------------------
    left_w = width * 0.42
    y = pdf.get_y()
    left = []
    if side:
        if side["superior"]:
            left.append((side["superior"].upper(), "", 11))
        left.append((side["name"].upper(), "B", 11))
        left.append(("—rule", "", 0))
    if side and side["tree"] == "party":
        right = [("ĐẢNG CỘNG SẢN VIỆT NAM", "B", 13), ("—rule", "", 0)]
    else:
        right = [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12),
            ("Độc lập - Tự do - Hạnh phúc", "B", 13),
            ("—rule", "", 0),
        ]
    bottom = max(
        centred_lines(pdf, pdf.l_margin, y, left_w, left, leading=1.25),
        centred_lines(pdf, pdf.l_margin + left_w, y, width - left_w, right, leading=1.25),
    )
    place = (side or {}).get("place") or ""
    day = (
        date_line(place, timezone.localdate()) if place else date_line("", timezone.localdate()).lstrip(", ")
    )
    bottom = centred_lines(
        pdf, pdf.l_margin + left_w, bottom + 1, width - left_w, [(day, "I", 12)], leading=1.25
    )

    # ---- title -------------------------------------------------------------------------------------------
    pdf.set_xy(pdf.l_margin, bottom + 5)
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(width, 6.5, title, align="C", new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        pdf.set_font(FONT, "I", 12)
        pdf.multi_cell(width, 6, f"({subtitle})", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    # ---- the table ---------------------------------------------------------------------------------------
    header = ["STT", *data.header]
    widths = _widths(header, data.rows, width)
    align = ["CENTER"] + ["RIGHT" if n else "LEFT" for n in data.numeric]
    pdf.set_font(FONT, "", 10)
    with grid_table(pdf, widths=widths, align=align, line_height=4.8) as grid:
        heading = grid.row()
        for label in header:
            heading.cell(label, align="CENTER")
        for n, row in enumerate(data.rows, 1):
            cells = grid.row()
            cells.cell(str(n))
            for value in row:
                cells.cell(value)
    pdf.ln(2)
    pdf.set_font(FONT, "I", 12)
    with translation.override(DOCUMENT_LANGUAGE):  # a Vietnamese document on any page language
        total = numbers.number(len(data.rows))
    line = f"Danh sách có {total} dòng."
    if data.capped:
        line = f"Đã in {total} dòng đầu của danh sách; hãy lọc theo năm hoặc đơn vị để in phần còn lại."
    pdf.multi_cell(width, 6, line, new_x="LMARGIN", new_y="NEXT")

    # ---- signatures: the clerk on the left, the unit's signing authority on the right ------------------
    if pdf.will_page_break(45):
        pdf.add_page()
    y = pdf.get_y() + 4
    half = width / 2
    clerk = [(CLERK, "B", 13), (SIGN_HINT, "I", 12)]
    signer = []
    if side:
        signer = [(side["authority"].upper(), "B", 13), ((side["title"] or "").upper(), "B", 13)]
    else:
        signer = [("THỦ TRƯỞNG ĐƠN VỊ", "B", 13)]
    signer.append((SIGN_HINT, "I", 12))
    centred_lines(pdf, pdf.l_margin, y, half, clerk, leading=1.25)
    centred_lines(pdf, pdf.l_margin + half, y, half, signer, leading=1.25)
    return bytes(pdf.output())


def _widths(header: list[str], rows: list[list[str]], page_width: float) -> list[float]:
    """Column widths (mm) in proportion to their longest text (a sample of rows), never narrower than
    their longest word (a code, a date: they must not break); long names wrap."""
    sample = rows[:200]
    char = 1.9  # mm per character at 10 pt, with room to spare
    least, wanted = [4 * char], [4 * char]  # STT
    for i, label in enumerate(header[1:]):
        texts = [label, *(r[i] for r in sample)]
        word = max((len(w) for t in texts for w in t.split()), default=4)
        longest = max(len(t) for t in texts)
        least.append(word * char + 2)
        wanted.append(max(word * char + 2, min(longest, 40) * char + 2))
    spare, wish = page_width - sum(least), sum(wanted) - sum(least)
    share = 1.0 if wish <= 0 else max(0.0, min(1.0, spare / wish))
    return [low + (want - low) * share for low, want in zip(least, wanted, strict=True)]
