"""Paint colours people name in requests ("sage green", "أوف وايت") mapped to hex."""

from __future__ import annotations

import re

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")

NAMED_COLOURS: dict[str, str] = {
    "white": "#F7F7F2",
    "off white": "#F2EFE6",
    "أبيض": "#F7F7F2",
    "اوف وايت": "#F2EFE6",
    "أوف وايت": "#F2EFE6",
    "beige": "#D9C7A7",
    "بيج": "#D9C7A7",
    "cream": "#EFE3C8",
    "كريمي": "#EFE3C8",
    "grey": "#9A9A96",
    "gray": "#9A9A96",
    "رمادي": "#9A9A96",
    "light grey": "#C9C9C4",
    "charcoal": "#3A3D40",
    "فحمي": "#3A3D40",
    "black": "#1E1E1E",
    "أسود": "#1E1E1E",
    "اسود": "#1E1E1E",
    "sage green": "#9CAF88",
    "sage": "#9CAF88",
    "أخضر زيتي": "#7A8450",
    "olive": "#7A8450",
    "green": "#5E8C61",
    "أخضر": "#5E8C61",
    "اخضر": "#5E8C61",
    "mint": "#B8DCC6",
    "نعناعي": "#B8DCC6",
    "navy": "#1F2F4D",
    "كحلي": "#1F2F4D",
    "blue": "#3C6E9F",
    "أزرق": "#3C6E9F",
    "ازرق": "#3C6E9F",
    "light blue": "#A9C8E0",
    "لبني": "#A9C8E0",
    "turquoise": "#3FA7A3",
    "تركواز": "#3FA7A3",
    "terracotta": "#C26A47",
    "تيراكوتا": "#C26A47",
    "brown": "#7B5437",
    "بني": "#7B5437",
    "walnut": "#5C4033",
    "mustard": "#D2A537",
    "مستردة": "#D2A537",
    "yellow": "#E8C547",
    "أصفر": "#E8C547",
    "orange": "#E07B39",
    "برتقالي": "#E07B39",
    "red": "#B23A3A",
    "أحمر": "#B23A3A",
    "احمر": "#B23A3A",
    "burgundy": "#6D1F2E",
    "نبيتي": "#6D1F2E",
    "pink": "#E8B4B8",
    "بمبي": "#E8B4B8",
    "وردي": "#E8B4B8",
    "blush": "#E9C9C0",
    "lavender": "#B9A9D0",
    "موف": "#9B7EB5",
    "purple": "#6E4C8E",
    "gold": "#C9A54C",
    "دهبي": "#C9A54C",
    "ذهبي": "#C9A54C",
    "taupe": "#8B7D6B",
    "sand": "#D8C3A0",
    "رملي": "#D8C3A0",
}


def to_hex(colour: str) -> str | None:
    """A hex code for a colour given as hex or by a common English or Arabic name."""
    text = colour.strip()
    match = _HEX.match(text)
    if match:
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return "#" + digits.upper()
    return NAMED_COLOURS.get(text.lower())
