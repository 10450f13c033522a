"""The finishing estimator: worked examples computed by hand, the request's vocabulary and limits,
the schedule, the budget fit and the CSV export.

Every expected figure below is worked out in the comments from the rules' constants (rules.py) and
the built-in price book (pricebook.json, version 2026.12.1), so a change to either shows up here.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from pydantic import ValidationError

from shatably.catalog import ROOM_TYPES
from shatably.estimate import pricebook
from shatably.estimate.export import to_csv
from shatably.estimate.models import (
    CEILING_FINISHES,
    FLOOR_FINISHES,
    MAX_ROOMS,
    WALL_FINISHES,
    Estimate,
    EstimateRequest,
    RoomTypeId,
)
from shatably.estimate.service import estimate, estimate_document
from shatably.estimate.vocabulary import ITEMS
from shatably.web.accept import prefers_csv

ARABIC = re.compile(r"[\u0600-\u06FF]")
BOOK = pricebook.built_in()


def job(state: str = "plastered", grade: str = "super_lux", **more: Any) -> EstimateRequest:
    return EstimateRequest.model_validate({"state": state, "grade": grade, **more})


def reception(**finishes: Any) -> dict[str, Any]:
    return {"name": "Reception", "type": "reception", "length_m": 5, "width_m": 4, **finishes}


def lines(result: Estimate, key: str, room: str | None = None) -> list[Any]:
    return [i for i in result.items if i.key == key and (room is None or i.room == room)]


def one(result: Estimate, key: str, room: str | None = None) -> Any:
    found = lines(result, key, room)
    assert len(found) == 1, (key, room, [(i.key, i.room) for i in result.items])
    return found[0]


# --- worked examples ---------------------------------------------------------------------------------


def test_a_plastered_5x4_reception_in_porcelain_60x120() -> None:
    result = estimate(job(rooms=[reception(floor={"type": "porcelain", "tile_cm": [60, 120]})]), BOOK)

    # Walls: perimeter 2 × (5 + 4) = 18 m × 2.9 m (plastered default) = 52.2 m², less a door
    # 0.9 × 2.1 = 1.89 and a window 1.2 × 1.2 = 1.44 → 48.87 m² net. Ceiling 20 m².
    # Putty and sealer go under all 68.87 m²; super lux is 3 putty coats and 2 paint coats.
    assert one(result, "putty").quantity == 47.52  # 68.87 × 3 / 5.00 × 1.15 = 47.520
    # Bought as 2 buckets of 18 L and 3 gallons of 4 L = 48 L: as little left over as 12 gallons,
    # in 5 packs instead of 12.
    putty = one(result, "putty").packs
    assert (putty.count, putty.size, putty.plus.count, putty.plus.size) == (2, 18, 3, 4)
    assert one(result, "sealer").quantity == 5.91  # 68.87 / 13.40 × 1.15 = 5.910
    assert one(result, "wall_paint").quantity == 9.63  # 48.87 × 2 / 11.67 × 1.15 = 9.632
    assert one(result, "ceiling_paint").quantity == 3.94  # 20 × 2 / 11.67 × 1.15 = 3.942
    assert one(result, "labour_paint").quantity == 68.87
    # Wall paint comes in 4 L gallons or 18 L buckets: 3 gallons leave least over (12 − 9.63).
    paint_packs = one(result, "wall_paint").packs
    assert (paint_packs.count, paint_packs.size) == (3, 4)

    # Floor: 20 m² laid; a 120 cm side wastes 15 %: 23 m² / 1.44 m² per box = 15.97 → 16 boxes.
    assert one(result, "floor_tiles").quantity == 20
    boxes = one(result, "floor_tile_boxes")
    assert boxes.quantity == 16
    # Large porcelain, super lux, 800–1150 EGP/m² × 1.44 m² = 1152–1656 per box; × 16.
    assert (boxes.unit_price_egp.low, boxes.unit_price_egp.high) == (1152, 1656)
    assert (boxes.total_egp.low, boxes.total_egp.high) == (18432, 26496)
    # 60 × 120 = 7200 cm² ≥ 3600: a full bed at 9 kg/m² → 180 kg → 8 bags of 25 kg.
    adhesive = one(result, "tile_adhesive")
    assert adhesive.quantity == 180
    assert (adhesive.packs.count, adhesive.packs.size) == (8, 25)
    # Grout: (600 + 1200) / (600 × 1200) × 3 mm × 10 mm × 1.6 kg/L = 0.12 kg/m²; × 20 × 1.1 = 2.64.
    assert one(result, "grout").quantity == 2.6
    # Skirting: (18 − 0.9) × 1.05 = 17.955 → 17.96 m.
    assert one(result, "skirting").quantity == 17.96
    # Services on a plastered flat: 0.5 points/m² × 20 = 10 (≥ 8); one AC unit per 25 m².
    assert one(result, "electrical_points").quantity == 10
    assert one(result, "ac_piping").quantity == 1
    # Plastered already: no plaster; a reception has no plumbing.
    assert not lines(result, "plaster") and not lines(result, "plumbing_points")
    assert {i.room for i in result.items} == {"Reception"}


def test_a_2x1_8_bathroom_tiled_to_the_ceiling() -> None:
    bathroom = {"name": "Bathroom", "type": "bathroom", "length_m": 2, "width_m": 1.8}
    result = estimate(job(rooms=[bathroom]), BOOK)

    # Defaults for a bathroom that is not finished: wall tiles to the ceiling, ceramic 30×30 floor,
    # a moisture-proof drop ceiling. Tiled walls: 7.6 m × 2.9 m = 22.04 m², less the door
    # (0.9 × 2.1 = 1.89) and the bathroom window (0.6 × 0.6 = 0.36, sill 1.0 m) = 19.79 m².
    tiles = one(result, "wall_tiles")
    assert tiles.quantity == 19.79
    # 30 × 60 boxes hold 1.44 m²: 19.79 × 1.1 / 1.44 = 15.12 → 16 boxes.
    assert one(result, "wall_tile_boxes").quantity == 16
    # Floor 3.6 m² × 1.1 / 0.99 m² per 30×30 box = 4.0 → 4 boxes.
    assert one(result, "floor_tile_boxes").quantity == 4
    # Adhesive at 4.5 kg/m² (tiles under 3600 cm²): walls 89.055 → 89.06 kg, floor 16.2 kg.
    assert sorted(i.quantity for i in lines(result, "tile_adhesive")) == [16.2, 89.06]
    # Grout: walls (300 + 600) / (300 × 600) × 3 × 8 × 1.6 = 0.192 kg/m² × 19.79 × 1.1 = 4.18 → 4.2;
    # floor (600 / 90 000) × 3 × 8 × 1.6 = 0.256 kg/m² × 3.6 × 1.1 = 1.01 → 1.0.
    assert sorted(i.quantity for i in lines(result, "grout")) == [1.0, 4.2]
    # Nothing left to paint on the walls, and no skirting under wall tiles.
    assert not lines(result, "wall_paint") and not lines(result, "skirting")
    # Waterproofing: floor 3.6 + 0.3 m × 7.6 m up the walls = 5.88 m².
    assert one(result, "waterproofing").quantity == 5.88
    # Drop ceiling: 3.6 m² × 1.1 = 3.96 m² of board → 2 sheets of 2.88 m²; framing 3.6 × 3.4 = 12.24 m.
    board = one(result, "gypsum_board")
    assert board.quantity == 3.96 and board.packs.count == 2
    assert one(result, "gypsum_framing").quantity == 12.24
    assert one(result, "plumbing_points").quantity == 4


def test_a_half_height_tile_line_leaves_the_wall_above_painted() -> None:
    bathroom = {
        "name": "Bathroom",
        "type": "bathroom",
        "length_m": 2,
        "width_m": 1.8,
        "walls": {"type": "wall_tiles", "tile_cm": [30, 60], "height_m": 1.2},
    }
    result = estimate(job(rooms=[bathroom]), BOOK)
    # Tiles to 1.2 m: 7.6 × 1.2 = 9.12 m², less the door up to 1.2 m (0.9 × 1.2 = 1.08) and the
    # window between its 1.0 m sill and 1.2 m (0.6 × 0.2 = 0.12) = 7.92 m².
    assert one(result, "wall_tiles").quantity == 7.92
    # Painted above: net walls 22.04 − 2.25 = 19.79, less 7.92 tiled = 11.87 m² × 2 / 11.67 × 1.15 = 2.34 L.
    assert one(result, "wall_paint").quantity == 2.34


def test_a_cove_band_needs_less_board_than_a_full_drop_ceiling() -> None:
    full = estimate(job(rooms=[reception(ceiling="gypsum_full")]), BOOK)
    cove = estimate(job(rooms=[reception(ceiling={"type": "gypsum_cove", "band_m": 0.6})]), BOOK)

    # Full: the whole 20 m² + 10 % = 22 m² → 8 sheets (22 / 2.88 = 7.64); framing 20 × 3.4 = 68 m;
    # cornice along the 18 m perimeter.
    assert one(full, "gypsum_board").quantity == 22
    assert one(full, "gypsum_board").packs.count == 8
    assert one(full, "gypsum_framing").quantity == 68
    assert one(full, "cornice").quantity == 18
    # Cove 0.6 m: band 0.6 × 18 − 4 × 0.6² = 9.36 m²; its inner edge 18 − 8 × 0.6 = 13.2 m carries a
    # 0.25 m lip = 3.3 m² → 12.66 m² of board, + 10 % = 13.93 m² → 5 sheets; framing 12.66 × 3.4 =
    # 43.04 m; the cornice runs the inner edge, 13.2 m.
    assert one(cove, "gypsum_board").quantity == 13.93
    assert one(cove, "gypsum_board").packs.count == 5
    assert one(cove, "gypsum_framing").quantity == 43.04
    assert one(cove, "cornice").quantity == 13.2
    assert one(cove, "labour_gypsum").quantity == 12.66
    # Paint: the cove's ceiling is the open slab (20 − 9.36) plus the board (12.66) = 23.3 m²
    # → 23.3 × 2 / 11.67 × 1.15 = 4.59 L; the full ceiling is its 20 m² of board → 3.94 L.
    assert one(cove, "ceiling_paint").quantity == 4.59
    assert one(full, "ceiling_paint").quantity == 3.94
    assert cove.total_egp.high < full.total_egp.high


def test_a_120_m2_flat_on_brick_gets_typical_rooms_and_plaster() -> None:
    result = estimate(job(state="bare", apartment_area_m2=120), BOOK)

    # 120 m² advertised → 96 m² of rooms. 3 bedrooms (under 160 m²), 2 bathrooms (110 m² and up):
    # master 96 × 0.15 = 14.4, two of 96 × 0.11 = 10.56, bathrooms 4.4 and 3.6, kitchen 8.64,
    # entrance 7.68, balcony 3.84; the reception takes the rest, 32.32 m².
    types = sorted(room.type for room in result.rooms)
    assert types == sorted(
        [
            "reception",
            "bedroom",
            "bedroom",
            "bedroom",
            "bathroom",
            "bathroom",
            "kitchen",
            "entrance",
            "balcony",
        ]
    )
    areas = {room.name: (room.length_m or 0.0) * (room.width_m or 0.0) for room in result.rooms}
    assert areas["Reception"] == pytest.approx(32.32, abs=0.3)  # sides to 5 cm: 6.95 × 4.65
    assert sum(areas.values()) == pytest.approx(96, abs=1.0)
    # Master bedroom 4.25 × 3.4 (sides of 14.4 m² at 1.25:1, to 5 cm): walls 2 × 7.65 × 2.9 = 44.37
    # − 3.33 openings = 41.04 m², + slab 14.45 m² = 55.49 m² of plaster.
    assert one(result, "plaster", "Master bedroom").quantity == 55.49
    # Every room is plastered; the balcony keeps its walls (facade and parapet), so only its slab:
    # 3.84 m² / 1.4 m deep = 2.74 → 2.75 m long × 1.4 = 3.85 m².
    assert {i.room for i in lines(result, "plaster")} == {room.name for room in result.rooms}
    assert one(result, "plaster", "Balcony").quantity == 3.85
    # Bathrooms' drop ceilings hide their slabs: walls only. Bathroom 4.4 m² at 1.2:1 is 2.3 × 1.9
    # (to 5 cm): 2 × 4.2 × 2.9 = 24.36 − door 1.89 − window 0.6 × 0.6 = 22.11 m² (with its slab it
    # would be 26.48). Bathroom 2, 3.6 m²: 2.1 × 1.75, 2 × 3.85 × 2.9 = 22.33 − 2.25 = 20.08 m².
    assert one(result, "plaster", "Bathroom").quantity == 22.11
    assert one(result, "plaster", "Bathroom 2").quantity == 20.08
    # 4 + 4 + 3 plumbing points.
    assert sum(i.quantity for i in lines(result, "plumbing_points")) == 11
    # Electrical points, per m² of floor rounded up, at least the room type's least: reception
    # 6.95 × 4.65 = 32.32 × 0.5 = 16.2 → 17; master 14.45 × 0.6 = 8.7 → 9; bedrooms 3.55 × 2.95 =
    # 10.47 × 0.6 = 6.3 → 7 (the least, 7); bathrooms 2.3 × 1.9 = 4.37 × 1.0 → 5 and 2.1 × 1.75 =
    # 3.68 → 4 (the least, 4); kitchen 3.6 × 2.4 = 8.64 × 1.0 → 9; entrance 4.8 × 1.6 = 7.68 × 0.4 =
    # 3.1 → 4; balcony 2.75 × 1.4 = 3.85 × 0.3 = 1.2 → 2 (the least, 2).
    assert {i.room: i.quantity for i in lines(result, "electrical_points")} == {
        "Reception": 17,
        "Master bedroom": 9,
        "Bedroom 2": 7,
        "Bedroom 3": 7,
        "Bathroom": 5,
        "Bathroom 2": 4,
        "Kitchen": 9,
        "Entrance and corridor": 4,
        "Balcony": 2,
    }
    # AC pre-piping, one split unit per 25 m² of reception and 20 m² of bedroom, rounded up: the
    # reception 32.32 / 25 → 2; each bedroom (14.45, 10.47 / 20) → 1; none where nobody sits or sleeps.
    assert {i.room: i.quantity for i in lines(result, "ac_piping")} == {
        "Reception": 2,
        "Master bedroom": 1,
        "Bedroom 2": 1,
        "Bedroom 3": 1,
    }
    # One purchase for the flat of what is one product everywhere: the sealer is a single line.
    assert [i.room for i in lines(result, "sealer")] == ["All rooms"]
    assert result.schedule.phases[0].key == "services"
    assert any("120" in note for note in result.assumptions)


def test_a_budget_that_does_not_fit_gets_computed_substitutions() -> None:
    request = job(rooms=[reception(floor={"type": "porcelain", "tile_cm": [60, 120]})], budget_egp=20_000)
    result = estimate(request, BOOK)

    assert result.budget is not None and not result.budget.fits
    assert result.budget.gap_egp == result.total_egp.high - 20_000
    savings = {s.key: s.saving_egp for s in result.budget.substitutions}
    # Porcelain 60×60 instead of 60×120: boxes 16 × 1152–1656 = 18 432–26 496 become 16 (20 × 1.1 /
    # 1.44 = 15.3) × 792–1152 = 12 672–18 432; adhesive stays (3600 cm² is still a full bed); grout
    # 3 × 1 kg (120–180) becomes 0.16 kg/m² × 22 = 3.52 → 3.5 kg → 4 × 1 kg (160–240).
    # Saving: 5760 − 40 = 5720 low, 8064 − 60 = 8004 high.
    assert (savings["smaller_tiles:Reception"].low, savings["smaller_tiles:Reception"].high) == (5720, 8004)
    # One trade a grade down, each computed: super lux → lux tiling reprices tiles, adhesive,
    # grout, skirting and laying.
    assert savings["grade_down:tiling"].high > 0
    highs = [s.saving_egp.high for s in result.budget.substitutions]
    assert highs == sorted(highs, reverse=True)


def test_ceramic_instead_of_porcelain_saves_what_it_says() -> None:
    result = estimate(job(rooms=[reception()], budget_egp=1_000), BOOK)
    assert result.budget is not None
    savings = {s.key: s.saving_egp for s in result.budget.substitutions}
    # Porcelain 60×60: 16 boxes × 1.44 m² × 550–800 = 12 672–18 432; adhesive a full bed, 180 kg →
    # 8 bags (200 kg) × 9–13 = 1800–2600; grout 0.16 kg/m² × 22 = 3.52 → 3.5 → 4 × 1 kg × 40–60 =
    # 160–240. Ceramic 40×40: 22 / 1.28 = 17.19 → 18 boxes × 1.28 × 350–500 = 8064–11 520; a thin
    # bed, 90 kg → 4 bags (100 kg) = 900–1300; grout (400 + 400) / 160 000 × 3 × 8 × 1.6 = 0.192 kg/m²
    # × 22 = 4.22 → 4.2 → one 5 kg bag = 200–300. Saving 4608 + 900 − 40 = 5468 low,
    # 6912 + 1300 − 60 = 8152 high.
    saving = savings["ceramic_not_porcelain:Reception"]
    assert (saving.low, saving.high) == (5468, 8152)


def test_a_lower_tile_line_saves_what_tiling_to_1_6_m_costs_less() -> None:
    bathroom = {"name": "Bathroom", "type": "bathroom", "length_m": 2, "width_m": 1.8}
    result = estimate(job(rooms=[bathroom], budget_egp=1_000), BOOK)
    assert result.budget is not None
    [option] = [s for s in result.budget.substitutions if s.key == "lower_wall_tiles:Bathroom"]
    assert "1.6 m" in option.description
    # What the user would be billed had they asked for tiles to 1.6 m themselves.
    lower = {**bathroom, "walls": {"type": "wall_tiles", "height_m": 1.6}}
    cheaper = estimate(job(rooms=[lower]), BOOK).total_egp
    expected = (result.total_egp.low - cheaper.low, result.total_egp.high - cheaper.high)
    assert (option.saving_egp.low, option.saving_egp.high) == expected
    assert expected[0] > 0


@pytest.mark.parametrize(
    ("finishes", "key", "instead"),
    [
        ({"floor": "marble"}, "porcelain_not_marble", {"floor": "porcelain"}),
        ({"walls": "wallpaper"}, "paint_not_wallpaper", {"walls": "paint"}),
        ({"walls": "stone_cladding"}, "paint_not_stone_cladding", {"walls": "paint"}),
        ({"walls": "feature_wall"}, "paint_not_feature_wall", {"walls": "paint"}),
        ({"ceiling": "gypsum_design"}, "cove_not_gypsum_design", {"ceiling": "gypsum_cove"}),
        ({"ceiling": "gypsum_design"}, "paint_not_gypsum", {"ceiling": "paint"}),
        ({"ceiling": "gypsum_full"}, "paint_not_gypsum", {"ceiling": "paint"}),
    ],
)
def test_a_cheaper_finish_saves_what_choosing_it_would(
    finishes: dict[str, str], key: str, instead: dict[str, str]
) -> None:
    result = estimate(job(rooms=[reception(**finishes)], budget_egp=1_000), BOOK)
    assert result.budget is not None
    [option] = [s for s in result.budget.substitutions if s.key == f"{key}:Reception"]
    # What the user would be billed had they chosen the cheaper finish themselves.
    cheaper = estimate(job(rooms=[reception(**instead)]), BOOK).total_egp
    expected = (result.total_egp.low - cheaper.low, result.total_egp.high - cheaper.high)
    assert (option.saving_egp.low, option.saving_egp.high) == expected
    assert expected[1] > 0


def test_a_bathrooms_drop_ceiling_is_never_traded_for_paint() -> None:
    # It hides the pipes of the flat above: only other rooms are offered a painted ceiling.
    bathroom = {"name": "Bathroom", "type": "bathroom", "length_m": 2, "width_m": 1.8}
    result = estimate(job(rooms=[bathroom, reception(ceiling="gypsum_full")], budget_egp=1_000), BOOK)
    assert result.budget is not None
    keys = {s.key for s in result.budget.substitutions}
    assert "paint_not_gypsum:Reception" in keys and "paint_not_gypsum:Bathroom" not in keys


def test_one_trade_a_grade_down_saves_that_trades_difference() -> None:
    bedroom = {"name": "Bedroom", "type": "bedroom", "length_m": 4, "width_m": 3, "doors": 0, "windows": 0}
    result = estimate(job(state="finished", grade="ultra_super_lux", rooms=[bedroom], budget_egp=1_000), BOOK)

    # A repaint: walls 14 × 2.8 = 39.2 m² × 2 / 11.67 × 1.15 = 7.73 L → 2 gallons (8 L); ceiling
    # 12 × 2 / 11.67 × 1.15 = 2.37 L → 1 gallon (4 L); labour on 39.2 + 12 = 51.2 m². All painting.
    # Ultra super lux: 8 × 250–350 + 4 × 180–250 + 51.2 × 75–110 = 2000–2800 + 720–1000 + 3840–5632
    # = 6560–9432. One grade down, super lux: 8 × 150–220 + 4 × 100–150 + 51.2 × 50–75
    # = 1200–1760 + 400–600 + 2560–3840 = 4160–6200. Saving 2400–3232 (lux would be 3888–5552).
    assert (result.total_egp.low, result.total_egp.high) == (6560, 9432)
    assert result.budget is not None
    [option] = result.budget.substitutions
    assert option.key == "grade_down:paint" and "super lux instead of ultra super lux" in option.description
    assert (option.saving_egp.low, option.saving_egp.high) == (2400, 3232)


def test_a_budget_that_fits_says_so() -> None:
    result = estimate(job(rooms=[reception()], budget_egp=10_000_000), BOOK)
    assert result.budget is not None
    assert (result.budget.fits, result.budget.gap_egp, result.budget.substitutions) == (True, 0, [])


def test_a_gypsum_design_can_become_paint_or_a_cove() -> None:
    result = estimate(job(rooms=[reception(ceiling="gypsum_design")], budget_egp=1_000), BOOK)
    assert result.budget is not None
    keys = {s.key for s in result.budget.substitutions}
    assert {"paint_not_gypsum:Reception", "cove_not_gypsum_design:Reception"} <= keys


SUBSTITUTIONS = {
    # room: {key: (English, Arabic)}; lux has no grade below it, so only the room's own changes show.
    "Reception": {
        "smaller_tiles:Reception": (
            "Reception: porcelain 60×60 instead of 60×120",
            "Reception: بورسلين 60×60 بدل 60×120",
        ),
        "ceramic_not_porcelain:Reception": (
            "Reception: ceramic 40×40 instead of porcelain",
            "Reception: سيراميك 40×40 بدل البورسلين",
        ),
        "cove_not_gypsum_design:Reception": (
            "Reception: a 60 cm gypsum cove band instead of a designed ceiling",
            "Reception: بانوه جبس بعرض 60 سم بدل السقف المصمم",
        ),
        "paint_not_gypsum:Reception": (
            "Reception: a painted ceiling instead of gypsum board",
            "Reception: سقف دهان بدل الجبس بورد",
        ),
        "paint_not_wallpaper:Reception": (
            "Reception: painted walls instead of wallpaper",
            "Reception: دهان بدل تشطيب الحوائط المختار",
        ),
    },
    "Bed": {
        "porcelain_not_marble:Bed": (
            "Bed: porcelain 60×60 instead of marble",
            "Bed: بورسلين 60×60 بدل الرخام",
        ),
        "paint_not_feature_wall:Bed": (
            "Bed: painted walls instead of feature wall",
            "Bed: دهان بدل تشطيب الحوائط المختار",
        ),
    },
    # A bathroom keeps its drop ceiling (no painted ceiling offered) and its ceramic floor.
    "Bath": {
        "lower_wall_tiles:Bath": (
            "Bath: wall tiles to 1.6 m and paint above, not to the ceiling",
            "Bath: سيراميك الحوائط لارتفاع 1.6 م ودهان فوقه بدل ما يوصل للسقف",
        ),
    },
}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_cheaper_finish_is_offered_under_its_key_in_the_users_language(lang: str) -> None:
    rooms = {
        "Reception": reception(
            floor={"type": "porcelain", "tile_cm": [60, 120]}, ceiling="gypsum_design", walls="wallpaper"
        ),
        "Bed": {
            "name": "Bed",
            "type": "bedroom",
            "length_m": 4,
            "width_m": 3.5,
            "floor": "marble",
            "walls": {"type": "feature_wall", "finish": "stone_cladding"},
        },
        "Bath": {"name": "Bath", "type": "bathroom", "length_m": 2, "width_m": 1.8, "ceiling": "gypsum_full"},
    }
    for name, room in rooms.items():
        result = estimate(job(grade="lux", lang=lang, rooms=[room], budget_egp=1_000), BOOK)
        assert result.budget is not None
        offered = {s.key: s.description for s in result.budget.substitutions}
        expected = {key: texts[lang == "ar"] for key, texts in SUBSTITUTIONS[name].items()}
        assert offered == expected, name
        assert all(s.saving_egp.high > 0 for s in result.budget.substitutions)


# --- the state decides the trades -------------------------------------------------------------------


def test_plaster_only_on_brick() -> None:
    for state in ("plastered", "semi_finished", "finished"):
        assert not lines(estimate(job(state=state, rooms=[reception()]), BOOK), "plaster"), state
    assert lines(estimate(job(state="bare", rooms=[reception()]), BOOK), "plaster")


def test_a_finished_flat_is_repainted_only() -> None:
    result = estimate(job(state="finished", rooms=[reception()]), BOOK)
    keys = {i.key for i in result.items}
    assert keys == {"wall_paint", "ceiling_paint", "labour_paint"}
    # A finished flat is 2.8 m high (its floor is laid): 18 × 2.8 − 3.33 = 47.07 m²; two coats over
    # the old paint, whatever the grade: 47.07 × 2 / 11.67 × 1.15 = 9.28 L.
    assert one(result, "wall_paint").quantity == 9.28


def test_semi_finished_has_services_except_ac_roughed_in() -> None:
    keys = {i.key for i in estimate(job(state="semi_finished", rooms=[reception()]), BOOK).items}
    assert "ac_piping" in keys and "electrical_points" not in keys


def test_walls_described_by_finish_get_their_own_lines() -> None:
    result = estimate(
        job(
            rooms=[
                reception(walls="wallpaper"),
                {
                    "name": "Bedroom",
                    "type": "bedroom",
                    "length_m": 4,
                    "width_m": 3.5,
                    "walls": "feature_wall",
                },
            ]
        ),
        BOOK,
    )
    assert one(result, "wallpaper", "Reception").unit == "roll"
    assert not lines(result, "wall_paint", "Reception")
    # Feature wall: the 4 m wall × 2.9 m = 11.6 m² papered → 11.6 × 1.15 / 5.3265 = 2.5 → 3 rolls;
    # the rest painted: 15 × 2.9 = 43.5 − 3.33 openings = 40.17 − 11.6 = 28.57 m² × 2 / 11.67 × 1.15
    # = 5.631 → 5.63 L.
    assert one(result, "wallpaper", "Bedroom").quantity == 3
    assert one(result, "wall_paint", "Bedroom").quantity == 5.63


def test_an_l_shaped_room_from_two_rectangles() -> None:
    l_room = {
        "name": "Reception",
        "type": "reception",
        "rects": [{"length_m": 6, "width_m": 4}, {"length_m": 3, "width_m": 3}],
        "floor": {"type": "porcelain", "tile_cm": [60, 120]},
    }
    result = estimate(job(rooms=[l_room]), BOOK)
    # Floor 24 + 9 = 33 m²; perimeter 20 + 12 − 2 × 3 = 26 m; skirting (26 − 0.9) × 1.05 = 26.355 → 26.36.
    assert one(result, "floor_tiles").quantity == 33
    assert one(result, "skirting").quantity == 26.36
    # A 120 cm side wastes 15 %: 33 × 1.15 / 1.44 = 26.35 → 27 boxes (at the usual 10 %, 26).
    boxes = one(result, "floor_tile_boxes")
    assert boxes.quantity == 27 and "15%" in boxes.note


def test_a_room_given_by_its_area_alone_is_a_4_by_3_rectangle() -> None:
    # "الصالة 24 متر": sides √(24 × 4/3) = 5.657 and 24 / 5.657 = 4.243, perimeter 19.8 m.
    result = estimate(job(rooms=[{"name": "Hall", "type": "reception", "area_m2": 24}]), BOOK)
    # Skirting (19.8 − 0.9) × 1.05 = 19.844 → 19.84 m (a square would give 19.63).
    assert one(result, "skirting").quantity == 19.84
    # Walls 19.8 × 2.9 = 57.417 − 3.33 = 54.087 m² × 2 / 11.67 × 1.15 = 10.66 L.
    assert one(result, "wall_paint").quantity == 10.66


def test_coats_follow_the_grade() -> None:
    # The first worked example's 68.87 m² prepared and 48.87 m² of wall, 20 m² of ceiling.
    lux = estimate(job(grade="lux", rooms=[reception()]), BOOK)
    ultra = estimate(job(grade="ultra_super_lux", rooms=[reception()]), BOOK)
    # Lux: 2 putty coats, 68.87 × 2 / 5.00 × 1.15 = 31.68 L; paint as super lux, 2 coats (9.63 L).
    assert one(lux, "putty").quantity == 31.68 and one(lux, "wall_paint").quantity == 9.63
    # Ultra super lux: 3 putty coats (47.52 L, as super lux) and 3 paint coats:
    # walls 48.87 × 3 / 11.67 × 1.15 = 14.447 → 14.45 L; ceiling 20 × 3 / 11.67 × 1.15 = 5.91 L.
    assert one(ultra, "putty").quantity == 47.52
    assert (one(ultra, "wall_paint").quantity, one(ultra, "ceiling_paint").quantity) == (14.45, 5.91)


def test_every_line_names_its_rule_and_speaks_the_requests_language() -> None:
    arabic = estimate(job(lang="ar", state="bare", apartment_area_m2=90), BOOK)
    for item in arabic.items:
        assert ARABIC.search(item.name) and ARABIC.search(item.note), item
    english = estimate(job(state="bare", apartment_area_m2=90), BOOK)
    for item in english.items:
        assert not ARABIC.search(item.name) and item.note, item


def test_the_estimate_states_its_price_book() -> None:
    result = estimate(job(rooms=[reception()]), BOOK)
    assert (result.price_book.version, result.price_book.date) == ("2026.12.1", "2026-12-01")


def test_the_document_the_route_serialises_is_a_valid_estimate() -> None:
    document = estimate_document(job(state="bare", apartment_area_m2=150, budget_egp=100_000), BOOK)
    assert Estimate.model_validate(document).model_dump(mode="json") == document


# --- the schedule -----------------------------------------------------------------------------------


def test_the_schedule_follows_the_trades_and_grows_with_the_job() -> None:
    order = ["services", "plaster", "tiling", "gypsum", "putty", "paint", "floors", "fixtures"]
    small = estimate(job(state="bare", apartment_area_m2=70), BOOK).schedule
    large = estimate(job(state="bare", apartment_area_m2=250), BOOK).schedule
    keys = [p.key for p in large.phases]
    assert keys == [k for k in order if k in keys] and keys[0] == "services"
    assert large.total_days.low > small.total_days.low
    assert large.total_days.low == sum(p.days.low for p in large.phases)
    assert all(p.days.low <= p.days.high for p in large.phases)


def test_the_reception_schedule_worked_by_hand() -> None:
    result = estimate(job(rooms=[reception(floor={"type": "porcelain", "tile_cm": [60, 120]})]), BOOK)

    # The first worked example's quantities over a crew's daily output (low days at the high output):
    # services 10 electrical points + 1 AC unit × 4 = 14 points at 8–12 a day → 2–2 days;
    # tiling 20 m² at 12–20 m² → 1–2; putty 68.87 m² × 3 coats = 206.61 at 80–120 → 2–3;
    # paint 68.87 × 2 coats = 137.74 at 100–150 → 1–2; fixtures 1 room at 2–3 a day → 1–1.
    # Plastered already: no plaster phase; no gypsum, no parquet.
    days = {p.key: (p.days.low, p.days.high) for p in result.schedule.phases}
    assert days == {
        "services": (2, 2),
        "tiling": (1, 2),
        "putty": (2, 3),
        "paint": (1, 2),
        "fixtures": (1, 1),
    }
    assert (result.schedule.total_days.low, result.schedule.total_days.high) == (7, 10)


def test_the_plasters_drying_is_in_the_total_where_tiling_and_gypsum_do_not_fill_it() -> None:
    result = estimate(
        job(state="bare", rooms=[reception(floor={"type": "porcelain", "tile_cm": [60, 120]})]), BOOK
    )

    # The same reception on brick adds plaster: walls 18 m × 2.9 m − door 0.9 × 2.1 − window 1.2 × 1.2
    # = 48.87 m², + the 20 m² slab = 68.87 m² at 40–60 m² a day → 2–2 days. Phases: 2+2+1+2+1+1 = 9
    # (low) and 2+2+2+3+2+1 = 12 (high). Putty waits 7 days for the plaster to dry; only tiling
    # (1–2 days; no gypsum here) goes on meanwhile, so the total waits 7−1 = 6 and 7−2 = 5 more days.
    days = {p.key: (p.days.low, p.days.high) for p in result.schedule.phases}
    assert days["plaster"] == (2, 2) and days["tiling"] == (1, 2)
    assert (result.schedule.total_days.low, result.schedule.total_days.high) == (15, 17)


# --- the request's vocabulary and limits -------------------------------------------------------------


def test_room_types_are_the_catalogues_estimable_ones() -> None:
    estimable = {room.id for room in ROOM_TYPES if room.estimable}
    assert {room.id for room in ROOM_TYPES} - estimable == {"facade", "garden"}  # styled, not priced
    assert set(RoomTypeId.__args__) == estimable  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="reception"):  # refused, naming what is allowed
        EstimateRequest.model_validate({"state": "plastered", "rooms": [reception(type="facade")]})


@pytest.mark.parametrize(
    ("surface", "names"), [("walls", WALL_FINISHES), ("floor", FLOOR_FINISHES), ("ceiling", CEILING_FINISHES)]
)
def test_every_finish_is_a_string_or_an_object(surface: str, names: tuple[str, ...]) -> None:
    for name in names:
        as_string = EstimateRequest.model_validate(
            {"state": "plastered", "rooms": [reception(**{surface: name})]}
        )
        as_object = EstimateRequest.model_validate(
            {"state": "plastered", "rooms": [reception(**{surface: {"type": name}})]}
        )
        assert as_string == as_object


# Each finish on the 5×4 m plastered reception (the first worked example: 48.87 m² of wall net of
# openings, 20 m² of floor, 18 m perimeter, 2.9 m high, super lux), the others left to the usual
# (painted walls and ceiling, porcelain 60×60): the line that finish bills, worked out by hand,
# and the lines it must not bring.
WALL_PAINT, CEILING_PAINT = 9.63, 3.94  # the first worked example's wall and ceiling paint
FINISH_LINES: list[tuple[str, str | dict[str, Any], dict[str, float], set[str]]] = [
    ("walls", "paint", {"wall_paint": WALL_PAINT}, {"wallpaper", "stone_cladding", "wall_tiles"}),
    # 48.87 × 1.15 / (0.53 × 10.05 = 5.3265 m² a roll) = 10.55 → 11 rolls; nothing painted.
    ("walls", "wallpaper", {"wallpaper": 11}, {"wall_paint", "stone_cladding"}),
    # The longest (5 m) wall × 2.9 = 14.5 m² papered: 14.5 × 1.15 / 5.3265 = 3.13 → 4 rolls; the other
    # 48.87 − 14.5 = 34.37 m² painted: 34.37 × 2 / 11.67 × 1.15 = 6.774 → 6.77 L.
    ("walls", "feature_wall", {"wallpaper": 4, "wall_paint": 6.77}, {"stone_cladding"}),
    # Tiled to the 2.9 m ceiling: 18 × 2.9 = 52.2 less the door (1.89) and the window from its 1.0 m
    # sill to 2.2 m (1.44) = 48.87 m²; nothing left to paint, no skirting under wall tiles.
    ("walls", "wall_tiles", {"wall_tiles": 48.87}, {"wall_paint", "skirting"}),
    # 48.87 × 1.10 = 53.757 → 53.76 m².
    ("walls", "stone_cladding", {"stone_cladding": 53.76}, {"wall_paint", "wallpaper"}),
    ("walls", "keep", {}, {"wall_paint", "wallpaper", "stone_cladding", "wall_tiles"}),
    # 60×60 (the default): 20 × 1.10 / 1.44 m² a box = 15.28 → 16 boxes.
    ("floor", "porcelain", {"floor_tiles": 20, "floor_tile_boxes": 16}, {"parquet", "vinyl", "marble"}),
    # 40×40 (the default): 20 × 1.10 / (8 × 0.16 = 1.28 m² a box) = 17.19 → 18 boxes.
    ("floor", "ceramic", {"floor_tiles": 20, "floor_tile_boxes": 18}, {"parquet", "vinyl", "marble"}),
    # A size not in the box table: 25 × 33 cm = 0.0825 m²; 1.44 / 0.0825 = 17.5 → 17 tiles a box =
    # 1.4025 m²; 20 × 1.10 / 1.4025 = 15.69 → 16 boxes.
    (
        "floor",
        {"type": "ceramic", "tile_cm": [25, 33]},
        {"floor_tiles": 20, "floor_tile_boxes": 16},
        {"parquet"},
    ),
    # 20 × 1.07 = 21.4 m²; vinyl the same; marble 20 × 1.10 = 22 m².
    ("floor", "parquet", {"parquet": 21.4, "labour_flooring": 20}, {"floor_tiles", "vinyl"}),
    ("floor", "vinyl", {"vinyl": 21.4, "labour_flooring": 20}, {"floor_tiles", "parquet"}),
    ("floor", "marble", {"marble": 22, "labour_flooring": 20}, {"floor_tiles", "parquet"}),
    ("floor", "keep", {}, {"floor_tiles", "parquet", "vinyl", "marble", "skirting", "labour_flooring"}),
    ("ceiling", "paint", {"ceiling_paint": CEILING_PAINT}, {"gypsum_board", "gypsum_framing"}),
    # As in the cove-versus-full example: 20 × 1.10 = 22 m² of board; cove 0.6 m: 13.93 m².
    ("ceiling", "gypsum_full", {"gypsum_board": 22, "gypsum_framing": 68}, set()),
    ("ceiling", "gypsum_cove", {"gypsum_board": 13.93, "gypsum_framing": 43.04}, set()),
    # Levels and recesses: 20 × 1.4 = 28 m² of board + 10 % = 30.8 m²; framing 28 × 3.4 = 95.2 m.
    ("ceiling", "gypsum_design", {"gypsum_board": 30.8, "gypsum_framing": 95.2}, set()),
    ("ceiling", "keep", {}, {"ceiling_paint", "gypsum_board", "gypsum_framing", "cornice"}),
]


def test_the_finish_table_covers_every_finish() -> None:
    covered = {(surface, name) for surface, name, _, _ in FINISH_LINES if isinstance(name, str)}
    every = {("walls", n) for n in WALL_FINISHES} | {("floor", n) for n in FLOOR_FINISHES}
    assert covered == every | {("ceiling", n) for n in CEILING_FINISHES}


@pytest.mark.parametrize(
    ("surface", "name", "billed", "absent"),
    FINISH_LINES,
    ids=[f"{s}-{n if isinstance(n, str) else n['tile_cm']}" for s, n, _, _ in FINISH_LINES],
)
def test_each_finish_bills_its_own_lines(
    surface: str, name: str | dict[str, Any], billed: dict[str, float], absent: set[str]
) -> None:
    result = estimate(job(rooms=[reception(**{surface: name})]), BOOK)
    for key, quantity in billed.items():
        assert one(result, key).quantity == quantity, key
    assert not [i.key for i in result.items if i.key in absent]


def _errors(data: dict[str, Any]) -> list[Any]:
    with pytest.raises(ValidationError) as caught:
        EstimateRequest.model_validate(data)
    return list(caught.value.errors())


def test_an_unknown_finish_names_the_allowed_ones() -> None:
    (error,) = _errors({"state": "plastered", "rooms": [reception(floor="carpet")]})
    assert error["loc"][:3] == ("rooms", 0, "floor")
    for name in FLOOR_FINISHES:
        assert f"'{name}'" in error["msg"]


def test_an_unknown_state_names_the_allowed_ones() -> None:
    (error,) = _errors({"state": "brick", "rooms": [reception()]})
    assert error["loc"] == ("state",)
    assert "'bare', 'plastered', 'semi_finished' or 'finished'" in error["msg"]


def test_absurd_sizes_are_refused_with_their_limits() -> None:
    (error,) = _errors({"state": "bare", "rooms": [reception(length_m=300)]})
    assert error["loc"] == ("rooms", 0, "length_m") and "30" in error["msg"]
    (error,) = _errors({"state": "bare", "rooms": [{"name": "Hall", "type": "reception", "area_m2": 300}]})
    assert "200" in error["msg"]
    rooms = [{"name": f"Room {i}", "type": "bedroom", "area_m2": 10} for i in range(40)]
    (error,) = _errors({"state": "bare", "rooms": rooms})
    assert error["loc"] == ("rooms",) and str(MAX_ROOMS) in error["msg"]
    (error,) = _errors({"state": "bare", "apartment_area_m2": 5000})
    assert "1000" in error["msg"]


def test_a_room_needs_exactly_one_size() -> None:
    (error,) = _errors({"state": "bare", "rooms": [{"name": "Hall", "type": "entrance"}]})
    assert "exactly one of length_m+width_m, area_m2 or rects" in error["msg"]
    (error,) = _errors(
        {"state": "bare", "rooms": [{"name": "Hall", "type": "entrance", "length_m": 3, "area_m2": 9}]}
    )
    assert "exactly one" in error["msg"]


def test_rooms_or_a_flat_area_not_both() -> None:
    (error,) = _errors({"state": "bare", "apartment_area_m2": 100, "rooms": [reception()]})
    assert "either rooms or apartment_area_m2" in error["msg"]


# --- CSV ---------------------------------------------------------------------------------------------


def test_the_csv_opens_in_excel_with_arabic() -> None:
    document = estimate_document(job(lang="ar", rooms=[reception()]), BOOK)
    data = to_csv(document)
    assert data.startswith(b"\xef\xbb\xbf")  # the UTF-8 BOM Excel needs to read Arabic
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "الأوضة"
    assert len(rows) == 1 + len(document["items"]) + 2  # header, lines, total, price book
    body = rows[1 : 1 + len(document["items"])]
    assert [r[1] for r in body] == [i["key"] for i in document["items"]]
    assert all(ARABIC.search(r[2]) for r in body)
    # The same bill, figure for figure: quantity, unit prices and totals on every row.
    for row, item in zip(body, document["items"], strict=True):
        assert float(row[3]) == item["quantity"], row
        prices = (item["unit_price_egp"]["low"], item["unit_price_egp"]["high"])
        assert (int(row[6]), int(row[7])) == prices, row
        assert (int(row[8]), int(row[9])) == (item["total_egp"]["low"], item["total_egp"]["high"]), row
    # The putty row in full, as the first worked example buys it: 47.52 L in 2 buckets and 3 gallons
    # (48 L) × 50–70 EGP a litre (super lux) = 2400–3360, in Arabic units and pack names.
    putty = next(r for r in body if r[1] == "putty")
    assert putty[2:10] == [
        "معجون",
        "47.52",
        "لتر",
        "2 × 18 لتر جردل + 3 × 4 لتر جالون",
        "50",
        "70",
        "2400",
        "3360",
    ]
    total = rows[-2]
    assert (int(total[8]), int(total[9])) == (document["total_egp"]["low"], document["total_egp"]["high"])
    assert b"\r\n" in data


@pytest.mark.parametrize(
    ("accept", "csv_wanted"),
    [
        ("text/csv", True),
        ("text/csv, application/json;q=0.5", True),
        ("application/json", False),
        ("*/*", False),
        ("", False),
        ("text/csv;q=0.2, */*", False),
        ("text/csv;q=0", False),
    ],
)
def test_accept_negotiation(accept: str, csv_wanted: bool) -> None:
    assert prefers_csv(accept) is csv_wanted


def test_every_item_key_has_names_in_both_languages() -> None:
    from shatably.estimate.models import ItemKey

    assert set(ItemKey.__args__) == set(ITEMS)  # type: ignore[attr-defined]
    assert all(ARABIC.search(ar) and not ARABIC.search(en) for en, ar, _ in ITEMS.values())
