"""A typical Egyptian split of a flat given only by its area ("شقة 120 متر"), for the user to correct.

Everything here is trade practice, stated in the estimate's assumptions: the advertised (sale) area
includes walls and a share of stairs and lift, so the rooms add up to about 80 % of it; bedrooms and
bathrooms follow the area unless the user gives them; fixed rooms take their usual sizes and the
reception takes the rest.
"""

from __future__ import annotations

import math

from shatably.estimate.models import EstimateRequest, KeepWalls, Lang, Room, RoomTypeId

NET_SHARE = 0.80  # rooms' floor area / advertised area
MIN_RECEPTION_M2 = 12.0
MAX_RECEPTION_M2 = 60.0


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def default_bedrooms(area_m2: float) -> int:
    return 2 if area_m2 < 90 else 3 if area_m2 < 160 else 4


def default_bathrooms(area_m2: float) -> int:
    return 1 if area_m2 < 110 else 2 if area_m2 < 200 else 3


def _sides(area_m2: float, aspect: float) -> tuple[float, float]:
    """Length and width (to 5 cm) of a rectangle of about ``area_m2`` with sides in ``aspect``:1."""
    length = math.sqrt(area_m2 * aspect)
    return round(length * 20) / 20, round(area_m2 / length * 20) / 20


def _room(name: str, room_type: RoomTypeId, area_m2: float, aspect: float, windows: int) -> Room:
    length, width = _sides(area_m2, aspect)
    return Room(name=name, type=room_type, length_m=length, width_m=width, doors=1, windows=windows)


def _name(lang: Lang, en: str, ar: str) -> str:
    return ar if lang == "ar" else en


def generate_rooms(request: EstimateRequest) -> list[Room]:
    assert request.apartment_area_m2 is not None
    area = request.apartment_area_m2
    lang = request.lang
    net = area * NET_SHARE
    bedrooms = request.bedrooms if request.bedrooms is not None else default_bedrooms(area)
    bathrooms = request.bathrooms if request.bathrooms is not None else default_bathrooms(area)

    sized: list[tuple[str, RoomTypeId, float, float, int]] = []  # name, type, m², aspect, windows
    for i in range(bedrooms):
        if i == 0:
            sized.append(
                (
                    _name(lang, "Master bedroom", "أوضة النوم الرئيسية"),
                    "bedroom",
                    _clamp(net * 0.15, 12, 24),
                    1.25,
                    1,
                )
            )
        else:
            sized.append(
                (
                    _name(lang, f"Bedroom {i + 1}", f"أوضة نوم {i + 1}"),
                    "bedroom",
                    _clamp(net * 0.11, 9, 18),
                    1.2,
                    1,
                )
            )
    for i in range(bathrooms):
        name = (
            _name(lang, "Bathroom", "الحمام") if i == 0 else _name(lang, f"Bathroom {i + 1}", f"حمام {i + 1}")
        )
        sized.append((name, "bathroom", 4.4 if i == 0 else 3.6, 1.2, 1))
    sized.append((_name(lang, "Kitchen", "المطبخ"), "kitchen", _clamp(net * 0.09, 6, 16), 1.5, 1))
    sized.append(
        (
            _name(lang, "Entrance and corridor", "المدخل والطرقة"),
            "entrance",
            _clamp(net * 0.08, 4, 14),
            3.0,
            0,
        )
    )
    balcony = _clamp(net * 0.04, 3, 10)

    fixed = sum(s[2] for s in sized) + balcony
    reception = net - fixed
    if reception < MIN_RECEPTION_M2:
        # A small flat with many rooms: shrink the others alike so the reception keeps its minimum.
        scale = max(0.4, (net - MIN_RECEPTION_M2) / fixed)
        sized = [(n, t, a * scale, r, w) for n, t, a, r, w in sized]
        balcony *= scale
        reception = max(MIN_RECEPTION_M2, net - sum(s[2] for s in sized) - balcony)
        # Still more rooms than floor (a studio asked for three bedrooms): everything shrinks alike.
        fit = min(1.0, net / (reception + sum(s[2] for s in sized) + balcony))
        sized = [(n, t, a * fit, r, w) for n, t, a, r, w in sized]
        balcony *= fit
        reception *= fit

    # A large flat's remaining area becomes a living and a dining room, then family rooms.
    rooms = [
        _room(_name(lang, "Reception", "الريسبشن"), "reception", min(reception, MAX_RECEPTION_M2), 1.5, 2)
    ]
    rest = reception - MAX_RECEPTION_M2
    extra: list[tuple[str, RoomTypeId, float]] = [
        (_name(lang, "Living room", "أوضة المعيشة"), "living_room", 40.0),
        (_name(lang, "Dining room", "أوضة السفرة"), "dining_room", 30.0),
    ]
    n = 1
    while rest > 1.0:
        if extra:
            name, room_type, cap = extra.pop(0)
        else:
            n += 1
            name, room_type, cap = _name(lang, f"Family room {n}", f"أوضة معيشة {n}"), "living_room", 50.0
        part = min(rest, cap)
        rooms.append(_room(name, room_type, part, 1.3, 1))
        rest -= part
    rooms += [_room(n, t, a, r, w) for n, t, a, r, w in sized]
    # A balcony is about 1.4 m deep; its walls are the facade and parapet, which the building keeps.
    depth = 1.4
    rooms.append(
        Room(
            name=_name(lang, "Balcony", "البلكونة"),
            type="balcony",
            length_m=round(balcony / depth * 20) / 20,
            width_m=depth,
            doors=1,
            windows=0,
            walls=KeepWalls(),
        )
    )
    return rooms
