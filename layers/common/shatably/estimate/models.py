"""The estimator's public models: the job a user describes and the bill of quantities we return.

A job is a flat in a delivery ``state`` finished to a ``grade``, given either room by room or by its
area (a typical Egyptian split is then generated and returned). Each room names one finish per
surface from a closed vocabulary; a finish is a bare string (``"paint"``) or an object with options
(``{"type": "porcelain", "tile_cm": [60, 120]}``). The structure, not free text, drives every
quantity: the chat designer fills the same structure and ``shatably.estimate.estimate`` computes.

Limits refuse absurd input with the limit named in the 422 (a 300 m² room, 40 rooms).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

Lang = Literal["ar", "en"]

State = Literal["bare", "plastered", "semi_finished", "finished"]
"""``bare``: brick walls (طوب احمر); ``plastered``: walls and ceilings plastered (محارة);
``semi_finished``: plastered with electrical and plumbing roughed in (نص تشطيب);
``finished``: lived in, a refresh (repaint; other surfaces only where a finish is asked for)."""
STATES: tuple[State, ...] = ("bare", "plastered", "semi_finished", "finished")

Grade = Literal["lux", "super_lux", "ultra_super_lux"]
"""The Egyptian market's three finishing grades (لوكس، سوبر لوكس، الترا سوبر لوكس), cheapest first."""
GRADES: tuple[Grade, ...] = ("lux", "super_lux", "ultra_super_lux")

# The catalogue's estimable room types (shatably.catalog.rooms, ``estimable`` in its data; facades
# and gardens are styled, not priced); a unit test keeps the two lists equal. Not imported from
# there so that the estimator does not load the style catalogue on its path.
RoomTypeId = Literal[
    "living_room",
    "reception",
    "bedroom",
    "kids_room",
    "kitchen",
    "bathroom",
    "dining_room",
    "home_office",
    "entrance",
    "balcony",
    "dressing_room",
    "roof",
]

ItemKey = Literal[
    # preparation and walls
    "plaster",
    "putty",
    "sealer",
    "wall_paint",
    "ceiling_paint",
    "wallpaper",
    "stone_cladding",
    # tiling and floors
    "floor_tiles",
    "floor_tile_boxes",
    "wall_tiles",
    "wall_tile_boxes",
    "tile_adhesive",
    "grout",
    "waterproofing",
    "skirting",
    "parquet",
    "vinyl",
    "marble",
    # ceilings
    "gypsum_board",
    "gypsum_framing",
    "cornice",
    # services (per point, supply and install)
    "electrical_points",
    "plumbing_points",
    "ac_piping",
    # labour per room and trade (plaster, services and cladding are priced supply-and-apply, and
    # tiling labour is the floor_tiles / wall_tiles laying lines)
    "labour_paint",
    "labour_wallpaper",
    "labour_flooring",
    "labour_gypsum",
]
"""The stable, language-free key of a line item (for carts, exports and tests)."""

Unit = Literal["m2", "m", "L", "kg", "box", "sheet", "roll", "point"]

Trade = Literal["services", "plaster", "tiling", "gypsum", "paint", "flooring", "wallpaper", "cladding"]

PhaseKey = Literal["services", "plaster", "tiling", "gypsum", "putty", "paint", "floors", "fixtures"]

# Limits: past these, the input is a typo or a building, not a flat.
MAX_ROOMS = 30
MAX_RECTS = 6
MAX_SIDE_M = 30.0
MAX_ROOM_AREA_M2 = 200.0
MIN_APARTMENT_M2 = 30.0
MAX_APARTMENT_M2 = 1000.0
MIN_HEIGHT_M = 2.2
MAX_HEIGHT_M = 6.0
MAX_BUDGET_EGP = 100_000_000


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _finish_object(value: Any) -> Any:
    # A finish may be given by its name alone: "paint" is {"type": "paint"}.
    return {"type": value} if isinstance(value, str) else value


TileCm = tuple[Annotated[int, Field(ge=10, le=320)], Annotated[int, Field(ge=10, le=320)]]


# --- wall finishes ---------------------------------------------------------------------------------


class PaintWalls(_Model):
    """Plastic (emulsion) paint on every wall; putty and sealer under it unless the flat is finished."""

    type: Literal["paint"] = "paint"


class WallpaperWalls(_Model):
    """Wallpaper on every wall (net of openings)."""

    type: Literal["wallpaper"] = "wallpaper"


class FeatureWall(_Model):
    """One wall (the longest) in a feature finish, the rest painted."""

    type: Literal["feature_wall"] = "feature_wall"
    finish: Literal["wallpaper", "stone_cladding"] = "wallpaper"


class WallTiles(_Model):
    """Wall tiles to ``height_m`` (to the ceiling when null), the wall above painted."""

    type: Literal["wall_tiles"] = "wall_tiles"
    tile_cm: TileCm = (30, 60)
    height_m: Annotated[float, Field(gt=0, le=MAX_HEIGHT_M)] | None = None


class StoneCladding(_Model):
    """Stone or stone-look cladding on every wall."""

    type: Literal["stone_cladding"] = "stone_cladding"


class KeepWalls(_Model):
    """Leave the walls as they are."""

    type: Literal["keep"] = "keep"


WallFinishName = Literal["paint", "wallpaper", "feature_wall", "wall_tiles", "stone_cladding", "keep"]
WALL_FINISHES: tuple[WallFinishName, ...] = (
    "paint",
    "wallpaper",
    "feature_wall",
    "wall_tiles",
    "stone_cladding",
    "keep",
)
_WallObject = Annotated[
    PaintWalls | WallpaperWalls | FeatureWall | WallTiles | StoneCladding | KeepWalls,
    Field(discriminator="type"),
]
WallFinish = Annotated[
    _WallObject, BeforeValidator(_finish_object, json_schema_input_type=WallFinishName | _WallObject)
]


# --- floor finishes --------------------------------------------------------------------------------


class PorcelainFloor(_Model):
    type: Literal["porcelain"] = "porcelain"
    tile_cm: TileCm = (60, 60)


class CeramicFloor(_Model):
    type: Literal["ceramic"] = "ceramic"
    tile_cm: TileCm = (40, 40)


class ParquetFloor(_Model):
    """Laminate (HDF) parquet, the common Egyptian "باركيه"; skirting to match."""

    type: Literal["parquet"] = "parquet"


class VinylFloor(_Model):
    type: Literal["vinyl"] = "vinyl"


class MarbleFloor(_Model):
    type: Literal["marble"] = "marble"


class KeepFloor(_Model):
    type: Literal["keep"] = "keep"


FloorFinishName = Literal["porcelain", "ceramic", "parquet", "vinyl", "marble", "keep"]
FLOOR_FINISHES: tuple[FloorFinishName, ...] = ("porcelain", "ceramic", "parquet", "vinyl", "marble", "keep")
_FloorObject = Annotated[
    PorcelainFloor | CeramicFloor | ParquetFloor | VinylFloor | MarbleFloor | KeepFloor,
    Field(discriminator="type"),
]
FloorFinish = Annotated[
    _FloorObject, BeforeValidator(_finish_object, json_schema_input_type=FloorFinishName | _FloorObject)
]


# --- ceiling finishes ------------------------------------------------------------------------------


class PaintCeiling(_Model):
    type: Literal["paint"] = "paint"


class GypsumFull(_Model):
    """A full drop ceiling in gypsum board (سقف ساقط), painted."""

    type: Literal["gypsum_full"] = "gypsum_full"


class GypsumCove(_Model):
    """A gypsum-board band of ``band_m`` round the perimeter with a light cove (بانوه), the rest painted."""

    type: Literal["gypsum_cove"] = "gypsum_cove"
    band_m: Annotated[float, Field(gt=0, le=2.0)] = 0.6


class GypsumDesign(_Model):
    """A full drop ceiling with levels and recesses: more board and framing than a flat one."""

    type: Literal["gypsum_design"] = "gypsum_design"


class KeepCeiling(_Model):
    type: Literal["keep"] = "keep"


CeilingFinishName = Literal["paint", "gypsum_full", "gypsum_cove", "gypsum_design", "keep"]
CEILING_FINISHES: tuple[CeilingFinishName, ...] = (
    "paint",
    "gypsum_full",
    "gypsum_cove",
    "gypsum_design",
    "keep",
)
_CeilingObject = Annotated[
    PaintCeiling | GypsumFull | GypsumCove | GypsumDesign | KeepCeiling, Field(discriminator="type")
]
CeilingFinish = Annotated[
    _CeilingObject, BeforeValidator(_finish_object, json_schema_input_type=CeilingFinishName | _CeilingObject)
]


# --- rooms and the request -------------------------------------------------------------------------

Side = Annotated[float, Field(gt=0, le=MAX_SIDE_M)]


class Rect(_Model):
    """One rectangle of a room drawn as several (an L-shaped reception is two)."""

    length_m: Side
    width_m: Side


class Opening(_Model):
    """A door or window with its real size, when the defaults (door 0.9×2.1, window 1.2×1.2) do not fit."""

    kind: Literal["door", "window"]
    width_m: Annotated[float, Field(gt=0, le=6.0)]
    height_m: Annotated[float, Field(gt=0, le=MAX_HEIGHT_M)]


class Room(_Model):
    """One room: its size (sides, an area, or rectangles), openings and a finish per surface.

    Give exactly one of ``length_m`` + ``width_m``, ``area_m2`` or ``rects``. A surface left out
    gets the usual finish for the room type and the flat's state (see ``shatably.estimate.rules``).
    """

    name: Annotated[str, Field(min_length=1, max_length=60)]
    type: RoomTypeId
    length_m: Side | None = None
    width_m: Side | None = None
    area_m2: Annotated[float, Field(gt=0, le=MAX_ROOM_AREA_M2)] | None = None
    rects: Annotated[list[Rect], Field(min_length=1, max_length=MAX_RECTS)] | None = None
    height_m: Annotated[float, Field(ge=MIN_HEIGHT_M, le=MAX_HEIGHT_M)] | None = None
    doors: Annotated[int, Field(ge=0, le=6)] = 1
    windows: Annotated[int, Field(ge=0, le=10)] = 1
    openings: Annotated[list[Opening], Field(max_length=16)] | None = None  # replaces doors/windows
    walls: WallFinish | None = None
    floor: FloorFinish | None = None
    ceiling: CeilingFinish | None = None

    @model_validator(mode="after")
    def _one_size(self) -> Room:
        given = [
            name
            for name, present in (
                ("length_m+width_m", self.length_m is not None or self.width_m is not None),
                ("area_m2", self.area_m2 is not None),
                ("rects", self.rects is not None),
            )
            if present
        ]
        if len(given) != 1:
            raise ValueError("give exactly one of length_m+width_m, area_m2 or rects")
        if given == ["length_m+width_m"] and (self.length_m is None or self.width_m is None):
            raise ValueError("length_m and width_m go together")
        if self.rects is not None and sum(r.length_m * r.width_m for r in self.rects) > MAX_ROOM_AREA_M2:
            raise ValueError(f"a room's rectangles add up to more than {MAX_ROOM_AREA_M2:g} m²")
        if (
            self.length_m is not None
            and self.width_m is not None
            and self.length_m * self.width_m > MAX_ROOM_AREA_M2
        ):
            raise ValueError(f"a room is at most {MAX_ROOM_AREA_M2:g} m²")
        return self


class EstimateScope(BaseModel):
    """What an estimate request says it is about, read before the job: with a project, the job's
    missing parts come from the project (the rest of the body is kept as sent, in ``model_extra``)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    project_id: str | None = None
    room_id: str | None = None


class EstimateRequest(_Model):
    """A finishing job: rooms, or a flat's area to split into typical rooms; or a project's."""

    state: State = Field(description="Required unless the project_id's project has one")
    grade: Grade = "super_lux"
    budget_egp: Annotated[int, Field(gt=0, le=MAX_BUDGET_EGP)] | None = None
    lang: Lang = "en"
    rooms: Annotated[list[Room], Field(min_length=1, max_length=MAX_ROOMS)] | None = None
    apartment_area_m2: Annotated[float, Field(ge=MIN_APARTMENT_M2, le=MAX_APARTMENT_M2)] | None = None
    bedrooms: Annotated[int, Field(ge=0, le=8)] | None = None
    bathrooms: Annotated[int, Field(ge=1, le=6)] | None = None
    project_id: str | None = Field(
        default=None,
        description="Estimate one of the caller's projects (GET /projects): its rooms, state, grade and "
        "budget_egp fill what the request leaves out; what the request sends wins",
    )
    room_id: str | None = Field(
        default=None, description="Only this room of the project (with project_id); the budget is not applied"
    )

    @model_validator(mode="after")
    def _rooms_or_area(self) -> EstimateRequest:
        if self.room_id is not None and self.project_id is None:
            raise ValueError("room_id needs the project_id it belongs to")
        if (self.rooms is None) == (self.apartment_area_m2 is None):
            raise ValueError("give either rooms or apartment_area_m2")
        if self.rooms is not None and (self.bedrooms is not None or self.bathrooms is not None):
            raise ValueError("bedrooms and bathrooms go with apartment_area_m2, not with rooms")
        if self.rooms is not None and len({r.name for r in self.rooms}) != len(self.rooms):
            raise ValueError("room names must be unique")
        return self


# --- the answer ------------------------------------------------------------------------------------


class MoneyRange(_Model):
    """Whole Egyptian pounds, low to high."""

    low: Annotated[int, Field(ge=0)]
    high: Annotated[int, Field(ge=0)]


class Packs(_Model):
    """What to buy: ``count`` packs of ``size`` ``unit`` (e.g. 2 buckets of 18 L), ``plus`` some of a
    smaller pack when that wastes less (and 3 gallons of 4 L)."""

    size: float
    unit: Unit
    count: Annotated[int, Field(ge=0)]
    name: str  # "bucket", "جردل"
    plus: Packs | None = None


class LineItem(_Model):
    key: ItemKey
    room: str  # the room's name
    name: str  # in the request's language
    trade: Trade
    quantity: Annotated[float, Field(ge=0)]
    unit: Unit
    packs: Packs | None = None
    unit_price_egp: MoneyRange  # per ``unit``
    total_egp: MoneyRange  # whole packs when sold in packs, else quantity × unit price
    note: str  # the rule used: coverage, coats, waste


class PriceBookRef(_Model):
    version: str
    date: str  # ISO date the prices were set


class DayRange(_Model):
    """Working days, low to high."""

    low: Annotated[int, Field(ge=0)]
    high: Annotated[int, Field(ge=0)]


class Phase(_Model):
    key: PhaseKey
    name: str
    days: DayRange  # for this job's size, one crew
    note: str


class Schedule(_Model):
    """Phases in the order the trades work; the total assumes one crew per trade, back to back."""

    phases: list[Phase]
    total_days: DayRange


class Substitution(_Model):
    key: str  # "grade_down:tiling", "smaller_tiles:Reception", "paint_not_gypsum_design:Reception"
    description: str
    saving_egp: MoneyRange


class BudgetFit(_Model):
    budget_egp: int
    fits: bool  # the high end of the total is within the budget
    gap_egp: int  # how much the high end exceeds the budget; 0 when it fits
    substitutions: list[Substitution]  # largest saving first; empty when it fits


class Estimate(_Model):
    lang: Lang
    state: State
    grade: Grade
    rooms: list[Room]  # as estimated: generated ones for a flat given by area, defaults filled in
    items: list[LineItem]
    total_egp: MoneyRange
    price_book: PriceBookRef
    schedule: Schedule
    budget: BudgetFit | None = None
    assumptions: list[str]  # in the request's language
    # The project (and room) estimated; absent when the request named none, so that answer is as it was.
    project_id: str | None = Field(default=None, exclude_if=lambda v: v is None)
    room_id: str | None = Field(default=None, exclude_if=lambda v: v is None)
