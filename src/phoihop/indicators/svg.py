"""Small server-rendered SVG charts for the dashboard: vertical bars, lines, horizontal bars and a funnel.

Every chart is a plain `<svg role="img">` with a `<title>` and a `<desc>` that reads the figures out, so a
screen reader gets the data; labels are real `<text>` (the browser's font draws Vietnamese diacritics).
No JavaScript, no external files: the markup is safe to inline under the site's CSP.
"""

import hashlib
from collections.abc import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from phoihop.core import numbers

PALETTE = ("#0b5cad", "#b3261e", "#1b7a3a", "#c77700", "#6a3d9a", "#00838f")
INK, MUTED, GRID = "#1d2733", "#5b6775", "#e3e7ec"
FONT = 'font-family="Segoe UI, Noto Sans, DejaVu Sans, Arial, sans-serif"'

Fmt = Callable[[int | float | None], str]


# ---- Vietnamese number formats (phoihop.core.numbers): 6.065, 17.234.000.000, 45,3 -------------------

vn_number = numbers.number
vn_percent = numbers.percent


def vn_money_short(value: int | None) -> tuple[str, str]:
    """Large VND sums as a report writes them, figure and unit apart: ("18,04", "tỷ đồng")."""
    if value is None:
        return numbers.MISSING, ""
    if abs(value) >= 10**9:
        return vn_number(round(value / 10**9, 2)), _("tỷ đồng")
    if abs(value) >= 10**6:
        return vn_number(round(value / 10**6, 1)), _("triệu đồng")
    return vn_number(value), _("đồng")


SHORT_NAMES = (
    ("Liên đoàn Lao động", "LĐLĐ"),
    ("Công đoàn cơ sở", "CĐCS"),
    ("Công đoàn ngành", "CĐ ngành"),
)


def short_unit_name(name: str) -> str:
    """A unit's name as chart labels write it: "Liên đoàn Lao động huyện Bắc Hà" → "LĐLĐ huyện Bắc Hà"."""
    for long, short in SHORT_NAMES:
        name = name.replace(long, short)
    return name


def _ident(*parts) -> str:
    return "c" + hashlib.sha1(repr(parts).encode()).hexdigest()[:10]  # noqa: S324 - an id, not security


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 × a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _open(ident: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{ident}-t {ident}-d" {FONT}>',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
    ]


def _text(x, y, content: str, *, size=12, anchor="start", fill=INK, weight="normal", full: str = "") -> str:
    hover = f"<title>{escape(full)}</title>" if full and full != content else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"'
        f"{' font-weight=' + chr(34) + weight + chr(34) if weight != 'normal' else ''}>"
        f"{hover}{escape(content)}</text>"
    )


def _describe(labels: Sequence[str], values: Sequence, fmt: Fmt) -> str:
    return "; ".join(f"{label}: {fmt(v)}" for label, v in zip(labels, values, strict=True))


def _axis(left: float, right: float, top: float, bottom: float, top_value: float, fmt: Fmt) -> list[str]:
    """Horizontal grid lines with their values at 0, ½ and the top of the axis."""
    out = []
    for share in (0, 0.5, 1):
        y = bottom - share * (bottom - top)
        out.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(_text(left - 6, y + 4, fmt(top_value * share), size=11, anchor="end", fill=MUTED))
    return out


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[int | float | None],
    color: str = PALETTE[0],
    width: int = 360,
    height: int = 200,
    fmt: Fmt = vn_number,
) -> SafeString:
    """Vertical bars, one per label (years), each with its value above it."""
    ident = _ident("bar", title, tuple(labels), tuple(values))
    left, right, top, bottom = 52, width - 10, 22, height - 26
    top_value = _nice_max(max([v or 0 for v in values], default=0))
    out = _open(ident, title, _describe(labels, values, fmt), width, height)
    out += _axis(left, right, top, bottom, top_value, fmt)
    slot = (right - left) / max(len(values), 1)
    bar = min(slot * 0.62, 48)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + i * slot + (slot - bar) / 2
        h = (value or 0) / top_value * (bottom - top)
        out.append(
            f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}" rx="2">'
            f"<title>{escape(label)}: {escape(fmt(value))}</title></rect>"
        )
        out.append(_text(x + bar / 2, bottom - h - 5, fmt(value), size=11, anchor="middle"))
        out.append(_text(x + bar / 2, bottom + 17, label, size=12, anchor="middle", fill=MUTED))
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above went through escape()


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | float | None]]],
    width: int = 560,
    height: int = 240,
    fmt: Fmt = vn_number,
) -> SafeString:
    """One line per series over the same labels (years), with a legend above the plot."""
    ident = _ident("line", title, tuple(labels), tuple((n, tuple(v)) for n, v in series))
    left, right, top, bottom = 56, width - 16, 44, height - 26
    top_value = _nice_max(max([v or 0 for _name, vals in series for v in vals], default=0))
    desc = " | ".join(f"{name} — {_describe(labels, vals, fmt)}" for name, vals in series)
    out = _open(ident, title, desc, width, height)
    out += _axis(left, right, top, bottom, top_value, fmt)
    step = (right - left) / max(len(labels) - 1, 1)
    for i, label in enumerate(labels):
        out.append(_text(left + i * step, bottom + 17, label, size=12, anchor="middle", fill=MUTED))
    legend_x, legend_y = left, 10
    for n, (name, vals) in enumerate(series):
        color = PALETTE[n % len(PALETTE)]
        points = [
            (left + i * step, bottom - (v or 0) / top_value * (bottom - top)) for i, v in enumerate(vals)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>')
        for (x, y), label, v in zip(points, labels, vals, strict=True):
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}">'
                f"<title>{escape(name)}, {escape(label)}: {escape(fmt(v))}</title></circle>"
            )
        if legend_x + 24 + 7 * len(name) > right and legend_x > left:
            legend_x, legend_y = left, legend_y + 18
        out.append(f'<rect x="{legend_x}" y="{legend_y}" width="12" height="12" fill="{color}" rx="2"/>')
        out.append(_text(legend_x + 17, legend_y + 10.5, name, size=12))
        legend_x += 24 + 7 * len(name)
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above went through escape()


def hbar_chart(
    *,
    title: str,
    items: Sequence[tuple[str, float | None]],
    width: int = 560,
    label_width: int = 210,
    row: int = 24,
    fmt: Fmt = vn_number,
    reference: float | None = None,
    reference_label: str = "",
    color: str = PALETTE[0],
    good_color: str = PALETTE[2],
) -> SafeString:
    """Horizontal bars, one row per item, longest first as given. With `reference` (100 for percentages)
    a dashed line marks it and bars at or past it take `good_color`."""
    ident = _ident("hbar", title, tuple(items))
    top = 22 if reference is not None else 6
    height = top + row * max(len(items), 1) + 8
    left, right = label_width, width - 70
    top_value = _nice_max(max([v or 0 for _label, v in items] + [reference or 0], default=0))
    out = _open(ident, title, _describe([i[0] for i in items], [i[1] for i in items], fmt), width, height)
    limit = max(label_width // 7, 8)
    for i, (label, value) in enumerate(items):
        y = top + i * row
        w = (value or 0) / top_value * (right - left)
        fill = good_color if reference is not None and (value or 0) >= reference else color
        out.append(_text(left - 8, y + row / 2 + 4, _short(label, limit), anchor="end", full=label))
        out.append(
            f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" fill="{fill}" rx="2">'
            f"<title>{escape(label)}: {escape(fmt(value))}</title></rect>"
        )
        out.append(_text(left + w + 6, y + row / 2 + 4, fmt(value), size=12, weight="600"))
    if reference is not None:
        x = left + reference / top_value * (right - left)
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{height - 6}" stroke="{MUTED}" '
            f'stroke-dasharray="4 3"/>'
        )
        out.append(_text(x, 14, reference_label or fmt(reference), size=11, anchor="middle", fill=MUTED))
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above went through escape()


def funnel_chart(
    *,
    title: str,
    stages: Sequence[tuple[str, int | None, str]],
    width: int = 640,
    label_width: int = 250,
    row: int = 46,
    fmt: Fmt = vn_number,
) -> SafeString:
    """Centred bars, one per stage of a pipeline: (label, value, note); the note (a share, say) follows
    the value under the label."""
    ident = _ident("funnel", title, tuple(stages))
    height = row * max(len(stages), 1) + 6
    first = max([v or 0 for _label, v, _note in stages], default=0) or 1
    span = (width - label_width - 10) / 2
    centre = label_width + span
    desc = "; ".join(f"{label}: {fmt(value)} {note}".strip() for label, value, note in stages)
    out = _open(ident, title, desc, width, height)
    for i, (label, value, extra) in enumerate(stages):
        y = 4 + i * row
        half = max((value or 0) / first * span, 2)
        color = PALETTE[i % len(PALETTE)]
        out.append(
            f'<rect x="{centre - half:.1f}" y="{y}" width="{2 * half:.1f}" height="{row - 10}" '
            f'fill="{color}" rx="3"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
        )
        out.append(_text(8, y + row / 2 - 6, label, size=13, weight="600"))
        note = fmt(value) + (f"  ({extra})" if extra else "")
        out.append(_text(8, y + row / 2 + 12, note, size=12, fill=MUTED))
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above went through escape()
