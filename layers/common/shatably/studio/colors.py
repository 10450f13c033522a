"""Paint colours as people say them: hex, English names, Egyptian Arabic words, "light"/"فاتح" and
"dark"/"غامق", and a sheen (matte, satin, gloss / مط، ساتان، لامع).

The names live in ``catalog/data/colours.json``. Lookups compare folded text (``catalog.lang.fold``:
hamza, taa marbuta, alef forms and the article folded), so "ابيض" finds "أبيض". A colour we cannot
name is never dropped: the caller's words go to the model verbatim and are reported back with
``resolved_hex: null``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, Field

from shatably.catalog.data import read
from shatably.catalog.lang import fold

Sheen = Literal["matte", "satin", "gloss"]
Modifier = Literal["light", "dark"]

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
# "Light" mixes this share of white into the colour, "dark" this share of black: one step, as paint
# fans step between neighbouring shades (e.g. بيج -> بيج فاتح).
MODIFIER_SHARE = 0.35
DEFAULT_SHEEN: Sheen = "matte"  # what Egyptian painters apply on walls unless told otherwise (بلاستيك مطفي)


class ColorReport(BaseModel):
    """What the edit understood of the colour it was given, echoed in the response."""

    input: str = Field(description="The colour exactly as given")
    resolved_hex: str | None = Field(description="The hex we sent, or null when the words went verbatim")
    sheen: Sheen = DEFAULT_SHEEN


@dataclass(frozen=True)
class _Vocabulary:
    colours: dict[str, str]  # folded name -> hex
    modifiers: dict[str, Modifier]
    sheens: dict[str, Sheen]
    fillers: frozenset[str]


@cache
def _vocabulary() -> _Vocabulary:
    # Read on the first colour, not at import: most requests never name one.
    data = read("colours.json")
    colours = {fold(name): c["hex"] for c in data["colours"] for name in (*c["en"], *c["ar"])}
    modifiers: dict[str, Modifier] = {
        fold(w): kind for kind, words in data["modifiers"].items() for w in (*words["en"], *words["ar"])
    }
    sheens: dict[str, Sheen] = {
        fold(w): kind for kind, words in data["sheens"].items() for w in (*words["en"], *words["ar"])
    }
    fillers = frozenset(fold(w) for w in (*data["fillers"]["en"], *data["fillers"]["ar"]))
    return _Vocabulary(colours, modifiers, sheens, fillers)


def normalise_hex(text: str) -> str | None:
    match = _HEX.match(text.strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper()


def _mix(hex_: str, toward: int, share: float) -> str:
    channels = (int(hex_[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (toward - c) * share):02X}" for c in channels)


def _strip_phrases(words: list[str], table: dict[str, str]) -> tuple[list[str], str | None]:
    """Remove the first one- or two-word phrase found in ``table``; return what is left and its value."""
    for size in (2, 1):
        for start in range(len(words) - size + 1):
            found = table.get(" ".join(words[start : start + size]))
            if found is not None:
                return words[:start] + words[start + size :], found
    return words, None


def sheen_of(text: str | None) -> Sheen | None:
    """A sheen named in English or Arabic ("satin", "لامع", "نص لمعة"), or None."""
    if not text:
        return None
    _, found = _strip_phrases(fold(text).split(), dict(_vocabulary().sheens))
    return found  # type: ignore[return-value]


def resolve_color(text: str, sheen: Sheen | None = None) -> ColorReport:
    """The hex for a colour people name, with its modifier applied and its sheen (given or said).

    "بيج فاتح" -> beige lightened one step; "light gray satin" -> grey lightened, satin; "#abc" ->
    "#AABBCC"; an unknown name -> ``resolved_hex=None`` (the words still reach the model).
    """
    vocab = _vocabulary()
    given = text.strip()
    direct = normalise_hex(given)
    if direct:
        return ColorReport(input=given, resolved_hex=direct, sheen=sheen or DEFAULT_SHEEN)
    words = [w for w in fold(given).split() if w not in vocab.fillers]
    words, said_sheen = _strip_phrases(words, dict(vocab.sheens))
    resolved = vocab.colours.get(" ".join(words))  # a name that includes its modifier ("light blue")
    if resolved is None:
        rest, modifier = _strip_phrases(words, dict(vocab.modifiers))
        base = vocab.colours.get(" ".join(rest)) or (normalise_hex(rest[0]) if len(rest) == 1 else None)
        if base is not None:
            resolved = (
                base if modifier is None else _mix(base, 255 if modifier == "light" else 0, MODIFIER_SHARE)
            )
    chosen: Sheen = sheen or said_sheen or DEFAULT_SHEEN  # type: ignore[assignment]
    return ColorReport(input=given, resolved_hex=resolved, sheen=chosen)
