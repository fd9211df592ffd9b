"""The review report as an official document (văn bản hành chính): who issues it, its number, place and
date, its title, its five parts, recipients and signature blocks — laid out after Decree 30/2020/NĐ-CP
for the federation's side and the Party's guidance (heading "ĐẢNG CỘNG SẢN VIỆT NAM") for the party side.

`prepare(report)` gathers everything a document needs beyond the JSON figures (the previous period's
figures, the issuing bodies, the program's dates, the parts written by people, the register's number and
signers) into one plain dict. An issued report freezes that dict; every renderer reads only it, so an
issued report renders the same whatever happens to the records later.
"""

from __future__ import annotations

import re
from datetime import date

from phoihop.core import numbers as fmt
from phoihop.core.dates import today
from phoihop.orgs.models import Unit
from phoihop.records.models import Program

from . import narrative

# The review report is a Vietnamese administrative document (Decree 30/2020 form): its text, labels and
# numbers stay Vietnamese whatever language the staff page around it is shown in (pages and the
# issuing view build and render it under translation.override(DOCUMENT_LANGUAGE)).
DOCUMENT_LANGUAGE = "vi"

PARTS = (
    ("situation", "Tình hình và công tác tổ chức thực hiện (bổ sung)"),
    ("strengths", "Ưu điểm"),
    ("shortcomings", "Hạn chế, khuyết điểm và nguyên nhân"),
    ("lessons", "Bài học kinh nghiệm"),
    ("directions", "Phương hướng, nhiệm vụ"),
    ("proposals", "Đề xuất, kiến nghị"),
)
KINDS = {"so_ket": "Sơ kết", "tong_ket": "Tổng kết"}
FILL = "." * 90  # a line a clerk fills by hand

# kind: (the body above when the unit has no parent, number symbol, signing authority, signer's title)
UNION_HEADS = {
    "tong_ldld": ("", "TLĐ", "TM. ĐOÀN CHỦ TỊCH", "CHỦ TỊCH"),
    "ldld_tinh": ("Tổng Liên đoàn Lao động Việt Nam", "LĐLĐ", "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"),
    "ldld_huyen": ("", "LĐLĐ", "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"),
    "cd_nganh": ("", "CĐN", "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"),
    "cdcs": ("", "CĐCS", "TM. BAN CHẤP HÀNH", "CHỦ TỊCH"),
}
PARTY_HEADS = {
    "trung_uong": ("", "TW", "T/M BAN CHẤP HÀNH TRUNG ƯƠNG", "TỔNG BÍ THƯ"),
    "dang_bo_tinh": ("", "TU", "T/M TỈNH ỦY", "BÍ THƯ"),
    "dang_uy_khoi": ("", "ĐUK", "T/M ĐẢNG ỦY", "BÍ THƯ"),
    "dang_uy_khac": ("", "ĐU", "T/M BAN THƯỜNG VỤ", "BÍ THƯ"),
    "dang_bo_co_so": ("", "ĐU", "T/M ĐẢNG ỦY", "BÍ THƯ"),
    "chi_bo_co_so": ("", "CB", "T/M CHI BỘ", "BÍ THƯ"),
    "chi_bo_truc_thuoc": ("", "CB", "T/M CHI BỘ", "BÍ THƯ"),
}
PLACE_PREFIXES = ("thành phố ", "tỉnh ", "huyện ", "thị xã ", "quận ", "thị trấn ", "xã ", "phường ")


def place_of(area: str) -> str:
    """'tỉnh Lào Cai' → 'Lào Cai' (the place line names the locality, not its rank)."""
    area = (area or "").strip()
    for prefix in PLACE_PREFIXES:
        if area.lower().startswith(prefix):
            return area[len(prefix) :].strip()
    return area


def side_of(unit) -> dict:
    """The heading and signature facts of one issuing body, from its unit."""
    party = unit.kind in Unit.PARTY_KINDS or unit.kind in ("trung_uong", "dang_bo_tinh")
    heads = PARTY_HEADS if party else UNION_HEADS
    superior, symbol, authority, title = heads.get(
        unit.kind, ("", "ĐU" if party else "CĐ", "T/M BAN THƯỜNG VỤ" if party else "TM. BAN THƯỜNG VỤ", "")
    )
    if unit.parent_id:
        superior = unit.parent.name
    elif party and not superior and unit.area:
        superior = f"Đảng bộ {unit.area}"
    return {
        "tree": "party" if party else "union",
        "unit": unit.code,
        "name": unit.name,
        "superior": superior,  # the heading writes both in capitals
        "symbol": symbol,
        "place": place_of(unit.area),
        "authority": authority,
        "title": title,
    }


def sides_for(report: dict) -> list[dict]:
    """The issuing bodies: the program's two partners for the whole program (union side first), else
    the one unit the report covers."""
    units = {u.code: u for u in Unit.objects.select_related("parent").filter(code__in=report["scope"])}
    sides = [side_of(units[c]) for c in report["scope"] if c in units]
    return sorted(sides, key=lambda s: s["tree"] != "union")


def default_kind(report: dict, program_ends_on: str | None) -> str:
    """'tong_ket' when the period reaches the program's end, else 'so_ket' (a mid-term review)."""
    if program_ends_on and report["period"]["to"] >= program_ends_on:
        return "tong_ket"
    return "so_ket"


def previous_report(report: dict) -> dict | None:
    """The same report over the previous period of the same length, or None when it cannot be made.
    Through the report cache: every view of a report page compares with it."""
    from .assemble import ReportError
    from .cache import cached_report

    start, end = narrative.previous_bounds(report["period"])
    try:
        return cached_report(
            program_code=report["program"],
            date_from=start,
            date_to=end,
            scope_code=None if len(report["scope"]) > 1 else report["scope"][0],
        )
    except ReportError:
        return None


def prepare(
    report: dict,
    *,
    parts: dict | None = None,
    issue: dict | None = None,
    kind: str | None = None,
    previous: dict | None | bool = True,
) -> dict:
    """Everything the document needs, as plain data (what an issued report freezes)."""
    program = Program.objects.unscoped().filter(code=report["program"]).first()
    ends_on = program.ends_on.isoformat() if program else None
    starts_on = program.starts_on.isoformat() if program else None
    if previous is True:
        previous = previous_report(report)
    return {
        "report": report,
        "previous": previous or None,
        "program": {"starts_on": starts_on, "ends_on": ends_on},
        "kind": kind or default_kind(report, ends_on),
        "sides": sides_for(report),
        "parts": {key: (parts or {}).get(key, "") for key, _ in PARTS},
        "issue": issue,
    }


# ---- text of the heading and the closing ------------------------------------------------------------
def date_line(place: str, day: date | str | None, *, year: int | None = None) -> str:
    """'Lào Cai, ngày 05 tháng 01 năm 2021' (a day under 10 and the months 1 and 2 take a zero); dots
    to fill by hand when the report has no date yet."""
    if day is None:
        return f"{place}, ngày      tháng      năm {year or today().year}"
    if isinstance(day, str):
        day = date.fromisoformat(day)
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def joint_symbol(sides: list[dict]) -> str:
    return "-".join(s["symbol"] for s in sides)


def number_line(sides: list[dict], number: str | None) -> str:
    """'Số: 15/BC-LĐLĐ' (Decree 30), 'Số 15-BC/ĐUK' (the Party's guidance) or, for a joint report, one
    number for both, 'Số: 15/BC-LĐLĐ-ĐUK'; dots when no number has been given."""
    if number:
        return number if number.startswith("Số") else f"Số: {number}"
    if len(sides) == 1 and sides[0]["tree"] == "party":
        return f"Số       -BC/{sides[0]['symbol']}"
    return f"Số:       /BC-{joint_symbol(sides)}"


def format_number(sequence: int, sides: list[dict]) -> str:
    """The register's number in the style of the issuing side."""
    if len(sides) == 1 and sides[0]["tree"] == "party":
        return f"Số {sequence:02d}-BC/{sides[0]['symbol']}"
    return f"{sequence:02d}/BC-{joint_symbol(sides)}"


def sequence_of(number: str) -> int | None:
    found = re.search(r"(\d+)\s*[/-]\s*BC", number or "")
    return int(found.group(1)) if found else None


class Official:
    """The document's text, read from prepared data (see `prepare`)."""

    def __init__(self, data: dict):
        self.data = data
        self.report = data["report"]
        self.sides = data["sides"]
        self.issue = data.get("issue") or {}
        self.parts = data.get("parts") or {}

    @property
    def kind_word(self) -> str:
        return KINDS[self.data["kind"]]

    @property
    def place(self) -> str:
        return self.issue.get("place") or (self.sides[0]["place"] if self.sides else "")

    @property
    def number(self) -> str:
        return number_line(self.sides, self.issue.get("number"))

    @property
    def date_text(self) -> str:
        return date_line(
            self.place, self.issue.get("date"), year=int(self.report.get("generated_at", "")[:4] or 0) or None
        )

    @property
    def summary(self) -> str:
        """The line under "BÁO CÁO": "Sơ kết …" or "Tổng kết …", never both. A part of the program in
        whole years reads "Sơ kết 02 năm (2021–2022) thực hiện …"."""
        program = self.report.get("program_name") or "chương trình phối hợp"
        program = program[0].lower() + program[1:] if program[:10] == "Chương trì" else program
        period = self.report["period"]
        start, end = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
        years = fmt.period(period["from"], period["to"])
        programme = self.data.get("program") or {}
        if (period["from"], period["to"]) == (programme.get("starts_on"), programme.get("ends_on")):
            named = years.replace("–", "-") in program.replace("–", "-")
            return f"{self.kind_word} thực hiện {program}" + (
                "" if named else f" {narrative.period_phrase(period)}"
            )
        if narrative.whole_years(start, end):
            count = end.year - start.year + 1
            span = f"năm {start.year}" if count == 1 else f"{fmt.count(count)} năm ({years})"
            return f"{self.kind_word} {span} thực hiện {program}"
        return f"{self.kind_word} thực hiện {program} ({narrative.period_phrase(period)})"

    @property
    def opening(self) -> str:
        verb = "tổng kết kết quả thực hiện" if self.data["kind"] == "tong_ket" else "sơ kết kết quả thực hiện"
        return narrative.opening(self.report, self.data.get("previous"), summary=verb)

    @property
    def results(self) -> list[tuple[str, str]]:
        return narrative.narrative_paragraphs(self.report, self.data.get("previous"))

    def part(self, key: str) -> list[str]:
        """A part written by people, one paragraph per line; a line to fill when nobody wrote it."""
        text = (self.parts.get(key) or "").strip()
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def sections(self) -> list[dict]:
        """I–V: {"title", "paragraphs", "subsections": [{"title", "paragraphs"}]} (empty parts: FILL)."""

        def written(key: str, *, fill: bool = True) -> list[str]:
            return self.part(key) or ([FILL, FILL] if fill else [])

        results = [{"title": t, "paragraphs": [p]} for t, p in self.results] or [
            {"title": "", "paragraphs": ["Trong kỳ báo cáo chưa ghi nhận kết quả bằng số liệu."]}
        ]
        next_period = "giai đoạn tiếp theo" if self.data["kind"] == "tong_ket" else "thời gian còn lại"
        return [
            {
                "title": "I. TÌNH HÌNH VÀ CÔNG TÁC TỔ CHỨC THỰC HIỆN",
                "paragraphs": [self.opening, *written("situation", fill=False)],
                "subsections": [],
            },
            {"title": "II. KẾT QUẢ THỰC HIỆN", "paragraphs": [], "subsections": results, "numbered": True},
            {
                "title": "III. ĐÁNH GIÁ CHUNG",
                "paragraphs": [],
                "numbered": True,
                "subsections": [
                    {"title": "Ưu điểm", "paragraphs": written("strengths")},
                    {"title": "Hạn chế, khuyết điểm và nguyên nhân", "paragraphs": written("shortcomings")},
                    {"title": "Bài học kinh nghiệm", "paragraphs": written("lessons")},
                ],
            },
            {
                "title": f"IV. PHƯƠNG HƯỚNG, NHIỆM VỤ {next_period.upper()}",
                "paragraphs": written("directions"),
                "subsections": [],
            },
            {"title": "V. ĐỀ XUẤT, KIẾN NGHỊ", "paragraphs": written("proposals"), "subsections": []},
        ]

    @property
    def recipients(self) -> list[str]:
        given = [r.strip().lstrip("-").strip() for r in self.issue.get("recipients", []) if r.strip()]
        if given:
            lines = given
        else:
            lines = [f"{s['superior']} (để báo cáo)" for s in self.sides if s["superior"]]
            lines.append("Lưu: VT")
        return [f"- {line}{'.' if i == len(lines) - 1 else ';'}" for i, line in enumerate(lines)]

    @property
    def signatures(self) -> list[dict]:
        """One block per issuing body: authority ("TM. BAN THƯỜNG VỤ"), title ("CHỦ TỊCH"), name."""
        signers = self.issue.get("signers") or []
        out = []
        for i, side in enumerate(self.sides):
            given = signers[i] if i < len(signers) else {}
            out.append(
                {
                    "authority": given.get("authority") or side["authority"],
                    "title": given.get("title") or side["title"],
                    "name": given.get("name") or "",
                }
            )
        return out

    @property
    def appendix_caption(self) -> str:
        number = self.issue.get("number")
        day = self.issue.get("date")
        if number and day:
            return f"(Kèm theo Báo cáo số {number} ngày {fmt.day(day)})"
        return f"(Kèm theo Báo cáo {self.kind_word.lower()} {narrative.period_phrase(self.report['period'])})"
