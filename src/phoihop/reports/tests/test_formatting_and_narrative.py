"""Numbers as a Vietnamese reader expects them, and a narrative that never prints a zero."""

import copy

import pytest

from phoihop.core import numbers as fmt
from phoihop.reports.narrative import narrative_paragraphs


@pytest.mark.parametrize(
    ("value", "text"),
    [(6065, "6.065"), (175_386_250_000, "175.386.250.000"), (28.4, "28,4"), (100.0, "100"), (0, "0")],
)
def test_numbers_use_vietnamese_grouping(value, text):
    assert fmt.number(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (17_348_500_000, "trên 17 tỷ đồng"),
        (175_386_250_000, "trên 175 tỷ đồng"),
        (2_000_000_000, "2 tỷ đồng"),
        (850_500_000, "trên 850 triệu đồng"),
        (1_234_500_000_000, "trên 1.234 tỷ đồng"),
        (500, "500 đồng"),
    ],
)
def test_money_reads_in_words_of_scale(value, text):
    assert fmt.money(value) == text


def test_counts_under_ten_take_a_leading_zero():
    assert [fmt.count(n) for n in (5, 1, 10, 6065)] == ["05", "01", "10", "6.065"]


def report_with(values: dict, **extra) -> dict:
    codes = {
        "union.grassroots_founded": "organisation",
        "union.members_admitted": "organisation",
        "union.outstanding_referred": "party",
        "union.referred_admitted": "party",
        "party.members_admitted_in_enterprises": "party",
        "party.business_owners_admitted": "party",
        "emulation.initiatives_applied": "emulation",
        "emulation.initiatives_value_vnd": "emulation",
        "welfare.contributions_vnd": "welfare",
    }
    return {
        "program": "CT",
        "scope": ["A"],
        "period": {"from": "2017-01-01", "to": "2020-12-31"},
        "indicators": {
            code: {"label": code, "value": values.get(code, 0), "by_year": {}, "by_unit": {}, **extra}
            for code in codes
        },
        "units": {"labels": {}, "area_titles": {a: a.upper() for a in set(codes.values())}},
    }


def text_of(report: dict) -> str:
    return " ".join(paragraph for _, paragraph in narrative_paragraphs(report))


def test_the_narrative_carries_the_figures_inline():
    text = text_of(
        report_with(
            {
                "union.grassroots_founded": 64,
                "union.members_admitted": 6065,
                "party.members_admitted_in_enterprises": 202,
                "party.business_owners_admitted": 5,
                "emulation.initiatives_applied": 5934,
                "emulation.initiatives_value_vnd": 17_348_500_000,
            }
        )
    )
    assert "64 công đoàn cơ sở" in text
    assert "6.065 đoàn viên" in text
    assert "kết nạp 202 đảng viên, trong đó có 05 đồng chí là chủ doanh nghiệp" in text
    assert "trên 17 tỷ đồng" in text


def test_a_zero_or_missing_figure_leaves_its_sentence_out():
    full = report_with(
        {"union.grassroots_founded": 3, "union.members_admitted": 40, "welfare.contributions_vnd": 9}
    )
    text = text_of(full)
    assert "03 công đoàn cơ sở" in text and "40 đoàn viên" in text

    no_unions = copy.deepcopy(full)
    no_unions["indicators"]["union.grassroots_founded"]["value"] = 0
    text = text_of(no_unions)
    assert "công đoàn cơ sở" not in text
    assert "40 đoàn viên" in text

    missing = copy.deepcopy(full)
    missing["indicators"]["welfare.contributions_vnd"]["value"] = None
    assert "WELFARE" not in [title for title, _ in narrative_paragraphs(missing)]
    assert " 0 " not in text_of(missing) and fmt.MISSING not in text_of(missing)


def test_an_owner_clause_needs_owners():
    text = text_of(report_with({"party.members_admitted_in_enterprises": 12}))
    assert "kết nạp 12 đảng viên" in text
    assert "chủ doanh nghiệp" not in text


def test_nothing_to_say_gives_no_paragraph():
    assert narrative_paragraphs(report_with({})) == []


def test_charts_are_drawn_without_pyplot_and_count_axes_have_whole_numbers():
    import inspect

    from phoihop.reports import charts

    report = report_with({"union.outstanding_referred": 7, "union.referred_admitted": 3})
    for code in ("union.outstanding_referred", "union.referred_admitted"):
        report["indicators"][code]["by_year"] = {"2021": report["indicators"][code]["value"]}
    pngs = charts.chart_pngs(report)
    assert set(pngs) == {"trend", "pipeline"} and all(p.startswith(b"\x89PNG") for p in pngs.values())
    assert "pyplot" not in inspect.getsource(charts)  # Figure objects only
    fig = charts._figure(3, 2)
    ax = fig.subplots()
    ax.bar(["2021"], [3])
    charts._tidy(ax)
    fig.canvas.draw()
    assert all(float(t).is_integer() for t in ax.get_yticks())


def one_year(values: dict, year: str = "2021", **extra) -> dict:
    report = report_with(values, **extra)
    report["period"] = {"from": f"{year}-01-01", "to": f"{year}-12-31"}
    for entry in report["indicators"].values():
        entry["by_year"] = {year: entry["value"]}
    return report


def with_shares(report: dict, value: float, years: list[str]) -> dict:
    for code, area in (
        ("culture.min_yearly_recognition_pct", "culture"),
        ("democracy.min_yearly_implementation_pct", "democracy"),
    ):
        report["indicators"][code] = {
            "label": code,
            "value": value,
            "by_year": {y: value for y in years},
            "by_unit": {},
        }
        report["units"]["area_titles"][area] = area.upper()
    return report


def test_a_one_year_report_says_what_is_true_of_that_year():
    text = text_of(with_shares(one_year({"union.grassroots_founded": 4}), 100.0, ["2021"]))
    assert "Năm 2021, 100% doanh nghiệp được công nhận danh hiệu Nếp sống văn hóa" in text
    assert "Năm nào cũng" not in text and "tất cả các năm" not in text and "Hằng năm" not in text
    assert "nhiều công đoàn cơ sở nhất" not in text  # no "best year" in a single year
    several = text_of(with_shares(report_with({}), 100.0, ["2017", "2018", "2019", "2020"]))
    assert "Trong tất cả các năm 2017–2020, 100% doanh nghiệp" in several


def test_a_zero_area_leaves_no_paragraph_and_prints_no_zero():
    report = report_with({"union.grassroots_founded": 3, "welfare.contributions_vnd": 0})
    titles = [title for title, _ in narrative_paragraphs(report)]
    assert titles == ["ORGANISATION"]
    assert " 0 " not in text_of(report)


def test_without_targets_nothing_is_said_about_targets():
    text = text_of(report_with({"union.members_admitted": 40}))
    assert "chỉ tiêu" not in text


def test_with_targets_each_area_sets_its_result_against_them():
    report = one_year({"union.members_admitted": 130, "union.grassroots_founded": 2})
    report["units"]["areas"] = {
        "union.members_admitted": "organisation",
        "union.grassroots_founded": "organisation",
    }
    report["targets"] = [
        {"indicator": "union.members_admitted", "unit": "A", "year": 2021, "target": 50, "actual": 70, "reached_pct": 140.0},
        {"indicator": "union.members_admitted", "unit": "B", "year": 2021, "target": 50, "actual": 40, "reached_pct": 80.0},
        {"indicator": "union.grassroots_founded", "unit": "B", "year": 2021, "target": 1, "actual": 0, "reached_pct": 0.0},
    ]  # fmt: skip
    text = text_of(report)
    # 70 + 40 = 110 against 50 + 50 = 100; the grassroots union of B was not founded.
    assert (
        "So với chỉ tiêu giao cho năm 2021: đoàn viên kết nạp mới thực hiện 110 trên 100 được giao (đạt 110%)"
        in text
    )
    assert "công đoàn cơ sở thành lập mới thực hiện chưa có kết quả trên 01 được giao" in text
    assert "01/03 chỉ tiêu năm giao cho các đơn vị đạt hoặc vượt" in text


def test_each_area_is_compared_with_the_previous_period_of_the_same_length():
    from phoihop.reports.narrative import previous_bounds

    assert [d.isoformat() for d in previous_bounds({"from": "2017-01-01", "to": "2020-12-31"})] == [
        "2013-01-01",
        "2016-12-31",
    ]
    assert [d.isoformat() for d in previous_bounds({"from": "2025-07-01", "to": "2025-12-31"})] == [
        "2024-12-29",
        "2025-06-30",
    ]  # 184 days back
    now = one_year({"union.members_admitted": 150, "union.grassroots_founded": 9})
    before = one_year({"union.members_admitted": 120, "union.grassroots_founded": 3}, year="2020")
    text = " ".join(p for _, p in narrative_paragraphs(now, before))
    assert "So với năm 2020, số công đoàn cơ sở thành lập mới gấp 3 lần (từ 03 lên 09)" in text
    assert "số đoàn viên kết nạp mới tăng 25% (từ 120 lên 150)" in text
    assert "So với" not in text_of(now)  # no previous figures, no comparison


def test_no_trong_do_that_covers_everybody():
    report = report_with({"party.members_admitted_in_enterprises": 5, "party.business_owners_admitted": 5})
    report["indicators"]["party.trainees"] = {"label": "", "value": 40, "by_year": {}, "by_unit": {}}
    report["indicators"]["party.trainees_from_enterprises"] = {
        "label": "",
        "value": 40,
        "by_year": {},
        "by_unit": {},
    }
    text = text_of(report)
    assert "trong đó" not in text
    assert "bồi dưỡng nhận thức về Đảng cho 40 quần chúng" in text
    assert "kết nạp 05 đảng viên, đều là chủ doanh nghiệp" in text


def test_union_to_party_figures_are_presented_as_flows_of_the_period():
    from phoihop.reports.narrative import FLOWS_NOTE, opening

    report = report_with({"union.outstanding_referred": 7675, "union.referred_admitted": 4884})
    report["scope_names"] = ["Liên đoàn Lao động tỉnh A"]
    text = text_of(report)
    assert "Cũng trong kỳ, 4.884 đoàn viên ưu tú do công đoàn giới thiệu đã được kết nạp vào Đảng" in text
    assert "%" not in text  # no "x% of those referred": the two are not the same people
    assert FLOWS_NOTE in opening(report)
