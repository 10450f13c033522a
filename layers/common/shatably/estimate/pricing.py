"""Pricing quantities from the price book: whole packs where materials come in packs, EGP ranges.

Lines are plain dicts shaped like ``models.LineItem``: an estimate has dozens of them, and building
them as pydantic models one by one cost more than the rest of a warm request. The document is
validated once, as a whole, where a caller needs the model (``shatably.estimate.estimate``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shatably.estimate.models import Grade, ItemKey, Lang, Trade
from shatably.estimate.pricebook import Pack, PriceBook
from shatably.estimate.rules import Quantity, RoomWork, up
from shatably.estimate.vocabulary import ITEMS

Line = dict[str, Any]

# The same product in every room (a sealer, a white ceiling paint, a board): bought for the flat.
# Wall paint, tiles, grout and wallpaper differ by room (colour, model) and stay per room.
SHARED: frozenset[ItemKey] = frozenset(
    {"putty", "sealer", "ceiling_paint", "tile_adhesive", "gypsum_board", "gypsum_framing"}
)
ALL_ROOMS: dict[Lang, str] = {"en": "All rooms", "ar": "كل الأوض"}


def choose_pack(packs: list[Pack], quantity: float) -> tuple[Pack, int] | None:
    """The pack size that leaves least over (the larger on a tie), and how many of it."""
    best: tuple[Pack, int] | None = None
    best_left = 0.0
    for pack in packs:
        count = up(quantity / pack.size)
        left = count * pack.size - quantity
        if (
            best is None
            or left < best_left - 1e-9
            or (abs(left - best_left) <= 1e-9 and pack.size > best[0].size)
        ):
            best, best_left = (pack, count), left
    return best


def price_line(q: Quantity, room: str, lang: Lang, book: PriceBook, grade: Grade) -> Line:
    entry = book.entries[q.price_key]
    low, high = entry.prices[grade]
    unit_low, unit_high = low * q.price_factor, high * q.price_factor
    name_en, name_ar, trade = ITEMS[q.key]
    packs = None
    billed = q.quantity
    if entry.packs:
        chosen = choose_pack(entry.packs, q.quantity)
        if chosen is not None:
            pack, count = chosen
            billed = pack.size * count
            packs = {
                "size": pack.size,
                "unit": q.unit,
                "count": count,
                "name": pack.name_ar if lang == "ar" else pack.name_en,
            }
    return {
        "key": q.key,
        "room": room,
        "name": name_ar if lang == "ar" else name_en,
        "trade": trade,
        "quantity": q.quantity,
        "unit": q.unit,
        "packs": packs,
        "unit_price_egp": {"low": round(unit_low), "high": round(unit_high)},
        "total_egp": {"low": round(unit_low * billed), "high": round(unit_high * billed)},
        "note": q.note,
    }


def price_job(
    works: list[RoomWork],
    lang: Lang,
    book: PriceBook,
    grade: Grade,
    grades: Mapping[Trade, Grade] | None = None,
) -> list[Line]:
    """Every room's lines, priced; ``grades`` overrides the job's grade for some trades.

    Materials that are one product across the flat (``SHARED``) are bought together: their rooms'
    quantities become one line for all rooms, so packs are rounded up once, not once per room.
    """
    lines: list[Line] = []
    shared: dict[tuple[str, str], list[tuple[str, Quantity]]] = {}
    together = len(works) > 1
    for work in works:
        room = work.room.name
        for q in work.lines:
            if q.quantity <= 0:
                continue
            if together and q.key in SHARED:
                shared.setdefault((q.key, q.price_key), []).append((room, q))
            else:
                lines.append(price_line(q, room, lang, book, _grade(q, grade, grades)))
    for parts in shared.values():
        if len(parts) == 1:
            room, q = parts[0]
        else:
            first = parts[0][1]
            q = Quantity(
                first.key,
                round(sum(part.quantity for _, part in parts), 2),
                first.unit,
                first.price_key,
                " | ".join(f"{name}: {part.note}" for name, part in parts),
                first.price_factor,
            )
            room = ALL_ROOMS[lang]
        lines.append(price_line(q, room, lang, book, _grade(q, grade, grades)))
    return lines


def _grade(q: Quantity, grade: Grade, grades: Mapping[Trade, Grade] | None) -> Grade:
    return grades.get(ITEMS[q.key][2], grade) if grades else grade


def total(items: Iterable[Line]) -> dict[str, int]:
    low = high = 0
    for item in items:
        money = item["total_egp"]
        low += money["low"]
        high += money["high"]
    return {"low": low, "high": high}
