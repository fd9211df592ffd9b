"""Text typed in the legacy TCVN3 (ABC) and VNI encodings is recognised and converted, and Unicode text
is never touched. The legacy strings are built by encoding known Vietnamese names with the tables, and
checked against the forms seen in old provincial files."""

import pytest

from phoihop.core import legacy_vn
from phoihop.core.legacy_vn import TCVN3, VNI, examine, to_tcvn3, to_vni

NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Hường",
    "Lò Thị Mai",
    "Vừ A Dính",
    "Sùng Mí Quyết",
    "Giàng Seo Phử",
    "Đặng Thùy Dương",
    "Huỳnh Quyết Thắng",
    "Thanh Hoá",
    "Mường Khương",
    "Bát Xát",
    "Liên đoàn Lao động tỉnh Lào Cai",
    "Công đoàn cơ sở Trường Tiểu học Bảo Thắng",
    "Hội thi Sáng tạo kỹ thuật tỉnh lần thứ V",
    "NGUYỄN VĂN AN",  # typed in the capital font .VnTimeH
]


def test_the_tables_give_the_forms_seen_in_old_files():
    assert to_tcvn3("Thanh Hoá") == "Thanh Ho¸"
    assert to_tcvn3("Nguyễn Văn") == "NguyÔn V¨n"
    assert to_tcvn3("Bảo Thắng") == "B¶o Th¾ng"
    assert to_vni("Nguyễn") == "Nguyeãn"
    assert to_vni("Xin chào các bạn") == "Xin chaøo caùc baïn"


@pytest.mark.parametrize("name", NAMES)
def test_tcvn3_text_is_converted_to_unicode(name):
    reading = examine(to_tcvn3(name))
    assert (reading.text, reading.encoding, reading.converted) == (name, TCVN3, True)


@pytest.mark.parametrize("name", NAMES)
def test_vni_text_is_converted_to_unicode(name):
    reading = examine(to_vni(name))
    assert (reading.text, reading.encoding, reading.converted) == (name, VNI, True)


def test_a_capital_with_diacritics_in_a_title_case_name_gets_its_capital_back():
    # TCVN3 has no code for Á: the small letter's code is used, and the name is title case.
    assert examine("Hoµng Ngäc ¸nh").text == "Hoàng Ngọc Ánh"


@pytest.mark.parametrize(
    "text",
    [
        "Nguyễn Văn An",
        "Hoà Bình",  # Latin-1 letters only, but every word a Vietnamese syllable
        "Hòa Bình",
        "Lê Thị Bé",
        "Ô tô",
        "Tày",
        "Giáy",
        "Thái",
        "Tha\u0301i",  # decomposed: not legacy (NFC is the reader's and forms' business)
        "Café Nestlé",
        "30°C",
        "½ ngày",
        "H'Mông",
        "CDCS-BAC-1",
    ],
)
def test_unicode_text_is_left_alone(text):
    reading = examine(text)
    assert (reading.text, reading.encoding) == (text, None)


def test_text_only_partly_readable_in_a_legacy_encoding_is_refused_naming_it():
    # A TCVN3 name with a word no table turns into Vietnamese: not converted, but named.
    reading = examine("NguyÔn V¨n Qx¸zq")
    assert reading.refused and reading.encoding == TCVN3 and reading.text == "NguyÔn V¨n Qx¸zq"
    assert "TCVN3" in legacy_vn.NAMES[reading.encoding]


def test_vietnamese_syllables():
    for word in ("nghiêng", "khuỷu", "quyết", "giữa", "thuở", "oẳn", "huých", "Đường"):
        assert legacy_vn.is_syllable(word), word
    for word in ("nguyeãn", "dýnh", "tàt", "ho¸", "xyz"):
        assert not legacy_vn.is_syllable(word), word
