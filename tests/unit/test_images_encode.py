"""Encode and the pipeline's uses: provider-ready photos, provider results, edit masks."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shatably.errors import ProblemError
from shatably.images import (
    EncodedImage,
    PreparedImage,
    encode_image,
    load_image,
    normalise_result,
    prepare_mask,
    prepare_upstream,
)
from shatably.images import pipeline as pipeline_module
from shatably.providers.base import ImageInput, OutputFormat
from shatably.settings import get_settings
from tests.fakes import image_corpus as corpus

FORMATS: list[OutputFormat] = ["png", "jpeg", "webp"]


def decoded(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def noisy_photo(size: tuple[int, int]) -> Image.Image:
    """Gradients plus noise: the worst case for JPEG size, like a real phone photo's grain."""
    base = corpus.gradient(size)
    noise = Image.merge("RGB", [Image.effect_noise(size, 40) for _ in range(3)])
    return Image.blend(base, noise, 0.25)


# -- encode_image ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_encode_image_formats(fmt: OutputFormat) -> None:
    encoded = encode_image(load_image(corpus.jpeg_with_private_metadata()), fmt)
    assert isinstance(encoded, EncodedImage)
    assert (encoded.format, encoded.mime_type, encoded.width, encoded.height) == (fmt, f"image/{fmt}", 96, 64)
    im = decoded(encoded.data)
    assert (im.format, im.size) == ({"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}[fmt], (96, 64))
    assert corpus.metadata_found(encoded.data) == []


def test_as_input_is_the_provider_image_input() -> None:
    encoded = encode_image(load_image(corpus.png()), "png")
    assert encoded.as_input() == ImageInput(data=encoded.data, mime_type="image/png")


@pytest.mark.parametrize("fmt", ["png", "webp"])
def test_alpha_survives_formats_that_have_it(fmt: OutputFormat) -> None:
    im = Image.new("RGBA", (10, 10), (0, 128, 0, 255))
    im.putpixel((0, 0), (0, 128, 0, 0))
    out = decoded(encode_image(im, fmt).data)
    assert out.mode == "RGBA"
    assert out.getpixel((0, 0))[3] == 0  # type: ignore[index]


def test_jpeg_flattens_alpha_onto_white() -> None:
    im = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    out = decoded(encode_image(im, "jpeg").data)
    assert out.mode == "RGB"
    assert all(v > 250 for v in out.getpixel((5, 5)))  # type: ignore[union-attr]


def test_encode_accepts_any_pil_image_and_leaks_nothing_from_its_info() -> None:
    im = Image.new("L", (12, 8), 90)
    im.info.update(icc_profile=corpus.srgb_icc(), comment=b"secret", exif=corpus.exif(gps=True))
    for fmt in FORMATS:
        encoded = encode_image(im, fmt)
        assert corpus.metadata_found(encoded.data) == [], fmt
    rgb = Image.new("RGB", (12, 8), (1, 2, 3))
    rgb.info["comment"] = b"secret"
    assert corpus.metadata_found(encode_image(rgb, "jpeg").data) == []
    assert rgb.info == {"comment": b"secret"}  # the caller's image is not modified


def test_encode_accepts_an_opened_file_image() -> None:
    opened = Image.open(io.BytesIO(corpus.jpeg_with_private_metadata()))
    assert corpus.metadata_found(encode_image(opened, "jpeg").data) == []


# -- prepare_upstream ------------------------------------------------------------------------------


def test_prepare_upstream_makes_a_small_upright_jpeg_without_metadata() -> None:
    photo = noisy_photo((3000, 2250))
    data = corpus.jpeg(photo, quality=92, exif=corpus.exif(orientation=6, gps=True), xmp=corpus.XMP_PACKET)
    prepared = prepare_upstream(data)
    side = get_settings().upstream_max_side
    assert isinstance(prepared, PreparedImage)
    assert (prepared.format, prepared.mime_type) == ("jpeg", "image/jpeg")
    assert (prepared.width, prepared.height) == (side * 3 // 4, side)  # portrait: orientation 6
    assert (prepared.original_width, prepared.original_height, prepared.source_format) == (2250, 3000, "jpeg")
    assert len(prepared.data) <= pipeline_module.UPSTREAM_MAX_BYTES
    assert decoded(prepared.data).size == (prepared.width, prepared.height)
    assert corpus.metadata_found(prepared.data) == []
    assert prepared.as_input() == ImageInput(prepared.data, "image/jpeg")


def test_prepare_upstream_keeps_small_images_small() -> None:
    prepared = prepare_upstream(corpus.png(corpus.gradient((300, 200))))
    assert (prepared.width, prepared.height, prepared.format) == (300, 200, "jpeg")


def test_prepare_upstream_sends_png_when_transparency_matters() -> None:
    im = corpus.gradient((200, 100), mode="RGBA")
    prepared = prepare_upstream(corpus.png(im))
    assert (prepared.format, prepared.mime_type) == ("png", "image/png")
    assert decoded(prepared.data).mode == "RGBA"


def test_prepare_upstream_steps_quality_down_to_fit_the_byte_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    data = corpus.jpeg(noisy_photo((800, 600)), quality=95)
    generous = prepare_upstream(data)
    monkeypatch.setattr(pipeline_module, "UPSTREAM_MAX_BYTES", len(generous.data) * 3 // 4)
    squeezed = prepare_upstream(data)
    assert len(squeezed.data) <= len(generous.data) * 3 // 4
    monkeypatch.setattr(pipeline_module, "UPSTREAM_MAX_BYTES", 1)
    floor = prepare_upstream(data)  # nothing fits: the lowest quality is sent rather than nothing
    assert len(floor.data) < len(squeezed.data)


def test_prepare_upstream_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTREAM_MAX_SIDE", "256")
    get_settings.cache_clear()
    assert prepare_upstream(corpus.png(corpus.gradient((1024, 512)))).width == 256


# -- normalise_result ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_normalise_result_reencodes_in_the_requested_format(fmt: OutputFormat) -> None:
    result = normalise_result(corpus.jpeg_with_private_metadata(), fmt)
    assert (result.format, result.width, result.height) == (fmt, 96, 64)
    assert corpus.metadata_found(result.data) == []


def test_normalise_result_matches_the_source_size_exactly() -> None:
    # A provider answered 1024x1024 for a 4:3 source: fill 400x300 by covering and centre-cropping.
    square = Image.new("RGB", (1024, 1024), (255, 0, 0))
    square.paste((0, 255, 0), (0, 128, 1024, 896))  # the band that survives a 4:3 centre crop
    result = normalise_result(corpus.png(square), "png", size=(400, 300))
    assert (result.width, result.height) == (400, 300)
    out = decoded(result.data)
    assert out.size == (400, 300)
    assert out.getpixel((200, 1)) == (0, 255, 0)
    assert out.getpixel((200, 298)) == (0, 255, 0)


def test_normalise_result_resizes_same_aspect_without_cropping() -> None:
    result = normalise_result(corpus.png(corpus.corner_markers((800, 600), 40)), "png", size=(400, 300))
    out = decoded(result.data)
    assert out.getpixel((2, 2)) == corpus.CORNER_COLOURS["top_left"]
    assert out.getpixel((397, 297)) == corpus.CORNER_COLOURS["bottom_right"]


@pytest.mark.parametrize("bad", [b"", b"<html>", corpus.png_bomb(), corpus.truncated_png(), corpus.apng()])
def test_an_unusable_provider_image_is_an_upstream_fault(bad: bytes) -> None:
    with pytest.raises(ProblemError) as exc:
        normalise_result(bad, "png")
    assert (exc.value.code, exc.value.status) == ("upstream_invalid_response", 502)
    assert isinstance(exc.value.__cause__, ProblemError)


# -- prepare_mask ----------------------------------------------------------------------------------


def test_mask_with_alpha_keeps_it_and_is_resized_to_the_source() -> None:
    mask = Image.new("RGBA", (200, 150), (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (0, 0, 100, 150))  # left half editable
    out = decoded(prepare_mask(corpus.png(mask), 400, 300))
    assert (out.format, out.mode, out.size) == ("PNG", "RGBA", (400, 300))
    assert out.getpixel((50, 150))[3] == 0  # type: ignore[index]
    assert out.getpixel((350, 150))[3] == 255  # type: ignore[index]


def test_opaque_mask_reads_white_as_editable() -> None:
    mask = Image.new("L", (400, 300), 0)
    mask.paste(255, (200, 0, 400, 300))  # right half painted white
    out = decoded(prepare_mask(corpus.jpeg(mask, quality=95), 400, 300))
    assert out.getpixel((300, 150))[3] < 10  # type: ignore[index]
    assert out.getpixel((100, 150))[3] > 245  # type: ignore[index]


def test_mask_within_one_percent_of_the_aspect_ratio_is_accepted() -> None:
    out = decoded(prepare_mask(corpus.png(Image.new("L", (403, 300), 255)), 400, 300))
    assert out.size == (400, 300)


@pytest.mark.parametrize("size", [(408, 300), (300, 400), (400, 400)])
def test_mask_of_another_aspect_ratio_is_refused(size: tuple[int, int]) -> None:
    with pytest.raises(ProblemError) as exc:
        prepare_mask(corpus.png(Image.new("L", size, 255)), 400, 300)
    assert (exc.value.code, exc.value.status) == ("mask_mismatch", 422)


def test_mask_orientation_is_applied_before_the_aspect_check() -> None:
    stored = Image.new("L", (300, 400), 255)  # portrait pixels, shown landscape by orientation 6
    data = corpus.jpeg(stored, exif=corpus.exif(orientation=6))
    assert decoded(prepare_mask(data, 400, 300)).size == (400, 300)


def test_mask_output_has_no_metadata_and_non_images_are_refused() -> None:
    data = corpus.jpeg(Image.new("L", (40, 30), 255), exif=corpus.exif(gps=True), comment=b"x")
    assert corpus.metadata_found(prepare_mask(data, 40, 30)) == []
    with pytest.raises(ProblemError) as exc:
        prepare_mask(corpus.svg_with_script(), 40, 30)
    assert exc.value.code == "unsupported_media_type"


@pytest.mark.parametrize("size", [(0, 10), (10, -1)])
def test_a_non_positive_target_size_is_a_programming_error(size: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="positive"):
        normalise_result(corpus.png(), "png", size=size)
    with pytest.raises(ValueError, match="positive"):
        prepare_mask(corpus.png(), *size)
