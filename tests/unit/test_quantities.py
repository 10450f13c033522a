"""Finishing quantities: hand-checked numbers, and only the lines the plan's materials call for."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shatably.chat.plan import FinishingQuantity, Plan, PlanDraft, RoomDimensions
from shatably.chat.quantities import (
    BOX_M2,
    PAINT_M2_PER_L,
    WALLPAPER_ROLL_M2,
    box_m2,
    finishing_quantities,
    paint_litres,
    plan_with_quantities,
    skirting_m,
    tile_boxes,
    tile_size,
    wall_area_m2,
)

ARABIC = re.compile(r"[\u0600-\u06FF]")
ROOM = RoomDimensions(length_m=4, width_m=5)  # 2.8 m high, 1 door, 1 window


def draft(materials: list[tuple[str, str]], lang: str = "en") -> PlanDraft:
    return PlanDraft.model_validate(
        {
            "style": "modern",
            "room_type": "bedroom",
            "summary": "s",
            "palette": [{"name": "white", "hex": "#FFFFFF", "role": "wall"}],
            "materials": [{"surface": s, "material": m} for s, m in materials],
            "furniture": [],
            "cost_estimate_egp": {"min": 1, "max": 2},
            "steps": [],
            "lang": lang,
        }
    )


def by_key(lines: list[FinishingQuantity]) -> dict[str, int | float]:
    return {q.key: q.qty for q in lines}


MODERN = [
    ("walls", "Matte plastic paint"),
    ("floor", "Grey porcelain 60×60"),
    ("ceiling", "Gypsum board drop ceiling with hidden LED"),
    ("joinery", "HPL wardrobes"),
]


def test_the_worked_example_4_by_5_m() -> None:
    # Walls: 2 × (4 + 5) × 2.8 = 50.4 m², less a door 0.9 × 2.1 = 1.89 and a window 1.2 × 1.2 = 1.44
    # -> 47.07 m². Paint: 47.07 × 2 coats / 10 m²/L = 9.41 -> 10 L. Ceiling: 20 m² × 2 / 10 = 4 L.
    # Sealer: (47.07 + 20) / 10 = 6.71 -> 7 L. Floor: 20 × 1.1 = 22 m²; 22 / 1.44 = 15.3 -> 16 boxes.
    # Skirting: 18 - 0.9 = 17.1 m. Gypsum: 20 m²; 20 × 1.1 / 2.88 = 7.6 -> 8 sheets; cornice 18 m.
    assert wall_area_m2(ROOM) == pytest.approx(47.07)
    assert by_key(finishing_quantities(ROOM, draft(MODERN))) == {
        "wall_paint": 10,
        "ceiling_paint": 4,
        "sealer": 7,
        "floor_finish": 22.0,
        "floor_tile_boxes": 16,
        "skirting": 17.1,
        "gypsum_board_ceiling": 20.0,
        "gypsum_board_sheets": 8,
        "cornice": 18.0,
    }


def test_a_second_room_by_hand() -> None:
    # 3 × 3.5 × 3.0 m, 2 doors, no window: walls 13 × 3 = 39 - 2 × 1.89 = 35.22 m² -> 7.04 -> 8 L.
    # Ceiling 10.5 m² -> 2.1 -> 3 L. Sealer 45.72 / 10 -> 5 L. Floor 11.55 m² -> 8.02 -> 9 boxes.
    # Skirting 13 - 1.8 = 11.2 m.
    room = RoomDimensions(length_m=3, width_m=3.5, height_m=3.0, doors=2, windows=0)
    got = by_key(finishing_quantities(room, draft(MODERN[:2])))
    assert got == {
        "wall_paint": 8,
        "ceiling_paint": 3,
        "sealer": 5,
        "floor_finish": 11.6,
        "floor_tile_boxes": 9,
        "skirting": 11.2,
    }


def test_gypsum_board_only_when_the_plan_mentions_it() -> None:
    plain = by_key(finishing_quantities(ROOM, draft([("ceiling", "Plain white paint")])))
    assert not {"gypsum_board_ceiling", "gypsum_board_sheets", "cornice"} & set(plain)
    for ceiling in ("سقف جبس بورد بإضاءة مخفية", "سقف معلق", "Drywall false ceiling"):
        assert "gypsum_board_sheets" in by_key(finishing_quantities(ROOM, draft([("ceiling", ceiling)])))


def test_no_floor_material_means_no_floor_lines() -> None:
    got = by_key(finishing_quantities(ROOM, draft([("walls", "paint")])))
    assert set(got) == {"wall_paint", "ceiling_paint", "sealer"}


def test_parquet_gets_an_area_but_no_tile_boxes() -> None:
    got = by_key(finishing_quantities(ROOM, draft([("floor", "باركيه HDF بلوط")])))
    assert got["floor_finish"] == 22.0 and "floor_tile_boxes" not in got


def test_walls_without_paint_are_not_painted() -> None:
    got = by_key(finishing_quantities(ROOM, draft([("walls", "Hand-troweled microcement")])))
    assert "wall_paint" not in got
    assert got["sealer"] == 2  # the ceiling alone: 20 m² / 10 m²/L


def test_wallpaper_with_paint_papers_one_feature_wall() -> None:
    # Feature wall 5 × 2.8 = 14 m²: 14 × 1.15 / 5.3265 = 3.02 -> 4 rolls; paint 33.07 × 2 / 10 -> 7 L.
    got = by_key(finishing_quantities(ROOM, draft([("walls", "دهان ساتان وورق حائط منقوش على حيطة")])))
    assert got["wallpaper"] == 4 and got["wall_paint"] == 7


def test_wallpaper_alone_covers_every_wall() -> None:
    # 47.07 × 1.15 / 5.3265 = 10.16 -> 11 rolls.
    got = by_key(finishing_quantities(ROOM, draft([("walls", "Damask wallpaper")])))
    assert got["wallpaper"] == 11 and "wall_paint" not in got


def test_names_and_notes_follow_the_plan_language_and_keys_do_not() -> None:
    arabic = finishing_quantities(ROOM, draft(MODERN, lang="ar"))
    english = finishing_quantities(ROOM, draft(MODERN, lang="en"))
    assert [q.key for q in arabic] == [q.key for q in english]
    assert all(ARABIC.search(q.item) and ARABIC.search(q.note) for q in arabic)
    assert not any(ARABIC.search(q.item + q.note) for q in english)
    paint = next(q for q in english if q.key == "wall_paint")
    assert paint.unit == "L" and "2 coats" in paint.note and "10 m²/L" in paint.note


def test_openings_larger_than_the_walls_leave_nothing_to_paint() -> None:
    closet = RoomDimensions(length_m=1, width_m=1, height_m=2.0, windows=10)
    assert wall_area_m2(closet) == 0
    assert "wall_paint" not in by_key(finishing_quantities(closet, draft([("walls", "paint")])))


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("بورسلين ٦٠×١٢٠", (60, 120)),
        ("porcelain 60 x 120 matte", (60, 120)),
        ("ceramic 80*80", (80, 80)),
        ("Galala marble", None),
    ],
)
def test_tile_size_is_read_from_the_material(text: str, size: tuple[int, int] | None) -> None:
    assert tile_size(text) == size


def test_box_coverage_depends_on_the_tile() -> None:
    assert box_m2((60, 60)) == pytest.approx(1.44)
    assert box_m2((120, 60)) == box_m2((60, 120)) == pytest.approx(1.44)
    assert tile_boxes(20, (80, 80)) == 18  # 22 / 1.28 = 17.2
    assert box_m2((33, 33)) == pytest.approx(1.44)  # unknown size: the common box


def test_skirting_and_paint_helpers() -> None:
    assert skirting_m(RoomDimensions(length_m=4, width_m=5, doors=2)) == pytest.approx(16.2)
    assert paint_litres(20) == 4
    assert paint_litres(20.01) == 5
    assert paint_litres(20, coats=1) == 2


def test_plan_with_quantities() -> None:
    base = draft(MODERN)
    assert plan_with_quantities(base, None).finishing_quantities == []
    full = plan_with_quantities(base, ROOM)
    assert isinstance(full, Plan)
    assert full.finishing_quantities == finishing_quantities(ROOM, base)
    assert full.model_dump(exclude={"finishing_quantities"}) == base.model_dump()


rooms = st.builds(
    RoomDimensions,
    length_m=st.floats(1, 30),
    width_m=st.floats(1, 30),
    height_m=st.floats(2.2, 6),
    doors=st.integers(0, 4),
    windows=st.integers(0, 6),
)


@given(rooms)
def test_quantities_always_cover_the_area_without_buying_an_extra_unit(room: RoomDimensions) -> None:
    got = by_key(finishing_quantities(room, draft(MODERN)))
    floor = room.floor_area_m2 * 1.1
    assert got["floor_tile_boxes"] * BOX_M2[(60, 60)] >= floor - 1e-6
    assert (got["floor_tile_boxes"] - 1) * BOX_M2[(60, 60)] < floor
    paint_needed = wall_area_m2(room) * 2 / PAINT_M2_PER_L
    if paint_needed:
        assert got["wall_paint"] == math.ceil(round(paint_needed, 6))
    assert got["gypsum_board_sheets"] * 2.88 >= room.floor_area_m2 * 1.1 - 1e-6
    assert pytest.approx(5.3265) == WALLPAPER_ROLL_M2
