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
