"""The narrative section of the review report, written from the figures.

One paragraph per content area. Each sentence is built from clauses; a clause whose figure is zero or
missing is dropped, and a sentence left with no clause is dropped, so the text never says "0 …".
The wording is the project's own; only the facts come from the records.
"""

from __future__ import annotations

from dataclasses import dataclass

from phoihop.core import numbers as fmt

NON_STATE = ("ngoai_nha_nuoc", "fdi", "hop_tac_xa")


@dataclass
class Figures:
    report: dict

    def get(self, code: str):
        """The indicator's value, or None when it is zero or cannot be computed."""
        entry = self.report["indicators"].get(code)
        value = entry and entry.get("value")
        return value or None

    def breakdown(self, code: str, name: str) -> dict:
        entry = self.report["indicators"].get(code) or {}
        return entry.get(name) or {}

    def top_unit(self, code: str) -> tuple[str, int] | None:
        """The child unit with the most, when one unit clearly leads."""
        by_unit = (self.report["indicators"].get(code) or {}).get("by_unit") or {}
        ranked = sorted(((v or 0, u) for u, v in by_unit.items()), reverse=True)
        if not ranked or not ranked[0][0] or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
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


def organisation(f: Figures) -> list[str | None]:
    founded, members = f.get("union.grassroots_founded"), f.get("union.members_admitted")
    non_state = sum(f.breakdown("union.members_admitted", "by_ownership").get(k, 0) for k in NON_STATE)
    women = f.breakdown("union.members_admitted", "by_gender").get("nu", 0)
    main = _join(
        [
            _when(founded and fmt.count(founded), "thành lập mới {v} công đoàn cơ sở"),
            _when(members and fmt.count(members), "kết nạp {v} đoàn viên công đoàn"),
        ]
    )
    sentences = [_sentence(main and f"Trong kỳ, các cấp công đoàn đã {main}")]
    details = _join(
        [
            _when(
                non_state and members and fmt.count(non_state),
                "{v} người làm việc ở doanh nghiệp ngoài nhà nước",
            ),
            _when(women and members and fmt.count(women), "{v} lao động nữ"),
        ]
    )
    sentences.append(_sentence(details and f"Trong số đoàn viên mới có {details}"))
    peak = f.peak_year("union.grassroots_founded")
    if peak:
        sentences.append(
            _sentence(
                f"Năm {peak[0]} là năm thành lập được nhiều công đoàn cơ sở nhất ({fmt.count(peak[1])})"
            )
        )
    lead = f.top_unit("union.members_admitted")
    if lead:
        sentences.append(
            _sentence(f"{lead[0]} dẫn đầu về phát triển đoàn viên với {fmt.count(lead[1])} người")
        )
    return sentences


def party(f: Figures) -> list[str | None]:
    referred, admitted = f.get("union.outstanding_referred"), f.get("union.referred_admitted")
    sentences = []
    if referred:
        share = (
            f" ({fmt.percent(round(100 * admitted / referred, 1))} số được giới thiệu)" if admitted else ""
        )
        tail = (
            f"; {fmt.count(admitted)} người trong số đó đã được kết nạp vào Đảng{share}" if admitted else ""
        )
        sentences.append(
            _sentence(
                f"Công đoàn các cấp đã giới thiệu {fmt.count(referred)} đoàn viên ưu tú để tổ chức đảng xem xét{tail}"
            )
        )
    elif admitted:
        sentences.append(
            _sentence(
                f"Có {fmt.count(admitted)} đoàn viên ưu tú do công đoàn giới thiệu đã được kết nạp vào Đảng"
            )
        )
    classes, trainees = f.get("party.training_classes"), f.get("party.trainees")
    from_ent, non_state = f.get("party.trainees_from_enterprises"), f.get("party.trainees_from_non_state")
    if classes or trainees:
        opened = _join(
            [
                _when(classes and fmt.count(classes), "mở {v} lớp bồi dưỡng nhận thức về Đảng"),
                _when(
                    trainees and fmt.count(trainees),
                    "{v} quần chúng theo học"
                    if classes
                    else "bồi dưỡng nhận thức về Đảng cho {v} quần chúng",
                ),
            ],
            last=" với ",
        )
        among = None
        if from_ent and trainees:
            among = f"{fmt.count(from_ent)} người đang làm việc trong doanh nghiệp"
            if non_state:
                among += f" ({fmt.count(non_state)} người ở doanh nghiệp ngoài khu vực nhà nước)"
        sentences.append(_sentence(f"Đảng ủy Khối đã {opened}" + (f"; trong đó {among}" if among else "")))
    cells, members, owners = (
        f.get("party.cells_founded_in_enterprises"),
        f.get("party.members_admitted_in_enterprises"),
        f.get("party.business_owners_admitted"),
    )
    in_enterprises = _join(
        [
            _when(cells and fmt.count(cells), "thành lập mới {v} tổ chức đảng"),
            _when(members and fmt.count(members), "kết nạp {v} đảng viên"),
        ]
    )
    if in_enterprises:
        owner_part = (
            f", trong đó có {fmt.count(owners)} đồng chí là chủ doanh nghiệp" if owners and members else ""
        )
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
        _sentence(works and f"Người lao động đã đăng ký {fmt.count(works)} công trình, sản phẩm thi đua"),
    ]
    if applied:
        worth_part = f", mang lại giá trị làm lợi {fmt.money(worth)}" if worth else ""
        prov_part = f"; {fmt.count(provincial)} sáng kiến được công nhận cấp tỉnh" if provincial else ""
        sentences.append(
            _sentence(
                f"Có {fmt.count(applied)} sáng kiến, cải tiến kỹ thuật đã được đưa vào áp dụng{worth_part}{prov_part}"
            )
        )
    elif worth:
        sentences.append(_sentence(f"Các sáng kiến được áp dụng mang lại giá trị làm lợi {fmt.money(worth)}"))
    projects, authors = (
        f.get("emulation.provincial_contest_projects"),
        f.get("emulation.provincial_contest_authors"),
    )
    if projects:
        by = f" của {fmt.count(authors)} tác giả, đồng tác giả" if authors else ""
        sentences.append(
            _sentence(f"Hội thi sáng tạo kỹ thuật cấp tỉnh nhận {fmt.count(projects)} đề tài{by}")
        )
    national = f.get("emulation.national_contest_projects")
    second, consolation = (
        f.get("emulation.national_second_prizes"),
        f.get("emulation.national_consolation_prizes"),
    )
    prizes = _join(
        [
            _when(second and fmt.count(second), "{v} giải Nhì"),
            _when(consolation and fmt.count(consolation), "{v} giải Khuyến khích"),
        ]
    )
    if national:
        won = f", giành {prizes}" if prizes else ""
        sentences.append(
            _sentence(f"Có {fmt.count(national)} đề tài được chọn tham dự hội thi toàn quốc{won}")
        )
    certificates = f.get("emulation.creative_labor_certificates")
    sentences.append(
        _sentence(certificates and f"Có {fmt.count(certificates)} người được tặng Bằng Lao động sáng tạo")
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
            _when(firms and fmt.count(firms), "{v} doanh nghiệp"),
            _when(heads and fmt.count(heads), "{v} người đứng đầu doanh nghiệp"),
        ]
    )
    return [
        _sentence(honoured and f"Có {honoured} được Ủy ban nhân dân tỉnh và Nhà nước khen thưởng"),
        _sentence(
            share and f"Công nhân, lao động trực tiếp chiếm {fmt.percent(share)} số cá nhân được khen thưởng"
        ),
    ]


def yearly_share(code: str, what: str):
    """A paragraph writer for a yearly-minimum percentage (culture, democracy)."""

    def write(f: Figures) -> list[str | None]:
        value = f.get(code)
        if not value:
            return []
        if value >= 100:
            return [_sentence(f"Năm nào cũng có 100% {what}")]
        return [_sentence(f"Tỷ lệ {what} thấp nhất trong các năm là {fmt.percent(value)}")]

    return write


culture = yearly_share(
    "culture.min_yearly_recognition_pct", "doanh nghiệp được đánh giá đạt danh hiệu Nếp sống văn hóa"
)
democracy = yearly_share(
    "democracy.min_yearly_implementation_pct", "đơn vị được đánh giá thực hiện tốt Quy chế dân chủ ở cơ sở"
)


def welfare(f: Figures) -> list[str | None]:
    given = f.get("welfare.contributions_vnd")
    return [
        _sentence(
            given
            and f"Cán bộ, đoàn viên và doanh nghiệp đã đóng góp {fmt.money(given)} cho an sinh xã hội, từ thiện, nhân đạo"
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


def narrative_paragraphs(report: dict) -> list[tuple[str, str]]:
    """(area title, paragraph) for every area that has something to say, in catalogue order."""
    figures = Figures(report)
    titles = report.get("units", {}).get("area_titles", {})
    out = []
    for area, write in WRITERS.items():
        sentences = [s for s in write(figures) if s]
        if sentences:
            out.append((titles.get(area, area), " ".join(sentences)))
    return out


def opening(report: dict) -> str:
    """The sentence that opens the section: which program, which period, whose records."""
    who = " và ".join(report.get("scope_names") or report["scope"])
    period = report["period"]
    return (
        f"Báo cáo tổng hợp kết quả thực hiện {report.get('program_name') or report['program']} "
        f"({report['program']}) từ ngày {fmt.day(period['from'])} đến ngày {fmt.day(period['to'])}, "
        f"phạm vi: {who}. Mọi số liệu dưới đây được tính trực tiếp từ hồ sơ các đơn vị đã cập nhật."
    )
