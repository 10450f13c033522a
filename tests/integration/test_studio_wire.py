"""The studio through the real SDKs against the fake providers (DESIGN D5): what each operation
puts on the wire, masks each provider can read, and the pixels outside a mask kept as they were."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageChops, ImageStat

from shatably.catalog import get_style
from shatably.studio.masking import GUIDE_TINT
from tests.integration.conftest import load_app
from tests.support.images import b64, open_image, photo

OWNER = "X-Owner-Id"
SIZE = (640, 480)
REGION = (96, 80, 352, 304)  # the rectangle a user painted: the only place that may change
# Mean absolute difference (0-255 per channel) allowed outside the mask between the source photo
# and the result: the two JPEG encodings of the source (upload, then the provider-ready copy) and
# the bilinear mask edge account for a little; anything the model drew there would be far more.
OUTSIDE_MAX_MEAN_DIFF = 2.0


@pytest.fixture
def studio(aws: Any, provider_env: Any) -> Any:
    return provider_env


def client() -> TestClient:
    return TestClient(load_app("edit").app)


def painted_mask(size: tuple[int, int] = SIZE, region: tuple[int, int, int, int] = REGION) -> bytes:
    """What a painting UI sends: opaque black everywhere, transparent where the user painted."""
    mask = Image.new("RGBA", size, (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), region)
    buffer = io.BytesIO()
    mask.save(buffer, "PNG")
    return buffer.getvalue()


def region_mask(size: tuple[int, int], region: tuple[int, int, int, int]) -> Image.Image:
    mask = Image.new("L", size, 0)
    mask.paste(255, region)
    return mask


def mean_diff(a: Image.Image, b: Image.Image, where: Image.Image) -> float:
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    return sum(ImageStat.Stat(diff, where).mean) / 3


def outside(region: tuple[int, int, int, int], size: tuple[int, int] = SIZE) -> Image.Image:
    # A band of a few pixels round the region is left out: the mask's resampled edge is soft there.
    grown = (region[0] - 4, region[1] - 4, region[2] + 4, region[3] + 4)
    return ImageChops.invert(region_mask(size, grown))


def edit_json(body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    response = client().post("/edit", json={"prompt": "make it lovely", **body}, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()


# --- masks ------------------------------------------------------------------------------------


def test_gemini_gets_a_visible_guide_and_the_result_keeps_every_pixel_outside_the_mask(
    studio: Any, fake_providers: Any
) -> None:
    source = photo(*SIZE, colour=(200, 190, 170))
    answer = edit_json(
        {
            "image": {"data": b64(source)},
            "mask": {"data": b64(painted_mask())},
            "operation": "repaint",
            "color": "navy",
        }
    )

    [sent] = fake_providers.requests_for("gemini")
    images = sent.gemini_images()
    assert len(images) == 2  # the photo, then the guide; never the bare mask
    guide = open_image(images[1][1]).convert("RGB")
    assert guide.size == SIZE
    inside_px, outside_px = guide.getpixel((224, 192)), guide.getpixel((560, 420))
    assert isinstance(inside_px, tuple) and isinstance(outside_px, tuple)
    assert inside_px[0] > inside_px[1] + 40  # tinted toward magenta-red inside the region
    assert abs(outside_px[0] - outside_px[1]) < 25  # the photo's own greys outside
    edge = guide.getpixel((REGION[0], 192))
    assert isinstance(edge, tuple) and max(abs(a - b) for a, b in zip(edge, GUIDE_TINT, strict=True)) < 40
    texts = sent.gemini_texts()
    assert any("Guide image" in t and "only inside that area" in t for t in texts)
    assert "CHANGE ONLY the marked area of the supplied mask" in texts[-1]

    result = open_image(base64.b64decode(answer["edited_image"]))
    original = open_image(source)
    assert result.size == SIZE
    assert mean_diff(result, original, outside(REGION)) < OUTSIDE_MAX_MEAN_DIFF
    inside = region_mask(SIZE, (REGION[0] + 4, REGION[1] + 4, REGION[2] - 4, REGION[3] - 4))
    assert mean_diff(result, original, inside) > 10  # the model's pixels, inside


def test_openai_gets_its_alpha_mask_at_the_exact_size_of_the_image_sent(
    studio: Any, fake_providers: Any
) -> None:
    studio.use(edit="openai")
    source = photo(*SIZE)
    answer = edit_json({"image": {"data": b64(source)}, "mask": {"data": b64(painted_mask())}})

    [sent] = fake_providers.requests_for("images_edit")
    files = {f.field: f for f in sent.files}
    assert set(files) == {"image", "mask"}  # no guide: OpenAI reads the mask itself
    image, mask = open_image(files["image"].data), open_image(files["mask"].data)
    assert mask.format == "PNG" and mask.size == image.size == SIZE
    alpha = mask.getchannel("A")
    assert alpha.getpixel((224, 192)) == 0 and alpha.getpixel((560, 420)) == 255  # 0 = may change

    result = open_image(base64.b64decode(answer["edited_image"]))
    assert mean_diff(result, open_image(source), outside(REGION)) < OUTSIDE_MAX_MEAN_DIFF


def test_a_mask_painted_white_on_black_means_the_same(studio: Any, fake_providers: Any) -> None:
    painted = Image.new("L", SIZE, 0)
    painted.paste(255, REGION)
    buffer = io.BytesIO()
    painted.save(buffer, "PNG")
    source = photo(*SIZE)
    answer = edit_json({"image": {"data": b64(source)}, "mask": {"data": b64(buffer.getvalue())}})
    result = open_image(base64.b64decode(answer["edited_image"]))
    assert mean_diff(result, open_image(source), outside(REGION)) < OUTSIDE_MAX_MEAN_DIFF


# --- the reference photo ------------------------------------------------------------------------


def test_gemini_gets_the_reference_second_and_labelled(studio: Any, fake_providers: Any) -> None:
    room, inspiration = photo(*SIZE), photo(300, 300, colour=(30, 90, 160))
    edit_json(
        {"image": {"data": b64(room)}, "operation": "reference", "reference": {"data": b64(inspiration)}}
    )

    [sent] = fake_providers.requests_for("gemini")
    [(_, first), (_, second)] = sent.gemini_images()
    assert open_image(first).size == SIZE and open_image(second).size == (300, 300)
    parts = [p for c in sent.gemini_contents() for p in c["parts"]]
    kinds = ["text" if "text" in p else "image" for p in parts]
    assert kinds == ["text", "image", "text", "image", "text"]
    assert parts[0]["text"].startswith("First image: the client's room")
    assert parts[2]["text"].startswith("Second image: the reference")
    assert "the second image is the reference, for its style only" in parts[4]["text"]


def test_openai_gets_the_reference_as_the_second_image(studio: Any, fake_providers: Any) -> None:
    studio.use(edit="openai")
    edit_json(
        {
            "image": {"data": b64(photo(*SIZE))},
            "operation": "reference",
            "reference": {"data": b64(photo(320, 320, colour=(30, 90, 160)))},
        }
    )
    [sent] = fake_providers.requests_for("images_edit")
    images = [f for f in sent.files if f.field in ("image", "image[]")]
    assert [open_image(f.data).size for f in images] == [SIZE, (320, 320)]
    assert "the second image is the reference" in sent.form["prompt"]


# --- each operation's prompt, colours, variations, resolution -------------------------------------


@pytest.mark.parametrize(
    ("body", "preserved"),
    [
        ({"operation": "restyle", "style": "industrial"}, "every window"),
        ({"operation": "finish", "style": "nubian", "grade": "economy"}, "every door"),
        ({"operation": "stage", "style": "coastal", "room_type": "bedroom"}, "every wall"),
        ({"operation": "empty"}, "finishes exactly as they are"),
        ({"operation": "render", "style": "farmhouse"}, "geometry, proportions and position"),
        ({"operation": "restyle", "style": "mediterranean", "room_type": "facade"}, "roofline"),
    ],
)
def test_each_operation_names_what_it_keeps_and_no_structure_from_the_style(
    studio: Any, fake_providers: Any, body: dict[str, Any], preserved: str
) -> None:
    edit_json({"image": {"data": b64(photo(*SIZE))}, **body})
    [sent] = fake_providers.requests_for("gemini")
    instruction = sent.gemini_texts()[-1]
    assert "PRESERVE EXACTLY: " in instruction and preserved in instruction
    if "style" in body:
        style = get_style(body["style"])
        assert style.decor in instruction and style.architecture not in instruction


@pytest.mark.parametrize(
    ("color", "on_the_wire"),
    [("بيج فاتح", "#E6DBC6"), ("light gray", "#BDBDBB"), ("رصاصي مزهر", '"رصاصي مزهر"')],
)
def test_colours_reach_the_model_resolved_or_verbatim(
    studio: Any, fake_providers: Any, color: str, on_the_wire: str
) -> None:
    answer = edit_json(
        {"image": {"data": b64(photo(*SIZE))}, "operation": "repaint", "color": color, "sheen": "ساتان"}
    )
    [sent] = fake_providers.requests_for("gemini")
    colour_line = next(line for line in sent.gemini_texts()[-1].splitlines() if line.startswith("COLOUR:"))
    assert on_the_wire in colour_line and "satin finish" in colour_line
    assert answer["color"]["input"] == color


def test_variations_are_separate_calls_to_gemini_and_n_to_openai(studio: Any, fake_providers: Any) -> None:
    answer = edit_json({"image": {"data": b64(photo(*SIZE))}, "n": 2})
    assert len(fake_providers.requests_for("gemini")) == 2 and len(answer["images"]) == 2
    studio.use(edit="openai")
    answer = edit_json({"image": {"data": b64(photo(*SIZE))}, "n": 3})
    [sent] = fake_providers.requests_for("images_edit")
    assert sent.form["n"] == "3" and len(answer["images"]) == 3
    assert all((i["width"], i["height"]) == SIZE for i in answer["images"])


def test_resolution_asks_gemini_for_its_size_and_keeps_the_aspect(studio: Any, fake_providers: Any) -> None:
    answer = edit_json({"image": {"data": b64(photo(*SIZE))}, "resolution": "2k"})
    [sent] = fake_providers.requests_for("gemini")
    assert sent.gemini_config()["imageConfig"] == {"aspectRatio": "4:3", "imageSize": "2K"}
    assert (answer["image"]["width"], answer["image"]["height"]) == (2048, 1536)


def test_a_resolution_the_model_cannot_make_is_refused_with_what_it_can(
    studio: Any, fake_providers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_IMAGE_MODEL", "gpt-image-1.5")
    studio.use(edit="openai")
    response = client().post(
        "/edit", json={"prompt": "x", "image": {"data": b64(photo(*SIZE))}, "resolution": "2k"}
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "resolution_unsupported" and problem["supported_resolutions"] == ["1k"]
    assert fake_providers.requests_for("images_edit") == []  # refused before any spend
