"""Normalise: orientation, the fast downscale path, colour (ICC, CMYK, 16-bit, palette), alpha."""

from __future__ import annotations

import pytest
from PIL import Image, ImageFile, JpegImagePlugin

from shatably.images import load_image
from shatably.images.normalise import load_cover
from tests.fakes import image_corpus as corpus

ORIENTATIONS = range(1, 9)


def close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def corner_colours(im: Image.Image, inset: int) -> dict[str, tuple[int, ...]]:
    w, h = im.size
    points = {
        "top_left": (inset, inset),
        "top_right": (w - 1 - inset, inset),
        "bottom_left": (inset, h - 1 - inset),
        "bottom_right": (w - 1 - inset, h - 1 - inset),
    }
    colours = {}
    for name, xy in points.items():
        pixel = im.getpixel(xy)
        assert isinstance(pixel, tuple)
        colours[name] = pixel[:3]
    return colours


def assert_upright(im: Image.Image, size: tuple[int, int], inset: int) -> None:
    assert im.size == size
    for name, colour in corner_colours(im, inset).items():
        assert close(colour, corpus.CORNER_COLOURS[name]), (name, colour)


def oriented(fmt: str, orientation: int, size: tuple[int, int], block: int) -> bytes:
    stored = corpus.stored_for_orientation(corpus.corner_markers(size, block), orientation)
    params = {"quality": 95} if fmt == "JPEG" else {}
    return corpus.encode(stored, fmt, exif=corpus.exif(orientation=orientation), **params)


# -- orientation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_every_exif_orientation_comes_out_upright(fmt: str, orientation: int) -> None:
    clean = load_image(oriented(fmt, orientation, (60, 40), 12))
    assert_upright(clean.image, (60, 40), inset=4)
    assert (clean.original_width, clean.original_height) == (60, 40)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_orientation_is_right_on_the_downscale_path(fmt: str, orientation: int) -> None:
    # 800x600 upright -> fit 200: JPEG decodes at 1/2 (draft), PNG reduces by 3; both transpose last.
    clean = load_image(oriented(fmt, orientation, (800, 600), 160), max_side=200)
    assert_upright(clean.image, (200, 150), inset=10)
    assert (clean.original_width, clean.original_height) == (800, 600)


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_orientation_is_right_when_cover_cropping(orientation: int) -> None:
    # 800x400 upright, covered to 100x100: the centre square survives, the corner blocks do not, so
    # check the centre square's own corners, marked on the upright image.
    upright = Image.new("RGB", (800, 400), (128, 128, 128))
    for name, (x, y) in {"top_left": (200, 0), "top_right": (520, 0), "bottom_left": (200, 320)}.items():
        upright.paste(corpus.CORNER_COLOURS[name], (x, y, x + 80, y + 80))
    upright.paste(corpus.CORNER_COLOURS["bottom_right"], (520, 320, 600, 400))
    stored = corpus.stored_for_orientation(upright, orientation)
    data = corpus.encode(stored, "JPEG", quality=95, exif=corpus.exif(orientation=orientation))
    assert_upright(load_cover(data, (100, 100)).image, (100, 100), inset=5)


def test_unreadable_exif_is_treated_as_upright() -> None:
    data = bytearray(corpus.jpeg(corpus.gradient((40, 30)), exif=corpus.exif(orientation=6)))
    start = data.index(b"Exif\0\0") + 6
    data[start : start + 4] = b"XXXX"  # not a TIFF header any more
    clean = load_image(bytes(data))
    assert clean.image.size == (40, 30)


def test_out_of_range_orientation_is_ignored() -> None:
    clean = load_image(corpus.jpeg(corpus.gradient((40, 30)), exif=corpus.exif(orientation=9)))
    assert clean.image.size == (40, 30)


# -- the fast path ---------------------------------------------------------------------------------


def test_jpeg_is_drafted_to_the_smallest_dct_scale_that_covers_the_target(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drafts: list[tuple[tuple[int, int] | None, tuple[int, int]]] = []
    real = JpegImagePlugin.JpegImageFile.draft

    def spy(
        self: JpegImagePlugin.JpegImageFile, mode: str | None, size: tuple[int, int] | None
    ) -> tuple[str, tuple[int, int, float, float]] | None:
        result = real(self, mode, size)
        drafts.append((size, self.size))
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    clean = load_image(corpus.jpeg(corpus.gradient((1600, 1200))), max_side=300)
    assert clean.image.size == (300, 225)
    assert drafts == [((300, 225), (400, 300))]  # 1/4 scale; 1/8 (200x150) would be too small


def test_non_jpeg_is_reduced_before_resampling(monkeypatch: pytest.MonkeyPatch) -> None:
    factors: list[object] = []
    real = Image.Image.reduce

    def spy(self: Image.Image, factor: int | tuple[int, int], box: object = None) -> Image.Image:
        factors.append(factor)
        return real(self, factor, box)  # type: ignore[arg-type]

    monkeypatch.setattr(Image.Image, "reduce", spy)
    clean = load_image(corpus.png(corpus.gradient((1600, 1200))), max_side=300)
    assert clean.image.size == (300, 225)
    assert factors == [(5, 5)]  # floor(1600 / 300): the 1-2x remainder is resampled


def test_transpose_runs_after_the_downscale(monkeypatch: pytest.MonkeyPatch) -> None:
    data = corpus.jpeg(corpus.gradient((1200, 900)), exif=corpus.exif(orientation=6))
    sizes: list[tuple[int, int]] = []
    real = Image.Image.transpose

    def spy(self: Image.Image, method: Image.Transpose) -> Image.Image:
        sizes.append(self.size)
        return real(self, method)

    monkeypatch.setattr(Image.Image, "transpose", spy)
    clean = load_image(data, max_side=240)
    assert sizes == [(240, 180)]
    assert clean.image.size == (180, 240)


def test_max_side_fits_the_longest_side_and_never_upscales() -> None:
    data = corpus.png(corpus.gradient((500, 120)))
    assert load_image(data, max_side=100).image.size == (100, 24)
    assert load_image(data, max_side=1000).image.size == (500, 120)
    assert load_image(data).image.size == (500, 120)


def test_cover_fills_exactly_and_crops_the_centre() -> None:
    # Left third red, middle green, right third blue: covering a square keeps only green.
    im = Image.new("RGB", (300, 100), (255, 0, 0))
    im.paste((0, 255, 0), (100, 0, 200, 100))
    im.paste((0, 0, 255), (200, 0, 300, 100))
    out = load_cover(corpus.png(im), (50, 50)).image
    assert out.size == (50, 50)
    assert close(out.getpixel((1, 25)), (0, 255, 0), 10)  # type: ignore[arg-type]
    assert close(out.getpixel((48, 25)), (0, 255, 0), 10)  # type: ignore[arg-type]
    # Same aspect ratio: a plain resize, nothing cropped.
    out = load_cover(corpus.png(im), (150, 50)).image
    assert close(out.getpixel((2, 25)), (255, 0, 0), 10)  # type: ignore[arg-type]
    assert close(out.getpixel((147, 25)), (0, 0, 255), 10)  # type: ignore[arg-type]


def test_cover_can_enlarge() -> None:
    assert load_cover(corpus.png(corpus.gradient((40, 30))), (200, 100)).image.size == (200, 100)


# -- the clean image ---------------------------------------------------------------------------------


def test_clean_image_is_a_plain_image_without_metadata() -> None:
    clean = load_image(corpus.jpeg_with_private_metadata())
    assert type(clean.image) is Image.Image
    assert not isinstance(clean.image, ImageFile.ImageFile)
    assert clean.image.info == {}
    assert len(clean.image.getexif()) == 0
    assert (clean.width, clean.height, clean.format) == (96, 64, "jpeg")


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_alpha_is_kept_only_when_it_is_real(fmt: str) -> None:
    opaque = Image.new("RGBA", (20, 20), (10, 20, 30, 255))
    see_through = opaque.copy()
    see_through.putpixel((3, 3), (10, 20, 30, 0))
    params = {"lossless": True, "exact": True} if fmt == "WEBP" else {}
    assert load_image(corpus.encode(opaque, fmt, **params)).image.mode == "RGB"
    clean = load_image(corpus.encode(see_through, fmt, **params))
    assert clean.image.mode == "RGBA" and clean.has_alpha
    assert clean.image.getpixel((3, 3)) == (10, 20, 30, 0)


def test_cmyk_jpeg_becomes_rgb() -> None:
    clean = load_image(corpus.cmyk_jpeg())
    assert clean.image.mode == "RGB"
    assert close(clean.image.getpixel((5, 5)), (255, 255, 255), 8)  # type: ignore[arg-type]
    assert close(clean.image.getpixel((40, 5)), (0, 255, 255), 8)  # type: ignore[arg-type]


def test_16_bit_grayscale_png_is_scaled_not_clipped() -> None:
    clean = load_image(corpus.png_16bit_gray())
    assert clean.image.mode == "RGB"
    assert [clean.image.getpixel((x, 1)) for x in (0, 3, 6)] == [(0, 0, 0), (128, 128, 128), (255, 255, 255)]


def test_palette_png_transparency_becomes_alpha() -> None:
    clean = load_image(corpus.palette_png_with_transparency())
    assert clean.image.mode == "RGBA"
    assert clean.image.getpixel((2, 2)) == (255, 0, 0, 0)
    assert clean.image.getpixel((12, 2)) == (0, 0, 255, 255)


def test_grayscale_becomes_rgb() -> None:
    clean = load_image(corpus.grayscale_jpeg())
    assert clean.image.mode == "RGB"
    r, g, b = clean.image.getpixel((30, 20))  # type: ignore[misc]
    assert r == g == b


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_an_icc_profile_is_converted_to_srgb(fmt: str) -> None:
    # Linear-light 128 is sRGB ~188: the profile was honoured, then dropped from the output.
    clean = load_image(corpus.with_icc(fmt, corpus.icc_profile(gamma=1.0)))
    assert close(clean.image.getpixel((16, 16)), (188, 188, 188), 3)  # type: ignore[arg-type]
    assert clean.image.info == {}


def test_an_srgb_profile_leaves_pixels_alone() -> None:
    clean = load_image(corpus.with_icc("PNG", corpus.srgb_icc()))
    assert clean.image.getpixel((16, 16)) == (128, 128, 128)


def test_a_garbage_icc_profile_is_dropped_not_fatal() -> None:
    clean = load_image(corpus.with_icc("PNG", b"\0" * 64 + b"not a profile" * 10))
    assert clean.image.getpixel((16, 16)) == (128, 128, 128)
    assert clean.image.mode == "RGB"


def test_an_icc_profile_on_an_image_with_alpha_keeps_the_alpha() -> None:
    im = Image.new("RGBA", (8, 8), (128, 128, 128, 255))
    im.putpixel((0, 0), (128, 128, 128, 0))
    clean = load_image(corpus.png(im, icc_profile=corpus.icc_profile(gamma=1.0)))
    assert clean.image.mode == "RGBA"
    assert close(clean.image.getpixel((4, 4)), (188, 188, 188, 255), 3)  # type: ignore[arg-type]
    assert clean.image.getpixel((0, 0))[3] == 0  # type: ignore[index]


def test_heic_is_accepted_and_normalised() -> None:
    im = corpus.corner_markers((64, 48), 16)
    clean = load_image(corpus.heic(im, quality=95, exif=corpus.exif(orientation=1, gps=True)))
    assert clean.format == "heif"
    assert_upright(clean.image, (64, 48), inset=4)
    assert clean.image.info == {}


def test_heic_orientation_is_applied_once() -> None:
    # pillow-heif stores EXIF orientation as HEIF transforms and resets the tag, so the decoded
    # pixels are already upright and must not be turned again.
    stored = corpus.stored_for_orientation(corpus.corner_markers((64, 48), 16), 6)
    clean = load_image(corpus.heic(stored, quality=95, exif=corpus.exif(orientation=6)))
    assert_upright(clean.image, (64, 48), inset=4)


def test_heic_collection_yields_its_primary_image() -> None:
    clean = load_image(corpus.heic_collection())
    assert clean.image.size == (64, 48)
    assert close(clean.image.getpixel((10, 10)), (200, 30, 30), 20)  # type: ignore[arg-type]


def test_mpo_yields_its_primary_image() -> None:
    clean = load_image(corpus.mpo())
    assert (clean.format, clean.image.size) == ("jpeg", (64, 48))
    assert close(clean.image.getpixel((10, 10)), (200, 30, 30), 10)  # type: ignore[arg-type]


def test_drawn_pixels_are_stored_like_decoded_ones() -> None:
    """The offline provider hands over pixels, not bytes: they come out shaped like any result."""
    import io

    from shatably.images import normalise_result

    drawn = Image.new("P", (400, 200), 3)  # a palette image, wider than the photo it must match
    drawn.info["comment"] = b"not for the user"
    stored = normalise_result(drawn, "png", size=(200, 200))
    out = Image.open(io.BytesIO(stored.data))
    assert (out.format, out.mode, out.size) == ("PNG", "RGB", (200, 200))
    assert "comment" not in out.info
    assert (stored.width, stored.height) == (200, 200)
