"""What a clerk sees in Excel is declared once in workbook.sheets: tab titles and value labels."""

import pytest

from phoihop.core.text import fold
from phoihop.workbook.sheets import (
    BY_KEY,
    SHEET_NAMES,
    SHEETS,
    key_of,
    label_of,
    value_labels,
)


def test_every_sheet_has_a_vietnamese_tab_title_excel_accepts():
    titles = [s.title for s in SHEETS]
    assert len({t.lower() for t in titles}) == len(titles)
    for title in titles:
        assert 0 < len(title) <= 31, title
        assert not set(title) & set("[]:*?/\\"), title
    assert BY_KEY["qua_trinh"].title == "Quá trình sinh hoạt, làm việc"
    assert BY_KEY["gioi_thieu"].title == "Giới thiệu đoàn viên ưu tú"


def test_a_tab_title_names_its_sheet_on_import():
    for sheet in SHEETS:
        assert SHEET_NAMES[fold(sheet.title)] is sheet
        assert SHEET_NAMES[fold(sheet.key)] is sheet


@pytest.mark.parametrize(
    ("sheet", "column", "key", "label"),
    [
        ("doanh_nghiep", "loai_hinh", "nha_nuoc", "Nhà nước"),
        ("khen_thuong", "cap", "ubnd_tinh", "UBND tỉnh"),
        ("don_vi", "loai", "cdcs", "Công đoàn cơ sở"),
        ("chi_tieu", "ma_chi_tieu", "union.members_admitted", "Số đoàn viên phát triển mới"),
    ],
)
def test_enumerated_values_have_one_vietnamese_label_and_either_names_the_value(sheet, column, key, label):
    col = BY_KEY[sheet].column(column)
    assert label_of(col, key) == label
    assert key_of(col, label) == key
    assert key_of(col, label.upper()) == key
    assert key_of(col, key) == key


def test_every_enumerated_value_has_a_distinct_label():
    for sheet in SHEETS:
        for column in sheet.columns:
            labels = value_labels(column)
            if labels:
                folded = [fold(v) for v in labels.values()]
                assert len(set(folded)) == len(folded), (sheet.key, column.key)


def test_yes_no_is_written_in_words():
    col = BY_KEY["dan_chu"].column("da_thuc_hien")
    assert (label_of(col, True), label_of(col, False)) == ("có", "không")
