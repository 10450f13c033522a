"""Trade rules: how much of each material a room needs, one named constant per rule with its source.

Sources, as found (nothing here is invented; "trade practice" marks a convention of Egyptian
finishing contractors, stated as such, and every such figure is an assumption the user can see in
the line's note):

- Jotun technical submittal for the Soliman Fakeeh Hospital project (Jotun Saudia, 2022-11-01),
  interior emulsion systems with theoretical spreading rates: Jotun Masonry Primer 13.40 m²/L at
  25 µm, Stucco (putty) 5.00 m²/L at 100 µm, Fenomastic Pure Colours Emulsion Matt 11.67 m²/L at
  30 µm (https://scribd.com/document/690477298/Jotun-Technical-Submittal-Ver-3). The same primer,
  two-putty, two-emulsion system is the Egyptian "سيلر، معجون، وشين دهان".
- Harris Paints Ulttima Plus Satin Emulsion TDS (2021): maximum spread rate 10 m²/L per coat, the
  practical figure our 15 % loss on Jotun's theoretical rate lands on.
- SikaCeram-88 product data sheet: adhesive 4.5–9.0 kg/m² for normal-size tiles, bed 3–10 mm,
  25 kg bags. SikaCeram-100 (Sika Senegal page): its thin-bed use stops below 3 600 cm² tiles
  (e.g. 60×60); larger formats need a full bed, back-buttered.
- SikaTile-800 grout coverage chart: 300×300×10 mm tiles with 3 mm joints cover 36.7 m² per
  11.34 kg, i.e. about 1.55–1.6 kg of grout per litre of joint.
- cerp-items-data work item ``wi-ar-cielorraso-suspendido-de-placa-de-roca-de-yeso`` (an open
  unit-price database): per m² of suspended plasterboard ceiling 0.38 boards of 1.20×2.40 m,
  2.5 m of 34 mm studs and 0.9 m of 35 mm track.
- Wallpaper rolls: the metric standard roll is 0.53 × 10.05 m (530 × 1005 mm).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from shatably.estimate.models import (
    CeilingFinish,
    CeramicFloor,
    FeatureWall,
    FloorFinish,
    Grade,
    GypsumCove,
    GypsumDesign,
    GypsumFull,
    ItemKey,
    KeepCeiling,
    KeepFloor,
    KeepWalls,
    Lang,
    MarbleFloor,
    PaintCeiling,
    PaintWalls,
    ParquetFloor,
    PorcelainFloor,
    Room,
    RoomTypeId,
    State,
    StoneCladding,
    Unit,
    VinylFloor,
    WallFinish,
    WallpaperWalls,
    WallTiles,
)

# --- openings and heights (trade practice) ----------------------------------------------------------

DOOR_W_M, DOOR_H_M = 0.9, 2.1  # the common interior door opening, 90×210 cm
WINDOW_W_M, WINDOW_H_M = 1.2, 1.2  # a typical living-room window
BATHROOM_WINDOW_W_M, BATHROOM_WINDOW_H_M = 0.6, 0.6  # the small high bathroom window (شباك حمام)
WINDOW_SILL_M = 1.0  # wall tiles below a window's sill are laid; above it they are not
# Clear height when the user gives none: a raw slab-to-slab height of ~2.9 m on brick or plaster;
# a finished flat has lost ~10 cm to the floor bed (sand, mortar, tile).
DEFAULT_HEIGHT_M: dict[State, float] = {
    "bare": 2.9,
    "plastered": 2.9,
    "semi_finished": 2.9,
    "finished": 2.8,
}
# A room given by its area alone is taken as a 4:3 rectangle (for its perimeter and walls).
AREA_ONLY_ASPECT = 4 / 3

# --- plaster (trade practice) ------------------------------------------------------------------------

# Cement-sand plaster on brick (~2 cm) is quoted by Egyptian contractors per m², materials included.
# A full drop ceiling hides the slab, so the slab above one is not plastered.

# --- paint (Jotun submittal; Harris TDS) -------------------------------------------------------------

PAINT_M2_PER_L = 11.67  # Fenomastic Pure Colours Emulsion Matt, theoretical, per coat
SEALER_M2_PER_L = 13.40  # Jotun Masonry Primer, theoretical, one coat
PUTTY_M2_PER_L = 5.00  # Jotun Stucco, theoretical, per coat
# Roller losses and porous plaster: practical use is ~15 % above the theoretical rate (which puts
# emulsion at ~10 m²/L, Harris' stated maximum per coat). Trade practice.
PAINT_LOSS = 0.15
# Coats by grade (trade practice): lux = 2 putty + 2 paint; super lux = "3 سكاكين ووشين";
# ultra super lux = 3 putty + 3 paint.
PUTTY_COATS: dict[Grade, int] = {"lux": 2, "super_lux": 3, "ultra_super_lux": 3}
PAINT_COATS: dict[Grade, int] = {"lux": 2, "super_lux": 2, "ultra_super_lux": 3}
REPAINT_COATS = 2  # a finished flat: two coats over the old paint, no new putty or sealer

# --- wallpaper -----------------------------------------------------------------------------------------

WALLPAPER_ROLL_M2 = 0.53 * 10.05  # the metric standard roll
WALLPAPER_WASTE = 0.15  # pattern matching and trimming at ceiling and skirting (trade practice)

# --- tiles (SikaCeram-88, SikaCeram-100, SikaTile-800; trade practice for waste and boxes) -------------

TILE_WASTE = 0.10  # cutting waste, straight lay
LARGE_TILE_WASTE = 0.15  # a side of 120 cm or more: each cut wastes more (trade practice)
LARGE_TILE_SIDE_CM = 120
ADHESIVE_KG_PER_M2 = 4.5  # SikaCeram-88: normal-size tiles 4.5–9.0 kg/m² (low end, flat plaster)
LARGE_FORMAT_ADHESIVE_KG_PER_M2 = 9.0  # full bed and back-buttering: the top of the same range
LARGE_FORMAT_CM2 = 3600  # SikaCeram-100's thin-bed limit (60×60 and up need the full bed)
GROUT_KG_PER_L = 1.6  # SikaTile-800 chart: 0.309 kg/m² for 300×300×10 mm tiles, 3 mm joints
GROUT_JOINT_MM = 3.0
TILE_THICKNESS_MM = {"ceramic": 8.0, "porcelain": 10.0}  # typical body thickness
GROUT_WASTE = 0.10
SKIRTING_WASTE = 0.05
WATERPROOF_UPSTAND_M = 0.3  # floor plus 30 cm up the walls (the catalogue's bathroom advice)
# Square metres per box for the sizes sold in Egypt (tiles per box × tile area): factory packing,
# trade practice. Other sizes are packed to the nearest ~1.44 m².
BOX_M2: dict[tuple[int, int], float] = {
    (20, 20): 25 * 0.04,
    (25, 40): 15 * 0.10,
    (30, 30): 11 * 0.09,
    (30, 60): 8 * 0.18,
    (40, 40): 8 * 0.16,
    (45, 45): 8 * 0.2025,
    (60, 60): 4 * 0.36,
    (20, 120): 6 * 0.24,
    (60, 120): 2 * 0.72,
    (80, 80): 2 * 0.64,
    (120, 120): 2 * 1.44,
}
TYPICAL_BOX_M2 = 1.44

# --- floors other than tiles (trade practice) --------------------------------------------------------

PARQUET_WASTE = 0.07  # click laminate, straight lay
VINYL_WASTE = 0.07
MARBLE_WASTE = 0.10

# --- gypsum board (cerp-items-data BOM; trade practice for designs and coves) -------------------------

BOARD_SHEET_M2 = 1.2 * 2.4  # the standard 1.20 × 2.40 m board
BOARD_WASTE = 0.10  # 0.38 sheets (1.094 m²) per m² in the BOM
FRAMING_M_PER_M2 = 2.5 + 0.9  # studs + track per m² of ceiling
DESIGN_BOARD_FACTOR = 1.4  # levels and recesses: ~40 % more board and framing than a flat ceiling
COVE_FASCIA_M = 0.25  # the cove's vertical lip and light trough, per metre of its inner edge

# --- services (trade practice; the counts a contractor starts a quote from) ---------------------------

# Electrical points (sockets, switches, light points) per m² of floor, and the least a room gets.
ELECTRICAL_POINTS_PER_M2: dict[RoomTypeId, tuple[float, int]] = {
    "living_room": (0.5, 8),
    "reception": (0.5, 8),
    "bedroom": (0.6, 7),
    "kids_room": (0.6, 7),
    "kitchen": (1.0, 8),
    "bathroom": (1.0, 4),
    "dining_room": (0.4, 4),
    "home_office": (0.7, 6),
    "entrance": (0.4, 3),
    "balcony": (0.3, 2),
    "dressing_room": (0.4, 3),
    "roof": (0.2, 4),
}
# Plumbing points (a fixture's supply and drain): WC, basin, shower, bidet spray; sink, dishwasher,
# washing machine.
PLUMBING_POINTS: dict[RoomTypeId, int] = {"bathroom": 4, "kitchen": 3}
# Split AC units: one per this many m² in rooms people sit or sleep in.
AC_M2_PER_UNIT: dict[RoomTypeId, float] = {
    "living_room": 25.0,
    "reception": 25.0,
    "bedroom": 20.0,
    "kids_room": 20.0,
    "home_office": 20.0,
}

WET_ROOMS: frozenset[RoomTypeId] = frozenset({"bathroom", "kitchen"})
WATERPROOFED_ROOMS: frozenset[RoomTypeId] = frozenset({"bathroom", "balcony", "roof"})


# --- geometry ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Opening:
    kind: str  # "door" | "window"
    width_m: float
    height_m: float


@dataclass(frozen=True, slots=True)
class Space:
    """A room's measured surfaces, whatever way it was described."""

    floor_m2: float
    perimeter_m: float
    longest_wall_m: float
    height_m: float
    openings: tuple[Opening, ...]

    @property
    def gross_walls_m2(self) -> float:
        return self.perimeter_m * self.height_m

    @property
    def openings_m2(self) -> float:
        return sum(o.width_m * o.height_m for o in self.openings)

    @property
    def net_walls_m2(self) -> float:
        return max(0.0, self.gross_walls_m2 - self.openings_m2)

    @property
    def door_widths_m(self) -> float:
        return sum(o.width_m for o in self.openings if o.kind == "door")

    def openings_below_m2(self, height_m: float) -> float:
        """Opening area below a tile line at ``height_m`` (windows start at the sill)."""
        total = 0.0
        for o in self.openings:
            bottom = 0.0 if o.kind == "door" else WINDOW_SILL_M
            total += o.width_m * max(0.0, min(height_m, bottom + o.height_m) - bottom)
        return total


def space_of(room: Room, state: State) -> Space:
    height = room.height_m if room.height_m is not None else DEFAULT_HEIGHT_M[state]
    if room.rects is not None:
        floor = sum(r.length_m * r.width_m for r in room.rects)
        # Rectangles given in order share a wall with the next one, as long as the shorter side of
        # the smaller of the two (an L from a 6×4 and a 3×3: 20 + 12 − 2×3 = 26 m).
        perimeter = sum(2 * (r.length_m + r.width_m) for r in room.rects)
        for a, b in zip(room.rects, room.rects[1:], strict=False):
            perimeter -= 2 * min(a.length_m, a.width_m, b.length_m, b.width_m)
        longest = max(max(r.length_m, r.width_m) for r in room.rects)
    elif room.area_m2 is not None:
        floor = room.area_m2
        long_side = math.sqrt(floor * AREA_ONLY_ASPECT)
        perimeter = 2 * (long_side + floor / long_side)
        longest = long_side
    else:
        assert room.length_m is not None and room.width_m is not None  # the model guarantees it
        floor = room.length_m * room.width_m
        perimeter = 2 * (room.length_m + room.width_m)
        longest = max(room.length_m, room.width_m)
    return Space(floor, perimeter, longest, height, _openings(room))


def _openings(room: Room) -> tuple[Opening, ...]:
    if room.openings is not None:
        return tuple(Opening(o.kind, o.width_m, o.height_m) for o in room.openings)
    window = (
        (BATHROOM_WINDOW_W_M, BATHROOM_WINDOW_H_M) if room.type == "bathroom" else (WINDOW_W_M, WINDOW_H_M)
    )
    return (Opening("door", DOOR_W_M, DOOR_H_M),) * room.doors + (Opening("window", *window),) * room.windows


# --- default finishes ----------------------------------------------------------------------------------


# Finishes are frozen models: one instance of each default serves every room.
@lru_cache(maxsize=64)
def default_walls(room_type: RoomTypeId, state: State) -> WallFinish:
    if room_type in WET_ROOMS:
        return KeepWalls() if state == "finished" else WallTiles()  # to the ceiling
    return PaintWalls()


@lru_cache(maxsize=64)
def default_floor(room_type: RoomTypeId, state: State) -> FloorFinish:
    if state == "finished":
        return KeepFloor()
    if room_type == "bathroom":
        return CeramicFloor(tile_cm=(30, 30))
    if room_type in ("balcony", "roof"):
        return CeramicFloor(tile_cm=(40, 40))
    return PorcelainFloor(tile_cm=(60, 60))


@lru_cache(maxsize=64)
def default_ceiling(room_type: RoomTypeId, state: State) -> CeilingFinish:
    # The flat above drains through a bathroom's ceiling: a drop ceiling hides the pipes.
    if room_type == "bathroom" and state != "finished":
        return GypsumFull()
    return PaintCeiling()


def with_defaults(room: Room, state: State) -> Room:
    """The room with every surface's finish and its height filled in, as the estimate states it."""
    return room.model_copy(
        update={
            "height_m": room.height_m if room.height_m is not None else DEFAULT_HEIGHT_M[state],
            "walls": room.walls if room.walls is not None else default_walls(room.type, state),
            "floor": room.floor if room.floor is not None else default_floor(room.type, state),
            "ceiling": room.ceiling if room.ceiling is not None else default_ceiling(room.type, state),
        }
    )


# --- quantities ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Quantity:
    """One line before pricing: what, how much, and which price-book entry prices it."""

    key: ItemKey
    quantity: float
    unit: Unit
    price_key: str  # an entry of the price book
    note: str
    price_factor: float = 1.0  # a box priced from a per-m² price: the box's m²


@dataclass(slots=True)
class RoomWork:
    """Everything a room needs, plus the surface totals the schedule sizes its phases by."""

    room: Room
    lines: list[Quantity] = field(default_factory=list)
    plaster_m2: float = 0.0
    tiled_m2: float = 0.0
    board_m2: float = 0.0
    putty_m2_coats: float = 0.0
    paint_m2_coats: float = 0.0
    floor_laid_m2: float = 0.0  # parquet, vinyl, marble
    service_points: float = 0.0


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _round(value: float, places: int = 2) -> float:
    """Half-up rounding that ignores float dust (3.000000004 → 3.0)."""
    scale = 10.0**places
    return float(math.floor(round(value * scale, 6) + 0.5)) / scale


def up(value: float) -> int:
    """Whole units to buy: rounded up, ignoring float dust (22.000000001 → 22)."""
    return math.ceil(round(value, 6))


def box_m2(tile_cm: tuple[int, int]) -> float:
    known = BOX_M2.get((min(tile_cm), max(tile_cm)))
    if known is not None:
        return known
    tile_m2 = tile_cm[0] * tile_cm[1] / 10_000
    return max(1, round(TYPICAL_BOX_M2 / tile_m2)) * tile_m2


def tile_waste(tile_cm: tuple[int, int]) -> float:
    return LARGE_TILE_WASTE if max(tile_cm) >= LARGE_TILE_SIDE_CM else TILE_WASTE


def adhesive_kg_per_m2(tile_cm: tuple[int, int]) -> float:
    large = tile_cm[0] * tile_cm[1] >= LARGE_FORMAT_CM2
    return LARGE_FORMAT_ADHESIVE_KG_PER_M2 if large else ADHESIVE_KG_PER_M2


def grout_kg_per_m2(tile_cm: tuple[int, int], thickness_mm: float) -> float:
    """Litres of joint per m² are (A + B) / (A × B) × joint × depth (all mm); times the density."""
    a, b = tile_cm[0] * 10.0, tile_cm[1] * 10.0
    return (a + b) / (a * b) * GROUT_JOINT_MM * thickness_mm * GROUT_KG_PER_L


def paint_litres(area_m2: float, coats: int, m2_per_l: float) -> float:
    return area_m2 * coats / m2_per_l * (1 + PAINT_LOSS)


def room_work(room: Room, state: State, grade: Grade, lang: Lang) -> RoomWork:
    """The lines a room needs. ``room`` has its defaults filled (see ``with_defaults``)."""
    space = space_of(room, state)
    ar = lang == "ar"  # notes are written in one language only: (arabic if ar else english)
    work = RoomWork(room)
    add = work.lines.append
    walls, floor, ceiling = room.walls, room.floor, room.ceiling
    assert walls is not None and floor is not None and ceiling is not None
    refresh = state == "finished"

    # Walls: what each finish covers. Wall tiles start at the floor; paint covers what is above.
    net = space.net_walls_m2
    paint_walls = paper = stone = tiled_walls = 0.0
    tile_height = 0.0
    if isinstance(walls, PaintWalls):
        paint_walls = net
    elif isinstance(walls, WallpaperWalls):
        paper = net
    elif isinstance(walls, StoneCladding):
        stone = net
    elif isinstance(walls, FeatureWall):
        feature = min(space.longest_wall_m * space.height_m, net)
        paper, stone = (feature, 0.0) if walls.finish == "wallpaper" else (0.0, feature)
        paint_walls = net - feature
    elif isinstance(walls, WallTiles):
        tile_height = min(walls.height_m or space.height_m, space.height_m)
        tiled_walls = max(0.0, space.perimeter_m * tile_height - space.openings_below_m2(tile_height))
        paint_walls = max(0.0, net - tiled_walls)

    # Ceiling: board area, what is painted, and whether the slab is plastered.
    ceiling_paint = board = framing = cornice = 0.0
    plaster_slab = not isinstance(ceiling, GypsumFull | GypsumDesign | KeepCeiling)
    if isinstance(ceiling, PaintCeiling):
        ceiling_paint = space.floor_m2
    elif isinstance(ceiling, GypsumFull | GypsumDesign):
        factor = DESIGN_BOARD_FACTOR if isinstance(ceiling, GypsumDesign) else 1.0
        board = space.floor_m2 * factor
        framing = space.floor_m2 * FRAMING_M_PER_M2 * factor
        ceiling_paint = board
        cornice = space.perimeter_m
    elif isinstance(ceiling, GypsumCove):
        band = max(0.0, min(space.floor_m2, ceiling.band_m * space.perimeter_m - 4 * ceiling.band_m**2))
        inner_edge = max(0.0, space.perimeter_m - 8 * ceiling.band_m)
        board = band + inner_edge * COVE_FASCIA_M
        framing = board * FRAMING_M_PER_M2
        ceiling_paint = space.floor_m2 - band + board
        cornice = inner_edge

    # Plaster: only on brick, on every wall the job touches and on the slab unless a drop ceiling
    # hides it.
    plaster_walls = 0.0 if isinstance(walls, KeepWalls) else net
    plaster = plaster_walls + (space.floor_m2 if plaster_slab else 0.0)
    if state == "bare" and plaster > 0:
        work.plaster_m2 = plaster
        walls_en = f"{_num(plaster_walls)} m² of wall net of openings" if plaster_walls else ""
        walls_ar = f"{_num(plaster_walls)} م² حوائط بعد خصم الفتحات" if plaster_walls else ""
        slab_en = f"{_num(space.floor_m2)} m² of ceiling" if plaster_slab else ""
        slab_ar = f"{_num(space.floor_m2)} م² سقف" if plaster_slab else ""
        add(
            Quantity(
                "plaster",
                _round(plaster),
                "m2",
                "plaster",
                (
                    " + ".join(filter(None, (walls_ar, slab_ar)))
                    + "؛ محارة أسمنتية حوالي 2 سم على الطوب، بالمتر شامل الخامات"
                    if ar
                    else " + ".join(filter(None, (walls_en, slab_en)))
                    + "; cement-sand plaster ~2 cm on brick, priced per m² with materials"
                ),
            )
        )

    # Paint system: putty and sealer under paint and wallpaper, unless it is a repaint.
    coats = REPAINT_COATS if refresh else PAINT_COATS[grade]
    prepared = paint_walls + paper + ceiling_paint
    if prepared > 0 and not refresh:
        putty_coats = PUTTY_COATS[grade]
        work.putty_m2_coats = prepared * putty_coats
        add(
            Quantity(
                "putty",
                _round(paint_litres(prepared, putty_coats, PUTTY_M2_PER_L)),
                "L",
                "putty",
                _num(prepared) + _putty_note(ar, putty_coats),
            )
        )
        add(
            Quantity(
                "sealer",
                _round(paint_litres(prepared, 1, SEALER_M2_PER_L)),
                "L",
                "sealer",
                _num(prepared) + _sealer_note(ar),
            )
        )
    coat_note = _coat_note(ar, coats)
    if paint_walls > 0:
        add(
            Quantity(
                "wall_paint",
                _round(paint_litres(paint_walls, coats, PAINT_M2_PER_L)),
                "L",
                "wall_paint",
                (
                    f"{_num(paint_walls)} م² حوائط؛ "
                    if ar
                    else f"{_num(paint_walls)} m² of wall net of openings; "
                )
                + coat_note,
            )
        )
    if ceiling_paint > 0:
        add(
            Quantity(
                "ceiling_paint",
                _round(paint_litres(ceiling_paint, coats, PAINT_M2_PER_L)),
                "L",
                "ceiling_paint",
                (f"{_num(ceiling_paint)} م² سقف؛ " if ar else f"{_num(ceiling_paint)} m² of ceiling; ")
                + coat_note,
            )
        )
    painted = paint_walls + ceiling_paint
    if painted > 0 or (paper > 0 and not refresh):
        work.paint_m2_coats = painted * coats
        add(
            Quantity(
                "labour_paint",
                _round(prepared if not refresh else painted),
                "m2",
                "labour_paint",
                (
                    ("إعادة دهان: صنفرة ووشين" if refresh else f"معجون وسيلر و{coats} وش")
                    if ar
                    else ("repaint: sanding and two coats" if refresh else f"putty, sealer and {coats} coats")
                ),
            )
        )
    if paper > 0:
        add(
            Quantity(
                "wallpaper",
                up(paper * (1 + WALLPAPER_WASTE) / WALLPAPER_ROLL_M2),
                "roll",
                "wallpaper",
                (
                    f"{_num(paper)} م² حوائط، رول 0.53 × 10.05 م + {WALLPAPER_WASTE:.0%} لمطابقة النقشة"
                    if ar
                    else f"{_num(paper)} m² of wall, 0.53 × 10.05 m rolls "
                    f"+ {WALLPAPER_WASTE:.0%} for pattern matching"
                ),
            )
        )
        add(
            Quantity(
                "labour_wallpaper",
                _round(paper),
                "m2",
                "labour_wallpaper",
                ("تركيب على حوائط معجونة ومتسلرة" if ar else "hanging on puttied, sealed walls"),
            )
        )
    if stone > 0:
        work.tiled_m2 += stone
        add(
            Quantity(
                "stone_cladding",
                _round(stone * (1 + TILE_WASTE)),
                "m2",
                "stone_cladding",
                (
                    f"{_num(stone)} م² + {TILE_WASTE:.0%} هالك قص"
                    if ar
                    else f"{_num(stone)} m² + {TILE_WASTE:.0%} cutting waste"
                ),
            )
        )

    # Wall tiles, then floor tiles: laying (net m²), boxes (with waste), adhesive and grout.
    if tiled_walls > 0 and isinstance(walls, WallTiles):
        _tiles(work, ar, "wall", tiled_walls, walls.tile_cm, "ceramic", "wall_ceramic", tile_height)
    if isinstance(floor, PorcelainFloor | CeramicFloor):
        price_key: str = floor.type
        if floor.type == "porcelain" and max(floor.tile_cm) >= LARGE_TILE_SIDE_CM:
            price_key = "porcelain_large"
        _tiles(work, ar, "floor", space.floor_m2, floor.tile_cm, floor.type, price_key, None)
    elif isinstance(floor, ParquetFloor | VinylFloor | MarbleFloor):
        waste = {"parquet": PARQUET_WASTE, "vinyl": VINYL_WASTE, "marble": MARBLE_WASTE}[floor.type]
        work.floor_laid_m2 = space.floor_m2
        add(
            Quantity(
                floor.type,
                _round(space.floor_m2 * (1 + waste)),
                "m2",
                floor.type,
                (
                    f"{_num(space.floor_m2)} م² + {waste:.0%} هالك قص"
                    if ar
                    else f"{_num(space.floor_m2)} m² + {waste:.0%} cutting waste"
                ),
            )
        )
        add(
            Quantity(
                "labour_flooring",
                _round(space.floor_m2),
                "m2",
                "labour_marble" if floor.type == "marble" else "labour_flooring",
                (
                    ("تركيب وجلي وتلميع" if floor.type == "marble" else "تركيب مع الفوم")
                    if ar
                    else (
                        "laying, grinding and polishing" if floor.type == "marble" else "laying with underlay"
                    )
                ),
            )
        )
    if not isinstance(floor, KeepFloor) and not isinstance(walls, WallTiles):
        skirting = max(0.0, space.perimeter_m - space.door_widths_m)
        add(
            Quantity(
                "skirting",
                _round(skirting * (1 + SKIRTING_WASTE)),
                "m",
                "skirting",
                (
                    f"المحيط {_num(space.perimeter_m)} م ناقص فتحات الأبواب + {SKIRTING_WASTE:.0%}"
                    if ar
                    else f"perimeter {_num(space.perimeter_m)} m less door openings + {SKIRTING_WASTE:.0%}"
                ),
            )
        )
    if room.type in WATERPROOFED_ROOMS and not refresh and not isinstance(floor, KeepFloor):
        membrane = space.floor_m2 + WATERPROOF_UPSTAND_M * space.perimeter_m
        add(
            Quantity(
                "waterproofing",
                _round(membrane),
                "m2",
                "waterproofing",
                (
                    f"الأرضية {_num(space.floor_m2)} م² + {_num(WATERPROOF_UPSTAND_M)} م على الحوائط"
                    if ar
                    else f"floor {_num(space.floor_m2)} m² + {_num(WATERPROOF_UPSTAND_M)} m up the walls"
                ),
            )
        )

    # Gypsum board: board in whole sheets, framing, cornice, labour.
    if board > 0:
        work.board_m2 = board
        # Only the ceiling's own wording is made (the cove's depends on its band).
        if isinstance(ceiling, GypsumCove):
            band_m, lip_m = _num(ceiling.band_m), _num(COVE_FASCIA_M)
            kind = (
                f"بانوه بعرض {band_m} م مع حلية إضاءة {lip_m} م"
                if ar
                else f"perimeter band {band_m} m wide with a {lip_m} m light-cove lip"
            )
        elif isinstance(ceiling, GypsumDesign):
            kind = (
                f"سقف بتصميم: {DESIGN_BOARD_FACTOR:g}× السقف المسطح للمستويات والتجاويف"
                if ar
                else f"designed ceiling: {DESIGN_BOARD_FACTOR:g}× a flat one for levels and recesses"
            )
        else:
            kind = "سقف ساقط كامل" if ar else "full drop ceiling"
        add(
            Quantity(
                "gypsum_board",
                _round(board * (1 + BOARD_WASTE)),
                "m2",
                "gypsum_board",
                kind
                + (
                    f"؛ {_num(board)} م² + {BOARD_WASTE:.0%} هالك، لوح 1.2 × 2.4 م"
                    if ar
                    else f"; {_num(board)} m² + {BOARD_WASTE:.0%} waste, 1.2 × 2.4 m sheets"
                ),
            )
        )
        add(
            Quantity(
                "gypsum_framing",
                _round(framing),
                "m",
                "gypsum_framing",
                (
                    f"{_num(FRAMING_M_PER_M2)} م قطاعات لكل م² جبس"
                    if ar
                    else f"{_num(FRAMING_M_PER_M2)} m of studs and track per m² of board"
                ),
            )
        )
        add(
            Quantity(
                "cornice",
                _round(cornice),
                "m",
                "cornice",
                ("على الحرف الداخلي للبانوه" if ar else "along the cove's inner edge")
                if isinstance(ceiling, GypsumCove)
                else ("على محيط الأوضة" if ar else "along the perimeter"),
            )
        )
        add(
            Quantity(
                "labour_gypsum",
                _round(board),
                "m2",
                "labour_gypsum",
                (
                    "تركيب القطاعات والألواح والشريط والمعجون"
                    if ar
                    else "framing, boarding, taping and jointing"
                ),
            )
        )

    # Services: roughed in before plaster; a semi-finished flat has them except the AC.
    if state in ("bare", "plastered"):
        per_m2, least = ELECTRICAL_POINTS_PER_M2[room.type]
        points = max(least, up(space.floor_m2 * per_m2))
        work.service_points += points
        add(
            Quantity(
                "electrical_points",
                points,
                "point",
                "electrical_points",
                (
                    f"{per_m2:g} لكل م² أرضية وبحد أدنى {least}: برايز ومفاتيح ومخارج إضاءة"
                    if ar
                    else f"{per_m2:g} per m² of floor, at least {least}: sockets, switches, light points"
                ),
            )
        )
        plumbing = PLUMBING_POINTS.get(room.type, 0)
        if plumbing:
            work.service_points += plumbing * 3  # a plumbing point takes a crew about three electrical ones
            add(
                Quantity(
                    "plumbing_points",
                    plumbing,
                    "point",
                    "plumbing_points",
                    (
                        "نقطة لكل جهاز: تغذية ساخن وبارد وصرف"
                        if ar
                        else "one per fixture, hot and cold supply and drain"
                    ),
                )
            )
    if state != "finished" and room.type in AC_M2_PER_UNIT:
        units = up(space.floor_m2 / AC_M2_PER_UNIT[room.type])
        work.service_points += units * 4
        add(
            Quantity(
                "ac_piping",
                units,
                "point",
                "ac_piping",
                (
                    f"وحدة سبليت لكل {AC_M2_PER_UNIT[room.type]:g} م²: نحاس وصرف وكابل"
                    if ar
                    else f"one split unit per {AC_M2_PER_UNIT[room.type]:g} m²: copper pipes, drain, cable"
                ),
            )
        )
    return work


# Wording that depends on the grade and language only, made once each (every room repeats it).
@lru_cache(maxsize=16)
def _putty_note(ar: bool, coats: int) -> str:
    if ar:
        return f" م² × {coats} سكاكين بمعدل {_num(PUTTY_M2_PER_L)} م²/لتر + {PAINT_LOSS:.0%} هالك"
    return f" m² × {coats} coats at {_num(PUTTY_M2_PER_L)} m²/L (Jotun Stucco) + {PAINT_LOSS:.0%} loss"


@lru_cache(maxsize=2)
def _sealer_note(ar: bool) -> str:
    if ar:
        return f" م²، وش واحد بمعدل {_num(SEALER_M2_PER_L)} م²/لتر + {PAINT_LOSS:.0%} هالك"
    return f" m², one coat at {_num(SEALER_M2_PER_L)} m²/L (Jotun Masonry Primer) + {PAINT_LOSS:.0%} loss"


@lru_cache(maxsize=16)
def _coat_note(ar: bool, coats: int) -> str:
    if ar:
        return f"{coats} وش بمعدل {_num(PAINT_M2_PER_L)} م²/لتر + {PAINT_LOSS:.0%} هالك"
    return f"{coats} coats at {_num(PAINT_M2_PER_L)} m²/L (Jotun Fenomastic) + {PAINT_LOSS:.0%} loss"


def _tiles(
    work: RoomWork,
    ar: bool,
    surface: str,
    area_m2: float,
    tile_cm: tuple[int, int],
    body: str,
    price_key: str,
    height_m: float | None,
) -> None:
    add = work.lines.append
    work.tiled_m2 += area_m2
    wall = surface == "wall"
    tile = _tile_format(tile_cm, body, ar)
    laying_key: ItemKey = "wall_tiles" if wall else "floor_tiles"
    boxes_key: ItemKey = "wall_tile_boxes" if wall else "floor_tile_boxes"
    area = _num(area_m2)
    add(
        Quantity(
            laying_key,
            _round(area_m2),
            "m2",
            "labour_tiling",
            (
                f"{area} م² صافي" + (f"، لارتفاع {_num(height_m)} م" if wall and height_m else "")
                if ar
                else f"{area} m² net" + (f", to {_num(height_m)} m high" if wall and height_m else "")
            ),
        )
    )
    add(
        Quantity(
            boxes_key,
            up(area_m2 * (1 + tile.waste) / tile.box_m2),
            "box",
            price_key,
            tile.boxes_note_before_area + area + tile.boxes_note_after_area,
            price_factor=tile.box_m2,
        )
    )
    add(
        Quantity(
            "tile_adhesive",
            _round(area_m2 * tile.adhesive_kg_per_m2),
            "kg",
            "tile_adhesive",
            tile.adhesive_note,
        )
    )
    add(
        Quantity(
            "grout",
            _round(area_m2 * tile.grout_kg_per_m2 * (1 + GROUT_WASTE), 1),
            "kg",
            "grout",
            tile.grout_note,
        )
    )


@dataclass(frozen=True, slots=True)
class TileFormat:
    """What a tile format's lines need whatever the room (rates, and notes but for the area)."""

    waste: float
    box_m2: float
    adhesive_kg_per_m2: float
    grout_kg_per_m2: float
    boxes_note_before_area: str
    boxes_note_after_area: str
    adhesive_note: str
    grout_note: str


@lru_cache(maxsize=256)
def _tile_format(tile_cm: tuple[int, int], body: str, ar: bool) -> TileFormat:
    # A handful of formats are ever asked for: each one's figures and wording are made once.
    label = f"{tile_cm[0]}×{tile_cm[1]}"
    waste = tile_waste(tile_cm)
    per_box = box_m2(tile_cm)
    rate = adhesive_kg_per_m2(tile_cm)
    grout = grout_kg_per_m2(tile_cm, TILE_THICKNESS_MM[body])
    large = rate == LARGE_FORMAT_ADHESIVE_KG_PER_M2
    if ar:
        return TileFormat(
            waste,
            per_box,
            rate,
            grout,
            f"{label} سم، الكرتونة {_num(per_box)} م²، ",
            f" م² + {waste:.0%} هالك؛ اشتري من نفس اللوط عشان اللون",
            f"{_num(rate)} كجم/م²" + ("؛ فرشة كاملة للمقاسات الكبيرة" if large else ""),
            f"{_num(grout)} كجم/م² لبلاط {label} سم وفواصل {GROUT_JOINT_MM:g} مم + {GROUT_WASTE:.0%}",
        )
    return TileFormat(
        waste,
        per_box,
        rate,
        grout,
        f"{label} cm, {_num(per_box)} m² per box, ",
        f" m² + {waste:.0%} waste; buy one batch so the shade matches",
        f"{_num(rate)} kg/m² (SikaCeram-88 range" + ("; full bed for large format)" if large else ")"),
        f"{_num(grout)} kg/m² for {label} cm tiles, {GROUT_JOINT_MM:g} mm joints + {GROUT_WASTE:.0%}",
    )
