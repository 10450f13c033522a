"""The catalogue's record types: plain frozen dataclasses, so importing the data costs microseconds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from shatably.catalog.lang import Lang

SwatchRole = Literal["wall", "accent", "wood", "textile", "metal", "floor"]
Surface = Literal["walls", "floor", "ceiling", "joinery"]
SURFACES: tuple[Surface, ...] = ("walls", "floor", "ceiling", "joinery")
Space = Literal["interior", "exterior"]


@dataclass(frozen=True, slots=True)
class Text:
    """One phrase in both languages."""

    en: str
    ar: str

    def get(self, lang: Lang) -> str:
        return self.ar if lang == "ar" else self.en


@dataclass(frozen=True, slots=True)
class Swatch:
    name_en: str
    name_ar: str
    hex: str  # "#RRGGBB", upper case
    role: SwatchRole

    def name(self, lang: Lang) -> str:
        return self.name_ar if lang == "ar" else self.name_en

    def as_dict(self) -> dict[str, str]:
        return {"name_en": self.name_en, "name_ar": self.name_ar, "hex": self.hex, "role": self.role}


@dataclass(frozen=True, slots=True)
class Style:
    id: str
    name_en: str
    name_ar: str
    description: Text
    palette: tuple[Swatch, ...]
    materials: Mapping[Surface, Text]  # one entry per surface in SURFACES
    furniture: tuple[Text, ...]
    # English prompt text in two parts, so an edit that keeps the room's structure never asks for
    # new structure: ``decor`` is what can change in a room that stays put (materials, palette,
    # furniture, lighting mood); ``architecture`` is what would move walls, openings, ceilings,
    # views or the light itself (arches, windows, beams, "golden hour"). Generation uses both.
    decor: str
    architecture: str
    spaces: tuple[Space, ...] = ("interior",)  # where the style suits: rooms, and/or façades and gardens
    aliases: tuple[str, ...] = ()  # other spellings people type, either language
    price_factor: float = 1.0  # relative cost of furnishing in this style (1.0 = mid-market)

    def name(self, lang: Lang) -> str:
        return self.name_ar if lang == "ar" else self.name_en

    @property
    def prompt(self) -> str:
        """The whole look, for a new picture (generation): decor and architecture together."""
        return f"{self.decor}, {self.architecture}" if self.architecture else self.decor

    def suits(self, space: Space) -> bool:
        return space in self.spaces

    def swatches(self, role: SwatchRole) -> tuple[Swatch, ...]:
        return tuple(s for s in self.palette if s.role == role)

    def as_dict(self, lang: Lang | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "name_en": self.name_en, "name_ar": self.name_ar}
        if lang:
            body["name"] = self.name(lang)
        body["description_en"] = self.description.en
        body["description_ar"] = self.description.ar
        if lang:
            body["description"] = self.description.get(lang)
        body["palette"] = [s.as_dict() for s in self.palette]
        body["materials"] = {surface: {"en": t.en, "ar": t.ar} for surface, t in self.materials.items()}
        body["furniture_en"] = [t.en for t in self.furniture]
        body["furniture_ar"] = [t.ar for t in self.furniture]
        body["spaces"] = list(self.spaces)
        body["preview_url"] = preview_path(self.id)
        return body


def preview_path(style_id: str) -> str:
    """Where ``GET /styles`` says a style's preview image is served (relative to the API's base)."""
    return f"/styles/{style_id}/preview"


@dataclass(frozen=True, slots=True)
class FurnitureEssential:
    """A piece a room of this type usually needs, with a rough mid-market line price in EGP."""

    name: Text
    qty: int
    dims_cm: tuple[int, int, int] | None  # width, depth, height
    price_egp: tuple[int, int]  # min, max for the whole line (all qty)


@dataclass(frozen=True, slots=True)
class RoomType:
    id: str
    name_en: str
    name_ar: str
    essentials: tuple[FurnitureEssential, ...]
    tip: Text
    space: Space = "interior"
    aliases: tuple[str, ...] = ()
    # POST /estimate (and a project's rooms) price it; facades and gardens are styled, not priced.
    estimable: bool = True

    def name(self, lang: Lang) -> str:
        return self.name_ar if lang == "ar" else self.name_en

    def as_dict(self, lang: Lang | None = None) -> dict[str, str | bool]:
        body: dict[str, str | bool] = {"id": self.id, "name_en": self.name_en, "name_ar": self.name_ar}
        if lang:
            body["name"] = self.name(lang)
        body["space"] = self.space
        body["estimable"] = self.estimable
        return body


@dataclass(frozen=True, slots=True)
class Grade:
    """A finishing grade as Egyptian contractors sell it (اقتصادي ... ألترا سوبر لوكس)."""

    id: str
    name_en: str
    name_ar: str
    finishes: str  # English, for the image prompt: what surfaces get at this grade

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "name_en": self.name_en, "name_ar": self.name_ar}
