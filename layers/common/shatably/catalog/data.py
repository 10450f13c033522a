"""Reads the catalogue's data files (``catalog/data/*.json``, shipped in the layer) into records.

The files are the catalogue; this module only maps them onto the record types. Their shape is
checked by ``tests/unit/test_catalog.py`` against a strict schema, not here, so a cold start pays
for one JSON parse per file and nothing more.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shatably.catalog.models import FurnitureEssential, Grade, RoomType, Style, Swatch, Text

DATA_DIR = Path(__file__).with_name("data")
PREVIEW_DIR = DATA_DIR / "previews"  # one small WebP per style (scripts/make_style_previews.py)
PREVIEW_SIZE = (320, 240)


def read(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_bytes())


def _text(value: dict[str, str]) -> Text:
    return Text(value["en"], value["ar"])


def load_styles() -> tuple[Style, ...]:
    return tuple(
        Style(
            id=s["id"],
            name_en=s["name"]["en"],
            name_ar=s["name"]["ar"],
            description=_text(s["description"]),
            palette=tuple(Swatch(p["en"], p["ar"], p["hex"], p["role"]) for p in s["palette"]),
            materials={surface: _text(t) for surface, t in s["materials"].items()},
            furniture=tuple(_text(t) for t in s["furniture"]),
            decor=s["decor"],
            architecture=s["architecture"],
            spaces=tuple(s["spaces"]),
            aliases=tuple(s["aliases"]),
            price_factor=s["price_factor"],
        )
        for s in read("styles.json")["styles"]
    )


def load_room_types() -> tuple[RoomType, ...]:
    return tuple(
        RoomType(
            id=r["id"],
            name_en=r["name"]["en"],
            name_ar=r["name"]["ar"],
            essentials=tuple(
                FurnitureEssential(
                    name=_text(e["name"]),
                    qty=e["qty"],
                    dims_cm=tuple(e["dims_cm"]) if e["dims_cm"] else None,
                    price_egp=tuple(e["price_egp"]),
                )
                for e in r["essentials"]
            ),
            tip=_text(r["tip"]),
            space=r["space"],
            aliases=tuple(r["aliases"]),
            estimable=r["estimable"],
        )
        for r in read("rooms.json")["room_types"]
    )


def load_grades() -> tuple[Grade, ...]:
    return tuple(
        Grade(id=g["id"], name_en=g["name"]["en"], name_ar=g["name"]["ar"], finishes=g["finishes"])
        for g in read("grades.json")["grades"]
    )


def preview_bytes(style_id: str) -> bytes | None:
    """A style's preview picture (WebP), or None when the catalogue has no such style."""
    from shatably.catalog.styles import styles

    if style_id not in {s.id for s in styles()}:
        return None  # never a path built from unchecked input
    return (PREVIEW_DIR / f"{style_id}.webp").read_bytes()
