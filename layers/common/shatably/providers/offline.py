"""The offline provider: deterministic answers and real pictures with no network and no keys.

It is not a model and says so in every answer. Chat (``offline_chat``) reads what plain rules can
from the user's words and answers from the style catalogue in the user's language, with a
structured reply (plan or amendment, questions, drawing) when a schema is asked for; generate
draws a mood board; edit recolours the photo toward a palette. The same input always
gives the same output: choices use SHA-256 of the text, never ``hash()`` (salted per process).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
from typing import TYPE_CHECKING, TypeVar

from shatably.catalog import STYLES, Style, SwatchRole, find_room_type, find_style
from shatably.catalog.lang import fold
from shatably.providers.base import (
    ChatRequest,
    ChatResult,
    EditRequest,
    GeneratedImage,
    GenerateRequest,
    ImageResult,
    Usage,
)

if TYPE_CHECKING:
    from shatably.providers.offline_render import RGB, Scene

T = TypeVar("T")

_CHARS_PER_TOKEN = 4  # a rough, stable estimate: there is no tokenizer offline
_HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")
_ANY_HEX = re.compile(r"#?(?:[0-9A-Fa-f]{3}){1,2}")


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _tokens(*texts: str) -> int:
    return math.ceil(sum(len(t) for t in texts) / _CHARS_PER_TOKEN)


def _pick(items: tuple[T, ...], key: str) -> T:
    return items[_digest(fold(key)) % len(items)]


class OfflineProvider:
    """Implements ChatProvider, ImageGenerator and ImageEditor without a network."""

    name = "offline"
    model = "offline-preview-1"

    async def chat(self, request: ChatRequest) -> ChatResult:
        from shatably.providers import offline_chat

        return offline_chat.chat(request, self.name, self.model)

    async def generate(self, request: GenerateRequest) -> ImageResult:
        # Drawing is CPU work (tens of ms); a worker thread keeps the event loop answering.
        images = await asyncio.to_thread(_generate, request)
        return ImageResult(
            images=images,
            provider=self.name,
            model=self.model,
            text="Offline preview: a mood board drawn from the style catalogue, not an AI render.",
            usage=Usage(input_tokens=_tokens(request.prompt), images=len(images)),
        )

    async def edit(self, request: EditRequest) -> ImageResult:
        images = await asyncio.to_thread(_edit, request)
        return ImageResult(
            images=images,
            provider=self.name,
            model=self.model,
            text="Offline preview: the photo recoloured toward the palette, not an AI edit.",
            usage=Usage(input_tokens=_tokens(request.instruction), images=len(images)),
        )


# --- images -------------------------------------------------------------------------------------


def _colours(values: tuple[str, ...]) -> list[str]:
    """The caller's palette without entries that are not colours (they would only break drawing)."""
    return [v.strip() for v in values if _ANY_HEX.fullmatch(v.strip())]


def _named_style(*texts: str | None) -> Style | None:
    return next((s for t in texts if t and (s := find_style(t))), None)


def _generate(request: GenerateRequest) -> list[GeneratedImage]:
    from shatably.providers import offline_render as art

    named = _named_style(request.style_name, request.prompt)
    style = named or _pick(STYLES, request.prompt)
    palette = _colours(request.palette)
    if palette:
        swatches = [art.BoardSwatch("", h.upper(), "") for h in palette]
    else:
        swatches = [art.BoardSwatch(s.name_en, s.hex, s.role) for s in style.palette]
    room_type = find_room_type(request.prompt)
    bed = room_type is not None and room_type.id in ("bedroom", "kids_room")
    seed = request.seed if request.seed is not None else _digest(request.prompt)
    # Never title a board with a style nobody asked for when the colours are the caller's own.
    title = request.style_name or (style.name_en if named or not palette else "Mood board")
    images = []
    for i in range(request.n):
        scene = _scene(style, palette, bed=bed, variant=seed + i)
        board = art.mood_board(request.width, request.height, title, scene, swatches)
        images.append(GeneratedImage(data=board, mime_type=f"image/{request.output_format}"))
    return images


def _scene(style: Style, palette: list[str], *, bed: bool, variant: int) -> Scene:
    """Colours for each part of the sketch: the style's roles, or an explicit palette by lightness."""
    from shatably.providers import offline_render as art

    if palette:
        by_light = sorted((art.rgb(h) for h in palette), key=art.luma, reverse=True)

        def at(i: int) -> RGB:
            return by_light[min(i, len(by_light) - 1)]

        # Lightest on the walls, next on the floor, darkest for wood and metal, the rest for fabric.
        return art.Scene(
            wall=at(0), floor=at(1), textile=at(2), accent=at(3), wood=at(len(by_light) - 1),
            metal=at(len(by_light) - 1), bed=bed, variant=variant,
        )  # fmt: skip

    darkest = min((art.rgb(s.hex) for s in style.palette), key=art.luma)

    def role(name: SwatchRole) -> RGB:
        # Rotating through a role's swatches is what makes variations differ; a style without a
        # metal (or wood) swatch draws frames and lamps in its darkest colour so they stay visible.
        options = style.swatches(name)
        return art.rgb(options[variant % len(options)].hex) if options else darkest

    return art.Scene(
        wall=role("wall"), floor=role("floor"), textile=role("textile"), accent=role("accent"),
        wood=role("wood"), metal=role("metal"), bed=bed, variant=variant,
    )  # fmt: skip


def _edit(request: EditRequest) -> list[GeneratedImage]:
    from shatably.providers import offline_render as art

    if request.reference is not None:
        # Restyling after a reference photo: its dominant colours are the palette.
        hexes = art.dominant_colours(request.reference.data, count=5)
    else:
        hexes = _colours(request.palette) or _HEX.findall(request.instruction)
    if not hexes:
        style = _named_style(request.instruction) or _pick(STYLES, request.instruction)
        hexes = [s.hex for s in style.palette]
    images = []
    for variant in range(request.n):
        # Each further variation leaves one palette colour out, which shifts the whole gradient.
        palette = hexes if variant == 0 or len(hexes) < 3 else [*hexes[: variant - 1], *hexes[variant:]]
        edited = art.recolour(
            request.image.data,
            request.width,
            request.height,
            [art.rgb(h) for h in palette],
            request.mask.data if request.mask else None,
        )
        images.append(GeneratedImage(data=edited, mime_type=f"image/{request.output_format}"))
    return images
