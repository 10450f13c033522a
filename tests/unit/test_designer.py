"""What the designer knows and reads: Franco-Arabic, budgets, Egyptian flats, the turn context."""

from __future__ import annotations

import json

import pytest

from shatably.catalog.lang import detect_script, reply_lang
from shatably.chat.budget import parse_budget
from shatably.chat.designer import CONTEXT_END, PLAN_LINE, designer_instruction, turn_context
from shatably.chat.knowledge import (
    CLIMATE,
    FLAT_STATES,
    GRADES_INFO,
    MATERIAL_WORDS,
    PRODUCT_CATEGORIES,
    ROOM_NORMS,
    ROOM_WORDS,
    ac_hp,
    find_term,
)
from shatably.chat.plan import Plan, PlanRoom
from shatably.estimate.models import GRADES, STATES


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("ana 3ndy sala 4x5 w 3ayez ashtbha", "franco"),
        ("3ayez a2ra2 el 7eetan", "franco"),
        ("ana mesh fahem el dehan", "franco"),
        ("ezay ashateb el sha2a", "franco"),
        ("3ayza el matbakh modern", "franco"),
        ("عايز أشطب الصالة", "ar"),
        ("عايز living room مودرن", "ar"),
        ("I have a 4x5 room and a 150k budget", "en"),
        ("My flat is 120 m2 on the 3rd floor", "en"),
        ("We want the 2nd bedroom in 60x60 tiles and a 3m ceiling", "en"),
        ("make it japandi", "en"),
        ("4x5", "en"),
    ],
)
def test_franco_arabic_is_told_from_english_and_arabic(text: str, script: str) -> None:
    assert detect_script(text) == script


def test_franco_is_answered_in_arabic_script() -> None:
    assert reply_lang("franco") == "ar" and reply_lang("ar") == "ar" and reply_lang("en") == "en"


@pytest.mark.parametrize(
    ("text", "egp"),
    [
        ("ميزانيتي ١٥٠ ألف", 150_000),
        ("150k", 150_000),
        ("معايا مليون ونص", 1_500_000),
        ("نص مليون", 500_000),
        ("ربع مليون جنيه", 250_000),
        ("ميت ألف جنيه", 100_000),
        ("200,000 جنيه", 200_000),
        ("1.2 million EGP", 1_200_000),
        ("budget 80000", 80_000),
        ("الأوضة 4x5 والميزانية ٨٠ الف جنيه", 80_000),
        ("ana m3aya 150 alf", 150_000),
        ("3 m ceiling and a budget of 2m", 2_000_000),
    ],
)
def test_budgets_as_people_write_them(text: str, egp: int) -> None:
    assert parse_budget(text) == egp


@pytest.mark.parametrize(
    "text", ["الصالة 24 متر", "a 4 m wall", "porcelain 60x120", "2 windows", "hello", "500 جنيه للمتر"]
)
def test_sizes_and_small_prices_are_not_budgets(text: str) -> None:
    assert parse_budget(text) is None


def test_flat_states_and_grades_are_the_estimators() -> None:
    assert tuple(t.id for t in FLAT_STATES) == STATES
    assert tuple(t.id for t in GRADES_INFO) == GRADES


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("الشقة لسه على الطوب", "bare"),
        ("الشقة محارة", "plastered"),
        ("استلمتها نص تشطيب", "semi_finished"),
        ("the flat is plastered", "plastered"),
        ("عايز أجدد الشقة", "finished"),
    ],
)
def test_the_flats_state_is_read_in_local_words(text: str, state: str) -> None:
    found = find_term(FLAT_STATES, text)
    assert found is not None and found.id == state


def test_rooms_are_known_by_their_egyptian_names() -> None:
    words = {t.ar: t.id for t in ROOM_WORDS}
    assert words["صالة"] == "living_room" and words["ريسبشن"] == "reception"
    assert words["حمام ماستر"] == "bathroom" and words["أوضة نوم رئيسية"] == "bedroom"
    for needed in ("بلكونة", "روف", "مطبخ"):
        assert needed in words
    found = find_term(ROOM_WORDS, "عايز أشطب الصالة")
    assert found is not None and found.ar == "صالة"


def test_the_materials_people_buy_are_known() -> None:
    names = {t.ar for t in MATERIAL_WORDS}
    for material in (
        "محارة",
        "معجون",
        "سيلر",
        "جبس بورد",
        "بورسلين",
        "سيراميك",
        "رخام",
        "أكريليك",
        "ألوميتال",
    ):
        assert material in names
    assert "HPL" in names


def test_price_tiers_rise_and_no_brand_is_named() -> None:
    for category in PRODUCT_CATEGORIES:
        economy, mid, premium = category.tiers_egp
        assert economy[0] < economy[1] <= mid[1] <= premium[1]
    instruction = designer_instruction()
    # Brands appear only as the user's examples: none is written into what the designer knows.
    for brand in ("Jotun", "جوتن", "Sipes", "سايبس", "Cleopatra", "كليوباترا", "Ideal Standard", "Duravit"):
        assert brand.lower() not in instruction.lower()
    assert "never recommend or endorse a brand" in instruction


@pytest.mark.parametrize(
    ("area", "hot", "hp"),
    [
        (10, False, 1.5),
        (12, False, 1.5),
        (18, False, 2.25),
        (18, True, 3.0),
        (35, False, 4.0),
        (80, True, 5.0),
    ],
)
def test_ac_size_by_area_and_sun(area: float, hot: bool, hp: float) -> None:
    assert ac_hp(area, hot_side=hot) == hp


def test_room_norms_are_sane() -> None:
    for norm in ROOM_NORMS:
        assert 0 < norm.area_m2[0] < norm.area_m2[1] and norm.sockets[0] <= norm.sockets[1]


def test_the_instruction_knows_egyptian_finishing_and_asks_before_it_designs() -> None:
    text = designer_instruction()
    for term in ("محارة", "نص تشطيب", "لوكس", "سوبر لوكس", "بحري", "قبلي", "AC pre-piping", "صالة"):
        assert term in text, term
    for climate in CLIMATE:
        assert climate.ar in text
    assert "at most two questions" in text and "Never invent dimensions" in text
    assert "Franco-Arabic" in text and "amend" in text and "reference" in text
    assert designer_instruction() is designer_instruction()  # built once, a stable prefix


def test_the_turn_context_carries_the_plan_and_the_language() -> None:
    plan = Plan(
        style="modern",
        summary="x",
        budget_egp=150_000,
        rooms=[PlanRoom(name="صالة", type="living_room", length_m=5, width_m=4)],
        photos={"room": "a" * 32},
    )
    context = turn_context(plan, written="franco", override=None, photos=2, earlier_room_photo=True)

    assert "Franco-Arabic: answer in Egyptian Arabic in Arabic script" in context
    assert "This turn has 2 photo(s)" in context and "earlier photo of the room" in context
    lines = context.splitlines()
    sent = json.loads(lines[lines.index(PLAN_LINE) + 1])
    assert sent["rooms"][0]["name"] == "صالة" and sent["budget_egp"] == 150_000
    assert "photos" not in sent  # image ids are ours, not the model's
    assert context.endswith(CONTEXT_END)
    asked = turn_context(None, written="ar", override="franco", photos=0, earlier_room_photo=False)
    assert "asked for Franco-Arabic" in asked and "There is no plan yet." in asked
