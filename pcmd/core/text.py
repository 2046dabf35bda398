"""The one place where user text is normalised and folded for search and matching."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """Unicode NFC with surrounding white space trimmed: how every text is stored."""
    return unicodedata.normalize("NFC", value).strip()


def fold(value: str) -> str:
    """Lower case, no diacritics, single spaces: 'Kỳ  Anh' -> 'ky anh'.

    Used for search keys and name matching, so "ky anh" finds "Kỳ Anh".
    """
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def in_language(vi: str, en: str) -> str:
    """The English text when the active language is English and one is known, else the
    Vietnamese: how catalogue rows that carry both names are shown."""
    from django.utils.translation import get_language

    return en if en and (get_language() or "vi").startswith("en") else vi
