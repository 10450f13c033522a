"""Pictures for the offline provider: a mood board for generate, a palette recolour for edit.

Pure Pillow, flat shapes and lookup tables, so a 1024×1024 PNG takes tens of milliseconds. Only
the offline provider imports this module, and only when it is asked for an image.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from shatably.errors import ProblemError

RGB = tuple[int, int, int]
LABEL = "OFFLINE PREVIEW"
SKY: RGB = (186, 214, 234)
LEAF: RGB = (58, 112, 66)
# How far the edit moves each pixel toward its palette colour: enough to read as a restyle, while
# the photo's own texture and light stay visible.
EDIT_STRENGTH = 0.65
_MIN_TEXT_SIDE = 96  # below this the labels would cover the picture


@dataclass(frozen=True)
class BoardSwatch:
    label: str  # English: the default bitmap font has no Arabic glyphs
    hex: str
    role: str


def rgb(hex_: str) -> RGB:
    """ "#RRGGBB" or "#RGB" (with or without "#") as a tuple; ValueError for anything else."""
    value = hex_.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    if len(value) != 6:
        raise ValueError(f"not a hex colour: {hex_!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luma(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _shade(c: RGB, factor: float) -> RGB:
    return _mix((0, 0, 0), c, factor)


def _tint(c: RGB, t: float) -> RGB:
    return _mix(c, (255, 255, 255), t)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _label(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int, *, right: bool) -> None:
    """White text on a dark plate, anchored at its top-left (or top-right) corner."""
    font = _font(size)
    x0, _, x1, y1 = draw.textbbox((0, 0), text, font=font)
    pad = max(2, size // 4)
    w, h = x1 - x0 + 2 * pad, y1 + 2 * pad
    left = xy[0] - w if right else xy[0]
    draw.rectangle((left, xy[1], left + w, xy[1] + h), fill=(24, 24, 24))
    draw.text((left + pad - x0, xy[1] + pad), text, font=font, fill=(255, 255, 255))


def _fit(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: float
) -> str:
    while text and draw.textlength(text, font=font) > width:
        text = text[:-1]
    return text


# --- generate: the mood board ---------------------------------------------------------------------


@dataclass(frozen=True)
class Scene:
    wall: RGB
    floor: RGB
    textile: RGB
    accent: RGB
    wood: RGB
    metal: RGB
    bed: bool  # a bed instead of a sofa (bedrooms)
    variant: int  # moves the window and the furniture so variations differ


def _room(draw: ImageDraw.ImageDraw, w: int, h: int, s: Scene) -> None:
    """A one-point-perspective room: ceiling, side walls, back wall, floor, window, furniture."""
    bx0, bx1 = w * 0.2, w * 0.8
    by0, by1 = h * 0.14, h * 0.64
    bw, bh = bx1 - bx0, by1 - by0
    line = max(1, w // 300)
    draw.rectangle((0, 0, w, h), fill=s.wall)
    draw.polygon([(0, 0), (w, 0), (bx1, by0), (bx0, by0)], fill=_tint(s.wall, 0.45))
    draw.polygon([(0, 0), (bx0, by0), (bx0, by1), (0, h)], fill=_shade(s.wall, 0.86))
    draw.polygon([(w, 0), (bx1, by0), (bx1, by1), (w, h)], fill=_shade(s.wall, 0.93))
    draw.polygon([(0, h), (w, h), (bx1, by1), (bx0, by1)], fill=s.floor)
    for k in range(1, 10):  # floor joints converge on the vanishing point
        draw.line([(bx0 + bw * k / 10, by1), (w * k / 10, h)], fill=_shade(s.floor, 0.88), width=line)

    centre = bx0 + bw * (0.3, 0.5, 0.7)[s.variant % 3]
    ww, wh, wy = bw * 0.26, bh * 0.5, by0 + bh * 0.12
    draw.rectangle((centre - ww / 2, wy, centre + ww / 2, wy + wh), fill=SKY, outline=s.metal, width=3 * line)
    draw.line([(centre, wy), (centre, wy + wh)], fill=s.metal, width=2 * line)
    draw.line([(centre - ww / 2, wy + wh / 2), (centre + ww / 2, wy + wh / 2)], fill=s.metal, width=2 * line)
    for side in (-1, 1):  # curtains
        x = centre + side * (ww / 2 + ww * 0.08)
        draw.rectangle((x - ww * 0.09, wy - bh * 0.05, x + ww * 0.09, wy + wh * 1.2), fill=s.textile)

    draw.line([(w / 2, h * 0.0), (w / 2, by0 + bh * 0.02)], fill=s.metal, width=line)  # pendant
    draw.ellipse((w / 2 - bw * 0.06, by0 - bh * 0.02, w / 2 + bw * 0.06, by0 + bh * 0.1), fill=s.metal)

    floor_y = by1 + (h - by1) * 0.42  # where the furniture stands
    shift = bw * (-0.08, 0.0, 0.08)[(s.variant // 3) % 3]
    cx = w / 2 + shift
    draw.polygon(  # rug
        [
            (cx - bw * 0.42, h * 0.97),
            (cx + bw * 0.42, h * 0.97),
            (cx + bw * 0.3, floor_y),
            (cx - bw * 0.3, floor_y),
        ],
        fill=_tint(s.accent, 0.35),
    )
    fw, fh = bw * 0.56, bh * 0.42
    if s.bed:
        draw.rectangle((cx - fw / 2, floor_y - fh * 1.3, cx + fw / 2, floor_y - fh * 0.4), fill=s.wood)
        draw.rectangle((cx - fw / 2, floor_y - fh * 0.55, cx + fw / 2, floor_y), fill=_tint(s.textile, 0.55))
        draw.rectangle((cx - fw / 2, floor_y - fh * 0.3, cx + fw / 2, floor_y), fill=s.textile)
        for k in (-1, 1):
            px = cx + k * fw * 0.22
            draw.rounded_rectangle(
                (px - fw * 0.17, floor_y - fh * 0.75, px + fw * 0.17, floor_y - fh * 0.5),
                radius=max(1, int(fh * 0.08)),
                fill=(245, 243, 238),
            )
    else:
        arm = fw * 0.08
        draw.rectangle(
            (cx - fw / 2, floor_y - fh, cx + fw / 2, floor_y - fh * 0.45), fill=_shade(s.textile, 0.9)
        )
        draw.rectangle((cx - fw / 2, floor_y - fh * 0.5, cx + fw / 2, floor_y - fh * 0.12), fill=s.textile)
        for x in (cx - fw / 2 - arm * 0.5, cx + fw / 2 - arm * 0.5):
            draw.rectangle((x, floor_y - fh * 0.7, x + arm, floor_y - fh * 0.12), fill=_shade(s.textile, 0.8))
        for k in (-1, 0, 1):
            px = cx + k * fw * 0.3
            draw.rounded_rectangle(
                (px - fw * 0.1, floor_y - fh * 0.85, px + fw * 0.1, floor_y - fh * 0.48),
                radius=max(1, int(fh * 0.06)),
                fill=s.accent if k else _tint(s.accent, 0.4),
            )
        for x in (cx - fw * 0.45, cx + fw * 0.45):
            draw.rectangle((x - line * 2, floor_y - fh * 0.12, x + line * 2, floor_y), fill=s.wood)
        draw.ellipse(  # coffee table
            (cx - fw * 0.25, floor_y + (h - floor_y) * 0.25, cx + fw * 0.25, floor_y + (h - floor_y) * 0.55),
            fill=s.wood,
        )

    side = -1 if s.variant % 2 else 1  # plant on one side, lamp on the other
    px = w / 2 + side * bw * 0.47
    draw.polygon(
        [
            (px - bw * 0.04, floor_y),
            (px + bw * 0.04, floor_y),
            (px + bw * 0.05, floor_y - bh * 0.16),
            (px - bw * 0.05, floor_y - bh * 0.16),
        ],
        fill=s.wood,
    )
    for dx, dy, r in ((0, 0.34, 0.09), (-0.05, 0.26, 0.07), (0.05, 0.25, 0.07)):
        x, y, rad = px + bw * dx, floor_y - bh * dy, bw * r
        draw.ellipse((x - rad, y - rad, x + rad, y + rad), fill=LEAF)
    lx = w / 2 - side * bw * 0.47
    draw.line([(lx, floor_y), (lx, floor_y - bh * 0.7)], fill=s.metal, width=2 * line)
    draw.polygon(
        [
            (lx - bw * 0.05, floor_y - bh * 0.62),
            (lx + bw * 0.05, floor_y - bh * 0.62),
            (lx + bw * 0.03, floor_y - bh * 0.78),
            (lx - bw * 0.03, floor_y - bh * 0.78),
        ],
        fill=_tint(s.accent, 0.6),
    )


def _swatches(draw: ImageDraw.ImageDraw, top: int, w: int, h: int, swatches: Sequence[BoardSwatch]) -> None:
    draw.rectangle((0, top, w, h), fill=(250, 248, 244))
    swatches = swatches[:8]  # more would not leave room for a readable label
    if not swatches:
        return
    n = len(swatches)
    strip = h - top
    gap = max(2, min(w // 60, strip // 10))
    cell = (w - gap * (n + 1)) / n
    text = strip >= 40 and w >= _MIN_TEXT_SIDE
    size = max(9, min(int(strip * 0.11), int(cell / 7)))
    font = _font(size)
    # Chips take what the two text lines (hex, name) and the gaps leave, so labels never spill.
    chip_h = strip - 3 * gap - (size * 2.5 if text else 0)
    for i, swatch in enumerate(swatches):
        x = gap + i * (cell + gap)
        draw.rectangle(
            (x, top + gap, x + cell, top + gap + chip_h), fill=rgb(swatch.hex), outline=(200, 200, 200)
        )
        if text:
            y = top + gap * 2 + chip_h
            draw.text((x, y), swatch.hex, font=font, fill=(30, 30, 30))
            draw.text(
                (x, y + size * 1.25), _fit(draw, swatch.label, font, cell), font=font, fill=(90, 90, 90)
            )


def mood_board(
    width: int, height: int, title: str, scene: Scene, swatches: Sequence[BoardSwatch], *, label: bool = True
) -> Image.Image:
    """The room sketch above a strip of labelled palette chips, at exactly width × height.

    ``label=False`` leaves off the title and the "offline preview" plate (the catalogue's style
    previews, which a picker captions itself)."""
    im = Image.new("RGB", (width, height), (250, 248, 244))
    draw = ImageDraw.Draw(im)
    strip = int(height * 0.24) if height >= _MIN_TEXT_SIDE else 0
    scene_h = height - strip
    _room(draw, width, scene_h, scene)
    if strip:
        _swatches(draw, scene_h, width, height, swatches)
    if label and min(width, height) >= _MIN_TEXT_SIDE:
        size = max(10, min(width, height) // 36)
        margin = max(4, size // 2)
        _label(draw, (margin, margin), title, size, right=False)
        _label(draw, (width - margin, margin), LABEL, size, right=True)
    return im


# --- edit: recolour toward the palette ------------------------------------------------------------


def _open(data: bytes, what: str) -> Image.Image:
    try:
        im = Image.open(io.BytesIO(data))
        im.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ProblemError("image_undecodable", f"The offline provider could not read the {what}.") from exc
    return im


def _gradient_lut(palette: Sequence[RGB]) -> tuple[list[int], list[int], list[int]]:
    """Per-grey-level colour: the palette spread dark to light, each shifted to that grey's luminance.

    Mapping by luminance keeps the photo's light and shadow (a dark sofa takes the darkest palette
    colour, a bright wall the lightest) while every pixel takes a palette hue.
    """
    stops = sorted(palette, key=luma)
    reds: list[int] = []
    greens: list[int] = []
    blues: list[int] = []
    for v in range(256):
        if len(stops) == 1:
            hue = stops[0]
        else:
            pos = v / 255 * (len(stops) - 1)
            i = min(int(pos), len(stops) - 2)
            hue = _mix(stops[i], stops[i + 1], pos - i)
        lum = luma(hue)
        if lum < 1:
            out: RGB = (v, v, v)
        elif v <= lum:
            out = _shade(hue, v / lum)
        else:
            out = _tint(hue, (v - lum) / (255 - lum) if lum < 255 else 0.0)
        reds.append(out[0])
        greens.append(out[1])
        blues.append(out[2])
    return reds, greens, blues


def _editable(mask_data: bytes, size: tuple[int, int]) -> Image.Image:
    """An L mask, 255 where edits are allowed: transparent pixels of the mask (white if it has no alpha)."""
    mask = _open(mask_data, "mask")
    if mask.has_transparency_data:
        allowed = Image.eval(mask.convert("RGBA").getchannel("A"), lambda a: 255 - a)
    else:
        allowed = mask.convert("L")
    return allowed if allowed.size == size else allowed.resize(size, Image.Resampling.NEAREST)


def dominant_colours(data: bytes, *, count: int) -> list[str]:
    """The ``count`` most common colours of an image (median cut on a thumbnail), as hex codes."""
    im = _open(data, "reference image").convert("RGB")
    im.thumbnail((128, 128))
    quantised = im.quantize(colors=count, method=Image.Quantize.MEDIANCUT)
    palette = quantised.getpalette() or []
    counts = [(n, int(str(i))) for n, i in quantised.getcolors() or []]  # palette mode: i is an index
    used = sorted(counts, reverse=True)  # (pixels, palette index), most pixels first
    return ["#{:02X}{:02X}{:02X}".format(*palette[i * 3 : i * 3 + 3]) for _, i in used[:count]]


def recolour(
    source: bytes, width: int, height: int, palette: Sequence[RGB], mask: bytes | None
) -> Image.Image:
    """The source at exactly width × height, pulled toward ``palette`` (only where the mask allows)."""
    src = _open(source, "image").convert("RGB")
    if src.size != (width, height):
        src = src.resize((width, height), Image.Resampling.BICUBIC)
    reds, greens, blues = _gradient_lut(palette)
    grey = src.convert("L")
    mapped = Image.merge("RGB", (grey.point(reds), grey.point(greens), grey.point(blues)))
    edited = Image.blend(src, mapped, EDIT_STRENGTH)
    if mask is not None:
        edited = Image.composite(edited, src, _editable(mask, (width, height)))
    if min(width, height) >= _MIN_TEXT_SIDE:
        size = max(9, min(width, height) // 48)
        margin = max(3, size // 2)
        _label(ImageDraw.Draw(edited), (width - margin, height - margin - size * 2), LABEL, size, right=True)
    return edited
