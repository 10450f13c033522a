"""Finishing quantities computed from a room's dimensions, never taken from the model.

Assumptions (stated to the user in each line's note):
- Openings: a door is 0.9 × 2.1 m, a window 1.2 × 1.2 m; both are deducted from the wall area.
- Paint: 2 finish coats at 10 m² per litre per coat. Egyptian plastic (emulsion) paints quote
  10–12 m²/L on sealed, puttied walls; the low end allows for rough or fresh plaster. One coat of
  sealer (سيلر) at the same rate goes under every painted surface. Litres round up.
- Walls are painted unless the plan names a wall finish and none of it is paint. Ceilings are
  always painted: every finish in the catalogue (slab, gypsum board, beams) ends in a coat of paint.
- Wallpaper: 0.53 × 10.05 m rolls (5.3 m²) plus 15 % for pattern matching. Wallpaper together with
  paint means one feature wall (the longer wall) is papered and the rest painted.
- Flooring: floor area plus 10 % cutting waste; tiles come in boxes sized by the tile (a 60×60 box
  holds 4 tiles = 1.44 m²), 60×60 when the plan names no size.
- Gypsum board: a full drop ceiling of the floor area in 1.2 × 2.4 m sheets (2.88 m²) plus 10 %,
  and a cornice/light cove along the whole perimeter. Only when the plan mentions gypsum board.
- Skirting runs the perimeter less 0.9 m per door, when the plan names a floor finish.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from shatably.catalog.lang import Lang, ascii_digits, fold, mentions_any
from shatably.chat.plan import FinishingQuantity, MaterialSurface, Plan, PlanDraft, RoomDimensions

DOOR_W_M, DOOR_H_M = 0.9, 2.1
WINDOW_W_M, WINDOW_H_M = 1.2, 1.2
PAINT_COATS = 2
PAINT_M2_PER_L = 10.0  # per coat
SEALER_M2_PER_L = 10.0  # one coat
FLOOR_WASTE = 0.10
GYPSUM_SHEET_M2 = 1.2 * 2.4
GYPSUM_WASTE = 0.10
WALLPAPER_ROLL_M2 = 0.53 * 10.05
WALLPAPER_WASTE = 0.15
DEFAULT_TILE_CM = (60, 60)
# Square metres per box for the sizes sold in Egypt (tiles per box × tile area).
BOX_M2: dict[tuple[int, int], float] = {
    (30, 30): 11 * 0.09,
    (40, 40): 8 * 0.16,
    (30, 60): 8 * 0.18,
    (45, 45): 8 * 0.2025,
    (60, 60): 4 * 0.36,
    (20, 120): 6 * 0.24,
    (60, 120): 2 * 0.72,
    (80, 80): 2 * 0.64,
    (120, 120): 2 * 1.44,
}

# Keywords are matched on folded text (see catalog.lang.fold), so spelling variants all hit.
_PAINT = ("paint", "painted", "emulsion", "lime wash", "limewash", "دهان", "دهانات", "بلاستيك", "لايم ووش")
_WALLPAPER = ("wallpaper", "wall paper", "ورق حائط", "ورق حايط", "ورق جدران", "والبيبر")
_GYPSUM_BOARD = (
    "gypsum board",
    "gypsumboard",
    "plasterboard",
    "drywall",
    "drop ceiling",
    "false ceiling",
    "suspended ceiling",
    "جبس بورد",
    "جبسن بورد",
    "جيبس بورد",
    "جبسوم بورد",
    "سقف ساقط",
    "سقف معلق",
)
_TILES = ("tile", "tiles", "ceramic", "porcelain", "سيراميك", "بورسلين", "بورسلان", "بلاط")
_SIZE = re.compile(r"(\d{2,3})\s*[x×*]\s*(\d{2,3})")

_NAMES: dict[str, tuple[str, str]] = {
    "wall_paint": ("Wall paint", "دهان الحيطان"),
    "ceiling_paint": ("Ceiling paint", "دهان السقف"),
    "sealer": ("Sealer (primer)", "سيلر (أساس)"),
    "wallpaper": ("Wallpaper rolls", "رولات ورق حائط"),
    "floor_finish": ("Flooring", "الأرضية"),
    "floor_tile_boxes": ("Tile boxes", "كراتين البلاط"),
    "gypsum_board_ceiling": ("Gypsum board ceiling", "سقف جبس بورد"),
    "gypsum_board_sheets": ("Gypsum board sheets 1.2×2.4 m", "ألواح جبس بورد 1.2×2.4 م"),
    "cornice": ("Cornice / light cove", "كرنيشة / بانوه إضاءة"),
    "skirting": ("Skirting", "وزرة"),
}


def _up(value: float) -> int:
    """Round up to a whole unit, ignoring float dust (22.000000001 m² is 22 m²)."""
    return math.ceil(round(value, 6))


def _tenth(value: float) -> float:
    return round(value + 1e-9, 1)


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def openings_m2(room: RoomDimensions) -> float:
    return room.doors * DOOR_W_M * DOOR_H_M + room.windows * WINDOW_W_M * WINDOW_H_M


def wall_area_m2(room: RoomDimensions) -> float:
    """Net wall area: perimeter × height less doors and windows (never below zero)."""
    return max(0.0, room.perimeter_m * room.height_m - openings_m2(room))


def paint_litres(area_m2: float, coats: int = PAINT_COATS, m2_per_litre: float = PAINT_M2_PER_L) -> int:
    return _up(area_m2 * coats / m2_per_litre)


def with_waste(area_m2: float, waste: float = FLOOR_WASTE) -> float:
    return area_m2 * (1 + waste)


def box_m2(tile_cm: tuple[int, int]) -> float:
    """Coverage of one box; unknown sizes assume 1.44 m², the common box for 60×60 and 60×120."""
    return BOX_M2.get((min(tile_cm), max(tile_cm)), BOX_M2[DEFAULT_TILE_CM])


def tile_boxes(area_m2: float, tile_cm: tuple[int, int] = DEFAULT_TILE_CM) -> int:
    """Boxes for ``area_m2`` of floor, 10 % waste included."""
    return _up(with_waste(area_m2) / box_m2(tile_cm))


def gypsum_sheets(area_m2: float) -> int:
    return _up(area_m2 * (1 + GYPSUM_WASTE) / GYPSUM_SHEET_M2)


def wallpaper_rolls(area_m2: float) -> int:
    return _up(area_m2 * (1 + WALLPAPER_WASTE) / WALLPAPER_ROLL_M2)


def skirting_m(room: RoomDimensions) -> float:
    return max(0.0, room.perimeter_m - room.doors * DOOR_W_M)


def tile_size(text: str) -> tuple[int, int] | None:
    """The first "60×60" / "60 x 120" in ``text`` (Arabic digits too), as centimetres."""
    match = _SIZE.search(ascii_digits(text).lower())
    return (int(match.group(1)), int(match.group(2))) if match else None


@lru_cache(maxsize=32)
def _folded(keywords: tuple[str, ...]) -> tuple[str, ...]:
    """The keyword lists are constants: fold them once per process, not on every plan."""
    return tuple(fold(k) for k in keywords)


def _mentions(text: str, keywords: tuple[str, ...]) -> bool:
    return mentions_any(fold(text), _folded(keywords))


def _surface_text(plan: PlanDraft, *surfaces: MaterialSurface) -> str | None:
    texts = [f"{m.material} {m.finish}" for m in plan.materials if m.surface in surfaces]
    return " ; ".join(texts) if texts else None


class _Lines:
    """Collects quantity lines with names and notes in the plan's language."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.items: list[FinishingQuantity] = []

    def add(self, key: str, unit: str, qty: float, note_en: str, note_ar: str) -> None:
        en, ar = _NAMES[key]
        self.items.append(
            FinishingQuantity.model_validate(
                {
                    "key": key,
                    "item": ar if self.lang == "ar" else en,
                    "unit": unit,
                    "qty": qty,
                    "note": note_ar if self.lang == "ar" else note_en,
                }
            )
        )


def finishing_quantities(room: RoomDimensions, plan: PlanDraft) -> list[FinishingQuantity]:
    """The quantities that apply to this plan's materials, for this room."""
    out = _Lines(plan.lang)
    walls = _surface_text(plan, "walls")
    floor = _surface_text(plan, "floor")
    ceiling = _surface_text(plan, "ceiling", "other") or ""
    net_walls = wall_area_m2(room)
    coats = f"{PAINT_COATS} coats at {_num(PAINT_M2_PER_L)} m²/L per coat"
    coats_ar = f"وشّين بمعدل {_num(PAINT_M2_PER_L)} م²/لتر للوش"

    painted_walls = walls is None or _mentions(walls, _PAINT)
    papered = walls is not None and _mentions(walls, _WALLPAPER)
    paper_m2 = 0.0
    if papered:
        # With paint too, the paper goes on one feature wall: the longer one, assumed without openings.
        feature = max(room.length_m, room.width_m) * room.height_m
        paper_m2 = min(feature, net_walls) if painted_walls else net_walls
        out.add(
            "wallpaper",
            "roll",
            wallpaper_rolls(paper_m2),
            f"{_num(paper_m2)} m² of wall, 5.3 m² rolls + 15 % for pattern matching",
            f"{_num(paper_m2)} م² حيطان، رول 5.3 م² + 15% لمطابقة النقشة",
        )
    paint_walls_m2 = net_walls - paper_m2 if painted_walls else 0.0
    if paint_walls_m2 > 0:
        out.add(
            "wall_paint",
            "L",
            paint_litres(paint_walls_m2),
            f"{_num(paint_walls_m2)} m² net of doors and windows, {coats}",
            f"{_num(paint_walls_m2)} م² بعد خصم الأبواب والشبابيك، {coats_ar}",
        )
    ceiling_m2 = room.floor_area_m2
    out.add(
        "ceiling_paint",
        "L",
        paint_litres(ceiling_m2),
        f"{_num(ceiling_m2)} m², {coats}",
        f"{_num(ceiling_m2)} م²، {coats_ar}",
    )
    sealed_m2 = paint_walls_m2 + ceiling_m2
    out.add(
        "sealer",
        "L",
        paint_litres(sealed_m2, coats=1, m2_per_litre=SEALER_M2_PER_L),
        f"one coat under the paint, {_num(sealed_m2)} m²",
        f"وش واحد تحت الدهان، {_num(sealed_m2)} م²",
    )

    if floor is not None:
        floor_m2 = room.floor_area_m2
        out.add(
            "floor_finish",
            "m2",
            _tenth(with_waste(floor_m2)),
            f"{_num(floor_m2)} m² + 10 % cutting waste",
            f"{_num(floor_m2)} م² + 10% هالك قص",
        )
        if _mentions(floor, _TILES):
            size = tile_size(floor) or DEFAULT_TILE_CM
            label = f"{size[0]}×{size[1]}"
            out.add(
                "floor_tile_boxes",
                "box",
                tile_boxes(floor_m2, size),
                f"{label} cm tiles, {_num(box_m2(size))} m² per box; buy one batch so shades match",
                f"بلاط {label} سم، الكرتونة {_num(box_m2(size))} م²؛ اشتري من نفس اللوط عشان اللون",
            )
        out.add(
            "skirting",
            "m",
            _tenth(skirting_m(room)),
            f"perimeter less {room.doors} door opening(s)",
            f"المحيط ناقص فتحات الأبواب ({room.doors})",
        )

    if _mentions(ceiling, _GYPSUM_BOARD):
        board_m2 = room.floor_area_m2
        out.add(
            "gypsum_board_ceiling",
            "m2",
            _tenth(board_m2),
            "whole ceiling; a perimeter band only needs part of it",
            "السقف كله؛ لو بانوه على المحيط بس هتحتاج أقل",
        )
        out.add(
            "gypsum_board_sheets",
            "sheet",
            gypsum_sheets(board_m2),
            "2.88 m² sheets + 10 % cutting waste",
            "لوح 2.88 م² + 10% هالك",
        )
        out.add(
            "cornice",
            "m",
            _tenth(room.perimeter_m),
            "along the whole perimeter",
            "على طول محيط الأوضة",
        )
    return out.items


def plan_with_quantities(draft: PlanDraft, room: RoomDimensions | None) -> Plan:
    """The plan to return: the model's draft plus our quantities (none until the room is known)."""
    quantities = finishing_quantities(room, draft) if room is not None else []
    return Plan.model_validate({**draft.model_dump(), "finishing_quantities": quantities})
