"""The style catalogue: complete in both languages, strict by id, tolerant by name, cheap to import."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from shatably.catalog import (
    ROOM_TYPES,
    STYLES,
    SURFACES,
    catalogue_document,
    check_style_suits,
    detect_lang,
    find_room_type,
    find_style,
    get_grade,
    get_room_type,
    get_style,
)
from shatably.catalog.data import PREVIEW_DIR, PREVIEW_SIZE, preview_bytes, read
from shatably.catalog.lang import fold
from shatably.errors import ProblemError

ARABIC = re.compile(r"[\u0600-\u06FF]")
HEX = re.compile(r"^#[0-9A-F]{6}$")
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
REQUIRED_STYLES = {
    "modern_arabic",
    "islamic_geometric",
    "egyptian_contemporary",
    "japandi",
    "scandinavian",
    "industrial",
    "mid_century_modern",
    "bohemian",
    "coastal",
    "neoclassical",
    "minimalist",
    "art_deco",
}
REQUIRED_ROOMS = {
    "living_room",
    "bedroom",
    "kids_room",
    "kitchen",
    "bathroom",
    "dining_room",
    "reception",
    "home_office",
    "entrance",
    "balcony",
}
ROOT = Path(__file__).resolve().parents[2]


def arabic_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(bool(ARABIC.match(ch)) for ch in letters) / len(letters)


def test_the_catalogue_has_the_required_styles_and_then_some() -> None:
    ids = [s.id for s in STYLES]
    assert len(ids) >= 24
    assert len(set(ids)) == len(ids)
    assert set(ids) >= REQUIRED_STYLES
    assert all(SLUG.match(i) for i in ids)


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.id)
def test_every_style_is_complete_in_both_languages(style) -> None:
    assert style.name_en and not ARABIC.search(style.name_en)
    assert arabic_share(style.name_ar) == 1.0
    assert arabic_share(style.description.ar) > 0.9
    assert style.description.en and not ARABIC.search(style.description.en)
    assert 5 <= len(style.palette) <= 6
    for swatch in style.palette:
        assert HEX.match(swatch.hex), swatch
        assert ARABIC.search(swatch.name_ar) and swatch.name_en
    # The renderer and the plan builder look each of these roles up.
    assert {"wall", "floor", "textile", "accent"} <= {s.role for s in style.palette}
    assert tuple(style.materials) == SURFACES
    for text in style.materials.values():
        assert text.en and arabic_share(text.ar) > 0.7
    assert len(style.furniture) >= 3
    assert all(arabic_share(t.ar) > 0.7 for t in style.furniture)
    assert style.decor and style.architecture
    assert not ARABIC.search(style.decor + style.architecture)
    assert style.name_en.lower().split()[0] in style.decor.lower()
    assert 0.5 <= style.price_factor <= 2.0


def test_the_catalogue_speaks_egyptian_finishing() -> None:
    arabic_materials = " ".join(t.ar for s in STYLES for t in s.materials.values())
    for term in ("دهان بلاستيك", "جبس بورد", "بورسلين", "باركيه", "رخام", "زان", "أرو"):
        assert term in arabic_materials, term


def test_room_types_cover_an_egyptian_home() -> None:
    ids = {r.id for r in ROOM_TYPES}
    assert ids >= REQUIRED_ROOMS
    assert len(ids) == len(ROOM_TYPES)
    for room in ROOM_TYPES:
        assert arabic_share(room.name_ar) == 1.0 and room.name_en
        assert room.essentials
        for piece in room.essentials:
            assert 0 < piece.price_egp[0] <= piece.price_egp[1]
            assert piece.qty >= 1 and ARABIC.search(piece.name.ar)


def test_get_style_is_strict_but_forgives_case_and_separators() -> None:
    assert get_style("japandi").id == "japandi"
    assert get_style("Mid-Century-Modern").id == "mid_century_modern"
    with pytest.raises(ProblemError) as raised:
        get_style("cyberpunk")
    assert raised.value.code == "unknown_style"
    assert raised.value.status == 422
    assert "japandi" in raised.value.extra["valid_styles"]
    assert len(raised.value.detail) < 120  # short: the list travels in its own member


def test_get_room_type_unknown() -> None:
    assert get_room_type("kids_room").name_ar == "أوضة أطفال"
    with pytest.raises(ProblemError) as raised:
        get_room_type("garage")
    assert raised.value.code == "unknown_room_type"
    assert "bedroom" in raised.value.extra["valid_room_types"]


@pytest.mark.parametrize(
    ("text", "style_id"),
    [
        ("جاباندي", "japandi"),
        ("إسكندنافي", "scandinavian"),
        ("الاسكندنافى", "scandinavian"),  # article, bare alef, alef maqsura
        ("مُودِرْن", "modern"),  # with harakat
        ("نيو كلاسيك", "neoclassical"),
        ("كلاسيك", "classic"),
        ("مودرن كلاسيك", "modern_classic"),
        ("عربي مودرن", "modern_arabic"),
        ("المغربي", "moroccan"),
        ("هوليوود ريجنسي", "hollywood_regency"),
        ("MID-CENTURY MODERN", "mid_century_modern"),
        ("Wabi-Sabi", "wabi_sabi"),
        ("art_deco", "art_deco"),
        ("Boho", "bohemian"),
    ],
)
def test_find_style_by_english_or_arabic_name(text: str, style_id: str) -> None:
    found = find_style(text)
    assert found is not None and found.id == style_id


@pytest.mark.parametrize(
    ("text", "style_id"),
    [
        ("عايز الريسبشن يبقى نيو كلاسيك", "neoclassical"),  # not "classic"
        ("a modern arabic majlis please", "modern_arabic"),  # not "modern"
        ("I like japandi but also industrial", "japandi"),  # the first one mentioned
        ("ستايل مصري معاصر للصالة", "egyptian_contemporary"),  # not "contemporary"
        ("وجاباندي كمان؟", "japandi"),  # "and japandi too": the conjunction is written joined
    ],
)
def test_find_style_in_a_sentence_prefers_the_specific_and_the_first(text: str, style_id: str) -> None:
    found = find_style(text)
    assert found is not None and found.id == style_id


@pytest.mark.parametrize(
    "text", ["", "hello", "كلمني بالعربي لو سمحت", "what does it cost in Egyptian pounds?"]
)
def test_find_style_returns_none_when_no_style_is_named(text: str) -> None:
    assert find_style(text) is None


@pytest.mark.parametrize(
    ("text", "room_id"),
    [
        ("أوضة النوم", "bedroom"),
        ("اوضه نوم", "bedroom"),
        ("الريسبشن", "reception"),
        ("الصالون", "reception"),
        ("البلكونة", "balcony"),
        ("kids room", "kids_room"),
        ("Home office", "home_office"),
        ("المطبخ بتاعي صغير", "kitchen"),
        ("وللحمام كمان", "bathroom"),
    ],
)
def test_find_room_type(text: str, room_id: str) -> None:
    found = find_room_type(text)
    assert found is not None and found.id == room_id


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("عايز أوضة نوم هادية", "ar"),
        ("I want a calm bedroom", "en"),
        ("عايز living room مودرن", "ar"),  # Egyptian mixing: mostly Arabic words
        ("I want a مودرن living room", "en"),
        ("عايز دهان Jotun Fenomastic لون رمادي", "ar"),
    ],
)
def test_detect_lang(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_detect_lang_without_letters_uses_the_default() -> None:
    assert detect_lang("4x5 ؟") == "en"
    assert detect_lang("٤ × ٥", default="ar") == "ar"


def test_styles_document_lists_both_languages() -> None:
    doc = catalogue_document(None)
    assert doc["lang"] is None
    assert len(doc["styles"]) == len(STYLES) and len(doc["room_types"]) == len(ROOM_TYPES)
    style = next(s for s in doc["styles"] if s["id"] == "japandi")
    assert style["name_en"] == "Japandi" and style["name_ar"] == "جاباندي"
    assert "name" not in style
    assert set(style["materials"]) == set(SURFACES)
    assert set(style["materials"]["floor"]) == {"en", "ar"}
    assert set(style["palette"][0]) == {"name_en", "name_ar", "hex", "role"}
    assert style["furniture_en"] and style["furniture_ar"]
    assert "prompt" not in style  # prompt engineering is ours, not the API's
    assert style["preview_url"] == "/styles/japandi/preview" and style["spaces"] == ["interior"]
    room = next(r for r in doc["room_types"] if r["id"] == "reception")
    assert room == {
        "id": "reception",
        "name_en": "Reception",
        "name_ar": "ريسبشن",
        "space": "interior",
        "estimable": True,
    }
    facade = next(r for r in doc["room_types"] if r["id"] == "facade")
    assert (facade["space"], facade["estimable"]) == ("exterior", False)  # styled, not priced
    assert {g["id"] for g in doc["grades"]} == {"economy", "lux", "super_lux", "ultra_super_lux"}
    assert json.loads(json.dumps(doc, ensure_ascii=False)) == doc


def test_styles_document_in_a_language_adds_ready_to_show_names() -> None:
    doc = catalogue_document("ar-EG")
    assert doc["lang"] == "ar"
    japandi = next(s for s in doc["styles"] if s["id"] == "japandi")
    assert japandi["name"] == "جاباندي" and japandi["name_en"] == "Japandi"
    assert japandi["description"] == japandi["description_ar"]
    assert doc["room_types"][0]["name"] == doc["room_types"][0]["name_ar"]
    assert catalogue_document("EN")["styles"][0]["name"] == STYLES[0].name_en
    assert catalogue_document("fr")["lang"] is None


def test_styles_document_is_fresh_each_call() -> None:
    first = catalogue_document("en")
    first["styles"].clear()
    assert catalogue_document("en")["styles"]


def _fresh_python(code: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a new interpreter, so what it imports is not already loaded by the tests."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": f"{ROOT}:{ROOT / 'layers/common'}"},
    )


def test_importing_the_catalogue_or_the_studio_parses_no_data_file() -> None:
    # The job-status and image routes import both; only a route that looks at a style pays for it.
    code = (
        "import shatably.catalog, shatably.studio.service, shatably.catalog.styles as s, "
        "shatably.catalog.rooms as r\n"
        "print(s.styles.cache_info().currsize, r.room_types.cache_info().currsize)"
    )
    out = _fresh_python(code)
    assert out.stdout.split() == ["0", "0"]


def test_importing_the_catalogue_loads_neither_pydantic_nor_pillow() -> None:
    code = "import sys, shatably.catalog; print(sorted(m for m in ('PIL', 'pydantic') if m in sys.modules))"
    out = _fresh_python(code)
    assert out.stdout.strip() == "[]"


# --- the data files -----------------------------------------------------------------------------

# Words that name a room's structure, its openings, its view or its light: an edit keeps all of
# these, so a style's decor (the only style text an edit sends) must name none of them.
STRUCTURAL = re.compile(
    r"\b(?:walls?|windows?|doors?|doorways?|arch(?:es|ed)?|ceilings?|beams?|domes?|domed|columns?|"
    r"niches?|stairs?|staircases?|skylights?|views?|floors?|layout|coves?|mouldings?|cornices?|"
    r"built-in|daylight|sunlight|golden hour|afternoon|sun-washed|house|salon)\b",
    re.IGNORECASE,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Text(_Strict):
    en: str = Field(min_length=1)
    ar: str = Field(min_length=1)


class _Swatch(_Strict):
    en: str
    ar: str
    hex: str = Field(pattern=r"^#[0-9A-F]{6}$")
    role: Literal["wall", "accent", "wood", "textile", "metal", "floor"]


class _StyleFile(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: _Text
    description: _Text
    spaces: list[Literal["interior", "exterior"]] = Field(min_length=1)
    decor: str
    architecture: str
    palette: list[_Swatch]
    materials: dict[Literal["walls", "floor", "ceiling", "joinery"], _Text]
    furniture: list[_Text]
    aliases: list[str]
    price_factor: float


class _Essential(_Strict):
    name: _Text
    qty: int = Field(ge=1)
    dims_cm: list[int] | None = Field(min_length=3, max_length=3)
    price_egp: list[int] = Field(min_length=2, max_length=2)


class _RoomFile(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: _Text
    space: Literal["interior", "exterior"]
    estimable: bool
    essentials: list[_Essential] = Field(min_length=1)
    tip: _Text
    aliases: list[str]


class _Words(_Strict):
    en: list[str] = Field(min_length=1)
    ar: list[str] = Field(min_length=1)


class _Colour(_Strict):
    hex: str = Field(pattern=r"^#[0-9A-F]{6}$")
    en: list[str] = Field(min_length=1)
    ar: list[str] = Field(min_length=1)


class _ColoursFile(_Strict):
    about: str = Field(alias="_about")
    colours: list[_Colour]
    modifiers: dict[Literal["light", "dark"], _Words]
    sheens: dict[Literal["matte", "satin", "gloss"], _Words]
    fillers: _Words


class _Grade(_Strict):
    id: str
    name: _Text
    finishes: str


@pytest.mark.parametrize(
    ("name", "model", "key"),
    [
        ("styles.json", _StyleFile, "styles"),
        ("rooms.json", _RoomFile, "room_types"),
        ("grades.json", _Grade, "grades"),
    ],
)
def test_every_data_file_has_exactly_the_shape_the_loader_reads(
    name: str, model: type[BaseModel], key: str
) -> None:
    records = read(name)[key]
    assert records
    for record in records:
        model.model_validate(record)


def test_the_colour_file_has_its_shape_and_no_name_means_two_colours() -> None:
    data = read("colours.json")
    _ColoursFile.model_validate(data)
    seen: dict[str, str] = {}
    for colour in data["colours"]:
        for name in (*colour["en"], *colour["ar"]):
            assert seen.setdefault(fold(name), colour["hex"]) == colour["hex"], name


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.id)
def test_a_styles_decor_names_no_structure_its_architecture_holds_it(style) -> None:
    assert STRUCTURAL.search(style.decor) is None, STRUCTURAL.search(style.decor)
    assert style.prompt.startswith(style.decor) and style.architecture in style.prompt


def test_the_structure_the_issue_found_in_edits_is_now_architecture_only() -> None:
    # Each of these was sent with structure-preserving edits before the split (issue 17).
    for style_id, phrase in [
        ("industrial", "large factory window"),
        ("modern_arabic", "pointed arches"),
        ("nubian", "domed white plaster ceiling"),
        ("farmhouse", "sliding barn door"),
        ("coastal", "sea view through large window"),
        ("bohemian", "golden hour"),
    ]:
        style = get_style(style_id)
        assert phrase in style.architecture and phrase not in style.decor


def test_exteriors_are_room_types_with_styles_that_suit_them() -> None:
    exteriors = {r.id for r in ROOM_TYPES if r.space == "exterior"}
    assert exteriors == {"facade", "garden", "balcony", "roof"}
    suitable = [s.id for s in STYLES if s.suits("exterior")]
    assert len(suitable) >= 8 and "mediterranean" in suitable and "japandi" not in suitable
    facade, garden = find_room_type("واجهة العمارة"), find_room_type("جنينة الفيلا")
    assert facade is not None and facade.id == "facade"
    assert garden is not None and garden.id == "garden"


def test_an_interior_style_on_a_facade_is_refused_with_the_styles_that_suit() -> None:
    with pytest.raises(ProblemError) as raised:
        check_style_suits(get_style("japandi"), get_room_type("facade"))
    assert raised.value.code == "style_unsuited" and raised.value.status == 422
    assert "mediterranean" in raised.value.extra["suitable_styles"]
    check_style_suits(get_style("mediterranean"), get_room_type("facade"))  # no error


def test_grades_are_strict_by_id() -> None:
    assert get_grade("super_lux").name_ar == "سوبر لوكس"
    with pytest.raises(ProblemError) as raised:
        get_grade("deluxe")
    assert raised.value.code == "validation_failed"
    assert raised.value.extra["valid_grades"] == ["economy", "lux", "super_lux", "ultra_super_lux"]


PREVIEW_MAX_BYTES = 8 * 1024  # each; the layer carries all of them
PREVIEWS_MAX_TOTAL = 200 * 1024


def test_every_style_has_a_small_preview_picture_of_its_palette() -> None:
    from PIL import Image

    total = 0
    for style in STYLES:
        data = preview_bytes(style.id)
        assert data is not None and len(data) <= PREVIEW_MAX_BYTES, style.id
        total += len(data)
        with Image.open(io.BytesIO(data)) as im:
            assert im.format == "WEBP" and im.size == PREVIEW_SIZE
            # The chips strip shows the palette: its wall colour is drawn near the bottom-left.
            chip = im.convert("RGB").getpixel((12, int(PREVIEW_SIZE[1] * 0.83)))
        assert isinstance(chip, tuple)
        wall = tuple(int(style.palette[0].hex[i : i + 2], 16) for i in (1, 3, 5))
        assert max(abs(a - b) for a, b in zip(chip, wall, strict=True)) <= 24, (style.id, chip, wall)
    assert total <= PREVIEWS_MAX_TOTAL
    assert sorted(p.stem for p in PREVIEW_DIR.glob("*.webp")) == sorted(s.id for s in STYLES)
    assert preview_bytes("../styles") is None and preview_bytes("cyberpunk") is None
