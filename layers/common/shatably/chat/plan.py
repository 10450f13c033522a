"""The design plan: what the designer proposes, validated, plus the room it was sized for.

The model proposes a ``PlanDraft`` (style, palette, materials, furniture, budget, steps) and reports
the room dimensions it understood; it is never trusted with arithmetic, so ``finishing_quantities``
are computed by ``shatably.chat.quantities``; anything the model sends under that name is dropped
when its reply is parsed, so a ``Plan`` only ever carries our numbers.

``PLAN_SCHEMA``, ``ROOM_SCHEMA`` and ``DESIGNER_REPLY_SCHEMA`` are the JSON schemas sent as
structured-output constraints. They keep to what both Gemini (``response_json_schema``) and OpenAI
strict ``json_schema`` accept: inline objects only (no ``$ref``), every property required,
``additionalProperties: false``, and nullability as a ``["<type>", "null"]`` union.
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

MaterialSurface = Literal["walls", "floor", "ceiling", "joinery", "other"]
Unit = Literal["L", "m2", "m", "box", "sheet", "roll"]

SWATCH_ROLES: tuple[SwatchRole, ...] = ("wall", "accent", "wood", "textile", "metal", "floor")
MATERIAL_SURFACES: tuple[MaterialSurface, ...] = ("walls", "floor", "ceiling", "joinery", "other")
TYPICAL_CEILING_M = 2.8  # the usual slab-to-slab height of an Egyptian apartment

_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")


def _whole_pounds(value: Any) -> Any:
    # Models write prices as 1500.0 or 1499.99; a fraction of a pound is noise, not an error.
    return round(value) if isinstance(value, float) else value


def _lang_tag(value: Any) -> Any:
    return value.strip().lower()[:2] if isinstance(value, str) else value


Pounds = Annotated[int, BeforeValidator(_whole_pounds), Field(ge=0, le=100_000_000)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


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


class MaterialSpec(_Model):
    surface: MaterialSurface
    material: ShortText
    finish: Annotated[str, Field(max_length=200)] = ""


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
    est_price_egp: PriceRange  # for the whole line (all qty)


class FinishingQuantity(_Model):
    key: str  # stable, language-free id ("wall_paint", "floor_tile_boxes", ...) for carts and exports
    item: str
    unit: Unit
    qty: int | float
    note: str = ""


class PlanDraft(_Model):
    """A plan as the model proposes it: everything but the computed quantities."""

    style: ShortText  # a catalogue id when one fits, else free text
    room_type: ShortText
    summary: Annotated[str, Field(min_length=1, max_length=2000)]
    palette: Annotated[list[PaletteColour], Field(min_length=1, max_length=12)]
    materials: Annotated[list[MaterialSpec], Field(max_length=30)]
    furniture: Annotated[list[FurnitureItem], Field(max_length=40)]
    cost_estimate_egp: PriceRange
    steps: Annotated[list[Annotated[str, Field(min_length=1, max_length=500)]], Field(max_length=30)]
    lang: Annotated[Lang, BeforeValidator(_lang_tag)]


class Plan(PlanDraft):
    """A plan as we return it: the draft plus quantities computed from the room's dimensions."""

    finishing_quantities: list[FinishingQuantity] = []


class RoomDimensions(_Model):
    length_m: Annotated[float, Field(gt=0, le=50)]
    width_m: Annotated[float, Field(gt=0, le=50)]
    height_m: Annotated[float, Field(ge=2.0, le=8.0)] = TYPICAL_CEILING_M
    doors: Annotated[int, Field(ge=0, le=10)] = 1
    windows: Annotated[int, Field(ge=0, le=20)] = 1

    @model_validator(mode="before")
    @classmethod
    def _nulls_mean_default(cls, data: Any) -> Any:
        # The schema lets the model say "not mentioned" with null; that means our typical value.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data

    @property
    def floor_area_m2(self) -> float:
        return self.length_m * self.width_m

    @property
    def perimeter_m(self) -> float:
        return 2 * (self.length_m + self.width_m)


class ImageRequest(_Model):
    action: Literal["generate", "edit"]
    prompt: Annotated[str, Field(min_length=1, max_length=4000)]  # English, for the image model
    style: Annotated[str, Field(max_length=200)] | None = None


class DesignerReply(_Model):
    """The designer's structured answer to one chat turn."""

    reply: Annotated[str, Field(min_length=1, max_length=20_000)]  # in the user's language
    plan: Plan | None = None  # finishing_quantities always empty here: see _no_model_quantities
    room: RoomDimensions | None = None
    image_request: ImageRequest | None = None

    @field_validator("plan", mode="before")
    @classmethod
    def _no_model_quantities(cls, value: Any) -> Any:
        # Quantities the model made up are dropped, so the only ones a Plan can carry are the ones
        # our code computes from ``room`` (callers fill them with model_copy or plan_with_quantities).
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if k != "finishing_quantities"}
        return value


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


_PRICE = _obj({"min": _t("integer"), "max": _t("integer")}, "Egyptian pounds (EGP)")

PLAN_SCHEMA: dict[str, Any] = _obj(
    {
        "style": _t("string", "catalogue style id when one fits (e.g. japandi), else a short name"),
        "room_type": _t("string", "catalogue room type id (e.g. bedroom), else a short name"),
        "summary": _t("string", "two or three sentences in the plan language"),
        "palette": _array(
            _obj(
                {
                    "name": _t("string"),
                    "hex": _t("string", "#RRGGBB"),
                    "role": _t("string", enum=list(SWATCH_ROLES)),
                }
            ),
            "5-6 colours",
        ),
        "materials": _array(
            _obj(
                {
                    "surface": _t("string", enum=list(MATERIAL_SURFACES)),
                    "material": _t("string", "e.g. matte plastic paint, porcelain 60x60, gypsum board"),
                    "finish": _t("string", "e.g. matte, satin, polished; empty if none"),
                }
            )
        ),
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
        "cost_estimate_egp": {**_PRICE, "description": "whole room, finishing and furniture, EGP"},
        "steps": _array(_t("string"), "the finishing and furnishing steps, in order"),
        "lang": _t("string", enum=["ar", "en"]),
    },
    "A design plan; finishing quantities are computed by the server, do not include them",
)

ROOM_SCHEMA: dict[str, Any] = _obj(
    {
        "length_m": _t("number"),
        "width_m": _t("number"),
        "height_m": _t(["number", "null"], "null if the user did not say"),
        "doors": _t(["integer", "null"], "null if the user did not say"),
        "windows": _t(["integer", "null"], "null if the user did not say"),
    },
    "The room as the user described it, in metres",
)

DESIGNER_REPLY_SCHEMA: dict[str, Any] = _obj(
    {
        "reply": _t("string", "the answer to show the user, in the user's language"),
        "plan": _nullable(PLAN_SCHEMA),
        "room": _nullable(ROOM_SCHEMA),
        "image_request": _nullable(
            _obj(
                {
                    "action": _t("string", enum=["generate", "edit"]),
                    "prompt": _t("string", "English description of the image to make"),
                    "style": _t(["string", "null"], "catalogue style id, or null"),
                },
                "set when the user asks to see, draw or restyle something; else null",
            )
        ),
    }
)
