"""The offline provider: answers in the user's language, real pictures, deterministic, no network."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema  # no stubs in the dev environment
import pytest
from PIL import Image, ImageDraw

from shatably.catalog import detect_lang, get_style
from shatably.chat.plan import DESIGNER_REPLY_SCHEMA, parse_designer_reply
from shatably.errors import ProblemError
from shatably.images import normalise_result
from shatably.providers.base import (
    ChatMessage,
    ChatProvider,
    ChatRequest,
    ChatResult,
    EditRequest,
    GeneratedImage,
    GenerateRequest,
    ImageEditor,
    ImageGenerator,
    ImageInput,
    ImageResult,
    OutputFormat,
)
from shatably.providers.offline import OfflineProvider
from shatably.providers.offline_chat import parse_size

PROVIDER = OfflineProvider()
ROOT = Path(__file__).resolve().parents[2]
PIL_FORMAT = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


def chat(
    message: str,
    history: tuple[ChatMessage, ...] = (),
    *,
    lang: str | None = None,
    schema: bool = True,
    images: tuple[ImageInput, ...] = (),
) -> ChatResult:
    request = ChatRequest(
        system="You are Shatably's designer.",
        history=history,
        message=ChatMessage("user", message, images),
        timeout=5,
        response_schema=DESIGNER_REPLY_SCHEMA if schema else None,
        lang=lang,
    )
    return asyncio.run(PROVIDER.chat(request))


def structured(result: ChatResult) -> dict[str, Any]:
    assert result.structured is not None
    return result.structured


def generate(**fields: Any) -> ImageResult:
    request = GenerateRequest(
        **{"prompt": "a japandi bedroom", "width": 512, "height": 512, "timeout": 5, **fields}
    )
    return asyncio.run(PROVIDER.generate(request))


def photo(width: int = 320, height: int = 240) -> bytes:
    """A room-like photo: a grey gradient wall, a darker floor, a brown 'sofa'."""
    im = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(90, 90, 90))
    draw.rectangle((width // 4, height // 2, width * 3 // 4, height * 3 // 4), fill=(120, 80, 50))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def edit(source: bytes, **fields: Any) -> Image.Image:
    size = Image.open(io.BytesIO(source)).size
    request = EditRequest(
        **{
            "image": ImageInput(source, "image/png"),
            "instruction": "Restyle",
            "width": size[0],
            "height": size[1],
            "timeout": 5,
            **fields,
        }
    )
    result = asyncio.run(PROVIDER.edit(request))
    assert len(result.images) == 1 and result.provider == "offline"
    return picture(result.images[0])


def picture(image: GeneratedImage) -> Image.Image:
    assert isinstance(image.data, Image.Image)  # drawn in-process: the pixels, not an encoding of them
    return image.data


def mean_distance(im: Image.Image, colour: tuple[int, int, int], box: tuple[int, int, int, int]) -> float:
    """Mean per-pixel L1 distance to ``colour`` inside ``box``."""
    raw = im.convert("RGB").crop(box).tobytes()
    return sum(abs(v - colour[i % 3]) for i, v in enumerate(raw)) / (len(raw) / 3)


def test_it_implements_all_three_provider_protocols() -> None:
    chat_provider: ChatProvider = PROVIDER
    generator: ImageGenerator = PROVIDER
    editor: ImageEditor = PROVIDER
    assert chat_provider.name == generator.name == editor.name == "offline"
    assert PROVIDER.model == "offline-preview-1"


def test_without_keys_the_registry_hands_out_the_offline_provider() -> None:
    from shatably.providers.registry import chat_provider, image_editor, image_generator

    assert {chat_provider().name, image_generator().name, image_editor().name} == {"offline"}


def test_importing_it_does_not_load_pillow() -> None:
    code = "import sys, shatably.providers.offline; print('PIL' in sys.modules)"
    env = {"PYTHONPATH": f"{ROOT}:{ROOT / 'layers/common'}"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )
    assert out.stdout.strip() == "False"


# --- chat -----------------------------------------------------------------------------------------


def with_plan(
    message: str, plan: dict[str, Any] | None, *, photos: int = 0, earlier_photo: bool = False
) -> str:
    """The message as the chat service sends it: the app's turn context, then the user's words."""
    from shatably.chat.designer import turn_context
    from shatably.chat.plan import Plan

    current = Plan.model_validate(plan) if plan else None
    context = turn_context(
        current, written="ar", override=None, photos=photos, earlier_room_photo=earlier_photo
    )
    return f"{context}\n\n{message}"


def test_arabic_in_egyptian_arabic_out() -> None:
    result = chat("عايز أوضة نوم هادية بألوان فاتحة")
    assert detect_lang(result.text) == "ar"
    assert "أوفلاين" in result.text  # says it is an offline preview, not a model
    data = structured(result)
    assert "طول وعرض" in " ".join(data["questions"])  # asks for the room's size, never invents one
    assert data["plan"]["lang"] == "ar"
    [room] = data["plan"]["rooms"]  # named as the user named it, with no size until they give one
    assert room["name"] == "أوضة نوم" and room["length_m"] is None and room["area_m2"] is None


def test_english_in_english_out() -> None:
    result = chat("I want a calm bedroom with light colours")
    assert detect_lang(result.text) == "en"
    assert "offline preview" in result.text.lower() and "not by an ai model" in result.text.lower()
    assert result.provider == "offline" and result.finish_reason == "STOP"
    assert result.usage.input_tokens > 0 and result.usage.output_tokens > 0


def test_the_language_hint_wins_over_detection() -> None:
    assert detect_lang(chat("I want a calm bedroom", lang="ar").text) == "ar"


def test_a_message_without_letters_answers_in_the_conversation_language() -> None:
    history = (ChatMessage("user", "عايز ريسبشن نيو كلاسيك"), ChatMessage("model", "تمام"))
    assert detect_lang(chat("4x5", history).text) == "ar"


def test_same_input_same_answer() -> None:
    first, second = chat("something cosy for the living room"), chat("something cosy for the living room")
    assert first.text == second.text and first.structured == second.structured


def test_the_answer_gives_the_palette_with_hex_codes() -> None:
    result = chat("I want a japandi bedroom")
    plan = structured(result)["plan"]
    assert plan["style"] == "japandi"
    for swatch in get_style("japandi").palette:
        assert swatch.hex in result.text


def test_a_style_nobody_named_is_said_to_be_assumed() -> None:
    result = chat("My living room is 4x5 m")
    assert structured(result)["plan"]["style"] == "modern"
    assert "What I assumed:" in result.text and "you did not name one" in result.text


@pytest.mark.parametrize(
    ("message", "style_id"),
    [
        ("عايز الريسبشن نيو كلاسيك", "neoclassical"),
        ("مطبخ إندستريال", "industrial"),
        ("A Moroccan bathroom", "moroccan"),
    ],
)
def test_the_style_the_user_names_is_used(message: str, style_id: str) -> None:
    assert structured(chat(message))["plan"]["style"] == style_id


def test_structured_output_fits_the_schema_and_the_model() -> None:
    for message in ("My bedroom is 4x5 m, japandi, show me", "عايز صالة مودرن", "hello", "ana 3ndy sala 4x5"):
        data = structured(chat(message))
        jsonschema.validate(data, DESIGNER_REPLY_SCHEMA)
        reply = parse_designer_reply(data)
        assert reply.reply == chat(message).text
        assert len(reply.questions) <= 2
        if message != "hello":
            assert reply.plan is not None and reply.plan.palette


def test_off_topic_gets_no_plan() -> None:
    for message in ("What's the weather in Cairo tomorrow?", "مين هيكسب الماتش النهارده؟", "hello"):
        data = structured(chat(message))
        assert data["plan"] is None and data["drawing"] is None
        assert "home" in data["reply"] or "البيت" in data["reply"]


def test_without_a_schema_there_is_text_only() -> None:
    result = chat("I want a japandi bedroom", schema=False)
    assert result.structured is None and "Japandi" in result.text


def test_rooms_keep_the_users_words_sizes_and_finishes() -> None:
    data = structured(chat("عايز أشطب الصالة 4 في 5 والشقة محارة، بورسلين 60x120 ومن غير سقف ساقط"))
    plan = data["plan"]
    [room] = plan["rooms"]
    assert room["name"] == "صالة" and room["type"] == "living_room"  # صالة stays صالة
    assert (room["length_m"], room["width_m"]) == (4.0, 5.0)
    assert room["floor"]["type"] == "porcelain" and room["floor"]["tile_cm"] == [60, 120]
    assert room["ceiling"]["type"] == "paint"  # "من غير سقف ساقط": no gypsum, a painted ceiling
    assert room["walls"] is None  # not said: left to the estimator's usual finish, and said so
    assert plan["state"] == "plastered"


def test_several_rooms_a_state_a_budget_and_wall_tiles() -> None:
    result = chat(
        "My flat is bare brick. Reception 6x4 with no drop ceiling, "
        "bathroom 2x1.8 tiled to the ceiling, budget 150k"
    )
    plan = structured(result)["plan"]
    rooms = {r["name"]: r for r in plan["rooms"]}
    assert set(rooms) == {"reception", "bathroom"}
    assert rooms["reception"]["ceiling"]["type"] == "paint"
    assert rooms["bathroom"]["walls"]["type"] == "wall_tiles"
    assert (rooms["bathroom"]["length_m"], rooms["bathroom"]["width_m"]) == (2.0, 1.8)
    assert plan["state"] == "bare" and plan["budget_egp"] == 150_000
    assert "What I understood:" in result.text and "150,000 EGP" in result.text


@pytest.mark.parametrize(
    ("message", "surface", "finish"),
    [
        # Issue 15's words: tiles "to the ceiling" in Arabic, walls named only by brand and sheen (in a
        # kitchen, whose usual walls are tiles, so only reading them keeps the paint), a negation
        # followed by what is wanted, and any negated drop-ceiling word.
        ("الحمام الماستر 2.5 في 2 سيراميك حوائط لحد السقف", "walls", "wall_tiles"),
        ("المطبخ 3 في 2.5، الحيطان جوتن فينوماستك ساتان", "walls", "paint"),
        ("المطبخ 3 في 2.5، الحيطان سايبس سوبر مات", "walls", "paint"),
        ("Kitchen 3 x 2.5 m, Jotun Fenomastic matt on the walls", "walls", "paint"),
        ("الريسبشن 6 في 4، بلاش السقف الساقط، خليه بانوه", "ceiling", "gypsum_cove"),
        ("الريسبشن 6 في 4، بلاش بانوه، خليه سقف ساقط", "ceiling", "gypsum_full"),  # the negation ends at "،"
        ("الصالة 4 في 5 بدون جبس بورد", "ceiling", "paint"),
        ("Reception 6x4 m, only a gypsum cove band, not a full drop ceiling", "ceiling", "gypsum_cove"),
        # The negation governs the finish through the verb, however it is conjugated ...
        ("الصالة 4 في 5 ومش عايزة سقف ساقط", "ceiling", "paint"),
        ("الصالة 4 في 5 ومش عاوزين جبس بورد", "ceiling", "paint"),
        ("الصالة 4 في 5 ومش محتاجين سقف ساقط", "ceiling", "paint"),
        ("الصالة 4 في 5 ومش هنعمل سقف ساقط", "ceiling", "paint"),
        ("الصالة 4 في 5 من غير ما نعمل سقف ساقط", "ceiling", "paint"),
        ("Living room 5x4, I don't want a full drop ceiling", "ceiling", "paint"),
        ("الصالة 4 في 5 والسقف دهان عادي مش سقف ساقط", "ceiling", "paint"),
        # ... and only then: "not big, and I want a drop ceiling"; "I want nothing but a drop ceiling".
        ("الصالة 4 في 5 مش كبيرة وعايز سقف ساقط", "ceiling", "gypsum_full"),
        ("الصالة 4 في 5 مش عايز غير سقف ساقط", "ceiling", "gypsum_full"),
    ],
)
def test_finishes_are_read_as_people_say_them(message: str, surface: str, finish: str) -> None:
    [room] = structured(chat(message))["plan"]["rooms"]
    assert room[surface]["type"] == finish
    if finish == "wall_tiles":
        assert room[surface]["height_m"] is None  # to the ceiling: the estimator's default height


def test_franco_rooms_are_named_in_arabic() -> None:
    plan = structured(chat("ana 3ndy sala 4x5 w 3ayez ashtbha", lang="ar"))["plan"]
    assert [(r["name"], r["length_m"], r["width_m"]) for r in plan["rooms"]] == [("صالة", 4.0, 5.0)]


def test_with_a_current_plan_it_amends_only_what_was_said() -> None:
    first = structured(chat("الصالة 4 في 5، بورسلين 60x60"))["plan"]
    result = chat(with_plan("خلي الأرضية باركيه", first), lang="ar")
    data = structured(result)
    assert data["plan"] is None
    [patch] = data["amend"]["rooms"]
    assert patch["name"] == "صالة" and patch["floor"]["type"] == "parquet"
    assert patch["walls"] is None and patch["ceiling"] is None and patch["length_m"] is None
    assert data["drawing"] is None  # no photo: changing the plan is not a drawing


def test_a_budget_alone_amends_the_budget() -> None:
    first = structured(chat("الصالة 4 في 5"))["plan"]
    amend = structured(chat(with_plan("الميزانية مليون ونص", first), lang="ar"))["amend"]
    assert amend["budget_egp"] == 1_500_000 and amend["rooms"] == []


@pytest.mark.parametrize(
    ("size_text", "expected"),
    [
        ("4x5", (4.0, 5.0, None, None)),
        ("الأوضة ٤ في ٥ متر", (4.0, 5.0, None, None)),
        ("4 by 3.5 m", (4.0, 3.5, None, None)),
        ("٣٫٥ × ٤٫٢ م", (3.5, 4.2, None, None)),
        ("400×500 cm", (4.0, 5.0, None, None)),
        ("4×5×3", (4.0, 5.0, None, 3.0)),
        ("5 x 4 m, ceiling height 3.2 m", (5.0, 4.0, None, 3.2)),
        ("4*5 والارتفاع ٣ متر", (4.0, 5.0, None, 3.0)),
        ("الصالة 24 متر", (None, None, 24.0, None)),
        ("a 30 m2 reception", (None, None, 30.0, None)),
    ],
)
def test_room_sizes_are_read_from_free_text(size_text: str, expected: tuple[Any, ...]) -> None:
    size = parse_size(size_text)
    assert size is not None and (size.length_m, size.width_m, size.area_m2, size.height_m) == expected


def test_openings_are_read_too() -> None:
    size = parse_size("room 3.5 x 4.2, 2 windows, 2 doors")
    assert size is not None and (size.windows, size.doors) == (2, 2)
    dual = parse_size("٤ في ٥ وفيها شباكين")
    assert dual is not None and dual.windows == 2


@pytest.mark.parametrize("text", ["porcelain 60x60", "hello", "I have 2 kids", "120x60 tiles", "ceiling 3 m"])
def test_things_that_are_not_room_sizes_are_ignored(text: str) -> None:
    assert parse_size(text) is None


@pytest.mark.parametrize(
    "message", ["ارسمهالي", "عايز أوضة نوم جاباندي، وريني شكلها", "ممكن صورة للصالة؟", "show me"]
)
def test_asking_to_see_it_without_a_photo_generates(message: str) -> None:
    wish = structured(chat(message))["drawing"]
    assert wish is not None and wish["operation"] == "generate"
    assert detect_lang(wish["prompt"]) == "en"


PHOTO = (ImageInput(b"png", "image/png"),)


@pytest.mark.parametrize(
    ("message", "operation", "regions"),
    [
        ("حوّلها مودرن وارسمهالي", "restyle", []),
        ("اعمل الحيطان أخضر زيتي وسيب الباقي", "repaint", ["walls"]),
        ("فضي الأوضة من العفش", "empty", []),
        ("شيل الكركبة", "declutter", []),
        ("فرشها مودرن", "stage", []),
        ("شطبها سوبر لوكس", "finish", []),
        ("change the floor to parquet", "swap_material", ["floor"]),
    ],
)
def test_the_drawing_carries_the_operation_the_words_ask_for(
    message: str, operation: str, regions: list[str]
) -> None:
    wish = structured(chat(message, images=PHOTO))["drawing"]
    assert wish is not None and wish["operation"] == operation and wish["regions"] == regions
    assert wish["room_photo"] == 1 and wish["reference_photo"] is None


def test_a_repaint_carries_the_colour_as_said() -> None:
    wish = structured(chat("اعمل الحيطان أخضر زيتي وسيب الباقي", images=PHOTO))["drawing"]
    assert wish["colour"] == "أخضر زيتي" and "change nothing else" in wish["prompt"]


def test_like_this_photo_marks_a_reference_not_the_room() -> None:
    one_new = chat(with_plan("عايزها زي الصورة دي", None, photos=1, earlier_photo=True), images=PHOTO)
    wish = structured(one_new)["drawing"]
    assert wish["operation"] == "reference"
    assert (wish["room_photo"], wish["reference_photo"]) == (None, 1)  # the room is the earlier photo
    two_new = chat("ده الريسبشن بتاعي وعايزه زي الصورة دي", images=PHOTO * 2)
    wish = structured(two_new)["drawing"]
    assert (wish["operation"], wish["room_photo"], wish["reference_photo"]) == ("reference", 1, 2)


def test_plain_advice_requests_no_drawing() -> None:
    assert structured(chat("what colour for a small bedroom?"))["drawing"] is None
    assert structured(chat("عايز رأيك في ألوان الحمام"))["drawing"] is None


def test_the_text_never_claims_a_drawing() -> None:
    # Whether a picture was made is known only after the studio ran; the service reports it.
    for message in ("show me", "ارسمهالي"):
        text = chat(message).text.lower()
        assert "drawing" not in text and "هرسم" not in text and "رسمت" not in text


# --- generate -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
@pytest.mark.parametrize(("width", "height"), [(1024, 1024), (1536, 1024), (640, 960), (48, 32)])
def test_generate_returns_decodable_images_at_the_requested_size(
    fmt: OutputFormat, width: int, height: int
) -> None:
    result = generate(width=width, height=height, output_format=fmt)
    assert result.provider == "offline" and result.usage.images == 1
    [image] = result.images
    assert image.mime_type == f"image/{fmt}"
    assert picture(image).size == (width, height)
    encoded = normalise_result(image.data, fmt)  # what generate stores and returns
    decoded = Image.open(io.BytesIO(encoded.data))
    assert decoded.format == PIL_FORMAT[fmt] and decoded.size == (width, height)
    decoded.load()


def test_the_board_shows_the_style_palette() -> None:
    board = picture(generate(prompt="a japandi bedroom").images[0]).convert("RGB")
    colours = {c for _, c in board.getcolors(maxcolors=1 << 20) or []}
    for swatch in get_style("japandi").palette:
        h = swatch.hex
        assert (int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)) in colours, swatch


def test_an_explicit_palette_is_drawn() -> None:
    board = picture(generate(palette=("#C0392B", "#2E86C1")).images[0]).convert("RGB")
    colours = {c for _, c in board.getcolors(maxcolors=1 << 20) or []}
    assert {(0xC0, 0x39, 0x2B), (0x2E, 0x86, 0xC1)} <= colours


def test_a_palette_entry_that_is_not_a_colour_is_ignored() -> None:
    board = picture(generate(palette=("#FA0", "not-a-colour")).images[0]).convert("RGB")
    assert (0xFF, 0xAA, 0x00) in {c for _, c in board.getcolors(maxcolors=1 << 20) or []}


def test_variations_differ_and_repeat_exactly() -> None:
    first = [picture(i).tobytes() for i in generate(n=3).images]
    again = [picture(i).tobytes() for i in generate(n=3).images]
    assert len(set(first)) == 3
    assert first == again
    assert (
        picture(generate(n=1, seed=7).images[0]).tobytes()
        != picture(generate(n=1, seed=8).images[0]).tobytes()
    )


# --- edit -----------------------------------------------------------------------------------------


RED = (0xC0, 0x39, 0x2B)


def test_edit_keeps_the_source_size_and_moves_pixels_toward_the_palette() -> None:
    source = photo(320, 240)
    out = edit(source, palette=("#C0392B",))
    assert out.size == (320, 240)
    original = Image.open(io.BytesIO(source))
    box = (0, 0, 320, 200)
    assert mean_distance(out, RED, box) < 0.7 * mean_distance(original, RED, box)


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
def test_edited_pixels_are_stored_in_every_output_format(fmt: OutputFormat) -> None:
    stored = normalise_result(edit(photo()), fmt, size=(320, 240))  # what edit stores and returns
    out = Image.open(io.BytesIO(stored.data))
    assert out.format == PIL_FORMAT[fmt] and out.size == (320, 240)


def test_edit_comes_back_at_the_requested_size_even_if_the_source_differs() -> None:
    out = edit(photo(320, 240), width=160, height=120)
    assert out.size == (160, 120)


def test_edit_changes_only_the_transparent_part_of_the_mask() -> None:
    source = photo(320, 240)
    mask = Image.new("RGBA", (320, 240), (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (160, 0, 320, 240))  # right half editable
    buf = io.BytesIO()
    mask.save(buf, "PNG")

    out = edit(source, palette=("#C0392B",), mask=ImageInput(buf.getvalue(), "image/png")).convert("RGB")
    original = Image.open(io.BytesIO(source)).convert("RGB")

    assert out.crop((0, 0, 160, 240)).tobytes() == original.crop((0, 0, 160, 240)).tobytes()
    right = (160, 0, 320, 200)
    assert mean_distance(out, RED, right) < 0.7 * mean_distance(original, RED, right)


def test_a_greyscale_mask_edits_where_it_is_white() -> None:
    source = photo(320, 240)
    mask = Image.new("L", (320, 240), 0)
    mask.paste(255, (0, 0, 160, 240))  # left half editable
    buf = io.BytesIO()
    mask.save(buf, "PNG")
    out = edit(source, palette=("#C0392B",), mask=ImageInput(buf.getvalue(), "image/png")).convert("RGB")
    original = Image.open(io.BytesIO(source)).convert("RGB")
    assert out.crop((160, 0, 320, 180)).tobytes() == original.crop((160, 0, 320, 180)).tobytes()
    assert out.crop((0, 0, 160, 240)).tobytes() != original.crop((0, 0, 160, 240)).tobytes()


def test_edit_reads_colours_from_the_instruction() -> None:
    source = photo()
    blue = (0x2E, 0x86, 0xC1)
    out = edit(source, instruction="Repaint the walls #2E86C1")
    original = Image.open(io.BytesIO(source))
    assert mean_distance(out, blue, (0, 0, 320, 150)) < mean_distance(original, blue, (0, 0, 320, 150))


def test_edit_is_deterministic() -> None:
    source = photo()
    first = edit(source, instruction="make it moroccan")
    assert first.tobytes() == edit(source, instruction="make it moroccan").tobytes()
    assert first.tobytes() != Image.open(io.BytesIO(source)).convert("RGB").tobytes()


def test_an_unreadable_source_is_a_problem_not_a_crash() -> None:
    request = EditRequest(
        image=ImageInput(b"not an image", "image/png"), instruction="x", width=10, height=10, timeout=5
    )
    with pytest.raises(ProblemError) as raised:
        asyncio.run(PROVIDER.edit(request))
    assert raised.value.code == "image_undecodable"


def test_the_room_keeps_the_users_word_in_the_plan_and_its_summary() -> None:
    # Issue 16: "صالة" was called "أوضة المعيشة" (the catalogue's name for a living room).
    data = structured(chat("الصالة 5 في 4 والشقة محارة، عايز بورسلين"))
    assert data["plan"]["rooms"][0]["name"] == "صالة"
    assert "صالة" in data["plan"]["summary"] and "المعيشة" not in data["plan"]["summary"]
