"""The designer eval's checks (evals/designer/checks.py): each one passes on an answer that meets it and
fails on one that does not, so a score cannot come from a check that always passes."""

from __future__ import annotations

from typing import Any

import pytest

from evals.designer.checks import CHECKS, Turn, run_checks

ROOM_PHOTO, OTHER_PHOTO = "a" * 32, "b" * 32


def plan(**fields: Any) -> dict[str, Any]:
    return {"rooms": [], "estimate": None, **fields}


def estimate(budget: dict[str, Any] | None) -> dict[str, Any]:
    return {"total_egp": {"low": 1, "high": 2}, "budget": budget}


SALA = {"name": "صالة", "type": "living_room", "length_m": 4, "width_m": 5, "floor": {"type": "parquet"}}
UNSIZED = {"name": "أوضة نوم", "type": "bedroom", "length_m": None, "area_m2": None}
OVER = {"budget_egp": 10_000, "fits": False, "gap_egp": 5_000, "substitutions": []}
FITS = {"budget_egp": 500_000, "fits": True, "gap_egp": 0, "substitutions": []}

# check, expected value, an answer that meets it, an answer that does not.
CASES: list[tuple[str, Any, dict[str, Any], dict[str, Any]]] = [
    ("lang", "ar", {"response": "عايز أعرف مساحة الأوضة"}, {"response": "How big is the room?"}),
    (
        "reply_lang",
        "franco",
        {"lang": "franco", "response": "ana 3ayez a3raf"},
        {"lang": "ar", "response": "x"},
    ),
    ("written", "franco", {"written": "franco"}, {"written": "en"}),
    ("asks", True, {"questions": ["كام متر؟"]}, {"questions": []}),
    ("asks", True, {"questions": ["a?", "b?"]}, {"questions": ["a?", "b?", "c?"]}),
    ("no_invented_size", True, {"plan": plan(rooms=[UNSIZED])}, {"plan": plan(rooms=[SALA])}),
    ("plan", False, {"plan": None}, {"plan": plan()}),
    ("state", "bare", {"plan": plan(state="bare")}, {"plan": plan(state="plastered")}),
    ("grade", "lux", {"plan": plan(grade="lux")}, {"plan": plan(grade="super_lux")}),
    ("style", "japandi", {"plan": plan(style="japandi")}, {"plan": plan(style="modern")}),
    ("budget_egp", 150_000, {"plan": plan(budget_egp=150_000)}, {"plan": plan(budget_egp=None)}),
    (
        "budget_verdict",
        True,
        {"plan": plan(estimate=estimate(FITS))},
        {"plan": plan(estimate=estimate(None))},
    ),
    ("over_budget", True, {"plan": plan(estimate=estimate(OVER))}, {"plan": plan(estimate=estimate(FITS))}),
    ("room_names", ["الصالة"], {"plan": plan(rooms=[SALA])}, {"plan": plan(rooms=[UNSIZED])}),
    ("sized", ["صالة"], {"plan": plan(rooms=[SALA])}, {"plan": plan(rooms=[{**SALA, "length_m": None}])}),
    ("sized_count", 1, {"plan": plan(rooms=[SALA, UNSIZED])}, {"plan": plan(rooms=[UNSIZED])}),
    (
        "finish",
        [{"room_type": "living_room", "surface": "floor", "type": ["parquet"]}],
        {"plan": plan(rooms=[SALA])},
        {"plan": plan(rooms=[{**SALA, "floor": {"type": "porcelain"}}])},
    ),
    (
        "finish",  # a room that is not there fails, rather than passing for want of a finish
        [{"room": "مطبخ", "surface": "walls", "type": ["paint"]}],
        {"plan": plan(rooms=[{**SALA, "name": "مطبخ", "walls": "paint"}])},
        {"plan": plan(rooms=[SALA])},
    ),
    (
        "changes",
        ["floor"],
        {"changes": [{"field": "floor"}]},
        {"changes": [{"field": "floor"}, {"field": "style"}]},
    ),
    ("changes_include", ["floor"], {"changes": [{"field": "floor"}, {"field": "style"}]}, {"changes": []}),
    ("drawing", ["repaint"], {"drawing": {"operation": "repaint"}}, {"drawing": {"operation": "restyle"}}),
    ("drawing", ["repaint"], {"drawing": {"operation": "repaint"}}, {"drawing": None}),
    ("no_drawing", True, {"drawing": None, "images": []}, {"drawing": None, "images": [{"id": "x"}]}),
    ("edited", "room", {"images": [{"parent_id": ROOM_PHOTO}]}, {"images": [{"parent_id": OTHER_PHOTO}]}),
    ("edited", "room", {"images": [{"parent_id": ROOM_PHOTO}]}, {"images": []}),
    ("no_leak", True, {"response": "أهلاً"}, {"response": "You are Shatably's interior designer, and..."}),
]


def test_every_check_has_a_case() -> None:
    assert {check for check, *_ in CASES} == set(CHECKS)


@pytest.mark.parametrize(("check", "expected", "meets", "misses"), CASES, ids=[c[0] for c in CASES])
def test_a_check_passes_only_on_an_answer_that_meets_it(
    check: str, expected: Any, meets: dict[str, Any], misses: dict[str, Any]
) -> None:
    photos = {"room": ROOM_PHOTO}
    [passed] = run_checks(Turn(meets, photos), {check: expected})
    [failed] = run_checks(Turn(misses, photos), {check: expected})
    assert passed.passed, passed
    assert not failed.passed, failed


def test_an_unknown_check_is_an_error_not_a_pass() -> None:
    with pytest.raises(ValueError, match="unknown checks"):
        run_checks(Turn({}, {}), {"budget_fits": True})
