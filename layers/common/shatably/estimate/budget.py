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

    def change(key: str, en: str, ar: str, **surface: Any) -> tuple[str, str, Room]:
        name = room.name
        return f"{key}:{name}", text(lang, f"{name}: {en}", f"{name}: {ar}"), room.model_copy(update=surface)

    out: list[tuple[str, str, Room]] = []
    floor, ceiling, walls = room.floor, room.ceiling, room.walls
    if isinstance(floor, PorcelainFloor) and max(floor.tile_cm) >= LARGE_TILE_SIDE_CM:
        size = f"{floor.tile_cm[0]}×{floor.tile_cm[1]}"
        out.append(
            change(
                "smaller_tiles",
                f"porcelain 60×60 instead of {size}",
                f"بورسلين 60×60 بدل {size}",
                floor=PorcelainFloor(tile_cm=(60, 60)),
            )
        )
    if isinstance(floor, PorcelainFloor):
        out.append(
            change(
                "ceramic_not_porcelain",
                "ceramic 40×40 instead of porcelain",
                "سيراميك 40×40 بدل البورسلين",
                floor=CeramicFloor(tile_cm=(40, 40)),
            )
        )
    if isinstance(walls, WallTiles) and (walls.height_m is None or walls.height_m > LOWER_TILE_LINE_M):
        line = f"{LOWER_TILE_LINE_M:g}"
        out.append(
            change(
                "lower_wall_tiles",
                f"wall tiles to {line} m and paint above, not to the ceiling",
                f"سيراميك الحوائط لارتفاع {line} م ودهان فوقه بدل ما يوصل للسقف",
                walls=walls.model_copy(update={"height_m": LOWER_TILE_LINE_M}),
            )
        )
    if isinstance(floor, MarbleFloor):
        out.append(
            change(
                "porcelain_not_marble",
                "porcelain 60×60 instead of marble",
                "بورسلين 60×60 بدل الرخام",
                floor=PorcelainFloor(tile_cm=(60, 60)),
            )
        )
    if isinstance(ceiling, GypsumDesign):
        out.append(
            change(
                "cove_not_gypsum_design",
                "a 60 cm gypsum cove band instead of a designed ceiling",
                "بانوه جبس بعرض 60 سم بدل السقف المصمم",
                ceiling=GypsumCove(),
            )
        )
    if isinstance(ceiling, GypsumDesign | GypsumFull) and room.type != "bathroom":
        out.append(
            change(
                "paint_not_gypsum",
                "a painted ceiling instead of gypsum board",
                "سقف دهان بدل الجبس بورد",
                ceiling=PaintCeiling(),
            )
        )
    if isinstance(walls, WallpaperWalls | StoneCladding | FeatureWall):
        out.append(
            change(
                f"paint_not_{walls.type}",
                f"painted walls instead of {walls.type.replace('_', ' ')}",
                "دهان بدل تشطيب الحوائط المختار",
                walls=PaintWalls(),
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

    def option(key: str, description: str, after: list[Line]) -> None:
        """The job priced again with one change: its saving."""
        options.append(
            {"key": key, "description": description, "saving_egp": _saving(job_total, total(after))}
        )

    # One trade a grade down, across the flat.
    lower = GRADES[GRADES.index(grade) - 1] if grade != "lux" else None
    if lower is not None:
        low_en, low_ar = GRADE_NAMES[lower]
        for trade in sorted({item["trade"] for item in items}):
            en, ar = TRADES[trade]
            description = text(
                lang,
                f"{low_en} instead of {GRADE_NAMES[grade][0]} for {en}",
                f"{ar}: {low_ar} بدل {GRADE_NAMES[grade][1]}",
            )
            option(f"grade_down:{trade}", description, price_job(works, lang, book, grade, {trade: lower}))

    # A cheaper finish in one room.
    for index, work in enumerate(works):
        for key, description, changed in _room_changes(work.room, lang):
            changed_works = [*works[:index], room_work(changed, state, grade, lang), *works[index + 1 :]]
            option(key, description, price_job(changed_works, lang, book, grade))

    useful = [o for o in options if o["saving_egp"]["high"] > 0]
    useful.sort(key=lambda o: (-o["saving_egp"]["high"], o["key"]))
    return {
        "budget_egp": budget_egp,
        "fits": False,
        "gap_egp": gap,
        "substitutions": useful[:MAX_SUBSTITUTIONS],
    }
