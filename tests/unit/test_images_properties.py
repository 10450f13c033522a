"""Property tests (reliability.md V2): whatever the bytes, the pipeline answers with a 4xx problem
or a clean image within the limits; whatever the image, the output is upright and metadata-free."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from shatably.errors import ProblemError
from shatably.images import encode_image, load_image, normalise_result, prepare_mask, prepare_upstream
from shatably.settings import get_settings
from tests.fakes import image_corpus as corpus

# Corrupted EXIF makes Pillow's TIFF parser warn ("Tag data larger than file"); that is expected here.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:PIL.TiffImagePlugin")

INTAKE_CODES = {
    "image_empty",
    "payload_too_large",
    "unsupported_media_type",
    "image_undecodable",
    "image_too_large",
    "image_animated",
    "mask_mismatch",  # prepare_mask: a corrupted orientation tag can turn the mask sideways
}
MAGIC = [
    b"\xff\xd8\xff",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    b"\x89PNG\r\n\x1a\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR",
    b"RIFF\x00\x01\x00\x00WEBPVP8 ",
    b"RIFF\x00\x01\x00\x00WEBPVP8X",
    b"\x00\x00\x00\x1cftypheic\x00\x00\x00\x00mif1heicmiaf",
]
ENTRIES: dict[str, Callable[[bytes], object]] = {
    "load_image": load_image,
    "load_image_small": lambda data: load_image(data, max_side=64),
    "prepare_upstream": prepare_upstream,
    "prepare_mask": lambda data: prepare_mask(data, 32, 24),
}

fast = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def valid_seed_images() -> list[bytes]:
    small = corpus.gradient((40, 30))
    return [
        corpus.jpeg(small, exif=corpus.exif(orientation=6, gps=True)),
        corpus.png(small.convert("P")),
        corpus.png(corpus.gradient((40, 30), mode="RGBA")),
        corpus.webp(small),
        corpus.webp(corpus.gradient((40, 30), mode="RGBA"), lossless=True),
        corpus.heic(small),
        corpus.cmyk_jpeg(),
        corpus.png_16bit_gray(),
    ]


SEEDS = valid_seed_images()


def check_answer(run: Callable[[bytes], object], data: bytes) -> None:
    try:
        result = run(data)
    except ProblemError as exc:
        assert exc.code in INTAKE_CODES, exc.code
        assert 400 <= exc.status < 500
        return
    limits = get_settings()
    image = getattr(result, "image", None)
    if isinstance(image, Image.Image):
        assert image.mode in ("RGB", "RGBA")
        assert image.info == {}
        assert max(image.size) <= limits.max_image_side
        assert image.width * image.height <= limits.max_image_pixels
    encoded = getattr(result, "data", result)
    if isinstance(encoded, bytes):
        assert corpus.metadata_found(encoded) == []


@fast
@given(data=st.binary(max_size=2048), entry=st.sampled_from(sorted(ENTRIES)))
def test_random_bytes_get_a_4xx_problem(data: bytes, entry: str) -> None:
    check_answer(ENTRIES[entry], data)


@fast
@given(magic=st.sampled_from(MAGIC), tail=st.binary(max_size=2048), entry=st.sampled_from(sorted(ENTRIES)))
def test_random_bytes_behind_real_magic_get_a_4xx_problem(magic: bytes, tail: bytes, entry: str) -> None:
    check_answer(ENTRIES[entry], magic + tail)


@fast
@given(
    seed=st.sampled_from(range(len(SEEDS))),
    edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.one_of(st.none(), st.integers(min_value=0)),
    fix_crcs=st.booleans(),
    entry=st.sampled_from(sorted(ENTRIES)),
)
def test_corrupted_real_images_get_a_4xx_problem_or_a_clean_image(
    seed: int, edits: list[tuple[int, int]], cut: int | None, fix_crcs: bool, entry: str
) -> None:
    data = bytearray(SEEDS[seed])
    for position, value in edits:
        data[position % len(data)] = value
    if cut is not None:
        del data[cut % len(data) :]
    if fix_crcs and data.startswith(b"\x89PNG"):
        data = bytearray(corpus.png_with_fixed_crcs(bytes(data)))
    check_answer(ENTRIES[entry], bytes(data))


def normalise_result_answer(data: bytes) -> None:
    try:
        result = normalise_result(data, "png", size=(20, 10))
    except ProblemError as exc:
        assert (exc.code, exc.status) == ("upstream_invalid_response", 502)
        assert isinstance(exc.__cause__, ProblemError) and exc.__cause__.code in INTAKE_CODES
        return
    assert (result.width, result.height) == (20, 10)


@settings(max_examples=60, deadline=None)
@given(magic=st.sampled_from([b"", *MAGIC]), tail=st.binary(max_size=1024))
def test_provider_garbage_is_an_upstream_fault(magic: bytes, tail: bytes) -> None:
    normalise_result_answer(magic + tail)


MODES = ["1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "I;16"]
SAVEABLE = {
    "JPEG": {"1", "L", "RGB", "CMYK"},
    "PNG": {"1", "L", "LA", "P", "RGB", "RGBA", "I;16"},
    "WEBP": {"RGB", "RGBA"},
    "HEIF": {"RGB", "RGBA"},
}


@st.composite
def random_images(draw: st.DrawFn) -> tuple[bytes, tuple[int, int], int | None]:
    """Encoded bytes of a random picture, its upright size and the max_side asked for."""
    width, height = draw(st.integers(1, 300)), draw(st.integers(1, 300))
    mode = draw(st.sampled_from(MODES))
    fmt = draw(st.sampled_from(sorted(SAVEABLE)))
    im = corpus.gradient((width, height), mode="RGBA").convert(mode if mode != "PA" else "RGBA")
    if mode == "PA":
        im = im.convert("PA")
    if im.mode not in SAVEABLE[fmt]:
        im = im.convert("RGBA" if "A" in im.mode and "RGBA" in SAVEABLE[fmt] else "RGB")
    orientation = draw(st.one_of(st.none(), st.integers(1, 8)))
    params: dict[str, object] = {}
    if draw(st.booleans()) or orientation is not None:
        params["exif"] = corpus.exif(orientation=orientation, gps=draw(st.booleans()), note=b"maker-note")
    if fmt in ("JPEG", "PNG", "WEBP") and im.mode in ("RGB", "RGBA") and draw(st.booleans()):
        params["icc_profile"] = corpus.icc_profile(gamma=draw(st.sampled_from([1.0, 1.8, 2.2])))
    if fmt in ("JPEG", "WEBP") and draw(st.booleans()):
        params["xmp"] = corpus.XMP_PACKET
    data = corpus.heic(im, **params) if fmt == "HEIF" else corpus.encode(im, fmt, **params)
    upright = (height, width) if orientation is not None and orientation >= 5 else (width, height)
    return data, upright, draw(st.one_of(st.none(), st.integers(8, 400)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=random_images())
def test_random_images_come_out_upright_clean_and_within_bounds(
    sample: tuple[bytes, tuple[int, int], int | None],
) -> None:
    data, upright, max_side = sample
    clean = load_image(data, max_side=max_side)
    assert (clean.original_width, clean.original_height) == upright
    assert clean.image.mode in ("RGB", "RGBA")
    assert clean.image.info == {}
    if max_side is not None:
        assert max(clean.image.size) <= max_side
        assert max(clean.image.size) == min(max_side, max(upright))
    else:
        assert clean.image.size == upright
    # Upright aspect ratio kept, up to one pixel per side (rounding, and the 1 px floor).
    assert abs(clean.width * upright[1] - clean.height * upright[0]) <= upright[0] + upright[1]
    for fmt in ("png", "jpeg", "webp"):
        assert corpus.metadata_found(encode_image(clean, fmt).data) == []
    prepared = prepare_upstream(data)
    assert max(prepared.width, prepared.height) <= get_settings().upstream_max_side
    assert corpus.metadata_found(prepared.data) == []
