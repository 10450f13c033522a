"""Room types, read from ``data/rooms.json``, with the pieces each usually needs and rough prices.

Prices are mid-market Egyptian ranges in EGP for the whole line (all ``qty``), estimates meant for
a first budget only; styles scale them by ``Style.price_factor``. Façades, gardens, balconies and
roofs are ``exterior`` spaces: only styles whose ``spaces`` include it are offered for them.
"""

from __future__ import annotations

from shatably.catalog.data import load_room_types
from shatably.catalog.models import RoomType

ROOM_TYPES: tuple[RoomType, ...] = load_room_types()
