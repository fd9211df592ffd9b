"""Text helpers shared by search, header matching and slugs, and the one normalisation of text on its
way in (`clean_text`: forms and the API through `core.middleware`, the workbook through its reader and
cell parsers)."""

import re
import unicodedata

from django.utils import translation
from django.utils.translation import gettext

_SPACES = re.compile(r"[\s_]+")


def clean_text(value: str) -> str:
    """Text as it is stored: Unicode NFC. Vietnamese typed on some keyboards (and by macOS) arrives
    decomposed — "Thái" as T-h-a-i plus two combining marks — and would otherwise be a different string
    from the composed "Thái" in every comparison, unique key and breakdown."""
    if value.isascii() or unicodedata.is_normalized("NFC", value):
        return value
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d) and collapse spaces and underscores.

    "MÃ ĐƠN VỊ", "Ma don vi" and "ma_don_vi" all fold to "ma don vi"; "Lào Cai" to "lao cai".
    """
    value = unicodedata.normalize("NFD", str(value)).replace("đ", "d").replace("Đ", "D")
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", value.lower()).strip()


def slugify_vi(value: str, max_length: int = 80) -> str:
    """A URL slug from a Vietnamese title: "Công đoàn Lào Cai" → "cong-doan-lao-cai"."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")
    return slug[:max_length].rstrip("-") or "bai-viet"


def in_language(msgid: str, params: dict, lang: str) -> str:
    """A message — a Vietnamese gettext msgid and its %-params — in `lang` (the English is in the
    catalogue; lazy params are rendered in the same language)."""
    with translation.override(lang):
        text = gettext(msgid)
        return text % params if params else text


def in_english() -> bool:
    """Is the active language English (the user's choice, or `--lang en`)? Vietnamese otherwise."""
    return (translation.get_language() or "vi").startswith("en")
