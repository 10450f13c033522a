"""The style catalogue, read from ``data/styles.json``: one record per style, both languages.

Palettes always carry at least one wall, floor, textile and accent swatch: the offline renderer and
the plan builder rely on finding each role. ``price_factor`` scales mid-market furniture prices.
"""

from __future__ import annotations

from shatably.catalog.data import load_grades, load_styles
from shatably.catalog.models import Grade, Style

STYLES: tuple[Style, ...] = load_styles()
GRADES: tuple[Grade, ...] = load_grades()
