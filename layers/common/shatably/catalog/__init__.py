"""The one style and room-type catalogue shared by chat, generate and edit (English and Arabic)."""

from shatably.catalog.catalogue import (
    catalogue_document,
    find_room_type,
    find_style,
    get_room_type,
    get_style,
)
from shatably.catalog.lang import Lang, detect_lang
from shatably.catalog.models import (
    SURFACES,
    FurnitureEssential,
    RoomType,
    Style,
    Surface,
    Swatch,
    SwatchRole,
    Text,
)
from shatably.catalog.rooms import ROOM_TYPES
from shatably.catalog.styles import STYLES

__all__ = [
    "ROOM_TYPES",
    "STYLES",
    "SURFACES",
    "FurnitureEssential",
    "Lang",
    "RoomType",
    "Style",
    "Surface",
    "Swatch",
    "SwatchRole",
    "Text",
    "catalogue_document",
    "detect_lang",
    "find_room_type",
    "find_style",
    "get_room_type",
    "get_style",
]
