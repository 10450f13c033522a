"""Room types, read from ``data/rooms.json`` on first use, with the pieces each usually needs.

Prices are mid-market Egyptian ranges in EGP for the whole line (all ``qty``), estimates meant for
a first budget only; styles scale them by ``Style.price_factor``. Façades, gardens, balconies and
roofs are ``exterior`` spaces: only styles whose ``spaces`` include it are offered for them.
"""

from __future__ import annotations

from functools import cache

from shatably.catalog.data import load_room_types
from shatably.catalog.models import RoomType


@cache
def room_types() -> tuple[RoomType, ...]:
    return load_room_types()
