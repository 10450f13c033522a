"""Properties of every estimate: quantities grow with area, nothing is negative or NaN, the total is
the sum of the lines, the budget's savings are real."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shatably.estimate import pricebook
from shatably.estimate.models import (
    CEILING_FINISHES,
    FLOOR_FINISHES,
    GRADES,
    STATES,
    WALL_FINISHES,
    Estimate,
    EstimateRequest,
    RoomTypeId,
)
from shatably.estimate.rules import room_work, with_defaults
from shatably.estimate.service import answer, estimate

BOOK = pricebook.built_in()
ROOM_TYPES: tuple[str, ...] = RoomTypeId.__args__  # type: ignore[attr-defined]

sides = st.floats(min_value=1.0, max_value=12.0, allow_nan=False).map(lambda v: round(v, 2))
tile = st.sampled_from([(30, 30), (30, 60), (40, 40), (60, 60), (60, 120), (80, 80), (120, 120), (25, 33)])


@st.composite
def walls(draw: st.DrawFn) -> Any:
    name = draw(st.sampled_from(WALL_FINISHES))
    if name == "wall_tiles":
        height = draw(
            st.one_of(st.none(), st.floats(min_value=0.3, max_value=3.0).map(lambda v: round(v, 2)))
        )
        return {"type": name, "tile_cm": list(draw(tile)), "height_m": height}
    if name == "feature_wall":
        return {"type": name, "finish": draw(st.sampled_from(["wallpaper", "stone_cladding"]))}
    return name


@st.composite
def floors(draw: st.DrawFn) -> Any:
    name = draw(st.sampled_from(FLOOR_FINISHES))
    if name in ("porcelain", "ceramic") and draw(st.booleans()):
        return {"type": name, "tile_cm": list(draw(tile))}
    return name


@st.composite
def ceilings(draw: st.DrawFn) -> Any:
    name = draw(st.sampled_from(CEILING_FINISHES))
    if name == "gypsum_cove":
        return {
            "type": name,
            "band_m": draw(st.floats(min_value=0.2, max_value=1.2).map(lambda v: round(v, 2))),
        }
    return name


@st.composite
def rooms(
    draw: st.DrawFn, name: str = "Room", length: float | None = None, width: float | None = None
) -> dict[str, Any]:
    room: dict[str, Any] = {
        "name": name,
        "type": draw(st.sampled_from(ROOM_TYPES)),
        "length_m": length if length is not None else draw(sides),
        "width_m": width if width is not None else draw(sides),
        "doors": draw(st.integers(0, 3)),
        "windows": draw(st.integers(0, 3)),
    }
    for surface, strategy in (("walls", walls()), ("floor", floors()), ("ceiling", ceilings())):
        if draw(st.booleans()):
            room[surface] = draw(strategy)
    if draw(st.booleans()):
        room["height_m"] = draw(st.floats(min_value=2.4, max_value=4.0).map(lambda v: round(v, 2)))
    return room


jobs = st.fixed_dictionaries(
    {
        "state": st.sampled_from(STATES),
        "grade": st.sampled_from(GRADES),
        "lang": st.sampled_from(["en", "ar"]),
        "rooms": st.lists(rooms(), min_size=1, max_size=5).map(
            lambda rs: [{**r, "name": f"{r['name']} {i}"} for i, r in enumerate(rs)]
        ),
    }
)


def _by_key(result: Any) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for item in result.items:
        totals[item.key] += item.quantity
    return totals


@settings(max_examples=60, deadline=None)
@given(jobs)
def test_nothing_is_negative_or_nan_and_the_total_is_the_sum_of_the_lines(data: dict[str, Any]) -> None:
    request = EstimateRequest.model_validate(data)
    # The rules' own quantities, before pricing: pricing leaves out lines of zero or less, so a
    # negative quantity would vanish from the bill rather than show up in it.
    assert request.rooms is not None
    for room in request.rooms:
        for q in room_work(
            with_defaults(room, request.state), request.state, request.grade, request.lang
        ).lines:
            assert math.isfinite(q.quantity) and q.quantity >= 0, (room.name, q)
    result = estimate(request, BOOK)
    for item in result.items:
        assert math.isfinite(item.quantity) and item.quantity > 0, item
        assert 0 <= item.unit_price_egp.low <= item.unit_price_egp.high, item
        assert 0 <= item.total_egp.low <= item.total_egp.high, item
        bought, packs = 0.0, item.packs
        while packs is not None:
            bought += packs.count * packs.size
            packs = packs.plus
        if item.packs is not None:
            assert bought >= item.quantity - 1e-9, item  # whole packs cover it
    assert result.total_egp.low == sum(i.total_egp.low for i in result.items)
    assert result.total_egp.high == sum(i.total_egp.high for i in result.items)
    assert all(0 < p.days.low <= p.days.high for p in result.schedule.phases)


@settings(max_examples=60, deadline=None)
@given(st.data(), sides, sides, st.floats(min_value=0.1, max_value=8.0))
def test_quantities_and_costs_grow_with_area(
    data: st.DataObject, length: float, width: float, more: float
) -> None:
    state = data.draw(st.sampled_from(STATES))
    grade = data.draw(st.sampled_from(GRADES))
    room = data.draw(rooms(length=length, width=width))
    larger = {**room, "length_m": min(round(length + more, 2), 20.0, math.floor(200 / width * 100) / 100)}
    small = estimate(EstimateRequest.model_validate({"state": state, "grade": grade, "rooms": [room]}), BOOK)
    big = estimate(EstimateRequest.model_validate({"state": state, "grade": grade, "rooms": [larger]}), BOOK)
    small_totals, big_totals = _by_key(small), _by_key(big)
    for key, quantity in small_totals.items():
        assert big_totals.get(key, 0.0) >= quantity - 1e-9, (key, quantity, big_totals.get(key))
    assert big.total_egp.low >= small.total_egp.low and big.total_egp.high >= small.total_egp.high


@settings(max_examples=25, deadline=None)
@given(jobs, st.integers(min_value=1_000, max_value=200_000))
def test_substitutions_save_what_they_say(data: dict[str, Any], budget: int) -> None:
    result = estimate(EstimateRequest.model_validate({**data, "budget_egp": budget}), BOOK)
    assert result.budget is not None
    assert result.budget.fits == (result.total_egp.high <= budget)
    assert result.budget.gap_egp == max(0, result.total_egp.high - budget)
    for option in result.budget.substitutions:
        assert 0 < option.saving_egp.high <= result.total_egp.high  # a proposal saves something
        assert option.saving_egp.low <= result.total_egp.low


@settings(max_examples=30, deadline=None)
@given(
    st.floats(min_value=30, max_value=1000).map(lambda v: round(v, 1)),
    st.one_of(st.none(), st.integers(0, 8)),
    st.one_of(st.none(), st.integers(1, 6)),
    st.sampled_from(STATES),
)
def test_any_flat_area_splits_into_valid_rooms(
    area: float, bedrooms: int | None, bathrooms: int | None, state: str
) -> None:
    request = EstimateRequest.model_validate(
        {"state": state, "apartment_area_m2": area, "bedrooms": bedrooms, "bathrooms": bathrooms}
    )
    result = estimate(request, BOOK)
    floor = sum((r.length_m or 0.0) * (r.width_m or 0.0) for r in result.rooms)
    assert floor <= area  # the rooms fit inside the advertised area
    if bedrooms is not None:
        assert sum(r.type == "bedroom" for r in result.rooms) == bedrooms
    if bathrooms is not None:
        assert sum(r.type == "bathroom" for r in result.rooms) == bathrooms
    assert len({r.name for r in result.rooms}) == len(result.rooms)


flats = st.fixed_dictionaries(
    {
        "state": st.sampled_from(STATES),
        "grade": st.sampled_from(GRADES),
        "lang": st.sampled_from(["en", "ar"]),
        "apartment_area_m2": st.floats(min_value=30, max_value=1000).map(lambda v: round(v, 1)),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.one_of(jobs, flats), st.one_of(st.none(), st.integers(min_value=1_000, max_value=2_000_000)))
def test_the_json_sent_is_the_answer_models_own(data: dict[str, Any], budget: int | None) -> None:
    # POST /estimate sends the document built as plain data (fast), never validated by the model on
    # the way out: it must be what the Estimate model itself would send (counts may be sent as 8
    # where the model writes 8.0; JSON numbers, equal).
    request = EstimateRequest.model_validate({**data, "budget_egp": budget})
    sent = json.loads(answer(request, as_csv=False))
    assert sent == Estimate.model_validate(sent).model_dump(mode="json")
