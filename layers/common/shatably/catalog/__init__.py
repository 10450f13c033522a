"""The one style and room-type catalogue shared by chat, generate and edit (English and Arabic)."""

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
from shatably.catalog.rooms import ROOM_TYPES
from shatably.catalog.styles import GRADES, STYLES

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
