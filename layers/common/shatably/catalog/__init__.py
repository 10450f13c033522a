"""The one style and room-type catalogue shared by chat, generate and edit (English and Arabic).

``STYLES``, ``ROOM_TYPES`` and ``GRADES`` are read from the data files the first time they are
used (PEP 562), so importing the package parses nothing.
"""

from typing import TYPE_CHECKING

from shatably.catalog.catalogue import (
    catalogue_document,
    check_style_suits,
    find_room_type,
    find_style,
    get_grade,
    get_room_type,
    get_style,
)
from shatably.catalog.lang import Lang, detect_lang
from shatably.catalog.models import (
    SURFACES,
    FurnitureEssential,
    Grade,
    RoomType,
    Style,
    Surface,
    Swatch,
    SwatchRole,
    Text,
)
from shatably.catalog.rooms import room_types as _room_types
from shatably.catalog.styles import grades as _grades
from shatably.catalog.styles import styles as _styles

if TYPE_CHECKING:
    STYLES: tuple[Style, ...]
    ROOM_TYPES: tuple[RoomType, ...]
    GRADES: tuple[Grade, ...]


def __getattr__(name: str) -> object:
    if name == "STYLES":
        return _styles()
    if name == "ROOM_TYPES":
        return _room_types()
    if name == "GRADES":
        return _grades()
    raise AttributeError(f"module 'shatably.catalog' has no attribute {name!r}")


__all__ = [
    "GRADES",
    "ROOM_TYPES",
    "STYLES",
    "SURFACES",
    "FurnitureEssential",
    "Grade",
    "Lang",
    "RoomType",
    "Style",
    "Surface",
    "Swatch",
    "SwatchRole",
    "Text",
    "catalogue_document",
    "check_style_suits",
    "detect_lang",
    "find_room_type",
    "find_style",
    "get_grade",
    "get_room_type",
    "get_style",
]
