"""The import folds names for search (search_name) by a table of letters; the result is exactly what
`fold` gives — what every other writer of search_name (forms, the API) stores and every search reads."""

import random
import unicodedata

from phoihop.core.cells import fold
from phoihop.demo.names import FAMILY, GIVEN, MIDDLE
from phoihop.workbook.write import search_fold

HARD = [
    "",
    " ",
    "Nguyễn Thị  Hồng\tNhung ",
    "ĐẶNG VĂN ĐỨC",
    "đ_Đ__x",
    "Lê  _ Văn",
    "Tày Nùng H'Mông",
    unicodedata.normalize("NFD", "Nguyễn Văn Ánh"),  # decomposed: the table does not apply
    "İstanbul",
    "Straße",
    "ǅ ǈ ǋ",
    "Ωμέγα",
    "ﬁ ligature",
    "a\x1cb\x1fc\x07d",
    "\u00a0non\u2003breaking\u3000",
    "Công ty TNHH Một thành viên",
    "123 ABC-xyz.42",
    "Æsir Øre Þór",
]


def test_search_fold_is_fold_for_every_kind_of_name():
    rng = random.Random(7)
    parts = [[w for words in table.values() for w in words] for table in (FAMILY, MIDDLE, GIVEN)]
    names = [" ".join(rng.choice(words) for words in parts) for _ in range(3000)]
    letters = [chr(c) for c in range(0x20, 0x2000)] + ["đ", "Đ", "\u0301", "\u0323"]
    names += ["".join(rng.choice(letters) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    for name in HARD + names:
        assert search_fold(name) == fold(name), repr(name)
    assert search_fold(None) == fold(None) and search_fold(12) == fold(12)
