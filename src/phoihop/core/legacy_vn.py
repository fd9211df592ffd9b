"""Vietnamese text typed in the legacy 8-bit encodings, TCVN3 (ABC, fonts .VnTime/.VnTimeH) and VNI
(VNI-Windows, fonts VNI-Times), as it arrives in an old provincial file: each byte shown as the Latin-1
character with that code ("Thanh Ho¸", "NguyÔn V¨n", VNI "Nguyeãn"). Such text is recognised, converted
to Unicode (NFC) when the conversion is certain, and otherwise named so it can be refused; it is never
stored as it came.

How a cell is recognised (`examine`): only text made entirely of Latin-1 characters, with at least one
word that is not a Vietnamese syllable, is a candidate — Unicode Vietnamese almost always has a letter
beyond Latin-1 (ă, đ, ơ, ư, ạ …) and its words are syllables ("Hoà Bình" stays as it is). Each legacy
table is tried; a table whose result has every word a Vietnamese syllable converts the cell. When a
table turns some but not all words into syllables, the cell is refused naming that encoding.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

TCVN3 = "TCVN3"
VNI = "VNI"
NAMES = {TCVN3: gettext_lazy("TCVN3 (ABC, phông .VnTime)"), VNI: gettext_lazy("VNI (phông VNI-Times)")}

# TCVN3 (TCVN 5712:1993, the "ABC" code page): one byte per letter. Capitals with diacritics are the
# same codes drawn by the capital font (.VnTimeH); only these seven have codes of their own.
_TCVN3_PAIRS = (
    "µà ¸á ¶ả ·ã ¹ạ ¨ă »ằ ¾ắ ¼ẳ ½ẵ Æặ ©â Çầ Êấ Èẩ Éẫ Ëậ ®đ Ìè Ðé Îẻ Ïẽ Ñẹ ªê Òề Õế Óể Ôễ Öệ "
    "×ì Ýí Øỉ Üĩ Þị ßò ãó áỏ âõ äọ «ô åồ èố æổ çỗ éộ ¬ơ êờ íớ ëở ìỡ îợ ïù óú ñủ òũ ôụ "
    "\u00adư õừ øứ öử ÷ữ ùự úỳ ýý ûỷ üỹ þỵ ¡Ă ¢Â £Ê ¤Ô ¥Ơ ¦Ư §Đ"
)
TCVN3_TABLE = {pair[0]: pair[1] for pair in _TCVN3_PAIRS.split(" ")}

# VNI-Windows: a base letter followed by a mark byte. Order of tones: sắc, huyền, hỏi, ngã, nặng.
_TONES = "\u0301\u0300\u0309\u0303\u0323"
_VNI_TONE_MARKS = {"ù": 0, "ø": 1, "û": 2, "õ": 3, "ï": 4}
_VNI_CIRCUMFLEX = {"â": None, "á": 0, "à": 1, "å": 2, "ã": 3, "ä": 4}  # after a, e, o
_VNI_BREVE = {"ê": None, "é": 0, "è": 1, "ú": 2, "ü": 3, "ë": 4}  # after a
# Single bytes: letters with their own code (i with tones, ỵ, ơ, ư, đ).
_VNI_SINGLE = {"í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "ô": "ơ", "ö": "ư", "ñ": "đ"}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(sequence: str, letter: str) -> None:
        table[sequence] = unicodedata.normalize("NFC", letter)
        table[sequence.upper()] = unicodedata.normalize("NFC", letter.upper())

    for base in "aeiouy":
        for mark, tone in _VNI_TONE_MARKS.items():
            add(base + mark, base + _TONES[tone])
    for base in "aeo":
        for mark, tone in _VNI_CIRCUMFLEX.items():
            add(base + mark, base + "\u0302" + ("" if tone is None else _TONES[tone]))
    for mark, tone in _VNI_BREVE.items():
        add("a" + mark, "a\u0306" + ("" if tone is None else _TONES[tone]))
    for single, letter in _VNI_SINGLE.items():
        add(single, letter)
    for horn, letter in (("ô", "ơ"), ("ö", "ư")):  # ơ and ư with a tone: two mark bytes
        for mark, tone in _VNI_TONE_MARKS.items():
            add(horn + mark, letter + _TONES[tone])
    return table


VNI_TABLE = _vni_table()
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, VNI_TABLE), key=len, reverse=True)))
_TCVN3_TRANSLATION = str.maketrans(TCVN3_TABLE)


def _upper_words(original: str, converted: str) -> str:
    """Text typed in the capital font (.VnTimeH) uses the small letters' codes: a word whose plain
    letters are all capitals is written in capitals."""
    words_in, words_out = original.split(" "), converted.split(" ")
    if len(words_in) != len(words_out):
        return converted
    out = []
    for before, after in zip(words_in, words_out, strict=True):
        plain = [c for c in before if c.isascii() and c.isalpha()]
        out.append(after.upper() if len(plain) >= 2 and all(c.isupper() for c in plain) else after)
    return " ".join(out)


def from_tcvn3(value: str) -> str:
    return unicodedata.normalize("NFC", _upper_words(value, value.translate(_TCVN3_TRANSLATION)))


def from_vni(value: str) -> str:
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: VNI_TABLE[m.group(0)], value))


def to_tcvn3(value: str) -> str:
    """Unicode → TCVN3 (for tests: old files are built from known names). Capitals take the small codes."""
    back = {v: k for k, v in TCVN3_TABLE.items()}
    out = []
    for ch in unicodedata.normalize("NFC", value):
        if ch in back:
            out.append(back[ch])
        elif ch.lower() in back and ch.lower() != ch:
            out.append(back[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


def to_vni(value: str) -> str:
    """Unicode → VNI (for tests)."""
    back = {v: k for k, v in VNI_TABLE.items()}
    return "".join(back.get(ch, ch) for ch in unicodedata.normalize("NFC", value))


# ---- Vietnamese syllables -----------------------------------------------------------------------------

_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
# Rhymes without a tone: the open ones, and each vowel group with the consonant finals it takes.
_OPEN = (
    "a ai ao au ay âu ây e eo ê êu i ia iu o oa oai oao oay oe oeo oi ô ôi ơ ơi u ua uây uê ui uôi uơ "
    "uy uya uyu ư ưa ưi ưu ươi ươu y yêu iêu"
)
_CLOSED = {
    "a": "c ch m n ng nh p t",
    "ă": "c m n ng p t",
    "â": "c m n ng p t",
    "e": "c m n ng p t",
    "ê": "ch m n nh p t",
    "i": "ch m n nh p t",
    "iê": "c m n ng p t",
    "yê": "m n ng t",
    "o": "c m n ng p t",
    "oo": "c ng",
    "ô": "c m n ng p t",
    "ơ": "m n p t",
    "u": "c m n ng p t",
    "uô": "c m n ng t",
    "ư": "c m n ng t",
    "ươ": "c m n ng p t",
    "oa": "c ch m n ng nh p t",
    "oă": "c m n ng t",
    "oe": "m n ng t",
    "uâ": "n ng t",
    "uê": "ch nh",
    "uy": "ch n nh p t",
    "uyê": "n t",
}
_RHYMES = frozenset(_OPEN.split()) | {v + f for v, finals in _CLOSED.items() for f in finals.split()}
_RHYME_ALT = "|".join(sorted(_RHYMES, key=len, reverse=True))
_SYLLABLE = re.compile(rf"^(?:{_INITIALS})?(?:{_RHYME_ALT})$")
_STOPPED = ("c", "ch", "p", "t")  # finals that take only the sắc or nặng tone
_TONE_MARKS = set(_TONES)
_WORD_SPLIT = re.compile(r"[\s\-'’/]+")
_EDGE_PUNCTUATION = '"()[]{}.,;:!?–—«»…“”‘'


def is_syllable(word: str) -> bool:
    """A Vietnamese syllable (any case, any tone), by its initial, rhyme and tone."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    if not _SYLLABLE.match(bare):
        return False
    return not (tones and tones[0] not in "\u0301\u0323" and bare.endswith(_STOPPED))


def _words(value: str) -> list[str]:
    return [w for w in (w.strip(_EDGE_PUNCTUATION) for w in _WORD_SPLIT.split(value)) if w]


def _suspect(word: str) -> bool:
    """A word of letters mixed with Latin-1 signs or marks that no Vietnamese syllable has."""
    return not word.isascii() and any(c.isascii() and c.isalpha() for c in word) and not is_syllable(word)


@dataclass(frozen=True)
class Reading:
    """What `examine` found: `text` is the value to keep (converted when `encoding` is set and not
    `refused`)."""

    text: str
    encoding: str | None = None  # TCVN3 or VNI, when the text was in one
    refused: bool = False

    @property
    def converted(self) -> bool:
        return self.encoding is not None and not self.refused


def _capitalised(original: str, converted: str) -> str:
    """A name in title case ("Hoµng Ngäc ¸nh"): a word converted from a small letter's code is given a
    capital when every other word has one (the capital letters with diacritics had no codes)."""
    words = converted.split(" ")
    starts = [w[0] for w in words if w and w[0].isalpha()]
    if len(starts) < 2 or len(original.split(" ")) != len(words):
        return converted
    small = [i for i, w in enumerate(words) if w and w[0].isalpha() and w[0].islower()]
    if len(small) == 1 and len(starts) - 1 >= 2:
        i = small[0]
        if not original.split(" ")[i][0].isascii():
            words[i] = words[i][0].upper() + words[i][1:]
    return " ".join(words)


def examine(value: str) -> Reading:
    """The text as Unicode, or which legacy encoding it is in. Fast for the usual cell: ASCII text and
    text with any letter beyond Latin-1 are Unicode and returned at once."""
    if value.isascii() or max(value) > "\u00ff":
        return Reading(value)
    words = _words(value)
    suspects = sum(1 for w in words if _suspect(w))
    if not suspects:
        return Reading(value)
    best: tuple[str, int] | None = None
    for encoding, convert in ((TCVN3, from_tcvn3), (VNI, from_vni)):
        converted = convert(value)
        new_words = _words(converted)
        if len(new_words) != len(words):
            continue
        changed = [(old, new) for old, new in zip(words, new_words, strict=True) if old != new]
        fixed = sum(1 for old, new in changed if _suspect(old) and is_syllable(new))
        # Suspect words the table leaves alone ("30°C") are not its business.
        left_alone = sum(1 for old, new in zip(words, new_words, strict=True) if old == new and _suspect(old))
        if fixed and fixed + left_alone == suspects and all(is_syllable(new) for _, new in changed):
            return Reading(_capitalised(value, converted), encoding)
        if fixed and (best is None or fixed > best[1]):
            best = (encoding, fixed)
    if best is not None:
        return Reading(value, best[0], refused=True)
    return Reading(value)
