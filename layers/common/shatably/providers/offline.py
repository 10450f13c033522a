"""The offline provider: deterministic answers and real pictures with no network and no keys.

It is not a model and says so in every answer. Chat answers come from the style catalogue in the
user's language, with a structured reply (plan, room, image request) when a schema is asked for;
generate draws a mood board; edit recolours the photo toward a palette. The same input always
gives the same output: choices use SHA-256 of the text, never ``hash()`` (salted per process).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError

from shatably.catalog import (
    ROOM_TYPES,
    STYLES,
    Lang,
    RoomType,
    Style,
    Swatch,
    SwatchRole,
    detect_lang,
    find_room_type,
    find_style,
)
from shatably.catalog.lang import ascii_digits, fold
from shatably.chat.plan import FinishingQuantity, PlanDraft, RoomDimensions
from shatably.chat.quantities import finishing_quantities
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
_LIVING = next(r for r in ROOM_TYPES if r.id == "living_room")
# Rough 2026 EGP per m² of floor for a room's finishing (paint, flooring, ceiling, lighting points)
# at mid-market; scaled by the style's price factor.
_FINISHING_EGP_PER_M2 = (2_500, 5_500)
_NUM = r"(\d+(?:[.,]\d+)?)"
_BY = r"\s*(?:m|cm|meters?|metres?|متر|م|سم)?\s*(?:x|×|\*|by|في|ف)\s*"
_DIMS = re.compile(_NUM + _BY + _NUM + rf"(?:{_BY}{_NUM})?\s*(cm|سم)?", re.IGNORECASE)
# "height 3 m", "ارتفاع ٣ متر", or the number first: "a 3 m ceiling", "3 m high".
_HEIGHT = re.compile(
    r"(?:height|ceiling|ارتفاع|الارتفاع|ارتفاعها|ارتفاعه)\D{0,12}?" + _NUM
    + "|" + _NUM + r"\s*(?:m|meters?|metres?|متر|م)?\s*(?:high|ceiling|height)",
    re.IGNORECASE,
)  # fmt: skip
_COUNT = {"windows": ("window", "windows", "شباك", "شبابيك"), "doors": ("door", "doors", "باب", "ابواب")}
_DUAL = {"windows": "شباكين", "doors": "بابين"}  # Arabic dual: "two windows" in one word
_HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")
_ANY_HEX = re.compile(r"#?(?:[0-9A-Fa-f]{3}){1,2}")
_SHOW_EN = (
    "show me", "let me see", "draw", "render", "visualize", "visualise", "sketch", "mood board",
    "moodboard", "picture", "image of", "restyle", "redesign my", "what would it look like",
)  # fmt: skip
_SHOW_AR = ("ارسم", "وري", "صور", "فرجني", "تخيل")  # word stems: ارسمهالي، وريني، صورة، صورهالي
_ROLE_NAMES: dict[str, tuple[str, str]] = {
    "wall": ("walls", "الحيطان"),
    "accent": ("accent", "لمسات"),
    "wood": ("wood", "الخشب"),
    "textile": ("fabrics", "الأقمشة"),
    "metal": ("metal", "المعادن"),
    "floor": ("floor", "الأرضية"),
}
_SURFACE_NAMES = {
    "walls": ("Walls", "الحيطان"),
    "floor": ("Floor", "الأرضية"),
    "ceiling": ("Ceiling", "السقف"),
    "joinery": ("Joinery", "النجارة"),
}
_UNITS = {
    "L": ("L", "لتر"),
    "m2": ("m²", "م²"),
    "m": ("m", "م"),
    "box": ("boxes", "كرتونة"),
    "sheet": ("sheets", "لوح"),
    "roll": ("rolls", "رول"),
}


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _tokens(*texts: str) -> int:
    return math.ceil(sum(len(t) for t in texts) / _CHARS_PER_TOKEN)


def _pick(items: tuple[T, ...], key: str) -> T:
    return items[_digest(fold(key)) % len(items)]


def _first_lang(texts: list[str]) -> Lang:
    """The language of the newest text that says enough to tell.

    "4x5 m" or "ok" alone does not switch an Arabic conversation to English: a text needs three
    letters outside room sizes to count.
    """
    for text in texts:
        words = _DIMS.sub(" ", ascii_digits(text))
        if sum(ch.isalpha() for ch in words) >= 3:
            return detect_lang(words)
    return "en"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def parse_room(text: str) -> RoomDimensions | None:
    """Room size from free text: "4x5", "٤ في ٥ متر", "4 by 3.5 m", "400×500 cm", "4×5×3"."""
    plain = ascii_digits(text).lower().replace(",", ".")
    for match in _DIMS.finditer(plain):
        scale = 0.01 if match.group(4) else 1.0
        length, width = float(match.group(1)) * scale, float(match.group(2)) * scale
        if not (1 <= length <= 30 and 1 <= width <= 30):
            continue  # a tile size ("60x60") or a typo, not a room
        fields: dict[str, Any] = {"length_m": length, "width_m": width}
        # Look for a stated height outside the size itself, so "4x5 m ceiling 3" is not a 5 m ceiling.
        stated = _HEIGHT.search(plain[: match.start()] + " " + plain[match.end() :])
        height = match.group(3) or (stated and (stated.group(1) or stated.group(2)))
        if height is not None and 2 <= float(height) * scale <= 8:
            fields["height_m"] = float(height) * scale
        folded = f" {fold(text)} "
        for name, words in _COUNT.items():
            found = re.search(r"(\d+)\s*(?:" + "|".join(words) + r")\b", ascii_digits(folded))
            if found:
                fields[name] = int(found.group(1))
            elif f" {_DUAL[name]} " in folded:
                fields[name] = 2
        try:
            return RoomDimensions.model_validate(fields)
        except ValidationError:
            continue
    return None


def wants_picture(text: str) -> bool:
    folded = fold(text)
    padded = f" {folded} "
    if any(f" {phrase} " in padded for phrase in _SHOW_EN):
        return True
    # The stem may follow a joined "and"/"so": "وارسمهالي", "فوريني".
    words = folded.split()
    return any(w.startswith(_SHOW_AR) or (w[0] in "وف" and w[1:].startswith(_SHOW_AR)) for w in words)


class OfflineProvider:
    """Implements ChatProvider, ImageGenerator and ImageEditor without a network."""

    name = "offline"
    model = "offline-preview-1"

    async def chat(self, request: ChatRequest) -> ChatResult:
        return _chat(request, self.name, self.model)

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


# --- chat ---------------------------------------------------------------------------------------


def _chat(request: ChatRequest, provider: str, model: str) -> ChatResult:
    text = request.message.text
    newest_first = [m.text for m in reversed(request.history)]
    user_texts = [text, *(m.text for m in reversed(request.history) if m.role == "user")]
    lang: Lang = "ar" if request.lang == "ar" else "en" if request.lang == "en" else _first_lang(user_texts)

    style = next((s for t in (text, *newest_first) if (s := find_style(t))), None) or _pick(STYLES, text)
    room_type = next((r for t in (text, *newest_first) if (r := find_room_type(t))), None) or _LIVING
    room = next((d for t in user_texts if (d := parse_room(t))), None)
    draft = _draft(style, room_type, room, lang)
    quantities = finishing_quantities(room, draft) if room else []
    image_request = None
    if wants_picture(text):
        image_request = _image_request(style, room_type, room, edit=bool(request.message.images))
    reply = _reply(style, room_type, room, draft, quantities, lang, drawing=image_request is not None)

    structured = None
    if request.response_schema is not None:
        structured = {
            "reply": reply,
            "plan": draft.model_dump(mode="json"),
            "room": room.model_dump(mode="json") if room else None,
            "image_request": image_request,
        }
    history_text = [m.text for m in request.history]
    return ChatResult(
        text=reply,
        provider=provider,
        model=model,
        structured=structured,
        finish_reason="STOP",
        usage=Usage(
            input_tokens=_tokens(request.system, text, *history_text),
            output_tokens=_tokens(reply, str(structured or "")),
        ),
    )


def _price(low: float, high: float) -> dict[str, int]:
    # Rounded to 500 EGP: finer figures would suggest a precision a preview does not have.
    return {"min": int(round(low / 500) * 500), "max": int(round(high / 500) * 500)}


def _draft(style: Style, room_type: RoomType, room: RoomDimensions | None, lang: Lang) -> PlanDraft:
    factor = style.price_factor
    furniture = [
        {
            "item": e.name.get(lang),
            "qty": e.qty,
            "dims_cm": dict(zip("wdh", e.dims_cm, strict=True)) if e.dims_cm else None,
            "est_price_egp": _price(e.price_egp[0] * factor, e.price_egp[1] * factor),
        }
        for e in room_type.essentials
    ]
    low = sum(e.price_egp[0] for e in room_type.essentials) * factor
    high = sum(e.price_egp[1] for e in room_type.essentials) * factor
    if room is not None:
        low += room.floor_area_m2 * _FINISHING_EGP_PER_M2[0] * factor
        high += room.floor_area_m2 * _FINISHING_EGP_PER_M2[1] * factor
    gypsum = "gypsum board" in style.materials["ceiling"].en.lower()
    return PlanDraft.model_validate(
        {
            "style": style.id,
            "room_type": room_type.id,
            "summary": f"{style.name(lang)} — {room_type.name(lang)}: {style.description.get(lang)}",
            "palette": [{"name": s.name(lang), "hex": s.hex, "role": s.role} for s in style.palette],
            "materials": [
                {"surface": surface, "material": text.get(lang), "finish": ""}
                for surface, text in style.materials.items()
            ],
            "furniture": furniture,
            "cost_estimate_egp": _price(low, high),
            "steps": _steps(lang, gypsum=gypsum),
            "lang": lang,
        }
    )


# The usual Egyptian finishing order; the gypsum step only when the style has a gypsum ceiling.
_STEPS = (
    ("Electrical and plumbing first fix", "تأسيس الكهربا والسباكة", False),
    ("Gypsum board ceiling and light coves", "سقف الجبس بورد ومجاري الإضاءة", True),
    ("Putty and sealer on walls and ceiling", "معجون وسيلر للحيطان والسقف", False),
    ("Flooring and skirting", "الأرضيات والوزرة", False),
    ("Final paint coats", "أوجه الدهان النهائية", False),
    ("Joinery, lighting and furniture", "النجارة والإضاءة والأثاث", False),
)


def _steps(lang: Lang, *, gypsum: bool) -> list[str]:
    return [ar if lang == "ar" else en for en, ar, needs_gypsum in _STEPS if gypsum or not needs_gypsum]


def _image_request(
    style: Style, room_type: RoomType, room: RoomDimensions | None, *, edit: bool
) -> dict[str, Any]:
    palette = ", ".join(f"{s.name_en} {s.hex}" for s in style.palette)
    room_name = room_type.name_en.lower()
    if edit:
        prompt = (
            f"Restyle this {room_name} photo in {style.name_en} style, keeping the walls, windows, "
            f"doors and layout exactly as they are: {style.prompt}. Palette: {palette}."
        )
    else:
        prompt = f"A {style.name_en} {room_name}: {style.prompt}. Palette: {palette}."
        if room:
            prompt += (
                f" About {_num(room.length_m)} × {_num(room.width_m)} m, {_num(room.height_m)} m ceiling."
            )
    return {"action": "edit" if edit else "generate", "prompt": prompt, "style": style.id}


def _reply(
    style: Style,
    room_type: RoomType,
    room: RoomDimensions | None,
    draft: PlanDraft,
    quantities: list[FinishingQuantity],
    lang: Lang,
    *,
    drawing: bool,
) -> str:
    ar = lang == "ar"

    def pick(en: str, arabic: str) -> str:
        return arabic if ar else en

    lines = [
        pick(
            "(Offline preview: this answer comes from Shatably's built-in style catalogue, "
            "not from an AI model.)",
            "(معاينة أوفلاين: الرد ده من كتالوج الستايلات اللي جوه شطبلي، مش من موديل ذكاء اصطناعي.)",
        ),
        "",
        pick(
            f"{style.name_en} for your {room_type.name_en.lower()}: {style.description.en}",
            f"ستايل {style.name_ar} لـ{room_type.name_ar}: {style.description.ar}",
        ),
        "",
        pick("Palette:", "الألوان:"),
        *(f"• {_swatch_line(s, lang)}" for s in style.palette),
        "",
        pick("Materials:", "الخامات:"),
        *(f"• {pick(*_SURFACE_NAMES[k])}: {t.get(lang)}" for k, t in style.materials.items()),
        "",
        pick("Furniture ideas: ", "أفكار للأثاث: ")
        + pick("; ", "، ").join(t.get(lang) for t in style.furniture)
        + ".",
    ]
    cost = draft.cost_estimate_egp
    budget = f"{cost.min:,}–{cost.max:,}"
    lines.append(
        pick(f"Rough budget: {budget} EGP", f"الميزانية التقريبية: {budget} جنيه")
        + (
            ""
            if room
            else pick(" (furniture only until I know the room size)", " (للأثاث بس لحد ما أعرف مساحة الأوضة)")
        )
    )
    lines.append("")
    if room:
        dims = f"{_num(room.length_m)} × {_num(room.width_m)}"
        lines.append(
            pick(
                f"Quantities for {dims} m with a {_num(room.height_m)} m ceiling:",
                f"الكميات لأوضة {dims} متر وارتفاع {_num(room.height_m)} متر:",
            )
        )
        lines += [f"• {q.item}: {_num(q.qty)} {pick(*_UNITS[q.unit])}" for q in quantities]
    else:
        lines.append(
            pick(
                "Send me the room's length and width (for example \"4 x 5 m\") and I'll work out the paint, "
                "flooring and gypsum-board quantities.",
                'ابعتلي طول وعرض الأوضة (مثلاً "4 في 5 متر") وأنا أحسبلك كميات الدهان والأرضيات والجبس بورد.',
            )
        )
    lines += ["", pick("Tip: ", "نصيحة: ") + room_type.tip.get(lang)]
    if drawing:
        lines.append(
            pick("I'm drawing a preview mood board of this look.", "وهرسملك مود بورد مبدئي للستايل ده.")
        )
    return "\n".join(lines)


def _swatch_line(swatch: Swatch, lang: Lang) -> str:
    role = _ROLE_NAMES[swatch.role][1 if lang == "ar" else 0]
    return f"{swatch.name(lang)} {swatch.hex} ({role})"


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
