"""The cell parsers read what a clerk types the way a Vietnamese reader would, and say what is wrong
with a value rather than only what the column wants (issue 14, "Bad input")."""

from datetime import date

import pytest
from django.utils import translation

from phoihop.core import cells, dates


def message(parse, raw) -> str:
    with pytest.raises(cells.CellError) as caught:
        parse(raw)
    with translation.override("vi"):
        return caught.value.sentence


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("31/12/2020", date(2020, 12, 31)),
        ("1/2/2020", date(2020, 2, 1)),  # d/m/yyyy
        ("2020-12-31", date(2020, 12, 31)),
        ("2020-2-1", date(2020, 2, 1)),
        ("31-12-2020", date(2020, 12, 31)),
        ("31.12.2020", date(2020, 12, 31)),
        ("2020/12/31", date(2020, 12, 31)),
        ("2020.12.31", date(2020, 12, 31)),
        (" 06/05/2020 00:00:00 ", date(2020, 5, 6)),  # a date written with its midnight
        ("29/02/2020", date(2020, 2, 29)),
        (43831.0, date(2020, 1, 1)),  # an .xlsx date cell that lost its date format: Excel's day number
    ],
)
def test_dates_as_text_in_either_order_are_read(raw, expected):
    assert cells.parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("31/02/2020", "ngày 31/02/2020 không có"),
        ("2020-02-31", "ngày 31/02/2020 không có"),
        ("31/04/2021", "ngày 31/04/2021 không có"),
        ("29/02/2019", "ngày 29/02/2019 không có (2019 không phải năm nhuận)"),
        ("15/13/2020", "tháng 13 không có (tháng từ 1 đến 12)"),
        ("15/00/2020", "tháng 0 không có (tháng từ 1 đến 12)"),
        # US order: the meaning is a guess, so it is named rather than read.
        (
            "12/25/2020",
            "tháng 25 không có — ngày và tháng bị đảo? Nếu là ngày 25/12/2020, hãy ghi 25/12/2020",
        ),
        ("2020", "chỉ có năm 2020: cần đủ ngày, tháng, năm (ví dụ 01/01/2020)"),
        (2020.0, "chỉ có năm 2020: cần đủ ngày, tháng, năm (ví dụ 01/01/2020)"),
        ("5/2020", "thiếu ngày: cần đủ ngày, tháng, năm (ví dụ 01/05/2020)"),
        ("1/2/20", "năm '20' chỉ có 2 chữ số: cần năm đủ 4 chữ số (01/02/1920 hay 01/02/2020?)"),
        ("hôm qua", "cần ngày dạng YYYY-MM-DD hoặc DD/MM/YYYY"),
    ],
)
def test_a_bad_date_is_told_what_is_wrong_with_it(raw, says):
    assert says in message(cells.parse_date, raw)


def test_a_date_or_year_outside_the_date_policy_is_told_in_the_policys_words():
    # core.dates says it, the same words as the record forms and the API (issue 12 item 1)
    last = dates.latest_year()
    assert message(cells.parse_date, "01/01/1890") == "Ngày không được trước 01/01/1929."
    assert message(cells.parse_date, f"01/01/{last + 1}") == f"Ngày không được sau 31/12/{last}."
    assert message(cells.year, "1890") == "Năm không được trước 1929."
    assert message(cells.year, str(last + 1)) == f"Năm không được sau {last}."
    assert cells.year("1929") == 1929 and cells.year(2020.0) == 2020
    assert message(cells.year, "20") == "cần năm 4 chữ số"


def test_messages_are_in_english_too():
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date("31/02/2020")
    assert caught.value.expected_vi == "ngày 31/02/2020 không có"
    assert caught.value.expected_en  # rendered through the catalogue (the msgid until it is translated)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1234", 1234),
        ("1.234", 1234),  # Vietnamese grouping
        ("1.234.567", 1234567),
        ("1 234 567", 1234567),
        ("1\u00a0234", 1234),  # a no-break space, as spreadsheets group
        ("1,234,567", 1234567),  # two commas: no decimal comma, so grouping
        ("1.234,00", 1234),  # Vietnamese decimal comma with a zero fraction
        ("1,234.00", 1234),  # English decimal point with a zero fraction
        (1234.0, 1234),
        (1234, 1234),
    ],
)
def test_numbers_stored_as_text_are_read_the_vietnamese_way(raw, value):
    assert cells.count(raw) == value
    assert cells.money(raw) == value


def test_numbers_that_cannot_be_read_for_sure_are_named():
    # A lone "1,234": 1234 in English usage, one and a fraction in Vietnamese — both readings offered.
    assert message(cells.count, "1,234") == (
        "'1,234' không rõ: dấu phẩy là dấu thập phân trong cách viết Việt Nam; nếu là số 1234, hãy ghi "
        "1.234 hoặc 1234"
    )
    assert message(cells.money, "1,000").startswith("'1,000' không rõ")  # 1 (Vietnamese) or 1000?
    assert message(cells.count, "1,5") == "1,5 có phần lẻ: cần số nguyên"
    assert message(cells.count, 12.5) == "12,5 có phần lẻ: cần số nguyên"
    assert message(cells.count, "-3") == "cần số nguyên không âm"
    assert message(cells.money, "-5") == "cần số tiền không âm"


def test_money_may_carry_its_currency():
    assert cells.money("17.000.000 đ") == 17_000_000
    assert cells.money("17.000.000đồng") == 17_000_000
    assert cells.money("17 000 000 VNĐ") == 17_000_000


@pytest.mark.parametrize(
    "raw", ["có", "Có", "CÓ", "co", "x", "X", "✓", "đúng", "Đã", "rồi", "1", "Y", "true", 1.0]
)
def test_yes_in_vietnamese(raw):
    assert cells.yes_no(raw) is True


@pytest.mark.parametrize("raw", ["không", "Không", "KHÔNG", "k", "ko", "sai", "chưa", "0", "N", "false", 0])
def test_no_in_vietnamese(raw):
    assert cells.yes_no(raw) is False


def test_a_choice_is_named_by_its_key_or_its_label_in_any_case_and_with_or_without_diacritics():
    ownership = cells.choice({"nha_nuoc": "Nhà nước", "fdi": "Có vốn đầu tư nước ngoài"})
    for raw in ("nha_nuoc", "Nhà nước", "NHÀ NƯỚC", "nha nuoc", "Nha Nuoc", "Nha\u0300 nu\u031bo\u031bc"):
        assert ownership(raw) == "nha_nuoc", raw
    assert ownership("có vốn đầu tư nước ngoài") == "fdi"
    assert (
        message(ownership, "tư nhân") == "cần một trong: Nhà nước (nha_nuoc), Có vốn đầu tư nước ngoài (fdi)"
    )


def test_text_is_stored_composed():
    decomposed = "Tha\u0301i"
    assert cells.text(40)(decomposed) == "Thái" and len(cells.text(40)(decomposed)) == 4
