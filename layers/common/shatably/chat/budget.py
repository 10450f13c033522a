"""Budgets as Egyptians write them: "١٥٠ ألف", "150k", "مليون ونص", "200,000 جنيه", "1.2 million EGP".

Only amounts that are clearly money count: a multiplier (ألف، k، مليون) or a currency or budget word
next to the number. "الصالة 24 متر" is a size, not a budget.
"""

from __future__ import annotations

import re

from shatably.catalog.lang import ascii_digits, fold

_THOUSAND = r"(?:الف|الاف|ألف|آلاف|k|K|alf|thousand|grand)"
_MILLION = r"(?:مليون|ملايين|million|millions|m|mn|mil|mlyoon|milyon|melyon)"
_CURRENCY = r"(?:جنيه|جنية|جنيها|ج\.?م|egp|le|l\.e\.?|pounds?|geneh|gneh|EGP|LE)"
_BUDGET_WORD = r"(?:ميزانيه|ميزانيتي|الميزانيه|budget|mizanya|mizaneya|حدود|في حدود|معايا|m3aya)"
_NUMBER = r"(\d+(?:[.,]\d+)*)"

# Words for fractions of a million: "مليون ونص" = 1.5 M, "ربع مليون" = 0.25 M, "مليونين" = 2 M.
_MILLION_WORDS: tuple[tuple[str, float], ...] = (
    ("مليونين ونص", 2.5e6),
    ("مليون ونص", 1.5e6),
    ("مليون و نص", 1.5e6),
    ("مليون وربع", 1.25e6),
    ("مليون و ربع", 1.25e6),
    ("مليونين", 2e6),
    ("نص مليون", 5e5),
    ("ربع مليون", 2.5e5),
    ("mlyoon w nos", 1.5e6),
    ("million and a half", 1.5e6),
    ("half a million", 5e5),
    ("quarter of a million", 2.5e5),
    ("a million", 1e6),
    ("مليون", 1e6),
)
_HUNDRED_THOUSAND_WORDS: tuple[tuple[str, float], ...] = (
    ("ميت الف", 1e5),
    ("ميه الف", 1e5),
    ("مية الف", 1e5),
    ("ميتين الف", 2e5),
    ("تلتمية الف", 3e5),
    ("ربعمية الف", 4e5),
    ("خمسمية الف", 5e5),
    ("خمسين الف", 5e4),
)

_WITH_MULTIPLIER = re.compile(rf"{_NUMBER}\s*({_THOUSAND}|{_MILLION})(?![a-z\u0600-\u06ff])", re.IGNORECASE)
_WITH_CURRENCY = re.compile(rf"{_NUMBER}\s*{_CURRENCY}(?![a-z])", re.IGNORECASE)
_AFTER_BUDGET_WORD = re.compile(rf"{_BUDGET_WORD}\D{{0,20}}?{_NUMBER}", re.IGNORECASE)
MIN_BUDGET_EGP = 1_000  # below this it is a price of one item, or a typo
MAX_BUDGET_EGP = 100_000_000


def _number(text: str) -> float | None:
    # "150,000" and "150.000" are thousands; "1.5" and "1,5" are decimals.
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return float(re.sub(r"[.,]", "", text))
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def parse_budget(text: str) -> int | None:
    """The budget in EGP stated in the text, or ``None`` when it states none."""
    plain = ascii_digits(text).replace("٬", ",")
    for match in _WITH_MULTIPLIER.finditer(plain):
        value = _number(match.group(1))
        unit = match.group(2).lower()
        if value is None:
            continue
        near = plain[max(0, match.start() - 25) : match.end() + 12]
        if unit == "m" and not re.search(_CURRENCY + "|" + _BUDGET_WORD, near, re.IGNORECASE):
            continue  # "4 m" is a length unless money is named right next to it
        scale = 1e3 if re.fullmatch(_THOUSAND, unit, re.IGNORECASE) else 1e6
        return _bounded(value * scale)
    folded = f" {fold(plain)} "
    for words, value in (*_HUNDRED_THOUSAND_WORDS, *_MILLION_WORDS):
        if f" {fold(words)} " in folded:
            return _bounded(value)
    for pattern in (_WITH_CURRENCY, _AFTER_BUDGET_WORD):
        found = pattern.search(plain)
        if found and (amount := _number(found.group(1))) is not None:
            return _bounded(amount)
    return None


def _bounded(value: float) -> int | None:
    return round(value) if MIN_BUDGET_EGP <= value <= MAX_BUDGET_EGP else None
