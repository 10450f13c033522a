"""Pricing quantities from the price book: whole packs where materials come in packs, EGP ranges.

Lines are plain dicts shaped like ``models.LineItem``: an estimate has dozens of them, and building
them as pydantic models one by one cost more than the rest of a warm request. The document is
validated once, as a whole, where a caller needs the model (``shatably.estimate.estimate``).
"""

from __future__ import annotations

import math
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


def choose_packs(packs: list[Pack], quantity: float) -> list[tuple[Pack, int]]:
    """The packs to buy: least left over, then fewest packs, from one size or two.

    Exact for every single size and every pair of sizes (so buying more never costs less), e.g.
    47.5 L from 18 L buckets and 4 L gallons: 2 buckets and 3 gallons (48 L), not 12 gallons.
    """
    # Every option in turn, compared as it is made (no option lists: this runs for every line
    # bought in packs). A tie keeps the earlier option.
    best: list[tuple[Pack, int]] = []
    best_billed, best_count = math.inf, math.inf
    sizes = sorted(packs, key=lambda p: -p.size)
    for i, large in enumerate(sizes):
        single = up(quantity / large.size)
        billed = round(large.size * single, 6)
        if billed < best_billed or (billed == best_billed and single < best_count):
            best = [(large, single)] if single else []
            best_billed, best_count = billed, single
        for small in sizes[i + 1 :]:
            for count in range(single):
                rest = up((quantity - count * large.size) / small.size)
                billed = round(large.size * count + small.size * rest, 6)
                if billed < best_billed or (billed == best_billed and count + rest < best_count):
                    best = [(p, n) for p, n in ((large, count), (small, rest)) if n]
                    best_billed, best_count = billed, count + rest
    return best


def price_line(q: Quantity, room: str, lang: Lang, book: PriceBook, grade: Grade) -> Line:
    prices, packs = _entries(book)[q.price_key]
    low, high = prices[grade]
    factor = q.price_factor
    unit_low, unit_high = low * factor, high * factor
    name_en, name_ar, trade = ITEMS[q.key]
    ar = lang == "ar"
    bought: dict[str, Any] | None = None
    billed = q.quantity
    if packs:
        chosen = choose_packs(packs, q.quantity)
        if chosen:
            billed = 0.0
            for pack, count in reversed(chosen):  # the largest pack first, the smaller one as "plus"
                billed += pack.size * count
                bought = {
                    "size": pack.size,
                    "unit": q.unit,
                    "count": count,
                    "name": pack.name_ar if ar else pack.name_en,
                    "plus": bought,
                }
    return {
        "key": q.key,
        "room": room,
        "name": name_ar if ar else name_en,
        "trade": trade,
        "quantity": q.quantity,
        "unit": q.unit,
        "packs": bought,
        "unit_price_egp": {"low": round(unit_low), "high": round(unit_high)},
        "total_egp": {"low": round(unit_low * billed), "high": round(unit_high * billed)},
        "note": q.note,
    }


# The book's entries as plain lookups (price per grade, packs largest first), made once per book:
# every line of every estimate reads them.
Entries = dict[str, tuple[Mapping[Grade, tuple[float, float]], list[Pack]]]
_entries_of: tuple[PriceBook, Entries] | None = None


def _entries(book: PriceBook) -> Entries:
    global _entries_of
    known = _entries_of
    if known is not None and known[0] is book:
        return known[1]
    entries: Entries = {
        key: (entry.prices, sorted(entry.packs, key=lambda p: -p.size)) for key, entry in book.entries.items()
    }
    _entries_of = (book, entries)
    return entries


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
                lines.append(price_line(q, room, lang, book, _grade(q, grade, grades) if grades else grade))
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
        lines.append(price_line(q, room, lang, book, _grade(q, grade, grades) if grades else grade))
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
