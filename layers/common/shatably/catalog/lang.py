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
# How the user wrote: Arabic script, English, or Franco-Arabic (Egyptian Arabic in Latin letters with
# digits for the sounds Latin lacks: "ana 3ayez ashattab el sala"). Franco is Arabic: it is answered
# in Arabic script unless the user asks for Franco.
Script = Literal["ar", "en", "franco"]

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


# Digits standing for Arabic letters inside a Latin word: 2 ء, 3 ع, 5 خ, 6 ط, 7 ح, 8 ق, 9 ص.
_FRANCO_DIGIT_WORD = re.compile(r"(?<![\w.])(?=[a-z]*[23456789])(?=\d*[a-z])[a-z23456789]{2,}(?![\w.])")
# A number with a unit or size is not Franco: "4x5", "60x120", "150k", "3m", "2nd", "4th", "m2".
_NOT_FRANCO = re.compile(r"^(?:\d+(?:x\d+)*(?:k|m|cm|mm|m2|sqm|hp|st|nd|rd|th|egp|le)?|m2|x\d+|\d+x)$")
# Common Egyptian words as they are written in Franco (no digits), counted only next to other signs.
_FRANCO_TEXT = """
ana enta enty inta inti ehna e7na howa heya homa 3ayez 3ayz 3awz 3ayza 3awza 3ayzeen 3awzeen ayez
ayz awz aiz ayza awza 3andy 3ndy andy 3andi 3ndi andi 3andena mesh msh mish mosh keda kda kedda ezay
ezzay izay leh fein fen feen emta ya3ni yani yaany awi awy 2awy 2awi gedan shwaya shewaya 7aga haga
7agat bta3 beta3 bta3t beta3et bta3y elly elli illi fe fi 3ala 3la ma3 maa walla wala 3shan 3ashan
ashan 3lshan tayeb tayb tamam mashy mashi ahlan momken mumkin 3aiz sala salah saala ouda oda odet
odt otet owda ooda 7amam hammam mat2bakh matbakh balakona beit shaa2a sha2a sha2et shaqa ashateb
ashtebha ashtbha tashteeb tashtib teshteeb dehan el il wel bel fel lel mn 3aleha 3aleh 3alih 3aleiha
w kaman brdo bardo
"""
_FRANCO_WORDS = frozenset(_FRANCO_TEXT.split())
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_FRANCO_SHARE = 0.25  # of a message's Latin words, when no word carries a digit


def detect_script(text: str) -> Script:
    """How the message is written: Arabic script, English, or Franco-Arabic.

    Franco needs evidence: two Latin words with letter-digits ("3ayez", "7amam"), or one of them plus
    common Egyptian words, or a quarter of the Latin words being Egyptian words ("ana mesh fahem el
    dehan"). An English sentence with "4x5" or "150k" stays English.
    """
    base = detect_lang(text)
    if base == "ar":
        return "ar"
    # Runs on every chat turn: C-level passes (findall, map) over the words, Python only for the
    # few words that mix letters and digits.
    folded = text.casefold()
    words = _LATIN_WORD.findall(folded)
    if not words:
        return base
    mixed = [w for w in words if not w.isalpha() and not w.isdigit()]  # letters with digits
    digit_words = sum(1 for w in mixed if _FRANCO_DIGIT_WORD.fullmatch(w) and not _NOT_FRANCO.fullmatch(w))
    egyptian = sum(map(_FRANCO_WORDS.__contains__, words))
    latin = words
    if (
        digit_words >= 2
        or (digit_words and egyptian)
        or (egyptian >= 2 and egyptian / len(latin) >= _FRANCO_SHARE)
    ):
        return "franco"
    return base


def reply_lang(script: Script) -> Lang:
    """The catalogue language for a script: Franco is Egyptian Arabic written in Latin letters."""
    return "en" if script == "en" else "ar"


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
