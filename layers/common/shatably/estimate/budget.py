"""Budget fit: does the high end of the estimate fit, and if not, what would save how much.

Every saving is computed by pricing the job again with one change (never guessed): one trade a
grade down, a smaller tile format, paint instead of a gypsum design, paint instead of wallpaper or
cladding, porcelain instead of marble.
"""

from __future__ import annotations

from typing import Any

from shatably.estimate.models import (
    GRADES,
    CeramicFloor,
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
    WallTiles,
)
from shatably.estimate.pricebook import PriceBook
from shatably.estimate.pricing import Line, price_job, total
from shatably.estimate.rules import LARGE_TILE_SIDE_CM, RoomWork, room_work
from shatably.estimate.vocabulary import TRADES, text

MAX_SUBSTITUTIONS = 12
LOWER_TILE_LINE_M = 1.6  # the economy tile line in wet rooms (trade practice)
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
    if isinstance(floor, PorcelainFloor):
        out.append(
            (
                f"ceramic_not_porcelain:{room.name}",
                text(
                    lang,
                    f"{room.name}: ceramic 40×40 instead of porcelain",
                    f"{room.name}: سيراميك 40×40 بدل البورسلين",
                ),
                room.model_copy(update={"floor": CeramicFloor(tile_cm=(40, 40))}),
            )
        )
    if isinstance(walls, WallTiles) and (walls.height_m is None or walls.height_m > LOWER_TILE_LINE_M):
        line = f"{LOWER_TILE_LINE_M:g}"
        out.append(
            (
                f"lower_wall_tiles:{room.name}",
                text(
                    lang,
                    f"{room.name}: wall tiles to {line} m and paint above, not to the ceiling",
                    f"{room.name}: سيراميك الحوائط لارتفاع {line} م ودهان فوقه بدل ما يوصل للسقف",
                ),
                room.model_copy(update={"walls": walls.model_copy(update={"height_m": LOWER_TILE_LINE_M})}),
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
    items: list[Line],
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
        for trade in sorted({item["trade"] for item in items}):
            after = total(price_job(works, lang, book, grade, {trade: lower}))
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
                    "saving_egp": _saving(job_total, after),
                }
            )

    # A cheaper finish in one room.
    for index, work in enumerate(works):
        for key, description, changed in _room_changes(work.room, lang):
            changed_works = [*works[:index], room_work(changed, state, grade, lang), *works[index + 1 :]]
            after = total(price_job(changed_works, lang, book, grade))
            options.append({"key": key, "description": description, "saving_egp": _saving(job_total, after)})

    useful = [o for o in options if o["saving_egp"]["high"] > 0]
    useful.sort(key=lambda o: (-o["saving_egp"]["high"], o["key"]))
    return {
        "budget_egp": budget_egp,
        "fits": False,
        "gap_egp": gap,
        "substitutions": useful[:MAX_SUBSTITUTIONS],
    }
