"""Prompt scaffolds: what we ask the image models for, in their language (English, photographic).

One template per operation (``TEMPLATES``), each saying what the input is, the task, and which of
the room's elements must stay exactly as they are. The instruction is always built in this order::

    HEADER       what the input is (a photo of the client's own room, a sketch, a façade ...)
    TASK         the operation's one job
    STYLE        the style's *decor* only (materials, palette, furniture, lighting mood): its
                 architecture (arches, windows, beams, views, time of day) would contradict
                 PRESERVE, so an edit never sends it; generation sends both
    GRADE / ROOM / COLOUR / MATERIAL     what the operation needs, when given
    REFERENCE    for ``reference``: which image is the room and which is only the inspiration
    CHANGE ONLY  the mask, or the regions whose surfaces may change
    PRESERVE     every preserved element, always in full: regions change surfaces, never
                 structure, so naming a region never drops the rule that keeps it in place
    CLIENT       the user's words, quoted as a request (they never override the rules above)
    OUTPUT       one photorealistic image, same framing and aspect ratio

``tests/unit/test_studio_prompts.py`` checks each operation against a snapshot, with the client
writing in English and in Egyptian Arabic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shatably.catalog import get_grade, get_room_type, get_style
from shatably.catalog.models import RoomType
from shatably.studio.colors import ColorReport

PHOTO_QUALITY = (
    "Photorealistic professional interior photograph, natural daylight with soft shadows, "
    "eye-level wide-angle view, true-to-life materials and proportions, magazine quality. "
    "No people, no text, no watermarks."
)
EXTERIOR_QUALITY = (
    "Photorealistic professional architectural photograph, natural daylight with soft shadows, "
    "eye-level view, true-to-life materials and proportions, magazine quality. "
    "No people, no text, no watermarks."
)

DEFAULT_GRADE = "super_lux"  # the grade most Egyptian apartments are finished to (سوبر لوكس)
PRESERVABLE = ("walls", "windows", "doors", "floor", "ceiling", "layout", "camera")
_PRESERVE_TEXT = {
    "walls": "the position, shape and openings of every wall",
    "windows": "every window: position, size and shape",
    "doors": "every door and doorway: position, size and shape",
    "floor": "the floor's extent and level",
    "ceiling": "the ceiling height, beams and shape",
    "layout": "the room's layout and the placement of built-in elements",
    "camera": "the camera position, angle, lens, perspective and framing",
}
# Outdoors there is no ceiling and "floor" is the ground: the same rules in the words that fit.
_PRESERVE_TEXT_EXTERIOR = _PRESERVE_TEXT | {
    "walls": "the position, shape and openings of every wall and the building's massing",
    "floor": "the ground levels, steps and the extent of every paved or planted area",
    "ceiling": "the roofline, parapets and every level of the building",
    "layout": "the layout of the space and the placement of built elements",
}
# A sketch or 3D screenshot has no photo to match: its drawn geometry is what must not move.
_RENDER_PRESERVE = (
    "the geometry, proportions and position of every wall, opening, built-in element and piece of "
    "furniture drawn in the input; the camera position, perspective and framing"
)


@dataclass(frozen=True)
class Template:
    """One operation: what its input is, its task, which elements it keeps, what it may use."""

    header: str
    task: str
    keeps: tuple[str, ...]  # the preservable elements this operation never changes by default
    uses_style: bool = True  # whether the style's decor is sent
    extra_keep: str = ""  # a further rule of its own (e.g. "the finishes stay")


# {place} and {home} are filled for the space: "room"/"home" indoors, "building or outdoor
# space"/"property" for façades, gardens, balconies and roofs.
_PHOTO = "Edit this photograph of a real {place}. It is the client's own {home}: its structure must not move."
_PLACES = {"interior": ("room", "home"), "exterior": ("building or outdoor space", "property")}

TEMPLATES: dict[str, Template] = {
    "restyle": Template(
        _PHOTO, "Redesign the furnishing and decoration in the requested style.", PRESERVABLE
    ),
    "repaint": Template(
        _PHOTO,
        "Repaint the walls in the requested colour; keep everything else as it is.",
        PRESERVABLE,
        uses_style=False,
        extra_keep="every piece of furniture, decor item and surface that is not being painted",
    ),
    "declutter": Template(
        _PHOTO,
        "Remove clutter and loose personal items; keep the furniture and the room tidy and real.",
        PRESERVABLE,
        uses_style=False,
        extra_keep="the furniture, the finishes and the light",
    ),
    "stage": Template(
        _PHOTO,
        "Furnish this empty room realistically (virtual staging) with furniture scaled to the room.",
        PRESERVABLE,
        extra_keep="the existing finishes of walls, floor and ceiling",
    ),
    "swap_material": Template(
        _PHOTO,
        "Replace the named surface's material with the requested one; keep everything else.",
        PRESERVABLE,
        uses_style=False,
    ),
    "finish": Template(
        "Edit this photograph of a real, unfinished {place} (bare brick, concrete or rough plaster). "
        "It is the client's own {home}: its structure must not move.",
        "Show it fully finished: plastered and painted or clad walls, finished floors and ceilings, "
        "light fittings and joinery, as it would look on handover, then lightly furnished.",
        ("walls", "windows", "doors", "floor", "layout", "camera"),
    ),
    "empty": Template(
        _PHOTO,
        "Remove every piece of furniture, rug, curtain, decor item, loose object and free-standing "
        "lamp, so the room stands empty.",
        PRESERVABLE,
        uses_style=False,
        extra_keep="the wall, floor and ceiling finishes exactly as they are, with their colours",
    ),
    "reference": Template(
        "Edit the first image, a photograph of a real {place}. It is the client's own {home}: its "
        "structure must not move.",
        "Restyle the room in the first image after the second image, the reference: take the "
        "reference's materials, colours, furniture style and mood; take nothing of its structure, "
        "layout, windows or view.",
        PRESERVABLE,
        uses_style=False,
    ),
    "render": Template(
        "The input is a sketch, a floor-plan perspective or a screenshot of a 3D model of a room.",
        "Render it as a photorealistic photograph of the finished, furnished space, with real "
        "materials, light and shadows.",
        (),
        extra_keep=_RENDER_PRESERVE,
    ),
}


def generation_prompt(prompt: str, style_id: str | None, room_type_id: str | None) -> str:
    parts = []
    room = get_room_type(room_type_id) if room_type_id else None
    room_name = room.name_en.lower() if room else "room"
    if style_id:
        style = get_style(style_id)
        parts.append(f"A {style.name_en} {room_name}. {style.prompt}.")
        parts.append("Palette: " + ", ".join(f"{s.name_en} {s.hex}" for s in style.palette) + ".")
    elif room and room.space == "exterior":
        parts.append(f"An exterior design of a {room_name}.")
    else:
        parts.append(f"An interior design of a {room_name}.")
    parts.append(f'The client asks for: "{prompt.strip()}".')
    parts.append(EXTERIOR_QUALITY if room and room.space == "exterior" else PHOTO_QUALITY)
    return "\n".join(parts)


def colour_line(colour: ColorReport) -> str:
    """The colour as the model should read it: a hex we resolved, or the client's words verbatim."""
    if colour.resolved_hex:
        named = "" if colour.input.upper() == colour.resolved_hex else f' ("{colour.input}")'
        return (
            f"COLOUR: {colour.resolved_hex}{named}, {colour.sheen} finish, consistent under the room's light."
        )
    return (
        f'COLOUR: "{colour.input}" (the client\'s own words for the colour: choose the paint colour '
        f"they name), {colour.sheen} finish, consistent under the room's light."
    )


def preserved(operation: str, preserve: dict[str, bool], room: RoomType | None) -> list[str]:
    """What the instruction keeps: the operation's elements the caller did not free, in full."""
    template = TEMPLATES[operation]
    texts = _PRESERVE_TEXT_EXTERIOR if room and room.space == "exterior" else _PRESERVE_TEXT
    kept = [texts[name] for name in template.keeps if preserve.get(name, True)]
    if template.extra_keep:
        kept.append(template.extra_keep)
    return kept


def edit_instruction(
    prompt: str,
    *,
    operation: str,
    style_id: str | None,
    colour: ColorReport | None,
    material: str | None,
    regions: Iterable[str],
    preserve: dict[str, bool],
    has_mask: bool,
    room_type_id: str | None = None,
    grade_id: str | None = None,
) -> str:
    template = TEMPLATES[operation]
    room = get_room_type(room_type_id) if room_type_id else None
    place, home = _PLACES[room.space if room else "interior"]
    lines = [template.header.format(place=place, home=home), "TASK: " + template.task]
    if style_id and template.uses_style:
        style = get_style(style_id)
        lines.append(f"STYLE: {style.name_en}: {style.decor}.")
    if operation == "finish":
        grade = get_grade(grade_id or DEFAULT_GRADE)
        lines.append(f"GRADE: {grade.finishes}.")
    if room:
        lines.append(f"SPACE: {room.name_en.lower()}.")
    if colour:
        lines.append(colour_line(colour))
    if material:
        lines.append(f"MATERIAL: {material}.")
    if operation == "reference":
        lines.append(
            "IMAGES: the first image is the client's room, the one to edit; the second image is the "
            "reference, for its style only."
        )
    region_list = list(regions)
    if has_mask:
        lines.append("CHANGE ONLY the marked area of the supplied mask; leave every other pixel unchanged.")
    elif region_list:
        lines.append("CHANGE ONLY the surfaces and contents of: " + ", ".join(region_list) + ".")
    kept = preserved(operation, preserve, room)
    if kept:
        lines.append("PRESERVE EXACTLY: " + "; ".join(kept) + ".")
    lines.append(f'The client asks: "{prompt.strip()}".')
    lines.append(
        "Return one photorealistic image with the same framing and aspect ratio as the input, "
        "matching its lighting and perspective."
        if operation != "render"
        else "Return one photorealistic image with the same framing and aspect ratio as the input."
    )
    return "\n".join(lines)
