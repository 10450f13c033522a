"""The style catalogue, read from ``data/styles.json``: one record per style, both languages.

Palettes always carry at least one wall, floor, textile and accent swatch: the offline renderer and
the plan builder rely on finding each role. ``price_factor`` scales mid-market furniture prices.

Read on first use, not at import: routes that never look at a style (job status, image records)
do not parse the file during a cold start.
"""

from __future__ import annotations

from functools import cache

from shatably.catalog.data import load_grades, load_styles
from shatably.catalog.models import Grade, Style


@cache
def styles() -> tuple[Style, ...]:
    return load_styles()


@cache
def grades() -> tuple[Grade, ...]:
    return load_grades()
