"""Budget fit: does the high end of the estimate fit, and if not, what would save how much.

Every saving is computed by pricing the job again with one change (never guessed): one trade a
grade down, a smaller tile format, paint instead of a gypsum design, paint instead of wallpaper or
cladding, porcelain instead of marble.
"""

from __future__ import annotations

from typing import Any

from shatably.estimate.models import (
    GRADES,
    FeatureWall,
    Grade,
    GypsumCove,
    GypsumDesign,
    GypsumFull,
    Lang,
    MarbleFloor,
    PaintCeiling,
    PaintWalls,
    PorcelainFloor,
    Room,
    State,
    StoneCladding,
    WallpaperWalls,
)
from shatably.estimate.pricebook import PriceBook
from shatably.estimate.pricing import Line, price_room, total
from shatably.estimate.rules import LARGE_TILE_SIDE_CM, RoomWork, room_work
from shatably.estimate.vocabulary import TRADES, text

MAX_SUBSTITUTIONS = 12
GRADE_NAMES: dict[Grade, tuple[str, str]] = {
    "lux": ("lux", "لوكس"),
    "super_lux": ("super lux", "سوبر لوكس"),
    "ultra_super_lux": ("ultra super lux", "ألترا سوبر لوكس"),
}


def _room_changes(room: Room, lang: Lang) -> list[tuple[str, str, Room]]:
    """(key, description, changed room) for each cheaper alternative this room has."""
    out: list[tuple[str, str, Room]] = []
    floor, ceiling, walls = room.floor, room.ceiling, room.walls
    if isinstance(floor, PorcelainFloor) and max(floor.tile_cm) >= LARGE_TILE_SIDE_CM:
        size = f"{floor.tile_cm[0]}×{floor.tile_cm[1]}"
        out.append(
            (
                f"smaller_tiles:{room.name}",
                text(
                    lang,
                    f"{room.name}: porcelain 60×60 instead of {size}",
                    f"{room.name}: بورسلين 60×60 بدل {size}",
                ),
                room.model_copy(update={"floor": PorcelainFloor(tile_cm=(60, 60))}),
            )
        )
    if isinstance(floor, MarbleFloor):
        out.append(
            (
                f"porcelain_not_marble:{room.name}",
                text(
                    lang,
                    f"{room.name}: porcelain 60×60 instead of marble",
                    f"{room.name}: بورسلين 60×60 بدل الرخام",
                ),
                room.model_copy(update={"floor": PorcelainFloor(tile_cm=(60, 60))}),
            )
        )
    if isinstance(ceiling, GypsumDesign):
        out.append(
            (
                f"cove_not_gypsum_design:{room.name}",
                text(
                    lang,
                    f"{room.name}: a 60 cm gypsum cove band instead of a designed ceiling",
                    f"{room.name}: بانوه جبس بعرض 60 سم بدل السقف المصمم",
                ),
                room.model_copy(update={"ceiling": GypsumCove()}),
            )
        )
    if isinstance(ceiling, GypsumDesign | GypsumFull) and room.type != "bathroom":
        out.append(
            (
                f"paint_not_gypsum:{room.name}",
                text(
                    lang,
                    f"{room.name}: a painted ceiling instead of gypsum board",
                    f"{room.name}: سقف دهان بدل الجبس بورد",
                ),
                room.model_copy(update={"ceiling": PaintCeiling()}),
            )
        )
    if isinstance(walls, WallpaperWalls | StoneCladding | FeatureWall):
        out.append(
            (
                f"paint_not_{walls.type}:{room.name}",
                text(
                    lang,
                    f"{room.name}: painted walls instead of {walls.type.replace('_', ' ')}",
                    f"{room.name}: دهان بدل تشطيب الحوائط المختار",
                ),
                room.model_copy(update={"walls": PaintWalls()}),
            )
        )
    return out


def _saving(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {"low": max(0, before["low"] - after["low"]), "high": max(0, before["high"] - after["high"])}


def fit(
    budget_egp: int,
    job_total: dict[str, int],
    works: list[RoomWork],
    priced: list[list[Line]],
    *,
    state: State,
    grade: Grade,
    lang: Lang,
    book: PriceBook,
) -> dict[str, Any]:
    """Shaped like ``models.BudgetFit``."""
    gap = max(0, job_total["high"] - budget_egp)
    if gap == 0:
        return {"budget_egp": budget_egp, "fits": True, "gap_egp": 0, "substitutions": []}
    options: list[dict[str, Any]] = []

    # One trade a grade down, across the flat.
    lower = GRADES[GRADES.index(grade) - 1] if grade != "lux" else None
    if lower is not None:
        trades = sorted({item["trade"] for items in priced for item in items})
        for trade in trades:
            before = total(i for items in priced for i in items if i["trade"] == trade)
            after = total(
                i
                for work in works
                for i in price_room(work, lang, book, {trade: lower}, grade)
                if i["trade"] == trade
            )
            en, ar = TRADES[trade]
            low_en, low_ar = GRADE_NAMES[lower]
            options.append(
                {
                    "key": f"grade_down:{trade}",
                    "description": text(
                        lang,
                        f"{low_en} instead of {GRADE_NAMES[grade][0]} for {en}",
                        f"{ar}: {low_ar} بدل {GRADE_NAMES[grade][1]}",
                    ),
                    "saving_egp": _saving(before, after),
                }
            )

    # A cheaper finish in one room.
    for work, items in zip(works, priced, strict=True):
        before = total(items)
        for key, description, changed in _room_changes(work.room, lang):
            after = total(price_room(room_work(changed, state, grade, lang), lang, book, {}, grade))
            options.append({"key": key, "description": description, "saving_egp": _saving(before, after)})

    useful = [o for o in options if o["saving_egp"]["high"] > 0]
    useful.sort(key=lambda o: (-o["saving_egp"]["high"], o["key"]))
    return {
        "budget_egp": budget_egp,
        "fits": False,
        "gap_egp": gap,
        "substitutions": useful[:MAX_SUBSTITUTIONS],
    }
