"""The malicious-image corpus (reliability.md V3): every sample is refused or neutralised."""

from __future__ import annotations

import io
import resource
from collections.abc import Callable

import pytest
from PIL import Image

from shatably.errors import ProblemError
from shatably.images import encode_image, load_image, prepare_mask, prepare_upstream
from shatably.providers.base import OutputFormat
from tests.fakes import image_corpus as corpus

REFUSED: list[tuple[str, Callable[[], bytes], str, int]] = [
    ("png bomb 20k x 20k in 65 bytes", corpus.png_bomb, "image_too_large", 422),
    ("png huge single side", lambda: corpus.png_header_only(100_000, 1), "image_too_large", 422),
    ("png zero height", lambda: corpus.png_header_only(100, 0), "image_undecodable", 422),
    ("png zero width, huge height", lambda: corpus.png_header_only(0, 100_000), "image_undecodable", 422),
    ("jpeg declaring 30k x 30k", lambda: corpus.jpeg_declaring(30_000, 30_000), "image_too_large", 422),
    ("webp canvas bomb", corpus.webp_canvas_bomb, "image_too_large", 422),
    ("truncated jpeg", corpus.truncated_jpeg, "image_undecodable", 422),
    ("truncated png", corpus.truncated_png, "image_undecodable", 422),
    ("png with corrupt compressed pixels", corpus.png_corrupt_idat, "image_undecodable", 422),
    ("jpeg magic then junk", lambda: b"\xff\xd8\xff\xe0" + b"\0" * 100, "image_undecodable", 422),
    ("animated gif", corpus.animated_gif, "unsupported_media_type", 415),
    ("animated webp", corpus.animated_webp, "image_animated", 422),
    ("apng", corpus.apng, "image_animated", 422),
    ("svg with script", corpus.svg_with_script, "unsupported_media_type", 415),
    ("zero bytes", lambda: b"", "image_empty", 422),
    *[
        (f"{name} renamed .jpg", (lambda data=data: data), "unsupported_media_type", 415)
        for name, data in corpus.other_formats().items()
    ],
]


@pytest.mark.parametrize(("name", "build", "code", "status"), REFUSED, ids=[r[0] for r in REFUSED])
@pytest.mark.parametrize("entry", ["load_image", "prepare_upstream", "prepare_mask"])
def test_hostile_samples_are_refused_with_their_problem(
    name: str, build: Callable[[], bytes], code: str, status: int, entry: str
) -> None:
    run: dict[str, Callable[[bytes], object]] = {
        "load_image": load_image,
        "prepare_upstream": prepare_upstream,
        "prepare_mask": lambda data: prepare_mask(data, 64, 48),
    }
    with pytest.raises(ProblemError) as exc:
        run[entry](build())
    assert (exc.value.code, exc.value.status) == (code, status)


def test_the_bomb_costs_no_memory() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(20):
        with pytest.raises(ProblemError):
            prepare_upstream(corpus.png_bomb())
        with pytest.raises(ProblemError):
            prepare_upstream(corpus.webp_canvas_bomb())
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 20 * 1024  # a decoded 20k x 20k RGB image would be 1.2 GB


@pytest.mark.parametrize("build", [corpus.jpeg_with_zip, corpus.jpeg_with_html], ids=["zip", "html"])
@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_polyglots_are_neutralised_by_reencoding(build: Callable[[], bytes], fmt: OutputFormat) -> None:
    data = build()
    clean = encode_image(load_image(data), fmt).data
    assert b"PK\x03\x04" not in clean and b"<script" not in clean and b"<html" not in clean
    assert corpus.metadata_found(clean) == []
    assert corpus.metadata_found(prepare_upstream(data).data) == []


def test_private_metadata_is_gone_from_every_output() -> None:
    data = corpus.jpeg_with_private_metadata()
    assert "GPS IFD" in corpus.metadata_found(data)  # the sample really carries it
    outputs = [prepare_upstream(data).data, prepare_mask(data, 96, 64)]
    outputs += [encode_image(load_image(data), fmt).data for fmt in ("png", "jpeg", "webp")]
    for out in outputs:
        assert corpus.metadata_found(out) == []
        with Image.open(io.BytesIO(out)) as im:
            assert corpus.EXIF_GPS_IFD not in im.getexif()
            assert not im.info.get("xmp") and not im.info.get("icc_profile")


def test_an_embedded_exif_thumbnail_does_not_survive() -> None:
    thumb = io.BytesIO()
    Image.new("RGB", (16, 16), (255, 0, 255)).save(thumb, "JPEG")
    ex = Image.Exif()
    ex[0x0112] = 1
    data = corpus.jpeg(corpus.gradient((64, 48)), exif=ex.tobytes() + thumb.getvalue())
    assert data.count(b"\xff\xd8") == 2
    out = prepare_upstream(data).data
    assert out.count(b"\xff\xd8") == 1  # one SOI: no JPEG nested inside
    assert corpus.metadata_found(out) == []


@pytest.mark.parametrize(
    ("build", "mode", "size"),
    [
        (corpus.heic, "RGB", (96, 64)),
        (corpus.cmyk_jpeg, "RGB", (48, 32)),
        (corpus.png_16bit_gray, "RGB", (8, 4)),
        (corpus.palette_png_with_transparency, "RGBA", (16, 16)),
        (corpus.grayscale_jpeg, "RGB", (64, 48)),
        (corpus.mpo, "RGB", (64, 48)),
        (corpus.heic_collection, "RGB", (64, 48)),
    ],
    ids=["heic", "cmyk", "png16", "palette-alpha", "gray", "mpo", "heic-collection"],
)
def test_unusual_but_legitimate_images_are_normalised(
    build: Callable[[], bytes], mode: str, size: tuple[int, int]
) -> None:
    clean = load_image(build())
    assert (clean.image.mode, clean.image.size) == (mode, size)
    assert clean.image.info == {}
    assert corpus.metadata_found(prepare_upstream(build()).data) == []
