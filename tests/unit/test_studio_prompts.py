"""The edit prompt templates: one per operation, checked against snapshots in English and Arabic.

A snapshot changes only when a template does; review the diff, then regenerate with
``UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/unit/test_studio_prompts.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from shatably.catalog import STYLES, get_style
from shatably.studio.colors import resolve_color
from shatably.studio.models import OPERATIONS, Preserve
from shatably.studio.prompts import TEMPLATES, edit_instruction, generation_prompt
from tests.unit.test_catalog import STRUCTURAL

SNAPSHOTS = Path(__file__).with_name("snapshots") / "prompts"
CLIENT = {
    "en": "Make it feel warm and welcoming for my family, please.",
    "ar": "عايزها تبقى دافية ومريحة للعيلة لو سمحت",
}
# What each operation is given in its snapshot: the fields a real request for it would carry.
CASES: dict[str, dict[str, Any]] = {
    "restyle": {"style_id": "modern_arabic"},
    "repaint": {"colour": "بيج فاتح", "sheen": "satin", "regions": ["walls"]},
    "declutter": {},
    "stage": {"style_id": "japandi", "room_type_id": "bedroom"},
    "swap_material": {"material": "oak herringbone parquet", "regions": ["floor"]},
    "finish": {"style_id": "egyptian_contemporary", "room_type_id": "living_room", "grade_id": "super_lux"},
    "empty": {},
    "reference": {},
    "render": {"style_id": "scandinavian", "room_type_id": "kitchen"},
    "restyle_facade": {"operation": "restyle", "style_id": "mediterranean", "room_type_id": "facade"},
}
PRESERVE_LINE = re.compile(r"^PRESERVE EXACTLY: (.*)\.$", re.MULTILINE)
STYLE_LINE = re.compile(r"^STYLE: .*$", re.MULTILINE)


def build(case: str, prompt: str, **changes: Any) -> str:
    fields = {**CASES[case], **changes}
    operation = fields.pop("operation", case)
    colour = fields.pop("colour", None)
    sheen = fields.pop("sheen", None)
    return edit_instruction(
        prompt,
        operation=operation,
        style_id=fields.pop("style_id", None),
        colour=resolve_color(colour, sheen) if colour else None,
        material=fields.pop("material", None),
        regions=fields.pop("regions", []),
        preserve=fields.pop("preserve", Preserve().model_dump()),
        has_mask=fields.pop("has_mask", False),
        **fields,
    )


def test_every_operation_has_one_template_and_a_snapshot_case() -> None:
    assert set(TEMPLATES) == set(OPERATIONS)
    assert set(OPERATIONS) <= {CASES[c].get("operation", c) for c in CASES}


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("case", list(CASES))
def test_the_instruction_matches_its_snapshot(case: str, lang: str) -> None:
    text = build(case, CLIENT[lang])
    path = SNAPSHOTS / f"{case}.{lang}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(text + "\n", encoding="utf-8")
    assert text + "\n" == path.read_text(encoding="utf-8"), f"{path.name} changed; see the module docstring"
    assert f'The client asks: "{CLIENT[lang]}".' in text  # the user's words, verbatim and quoted


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.id)
@pytest.mark.parametrize("operation", ["restyle", "stage", "finish", "render"])
def test_no_edit_sends_structure_from_the_style(operation: str, style: Any) -> None:
    text = edit_instruction(
        "as in the style",
        operation=operation,
        style_id=style.id,
        colour=None,
        material=None,
        regions=[],
        preserve=Preserve().model_dump(),
        has_mask=False,
    )
    [style_line] = STYLE_LINE.findall(text)
    assert style.architecture not in text
    assert STRUCTURAL.search(style_line) is None, (style_line, STRUCTURAL.search(style_line))


def test_generation_still_gets_the_whole_look() -> None:
    nubian = get_style("nubian")
    text = generation_prompt("a calm salon", "nubian", "living_room")
    assert nubian.decor in text and "domed white plaster ceiling" in text


@pytest.mark.parametrize(
    ("operation", "kept"),
    [
        ("restyle", ["every wall", "every window", "every door", "ceiling height", "camera position"]),
        ("repaint", ["every wall", "every window", "not being painted"]),
        ("empty", ["every wall", "wall, floor and ceiling finishes exactly as they are"]),
        ("finish", ["every wall", "every window", "every door", "camera position"]),
        ("render", ["geometry, proportions and position of every wall, opening"]),
        ("reference", ["every wall", "every window", "camera position"]),
    ],
)
def test_each_operation_names_what_it_preserves(operation: str, kept: list[str]) -> None:
    fields: dict[str, Any] = {"operation": operation}
    text = build("declutter", "go", **fields)
    [preserved] = PRESERVE_LINE.findall(text)
    for phrase in kept:
        assert phrase in preserved, phrase


def test_finish_lets_the_ceiling_be_finished_but_keeps_the_walls_and_openings() -> None:
    text = build("finish", "go")
    assert "gypsum board ceiling with hidden LED lighting" in text  # super lux
    assert "ceiling height" not in PRESERVE_LINE.findall(text)[0]
    assert "economy finishing" in build("finish", "go", grade_id="economy")


@pytest.mark.parametrize("regions", [["walls"], ["walls", "floor", "ceiling"], ["windows", "doors"]])
def test_regions_never_drop_the_preservation_of_structure(regions: list[str]) -> None:
    text = build("swap_material", "go", regions=regions)
    [preserved] = PRESERVE_LINE.findall(text)
    for phrase in (
        "position, shape and openings of every wall",
        "every window",
        "every door",
        "ceiling height",
    ):
        assert phrase in preserved
    assert "CHANGE ONLY the surfaces and contents of: " + ", ".join(regions) in text


def test_only_an_explicit_preserve_false_frees_an_element() -> None:
    freed = Preserve(walls=False).model_dump()
    [preserved] = PRESERVE_LINE.findall(build("restyle", "knock through", preserve=freed))
    assert "every wall" not in preserved and "every window" in preserved


def test_a_masked_edit_says_to_change_only_the_marked_area() -> None:
    assert "CHANGE ONLY the marked area of the supplied mask" in build("repaint", "go", has_mask=True)


def test_exteriors_preserve_the_building_in_its_own_words() -> None:
    text = build("restyle_facade", "go")
    assert text.startswith("Edit this photograph of a real building or outdoor space.")
    assert "roofline" in text and "ceiling height" not in text


def test_colours_resolve_to_hex_or_pass_through_verbatim_with_their_sheen() -> None:
    assert 'COLOUR: #E6DBC6 ("بيج فاتح"), satin finish' in build("repaint", "go")
    unknown = build("repaint", "go", colour="رصاصي مزهر", sheen=None)
    assert 'COLOUR: "رصاصي مزهر" (the client\'s own words' in unknown and "matte finish" in unknown


def test_a_reference_edit_says_which_image_is_which() -> None:
    text = build("reference", "go")
    assert "the first image is the client's room" in text and "the second image is the reference" in text
    assert "take nothing of its structure, layout, windows or view" in text
