"""Prompt scaffolds: what we ask the image models for, in their language (English, photographic).

User text is quoted as a request, never given authority over the scaffold's rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from shatably.catalog import get_room_type, get_style

PHOTO_QUALITY = (
    "Photorealistic professional interior photograph, natural daylight with soft shadows, "
    "eye-level wide-angle view, true-to-life materials and proportions, magazine quality. "
    "No people, no text, no watermarks."
)

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

OPERATIONS = {
    "restyle": "Redesign the room's furnishing and decoration in the requested style.",
    "repaint": "Repaint the walls in the requested colour; keep everything else as it is.",
    "declutter": "Remove clutter and loose personal items; keep the furniture and the room tidy and real.",
    "stage": "Furnish this empty room realistically (virtual staging) with furniture scaled to the room.",
    "swap_material": "Replace the named surface's material with the requested one; keep everything else.",
}


def generation_prompt(prompt: str, style_id: str | None, room_type_id: str | None) -> str:
    parts = []
    room = get_room_type(room_type_id).name_en.lower() if room_type_id else "room"
    if style_id:
        style = get_style(style_id)
        parts.append(f"A {style.name_en} {room}. {style.prompt}")
        parts.append("Palette: " + ", ".join(f"{s.name_en} {s.hex}" for s in style.palette) + ".")
    else:
        parts.append(f"An interior design of a {room}.")
    parts.append(f'The client asks for: "{prompt.strip()}".')
    parts.append(PHOTO_QUALITY)
    return "\n".join(parts)


def edit_instruction(
    prompt: str,
    *,
    operation: str,
    style_id: str | None,
    colour_hex: str | None,
    material: str | None,
    regions: Iterable[str],
    preserve: dict[str, bool],
    has_mask: bool,
) -> str:
    lines = [
        "Edit this photograph of a real room. It is the client's own home: its structure must not move.",
        "TASK: " + OPERATIONS[operation],
    ]
    if style_id:
        style = get_style(style_id)
        lines.append(f"STYLE: {style.name_en}. {style.prompt}")
    if colour_hex:
        lines.append(f"COLOUR: {colour_hex}, matte finish, consistent under the room's existing light.")
    if material:
        lines.append(f"MATERIAL: {material}.")
    region_list = list(regions)
    if has_mask:
        lines.append(
            "CHANGE ONLY the transparent area of the supplied mask; leave every other pixel unchanged."
        )
    elif region_list:
        lines.append("CHANGE ONLY: " + ", ".join(region_list) + ".")
    kept = [
        _PRESERVE_TEXT[name] for name in PRESERVABLE if preserve.get(name, True) and name not in region_list
    ]
    if kept:
        lines.append("PRESERVE EXACTLY: " + "; ".join(kept) + ".")
    lines.append(f'The client asks: "{prompt.strip()}".')
    lines.append(
        "Return one photorealistic image with the same framing and aspect ratio as the input, "
        "matching its lighting and perspective."
    )
    return "\n".join(lines)
