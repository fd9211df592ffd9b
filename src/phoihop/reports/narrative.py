"""Part II of the review report, written from the figures in the register of an official report.

One paragraph per content area. Each sentence is built from clauses; a clause whose figure is zero or
missing is dropped, and a sentence left with no clause is dropped, so the text never says "0 …". Each
area then sets its figures against the targets given to the units (when there are any) and against the
previous period of the same length (when that period has figures). Statements follow the period actually
chosen: a one-year report never says "every year". The wording is the project's own; only the facts
come from the records, and no sentence talks about how the figures were obtained.

The union → party figures are flows of the same period (referred in the period, trained in the period,
admitted in the period), not one cohort followed from step to step: the document says so (`FLOWS_NOTE`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from phoihop.core import numbers as fmt

NON_STATE = ("ngoai_nha_nuoc", "fdi", "hop_tac_xa")

# How the prose names each figure (never the form's label, never a code).
NOUNS = {
    "union.grassroots_founded": "số công đoàn cơ sở thành lập mới",
    "union.members_admitted": "số đoàn viên kết nạp mới",
    "union.outstanding_referred": "số đoàn viên ưu tú được giới thiệu cho tổ chức đảng",
    "union.referred_admitted": "số đoàn viên ưu tú được kết nạp vào Đảng",
    "party.cells_founded_in_enterprises": "số tổ chức đảng thành lập trong doanh nghiệp",
    "party.members_admitted_in_enterprises": "số đảng viên kết nạp trong doanh nghiệp",
    "party.training_classes": "số lớp bồi dưỡng nhận thức về Đảng",
    "party.trainees": "số học viên được bồi dưỡng",
    "emulation.works_registered": "số công trình, sản phẩm đăng ký thi đua",
    "emulation.initiatives_applied": "số sáng kiến được áp dụng",
    "emulation.initiatives_value_vnd": "giá trị làm lợi từ sáng kiến",
    "emulation.initiatives_provincial": "số sáng kiến được công nhận cấp tỉnh",
    "awards.enterprises": "số doanh nghiệp được khen thưởng",
    "awards.enterprise_heads": "số người đứng đầu doanh nghiệp được khen thưởng",
    "welfare.contributions_vnd": "số tiền ủng hộ an sinh xã hội, từ thiện",
}
# The figures each area compares with the previous period.
COMPARED = {
    "organisation": ("union.grassroots_founded", "union.members_admitted"),
    "party": (
        "union.outstanding_referred",
        "union.referred_admitted",
        "party.members_admitted_in_enterprises",
    ),
    "emulation": ("emulation.initiatives_applied", "emulation.initiatives_value_vnd"),
    "awards": ("awards.enterprises", "awards.enterprise_heads"),
    "welfare": ("welfare.contributions_vnd",),
}
FLOWS_NOTE = (
    "Các số liệu giới thiệu đoàn viên ưu tú, bồi dưỡng nhận thức về Đảng và kết nạp đảng viên là số phát "
    "sinh trong cùng kỳ báo cáo, không phải số của cùng một lớp người được theo dõi qua từng bước: người "
    "được kết nạp trong kỳ có thể đã được giới thiệu, bồi dưỡng từ kỳ trước."
)


# ---- the period -----------------------------------------------------------------------------------------
def whole_years(start: date, end: date) -> bool:
    return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)


def period_phrase(period: dict) -> str:
    """'năm 2021', 'giai đoạn 2017–2020', or 'kỳ từ ngày 01/07/2025 đến ngày 31/12/2025'."""
    start, end = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
    if whole_years(start, end):
        return f"năm {start.year}" if start.year == end.year else f"giai đoạn {start.year}–{end.year}"
    return f"kỳ từ ngày {fmt.day(start)} đến ngày {fmt.day(end)}"


def previous_bounds(period: dict) -> tuple[date, date]:
    """The period of the same length just before: 2013–2016 for 2017–2020, 2020 for 2021; a period not
    made of whole years moves back by its number of days."""
    start, end = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
    if whole_years(start, end):
        years = end.year - start.year + 1
        return date(start.year - years, 1, 1), date(start.year - 1, 12, 31)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def years_with_values(report: dict, code: str) -> list[str]:
    by_year = (report["indicators"].get(code) or {}).get("by_year") or {}
    return [y for y, v in by_year.items() if v is not None]


# ---- reading the figures --------------------------------------------------------------------------------
@dataclass
class Figures:
    report: dict
    previous: dict | None = None
    targets: list[dict] = field(default_factory=list)

    def __post_init__(self):
        self.targets = self.report.get("targets") or []

    def get(self, code: str):
        """The indicator's value, or None when it is zero or cannot be computed."""
        entry = self.report["indicators"].get(code)
        value = entry and entry.get("value")
        return value or None

    def before(self, code: str):
        if not self.previous:
            return None
        entry = self.previous["indicators"].get(code)
        return (entry and entry.get("value")) or None

    def breakdown(self, code: str, name: str) -> dict:
        entry = self.report["indicators"].get(code) or {}
        return entry.get(name) or {}

    @property
    def multi_year(self) -> bool:
        p = self.report["period"]
        return p["from"][:4] != p["to"][:4]

    def top_unit(self, code: str) -> tuple[str, int] | None:
        """The child unit with the most, when one unit clearly leads among several."""
        by_unit = (self.report["indicators"].get(code) or {}).get("by_unit") or {}
        ranked = sorted(((v or 0, u) for u, v in by_unit.items()), reverse=True)
        if len(ranked) < 2 or not ranked[0][0] or ranked[0][0] == ranked[1][0]:
            return None
        label = self.report.get("units", {}).get("labels", {}).get(ranked[0][1], ranked[0][1])
        return label, ranked[0][0]

    def peak_year(self, code: str) -> tuple[str, int] | None:
        by_year = (self.report["indicators"].get(code) or {}).get("by_year") or {}
        ranked = sorted(((v or 0, y) for y, v in by_year.items()), reverse=True)
        if len(ranked) < 2 or not ranked[0][0] or ranked[0][0] == ranked[1][0]:
            return None
        return ranked[0][1], ranked[0][0]


def _join(clauses: list[str | None], *, last: str = " và ") -> str | None:
    kept = [c for c in clauses if c]
    if not kept:
        return None
    if len(kept) == 1:
        return kept[0]
    return ", ".join(kept[:-1]) + last + kept[-1]


def _sentence(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _when(value, template: str, **extra) -> str | None:
    return template.format(v=value, **extra) if value else None


def _counted(value, template: str) -> str | None:
    """The template with the value written as a count ({v}), or None when there is none."""
    return _when(value and fmt.count(value), template)


def _shown(code: str, value) -> str:
    return fmt.money(value) if code.endswith("_vnd") else fmt.count(value)


def _part_of(part, whole) -> bool:
    """A 'trong đó' clause says something only when the part is a real part of the whole."""
    return bool(part) and bool(whole) and part < whole


# ---- comparisons ----------------------------------------------------------------------------------------
def compared_with_targets(f: Figures, area: str, areas: dict) -> str | None:
    """Targets given to the units in the period, summed per figure, against what they achieved."""
    rows = [t for t in f.targets if areas.get(t["indicator"]) == area and t.get("target")]
    if not rows:
        return None
    clauses, met = [], 0
    codes = list(dict.fromkeys(t["indicator"] for t in rows))
    for code in codes:
        mine = [t for t in rows if t["indicator"] == code]
        target = sum(t["target"] for t in mine)
        actual = sum(t["actual"] or 0 for t in mine)
        met += sum(1 for t in mine if (t["actual"] or 0) >= t["target"])
        noun = NOUNS.get(code, "").removeprefix("số ")
        if not noun:
            continue
        reached = fmt.percent(round(100 * actual / target, 1)) if target else None
        clauses.append(
            f"{noun} thực hiện {_shown(code, actual) if actual else 'chưa có kết quả'} "
            f"trên {_shown(code, target)} được giao" + (f" (đạt {reached})" if actual and reached else "")
        )
    text = _join(clauses, last="; ")
    if not text:
        return None
    years = sorted({t["year"] for t in rows})
    when = f"năm {years[0]}" if len(years) == 1 else f"các năm {years[0]}–{years[-1]}"
    share = f"; {fmt.count(met)}/{fmt.count(len(rows))} chỉ tiêu năm giao cho các đơn vị đạt hoặc vượt"
    return _sentence(f"So với chỉ tiêu giao cho {when}: {text}{share}")


def compared_with_previous(f: Figures, area: str) -> str | None:
    """Each of the area's main figures against the previous period of the same length."""
    if not f.previous:
        return None
    clauses = []
    for code in COMPARED.get(area, ()):
        now, then = f.get(code), f.before(code)
        noun = NOUNS[code]
        if not then:
            continue
        if not now:
            clauses.append(f"chưa có {noun.removeprefix('số ')} (kỳ trước: {_shown(code, then)})")
        elif now == then:
            clauses.append(f"{noun} bằng kỳ trước ({_shown(code, now)})")
        elif now >= 2 * then:
            times = fmt.number(round(now / then, 1))
            clauses.append(f"{noun} gấp {times} lần (từ {_shown(code, then)} lên {_shown(code, now)})")
        else:
            change = round(100 * abs(now - then) / then, 1)
            verb, prep = ("tăng", "lên") if now > then else ("giảm", "xuống")
            clauses.append(
                f"{noun} {verb} {fmt.percent(change)} (từ {_shown(code, then)} {prep} {_shown(code, now)})"
            )
    text = _join(clauses, last="; ")
    if not text:
        return None
    return _sentence(f"So với {period_phrase(f.previous['period'])}, {text}")


# ---- the areas ------------------------------------------------------------------------------------------
def organisation(f: Figures) -> list[str | None]:
    founded, members = f.get("union.grassroots_founded"), f.get("union.members_admitted")
    main = _join(
        [
            _counted(founded, "thành lập mới {v} công đoàn cơ sở"),
            _counted(members, "kết nạp {v} đoàn viên công đoàn"),
        ]
    )
    non_state = sum(f.breakdown("union.members_admitted", "by_ownership").get(k, 0) for k in NON_STATE)
    women = f.breakdown("union.members_admitted", "by_gender").get("nu", 0)
    among = _join(
        [
            _when(
                _part_of(non_state, members) and fmt.count(non_state),
                "{v} người làm việc tại doanh nghiệp ngoài khu vực nhà nước",
            ),
            _when(_part_of(women, members) and fmt.count(women), "{v} lao động nữ"),
        ],
        last="; ",
    )
    first = main and f"Các cấp công đoàn đã {main}" + (
        f"; trong số đoàn viên mới có {among}" if among else ""
    )
    sentences = [_sentence(first)]
    peak = f.peak_year("union.grassroots_founded") if f.multi_year else None
    if peak:
        sentences.append(
            _sentence(f"Năm {peak[0]} thành lập được nhiều công đoàn cơ sở nhất ({fmt.count(peak[1])})")
        )
    lead = f.top_unit("union.members_admitted")
    if lead:
        sentences.append(_sentence(f"{lead[0]} dẫn đầu về kết nạp đoàn viên với {fmt.count(lead[1])} người"))
    return sentences


def party(f: Figures) -> list[str | None]:
    referred, admitted = f.get("union.outstanding_referred"), f.get("union.referred_admitted")
    sentences = [
        _sentence(
            referred
            and f"Công đoàn các cấp đã giới thiệu {fmt.count(referred)} đoàn viên ưu tú để tổ chức đảng xem xét, bồi dưỡng"
        ),
        _sentence(
            admitted
            and f"Cũng trong kỳ, {fmt.count(admitted)} đoàn viên ưu tú do công đoàn giới thiệu đã được kết nạp vào Đảng"
        ),
    ]
    classes, trainees = f.get("party.training_classes"), f.get("party.trainees")
    from_ent, non_state = f.get("party.trainees_from_enterprises"), f.get("party.trainees_from_non_state")
    if classes or trainees:
        opened = _join(
            [
                _counted(classes, "mở {v} lớp bồi dưỡng nhận thức về Đảng"),
                _when(
                    trainees and fmt.count(trainees),
                    "{v} học viên" if classes else "bồi dưỡng nhận thức về Đảng cho {v} quần chúng",
                ),
            ],
            last=" cho ",
        )
        among = None
        if _part_of(from_ent, trainees):
            among = f"{fmt.count(from_ent)} quần chúng đang làm việc trong doanh nghiệp"
            if _part_of(non_state, from_ent):
                among += f" (có {fmt.count(non_state)} người ở doanh nghiệp ngoài khu vực nhà nước)"
        elif non_state and _part_of(non_state, trainees):
            among = f"{fmt.count(non_state)} quần chúng ở doanh nghiệp ngoài khu vực nhà nước"
        sentences.append(
            _sentence(f"Các cấp ủy đảng đã {opened}" + (f", trong đó có {among}" if among else ""))
        )
    cells, members, owners = (
        f.get("party.cells_founded_in_enterprises"),
        f.get("party.members_admitted_in_enterprises"),
        f.get("party.business_owners_admitted"),
    )
    in_enterprises = _join(
        [
            _counted(cells, "thành lập mới {v} tổ chức đảng"),
            _counted(members, "kết nạp {v} đảng viên"),
        ]
    )
    if in_enterprises:
        owner_part = (
            f", trong đó có {fmt.count(owners)} đồng chí là chủ doanh nghiệp"
            if _part_of(owners, members)
            else ""
        )
        if owners and members and owners == members:
            owner_part = ", đều là chủ doanh nghiệp"
        sentences.append(_sentence(f"Tại các doanh nghiệp đã {in_enterprises}{owner_part}"))
    return sentences


def emulation(f: Figures) -> list[str | None]:
    works, applied, worth, provincial = (
        f.get("emulation.works_registered"),
        f.get("emulation.initiatives_applied"),
        f.get("emulation.initiatives_value_vnd"),
        f.get("emulation.initiatives_provincial"),
    )
    sentences = [
        _sentence(
            works and f"Người lao động đã đăng ký thực hiện {fmt.count(works)} công trình, sản phẩm thi đua"
        ),
    ]
    if applied:
        worth_part = f", làm lợi {fmt.money(worth)}" if worth else ""
        prov_part = f"; {fmt.count(provincial)} sáng kiến được công nhận cấp tỉnh" if provincial else ""
        sentences.append(
            _sentence(
                f"Có {fmt.count(applied)} sáng kiến, cải tiến kỹ thuật được áp dụng vào sản xuất, công tác{worth_part}{prov_part}"
            )
        )
    elif worth:
        sentences.append(_sentence(f"Các sáng kiến được áp dụng đã làm lợi {fmt.money(worth)}"))
    projects, authors = (
        f.get("emulation.provincial_contest_projects"),
        f.get("emulation.provincial_contest_authors"),
    )
    if projects:
        by = f" của {fmt.count(authors)} tác giả, đồng tác giả" if authors else ""
        sentences.append(
            _sentence(f"Hội thi sáng tạo kỹ thuật cấp tỉnh có {fmt.count(projects)} đề tài{by} tham gia")
        )
    national = f.get("emulation.national_contest_projects")
    second, consolation = (
        f.get("emulation.national_second_prizes"),
        f.get("emulation.national_consolation_prizes"),
    )
    prizes = _join(
        [
            _counted(second, "{v} giải Nhì"),
            _counted(consolation, "{v} giải Khuyến khích"),
        ]
    )
    if national:
        won = f", đạt {prizes}" if prizes else ""
        sentences.append(
            _sentence(f"{fmt.count(national)} đề tài tham dự Hội thi sáng tạo kỹ thuật toàn quốc{won}")
        )
    certificates = f.get("emulation.creative_labor_certificates")
    sentences.append(
        _sentence(certificates and f"{fmt.count(certificates)} người được tặng Bằng Lao động sáng tạo")
    )
    return sentences


def awards(f: Figures) -> list[str | None]:
    firms, heads, share = (
        f.get("awards.enterprises"),
        f.get("awards.enterprise_heads"),
        f.get("awards.direct_worker_share_pct"),
    )
    honoured = _join(
        [
            _counted(firms, "{v} doanh nghiệp"),
            _counted(heads, "{v} người đứng đầu doanh nghiệp"),
        ]
    )
    return [
        _sentence(honoured and f"{honoured} được Ủy ban nhân dân tỉnh hoặc Nhà nước khen thưởng"),
        _sentence(
            share
            and f"Công nhân, người lao động trực tiếp chiếm {fmt.percent(share)} số cá nhân được khen thưởng"
        ),
    ]


def yearly_share(code: str, what: str):
    """A paragraph writer for a yearly-minimum percentage (culture, democracy), true for the years the
    period actually holds: one year is one year, never 'every year'."""

    def write(f: Figures) -> list[str | None]:
        value = f.get(code)
        if not value:
            return []
        years = years_with_values(f.report, code)
        if len(years) <= 1:
            when = f"Năm {years[0]}" if years else "Trong kỳ"
            return [_sentence(f"{when}, {fmt.percent(value)} {what}")]
        span = f"{years[0]}–{years[-1]}"
        if value >= 100:
            return [_sentence(f"Trong tất cả các năm {span}, 100% {what}")]
        return [_sentence(f"Trong các năm {span}, tỷ lệ {what} thấp nhất là {fmt.percent(value)}")]

    return write


culture = yearly_share(
    "culture.min_yearly_recognition_pct", "doanh nghiệp được công nhận danh hiệu Nếp sống văn hóa"
)
democracy = yearly_share(
    "democracy.min_yearly_implementation_pct", "đơn vị được đánh giá thực hiện tốt Quy chế dân chủ ở cơ sở"
)


def welfare(f: Figures) -> list[str | None]:
    given = f.get("welfare.contributions_vnd")
    return [
        _sentence(
            given
            and f"Cán bộ, đoàn viên, người lao động và doanh nghiệp đã ủng hộ {fmt.money(given)} cho công tác an sinh xã hội, từ thiện, nhân đạo"
        )
    ]


WRITERS = {
    "organisation": organisation,
    "party": party,
    "emulation": emulation,
    "awards": awards,
    "culture": culture,
    "democracy": democracy,
    "welfare": welfare,
}


def narrative_paragraphs(report: dict, previous: dict | None = None) -> list[tuple[str, str]]:
    """(area title, paragraph) for every area that has something to say, in catalogue order. `previous`
    is the report of the previous period of the same length (same program and scope), when known."""
    figures = Figures(report, previous)
    titles = report.get("units", {}).get("area_titles", {})
    areas = report.get("units", {}).get("areas", {})
    out = []
    for area, write in WRITERS.items():
        sentences = [s for s in write(figures) if s]
        sentences.append(compared_with_targets(figures, area, areas))
        sentences.append(compared_with_previous(figures, area))
        sentences = [s for s in sentences if s]
        if sentences:
            out.append((titles.get(area, area), " ".join(sentences)))
    return out


def has_figures(report: dict | None) -> bool:
    return bool(report) and any((e or {}).get("value") for e in report["indicators"].values())


def opening(report: dict, previous: dict | None = None, *, summary: str | None = None) -> str:
    """Part I: what the report covers (program, period, scope) and how its figures are to be read."""
    who = " và ".join(report.get("scope_names") or report["scope"])
    program = report.get("program_name") or "chương trình phối hợp"
    verb = summary or "đánh giá kết quả thực hiện"
    period = report["period"]
    years = fmt.period(period["from"], period["to"]).replace("–", "-")
    when = "" if years in program.replace("–", "-") else f" trong {period_phrase(period)}"
    text = [f"Báo cáo {verb} {program}{when}, trên phạm vi {who}."]
    if previous is not None:
        before = period_phrase(previous["period"])
        if has_figures(previous):
            text.append(f"Kết quả được so sánh với {before}, có cùng độ dài.")
        else:
            text.append(f"Chưa có số liệu của {before} (cùng độ dài) để so sánh.")
    if any(
        (report["indicators"].get(c) or {}).get("value")
        for c in ("union.outstanding_referred", "union.referred_admitted", "party.trainees")
    ):
        text.append(FLOWS_NOTE)
    return " ".join(text)
