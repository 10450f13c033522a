"""The design plan: the conversation's state, what the designer proposes and how it is amended.

The model fills a structure; code computes. A ``Plan`` holds the style, the flat's state and grade,
the budget, and the rooms with one finish per surface from the estimator's enumeration
(``shatably.estimate.models``). Quantities and costs are never the model's: ``estimate`` is the
estimator's answer for the plan's sized rooms (the same shape as ``POST /estimate``), so a negation
("من غير سقف ساقط") or a brand name ("جوتن فينوماستك") is the model's to read, never the arithmetic's.

A turn either proposes a whole ``plan`` or sends an ``amend``: a patch naming only what changes
("the floor to parquet" touches that room's floor and nothing else). ``apply_amendment`` applies it
and ``plan_changes`` lists what changed, field by field.

``DESIGNER_REPLY_SCHEMA`` is sent as the structured-output constraint. It keeps to what both
Gemini (``response_json_schema``) and OpenAI strict ``json_schema`` accept: inline objects only (no
``$ref``, no ``anyOf``), every property required, ``additionalProperties: false``, and nullability
as a ``["<type>", "null"]`` union.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from shatably.catalog import Lang, SwatchRole
from shatably.catalog.lang import fold
from shatably.chat.models import Change
from shatably.estimate.models import (
    CEILING_FINISHES,
    FLOOR_FINISHES,
    GRADES,
    MAX_BUDGET_EGP,
    MAX_ROOMS,
    STATES,
    WALL_FINISHES,
    CeilingFinish,
    Estimate,
    EstimateRequest,
    FloorFinish,
    Grade,
    Rect,
    Room,
    RoomTypeId,
    State,
    WallFinish,
)

SWATCH_ROLES: tuple[SwatchRole, ...] = ("wall", "accent", "wood", "textile", "metal", "floor")
ROOM_TYPE_IDS: tuple[str, ...] = RoomTypeId.__args__  # type: ignore[attr-defined]
Surface = Literal["walls", "floor", "ceiling"]
SURFACES: tuple[Surface, ...] = ("walls", "floor", "ceiling")
DrawOperation = Literal[
    "generate", "restyle", "repaint", "declutter", "empty", "stage", "finish", "swap_material",
    "reference", "render",
]  # fmt: skip
DRAW_OPERATIONS: tuple[DrawOperation, ...] = DrawOperation.__args__  # type: ignore[attr-defined]
DrawRegion = Literal[
    "walls", "floor", "ceiling", "furniture", "windows", "doors", "decor", "lighting", "cabinets"
]
DRAW_REGIONS: tuple[DrawRegion, ...] = DrawRegion.__args__  # type: ignore[attr-defined]
MAX_QUESTIONS = 2  # the designer asks at most two things at a time

_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")


def _whole_pounds(value: Any) -> Any:
    # Models write prices as 1500.0 or 1499.99; a fraction of a pound is noise, not an error.
    return round(value) if isinstance(value, float) else value


def _lang_tag(value: Any) -> Any:
    return value.strip().lower()[:2] if isinstance(value, str) else value


Pounds = Annotated[int, BeforeValidator(_whole_pounds), Field(ge=0, le=100_000_000)]
Budget = Annotated[int, BeforeValidator(_whole_pounds), Field(gt=0, le=MAX_BUDGET_EGP)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
RoomName = Annotated[str, Field(min_length=1, max_length=60)]
Side = Annotated[float, Field(gt=0, le=30)]
Area = Annotated[float, Field(gt=0, le=200)]
Height = Annotated[float, Field(ge=2.2, le=6.0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)


class PaletteColour(_Model):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    hex: str  # "#RRGGBB", upper case
    role: SwatchRole

    @field_validator("hex", mode="before")
    @classmethod
    def _hex(cls, value: Any) -> str:
        match = _HEX.fullmatch(value.strip()) if isinstance(value, str) else None
        if match is None:
            raise ValueError("must be a colour like #A1B2C3")
        return f"#{match.group(1).upper()}"


class DimsCm(_Model):
    w: Annotated[float, Field(gt=0, le=5000)]
    d: Annotated[float, Field(gt=0, le=5000)]
    h: Annotated[float, Field(gt=0, le=5000)]


class PriceRange(_Model):
    min: Pounds
    max: Pounds

    @model_validator(mode="before")
    @classmethod
    def _ordered(cls, data: Any) -> Any:
        # A swapped range carries the same information; reordering beats a retry of the whole turn.
        if isinstance(data, dict):
            low, high = data.get("min"), data.get("max")
            if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
                return {**data, "min": high, "max": low}
        return data


class FurnitureItem(_Model):
    item: ShortText
    qty: Annotated[int, Field(ge=1, le=100)] = 1
    dims_cm: DimsCm | None = None
    est_price_egp: PriceRange  # for the whole line (all qty); the model's guess, labelled as such


# The options each finish takes (the estimator's models forbid the others): the schema offers every
# option on every finish, so the model may fill one that does not apply; it is dropped, not an error.
_FINISH_OPTIONS = {"tile_cm", "height_m", "band_m", "finish"}
_OPTIONS_OF: dict[str, frozenset[str]] = {
    "wall_tiles": frozenset({"tile_cm", "height_m"}),
    "feature_wall": frozenset({"finish"}),
    "porcelain": frozenset({"tile_cm"}),
    "ceramic": frozenset({"tile_cm"}),
    "gypsum_cove": frozenset({"band_m"}),
}


def _finish_input(value: Any) -> Any:
    if isinstance(value, dict):
        kind = value.get("type")
        allowed = _OPTIONS_OF.get(kind, frozenset()) if isinstance(kind, str) else frozenset()
        return {
            k: (tuple(v) if k == "tile_cm" and isinstance(v, list) else v)
            for k, v in value.items()
            if v is not None and (k == "type" or (k in _FINISH_OPTIONS and k in allowed))
        }
    return value


Walls = Annotated[WallFinish, BeforeValidator(_finish_input)]
Floor = Annotated[FloorFinish, BeforeValidator(_finish_input)]
Ceiling = Annotated[CeilingFinish, BeforeValidator(_finish_input)]


class _Sparse(_Model):
    @model_validator(mode="before")
    @classmethod
    def _drop_nulls(cls, data: Any) -> Any:
        # The schema says "not mentioned" with null; for us that is an absent field (its default).
        return {k: v for k, v in data.items() if v is not None} if isinstance(data, dict) else data


class PlanRoom(_Sparse):
    """A room of the plan: the user's name for it, its type, the size the user gave, a finish per surface.

    The size may be missing (the designer never invents one); such a room is designed but not
    estimated until the user gives its size.
    """

    name: RoomName  # the user's own word: "صالة" stays صالة
    type: RoomTypeId
    length_m: Side | None = None
    width_m: Side | None = None
    area_m2: Area | None = None
    rects: Annotated[list[Rect], Field(min_length=1, max_length=6)] | None = None
    height_m: Height | None = None
    doors: Annotated[int, Field(ge=0, le=6)] | None = None
    windows: Annotated[int, Field(ge=0, le=10)] | None = None
    walls: Walls | None = None
    floor: Floor | None = None
    ceiling: Ceiling | None = None

    @model_validator(mode="before")
    @classmethod
    def _sides_together(cls, data: Any) -> Any:
        # Half a size is no size: keep what is certain rather than guess the other side.
        if isinstance(data, dict) and (data.get("length_m") is None) != (data.get("width_m") is None):
            return {k: v for k, v in data.items() if k not in ("length_m", "width_m")}
        return data

    @property
    def sized(self) -> bool:
        return self.length_m is not None or self.area_m2 is not None or self.rects is not None

    def estimate_room(self) -> Room | None:
        """The room as the estimator takes it, or ``None`` when its size is not known."""
        if not self.sized:
            return None
        size: dict[str, Any]
        if self.length_m is not None and self.width_m is not None:
            size = {"length_m": self.length_m, "width_m": self.width_m}
        elif self.area_m2 is not None:
            size = {"area_m2": self.area_m2}
        else:
            size = {"rects": self.rects}
        optional = {
            k: getattr(self, k)
            for k in ("height_m", "doors", "windows", "walls", "floor", "ceiling")
            if getattr(self, k) is not None
        }
        return Room.model_validate({"name": self.name, "type": self.type, **size, **optional})


class PlanDraft(_Model):
    """A plan as the model proposes it: everything but what code computes."""

    style: ShortText  # a catalogue id when one fits, else free text
    summary: Annotated[str, Field(min_length=1, max_length=2000)]
    state: State | None = None
    grade: Grade | None = None
    budget_egp: Budget | None = None
    rooms: Annotated[list[PlanRoom], Field(max_length=MAX_ROOMS)] = []
    palette: Annotated[list[PaletteColour], Field(max_length=12)] = []
    furniture: Annotated[list[FurnitureItem], Field(max_length=40)] = []
    steps: Annotated[list[Annotated[str, Field(min_length=1, max_length=500)]], Field(max_length=30)] = []
    lang: Annotated[Lang, BeforeValidator(_lang_tag)] = "en"

    @field_validator("rooms")
    @classmethod
    def _unique_names(cls, rooms: list[PlanRoom]) -> list[PlanRoom]:
        # Two rooms with one name cannot be amended by name; the second keeps a number.
        seen: dict[str, int] = {}
        named = []
        for room in rooms:
            key = fold(room.name)
            seen[key] = seen.get(key, 0) + 1
            named.append(
                room if seen[key] == 1 else room.model_copy(update={"name": f"{room.name} {seen[key]}"})
            )
        return named

    def room(self, name: str) -> PlanRoom | None:
        key = fold(name)
        return next((r for r in self.rooms if fold(r.name) == key), None)


class Plan(PlanDraft):
    """A plan as we keep and return it: the draft plus the estimate computed from it."""

    estimate: Estimate | None = None  # the estimator's answer for the sized rooms
    assumptions: list[str] = []  # what code assumed to estimate (in the plan's language)
    photos: dict[str, str] = {}  # "room": the image id of the room being designed


class RoomPatch(_Sparse):
    """What changes in one room; absent fields stay as they are. An unknown name adds the room."""

    name: RoomName
    type: RoomTypeId | None = None
    length_m: Side | None = None
    width_m: Side | None = None
    area_m2: Area | None = None
    height_m: Height | None = None
    doors: Annotated[int, Field(ge=0, le=6)] | None = None
    windows: Annotated[int, Field(ge=0, le=10)] | None = None
    walls: Walls | None = None
    floor: Floor | None = None
    ceiling: Ceiling | None = None
    remove: bool = False


class Amendment(_Sparse):
    """A change to the current plan, naming only what changes."""

    style: ShortText | None = None
    state: State | None = None
    grade: Grade | None = None
    budget_egp: Budget | None = None
    palette: Annotated[list[PaletteColour], Field(min_length=1, max_length=12)] | None = None
    rooms: Annotated[list[RoomPatch], Field(max_length=MAX_ROOMS)] = []

    @property
    def empty(self) -> bool:
        return not self.model_dump(exclude_defaults=True)


class DrawingRequest(_Sparse):
    """What the designer wants drawn, and from which photo.

    ``room_photo`` and ``reference_photo`` number the photos sent with this turn from 1; a null
    ``room_photo`` means the room photo from earlier in the conversation.
    """

    operation: DrawOperation
    prompt: Annotated[str, Field(min_length=1, max_length=4000)]  # English, for the image model
    style: Annotated[str, Field(max_length=200)] | None = None
    room_type: Annotated[str, Field(max_length=60)] | None = None
    regions: Annotated[list[DrawRegion], Field(max_length=9)] = []
    colour: Annotated[str, Field(max_length=80)] | None = None
    material: Annotated[str, Field(max_length=200)] | None = None
    room_photo: Annotated[int, Field(ge=1, le=10)] | None = None
    reference_photo: Annotated[int, Field(ge=1, le=10)] | None = None


class DesignerReply(_Model):
    """The designer's structured answer to one chat turn."""

    reply: Annotated[str, Field(min_length=1, max_length=20_000)]  # in the user's language
    questions: list[Annotated[str, Field(min_length=1, max_length=500)]] = []
    plan: PlanDraft | None = None  # a whole new plan
    amend: Amendment | None = None  # or a change to the current one
    drawing: DrawingRequest | None = None

    @field_validator("questions", mode="before")
    @classmethod
    def _at_most_two(cls, value: Any) -> Any:
        # The instruction says two at a time; a third is trimmed, not a reason to retry the turn.
        return value[:MAX_QUESTIONS] if isinstance(value, list) else value

    @field_validator("amend", mode="after")
    @classmethod
    def _no_empty_amendment(cls, value: Amendment | None) -> Amendment | None:
        return None if value is not None and value.empty else value


class InvalidDesignerReply(ValueError):
    """The model's structured output does not fit ``DesignerReply``; the caller may retry once."""


def parse_designer_reply(data: object) -> DesignerReply:
    """Validate a structured reply; ``InvalidDesignerReply`` names the failing fields (never values)."""
    if not isinstance(data, dict):
        raise InvalidDesignerReply(f"designer reply must be a JSON object, got {type(data).__name__}")
    try:
        return DesignerReply.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in exc.errors()[:5]]
        more = f" (+{exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
        raise InvalidDesignerReply("designer reply invalid: " + "; ".join(problems) + more) from None


# --- plans over turns ------------------------------------------------------------------------------


_ROOM_FIELDS = ("type", "length_m", "width_m", "area_m2", "rects", "height_m", "doors", "windows", *SURFACES)
_PLAN_FIELDS = ("style", "state", "grade", "budget_egp", "palette")


def apply_amendment(plan: PlanDraft, amend: Amendment) -> PlanDraft:
    """The plan with only what the amendment names changed."""
    top = amend.model_dump(exclude={"rooms"}, exclude_none=True)
    if "palette" in top:
        top["palette"] = amend.palette
    rooms = list(plan.rooms)
    for patch in amend.rooms:
        index = _room_index(rooms, patch)
        if patch.remove:
            if index is not None:
                rooms.pop(index)
            continue
        fields = {k: getattr(patch, k) for k in _ROOM_FIELDS if getattr(patch, k, None) is not None}
        if index is None:
            if patch.type is None:
                continue  # a new room needs its type; the designer asks rather than guesses
            rooms.append(PlanRoom(name=patch.name, **fields))
            continue
        current = rooms[index]
        if "length_m" in fields or "width_m" in fields or "area_m2" in fields:
            # A new size replaces the old one whichever way it was given.
            current = current.model_copy(
                update={"length_m": None, "width_m": None, "area_m2": None, "rects": None}
            )
        rooms[index] = PlanRoom.model_validate({**current.model_dump(), **fields})
    return plan.model_copy(update={**top, "rooms": rooms})


def _room_index(rooms: list[PlanRoom], patch: RoomPatch) -> int | None:
    key = fold(patch.name)
    for i, room in enumerate(rooms):
        if fold(room.name) == key:
            return i
    # "the floor" in a one-room plan, or a type that names exactly one room, is that room.
    same_type = [i for i, r in enumerate(rooms) if patch.type is not None and r.type == patch.type]
    if len(same_type) == 1:
        return same_type[0]
    if len(rooms) == 1 and patch.type is None:
        return 0
    return None


def plan_changes(before: PlanDraft | None, after: PlanDraft) -> list[Change]:
    """What changed from one plan to the next, field by field (an empty list when nothing did)."""
    if before is None:
        return []
    changes = [
        Change(field=name, before=_plain(getattr(before, name)), after=_plain(getattr(after, name)))
        for name in _PLAN_FIELDS
        if getattr(before, name) != getattr(after, name)
    ]
    old = {fold(r.name): r for r in before.rooms}
    new = {fold(r.name): r for r in after.rooms}
    for key, room in new.items():
        if key not in old:
            changes.append(Change(field="room", room=room.name, after=_plain(room)))
            continue
        changes += [
            Change(
                field=name,
                room=room.name,
                before=_plain(getattr(old[key], name)),
                after=_plain(getattr(room, name)),
            )
            for name in _ROOM_FIELDS
            if getattr(old[key], name) != getattr(room, name)
        ]
    changes += [Change(field="room", room=r.name, before=_plain(r)) for k, r in old.items() if k not in new]
    return changes


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def estimate_request(plan: PlanDraft, *, lang: Lang) -> tuple[EstimateRequest | None, list[str]]:
    """The estimator's job for the plan's sized rooms, and what had to be assumed to ask it.

    Nothing is invented: rooms without a size are left out (and named), an unknown state is
    estimated as plastered (the most common hand-over) and said so.
    """
    rooms = [room for r in plan.rooms if (room := r.estimate_room()) is not None]
    unsized = [r.name for r in plan.rooms if not r.sized]
    notes: list[str] = []
    if unsized:
        notes.append(
            "لسه محتاج مقاسات: " + "، ".join(unsized)
            if lang == "ar"
            else "Still need the size of: " + ", ".join(unsized)
        )
    if not rooms:
        return None, notes
    state: State = plan.state or "plastered"
    if plan.state is None:
        notes.append(
            "حالة الشقة مش معروفة: حسبتها على المحارة"
            if lang == "ar"
            else "The flat's state was not given: estimated as plastered"
        )
    if plan.grade is None:
        notes.append(
            "درجة التشطيب مش معروفة: حسبتها سوبر لوكس"
            if lang == "ar"
            else "The finishing grade was not given: estimated as super lux"
        )
    request = EstimateRequest(
        state=state, grade=plan.grade or "super_lux", budget_egp=plan.budget_egp, lang=lang, rooms=rooms
    )
    return request, notes


# --- JSON schemas for structured output -------------------------------------------------------------


def _obj(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


def _t(kind: str | list[str], description: str | None = None, **more: Any) -> dict[str, Any]:
    return {"type": kind, **({"description": description} if description else {}), **more}


def _array(items: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    return _t("array", description, items=items)


def _maybe(kind: str, description: str | None = None, **more: Any) -> dict[str, Any]:
    return _t([kind, "null"], description, **more)


_PRICE = _obj({"min": _t("integer"), "max": _t("integer")}, "Egyptian pounds (EGP)")


def _finish(surface: str, kinds: tuple[str, ...], description: str) -> dict[str, Any]:
    return _nullable(
        _obj(
            {
                "type": _t("string", enum=list(kinds)),
                "tile_cm": _maybe(
                    "array", "tile size in cm, two numbers, e.g. [60, 120]", items=_t("integer")
                ),
                "height_m": _maybe("number", "wall_tiles: tiled height; null = to the ceiling"),
                "band_m": _maybe("number", "gypsum_cove: band width in metres"),
                "finish": _maybe("string", "feature_wall: wallpaper or stone_cladding"),
            },
            f"{surface}: {description}; null if not decided",
        )
    )


_ROOM_SIZE = {
    "length_m": _maybe("number", "only as the user said it"),
    "width_m": _maybe("number", "only as the user said it"),
    "area_m2": _maybe("number", "when the user gave an area instead of sides"),
    "height_m": _maybe("number", "clear height if the user said it"),
    "doors": _maybe("integer"),
    "windows": _maybe("integer"),
}
_SURFACE_SCHEMAS = {
    "walls": _finish("walls", WALL_FINISHES, "keep = leave as is"),
    "floor": _finish("floor", FLOOR_FINISHES, "marble includes granite"),
    "ceiling": _finish(
        "ceiling", CEILING_FINISHES, "gypsum_full = drop ceiling (سقف ساقط), gypsum_cove = band"
    ),
}
_PALETTE = _array(
    _obj(
        {"name": _t("string"), "hex": _t("string", "#RRGGBB"), "role": _t("string", enum=list(SWATCH_ROLES))}
    ),
    "5-6 colours",
)

PLAN_SCHEMA: dict[str, Any] = _obj(
    {
        "style": _t("string", "catalogue style id when one fits (e.g. japandi), else a short name"),
        "summary": _t("string", "two or three sentences in the plan language"),
        "state": _maybe("string", "the flat's state if known", enum=[*STATES, None]),
        "grade": _maybe("string", "the finishing grade if known", enum=[*GRADES, None]),
        "budget_egp": _maybe("integer", "the user's budget in EGP if given"),
        "rooms": _array(
            _obj(
                {
                    "name": _t("string", "the user's own word for the room (صالة stays صالة)"),
                    "type": _t("string", enum=list(ROOM_TYPE_IDS)),
                    **_ROOM_SIZE,
                    **_SURFACE_SCHEMAS,
                }
            )
        ),
        "palette": _PALETTE,
        "furniture": _array(
            _obj(
                {
                    "item": _t("string"),
                    "qty": _t("integer"),
                    "dims_cm": _nullable(_obj({"w": _t("number"), "d": _t("number"), "h": _t("number")})),
                    "est_price_egp": {**_PRICE, "description": "for the whole line (all qty), EGP"},
                }
            )
        ),
        "steps": _array(_t("string"), "the finishing and furnishing steps, in order"),
        "lang": _t("string", enum=["ar", "en"]),
    },
    "A whole design plan; quantities and costs are computed by the app, do not include them",
)

AMEND_SCHEMA: dict[str, Any] = _obj(
    {
        "style": _maybe("string"),
        "state": _maybe("string", enum=[*STATES, None]),
        "grade": _maybe("string", enum=[*GRADES, None]),
        "budget_egp": _maybe("integer"),
        "palette": _nullable(_PALETTE),
        "rooms": _array(
            _obj(
                {
                    "name": _t("string", "the room to change, as named in the current plan"),
                    "type": _maybe("string", "only for a new room", enum=[*ROOM_TYPE_IDS, None]),
                    **_ROOM_SIZE,
                    **_SURFACE_SCHEMAS,
                    "remove": _t("boolean", "true to remove the room"),
                }
            ),
            "only the rooms that change, with only the fields that change (others null)",
        ),
    },
    "A change to the current plan: only what the user asked to change, everything else null",
)

DRAWING_SCHEMA: dict[str, Any] = _obj(
    {
        "operation": _t(
            "string",
            "restyle a room photo; repaint walls; declutter; empty the room; stage furniture; finish a "
            "bare/plastered room; swap_material on a surface; reference = restyle the room after an "
            "inspiration photo; render a sketch or 3D screenshot; generate = a new image without a photo",
            enum=list(DRAW_OPERATIONS),
        ),
        "prompt": _t("string", "English, precise and visual: what to change and what to keep"),
        "style": _maybe("string", "catalogue style id"),
        "room_type": _maybe("string", "catalogue room type id (stage)"),
        "regions": _array(
            _t("string", enum=list(DRAW_REGIONS)), "surfaces that may change; [] = as the operation implies"
        ),
        "colour": _maybe("string", "repaint: the colour as the user said it"),
        "material": _maybe("string", "swap_material: the new material"),
        "room_photo": _maybe(
            "integer", "which photo of this turn is the room (1 = first); null = the room photo from earlier"
        ),
        "reference_photo": _maybe(
            "integer", "which photo of this turn is an inspiration/reference ('زي الصورة دي'); null if none"
        ),
    },
    "set when the user asks to see, draw or change a photo; else null",
)

DESIGNER_REPLY_SCHEMA: dict[str, Any] = _obj(
    {
        "reply": _t("string", "the answer to show the user, in the user's language"),
        "questions": _array(
            _t("string"), "at most two questions you need answered (e.g. missing dimensions)"
        ),
        "plan": _nullable(PLAN_SCHEMA),
        "amend": _nullable(AMEND_SCHEMA),
        "drawing": _nullable(DRAWING_SCHEMA),
    }
)
