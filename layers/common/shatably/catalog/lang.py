"""Language detection and text folding for Egyptian Arabic and English input.

Users mix scripts freely ("عايز living room مودرن"), spell Arabic loosely (أ/ا/إ, ة/ه, ى/ي) and
sometimes add diacritics, so every lookup compares *folded* text rather than raw strings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

Lang = Literal["ar", "en"]

# Arabic script blocks: Arabic, Arabic Supplement, Arabic Extended-A, Presentation Forms A and B.
_ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))

# Arabic words are written without short vowels, so the same sentence has roughly a third fewer
# letters in Arabic than in English. A message whose letters are 30 % Arabic is therefore mostly
# Arabic in words (typically Arabic with a few English design terms), and gets an Arabic answer.
_ARABIC_SHARE_FOR_AR = 0.3

# Arabic-Indic (U+0660..) and Extended/Persian (U+06F0..) digits, plus the Arabic decimal separator.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.")

# Spelling variants Egyptians use interchangeably; folding them lets "اوضه" match "أوضة".
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ئ": "ي", "ؤ": "و"})
_TATWEEL = "\u0640"
# The definite article and its common clitic forms ("the", "and the", "with the", "for the").
_ARTICLE = re.compile(r"^(?:وال|بال|فال|كال|ولل|لل|ال)(?=\w{2,})")
_NON_WORD = re.compile(r"[^\w]+")


# Set lookups, counted by C loops (map): detect_lang runs on every chat turn, and testing each
# character against the ranges in Python cost ~10x more.
_ARABIC_CHARS = frozenset(chr(code) for lo, hi in _ARABIC_RANGES for code in range(lo, hi + 1))
_ARABIC_LETTERS = frozenset(ch for ch in _ARABIC_CHARS if ch.isalpha())


def _is_arabic(ch: str) -> bool:
    return ch in _ARABIC_CHARS


def detect_lang(text: str, default: Lang = "en") -> Lang:
    """``"ar"`` when enough of the letters are Arabic script, else ``"en"``; ``default`` if no letters."""
    letters = sum(map(str.isalpha, text))
    if not letters:
        return default
    arabic = sum(map(_ARABIC_LETTERS.__contains__, text))
    return "ar" if arabic / letters >= _ARABIC_SHARE_FOR_AR else "en"


def ascii_digits(text: str) -> str:
    """Arabic-Indic digits and the Arabic decimal separator as ASCII ("٤٫٥" -> "4.5")."""
    return text.translate(_DIGITS)


def fold(text: str) -> str:
    """Lower-case, diacritic-free, article-free words joined by single spaces, for matching.

    Both sides of every comparison go through this, so stripping the article cannot create a
    mismatch; it only lets "الياباني" match "ياباني".
    """
    if text.isascii():  # the common case (English, hex codes, sizes): no digits to map, no marks to drop
        return " ".join(_NON_WORD.sub(" ", text.casefold().replace("_", " ")).split())
    decomposed = unicodedata.normalize("NFKD", ascii_digits(text).casefold())
    # Mn covers Latin accents and Arabic harakat/shadda alike.
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn" and ch != _TATWEEL)
    words = _NON_WORD.sub(" ", bare.translate(_ARABIC_FOLD).replace("_", " ")).split()
    return " ".join(_ARTICLE.sub("", word) for word in words)


def _phrase_source(phrase: str) -> str:
    # Arabic writes "and", "with", "so", "for", "like" (و ب ف ل ك) joined to the next word:
    # "وورق حائط" is "and wallpaper". Allow one such letter in front of an Arabic phrase.
    clitic = "[وبفلك]?" if phrase and _is_arabic(phrase[0]) else ""
    return clitic + re.escape(phrase)


@lru_cache(maxsize=1024)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\S){_phrase_source(phrase)}(?!\S)")


@lru_cache(maxsize=64)
def _any_phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<!\S)(?:{'|'.join(map(_phrase_source, phrases))})(?!\S)")


def mentions_any(folded_text: str, folded_phrases: tuple[str, ...]) -> bool:
    """Whether any of the folded phrases occurs as whole words in folded text, in one regex pass."""
    return _any_phrase_pattern(folded_phrases).search(folded_text) is not None


def phrase_spans(folded_text: str, folded_phrase: str) -> list[tuple[int, int]]:
    """Where a folded phrase occurs as whole words in folded text (see ``fold``)."""
    return [m.span() for m in _phrase_pattern(folded_phrase).finditer(folded_text)]
