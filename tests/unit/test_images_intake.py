"""Intake: magic-byte sniffing, byte/pixel/side limits, the Pillow format allow-list, lazy HEIF."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Literal

import pytest
from PIL import Image, UnidentifiedImageError

from shatably.errors import ProblemError
from shatably.images import check_image_count, content_hash, load_image, sniff
from shatably.images.intake import DECODE_ERRORS, check_dimensions, configure_pillow, decode_guard, open_image
from shatably.settings import get_settings
from tests.fakes import image_corpus as corpus

REPO = Path(__file__).resolve().parents[2]

# As in production (configure_pillow), which pytest's per-test warning filters would undo.
pytestmark = pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")


def problem(exc: pytest.ExceptionInfo[ProblemError]) -> tuple[str, int]:
    return exc.value.code, exc.value.status


def set_limit(monkeypatch: pytest.MonkeyPatch, name: str, value: int) -> None:
    monkeypatch.setenv(name, str(value))
    get_settings.cache_clear()


# -- sniffing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (corpus.jpeg(), "jpeg"),
        (corpus.png(), "png"),
        (corpus.webp(), "webp"),
        (corpus.heic(), "heif"),
        (corpus.mpo(), "jpeg"),
        (b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic", "heif"),  # generic brand + an HEVC brand
        (b"\0\0\0\x14ftypheix\0\0\0\0mif1", "heif"),
    ],
)
def test_sniff_names_accepted_kinds(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


@pytest.mark.parametrize("name", sorted(corpus.other_formats()))
def test_sniff_refuses_everything_else(name: str) -> None:
    assert sniff(corpus.other_formats()[name]) is None


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xd8",  # too short to be a JPEG
        b"\x89PNG\r\n",
        b"RIFF\0\0\0\0WEB",
        b"\0\0\0\x18ftypmif1\0\0\0\0mif1avif",  # generic HEIF brand, but AV1-coded
        b"\0\0\0\x08ftyp",
    ],
)
def test_sniff_refuses_fragments_and_lookalikes(data: bytes) -> None:
    assert sniff(data) is None


def test_sniff_caps_the_ftyp_brand_scan() -> None:
    # A forged ftyp box size must not make the sniffer walk megabytes looking for brands.
    forged = b"\xff\xff\xff\xffftypmif1\0\0\0\0" + b"mif1" * 250_000 + b"heic"
    assert sniff(forged) is None


def test_the_declared_type_is_irrelevant_only_bytes_decide() -> None:
    # The API takes bytes only: a PNG "called" photo.jpg is a PNG, a PSD called photo.jpg is refused.
    assert load_image(corpus.png()).format == "png"
    with pytest.raises(ProblemError) as exc:
        load_image(corpus.psd())
    assert problem(exc) == ("unsupported_media_type", 415)


# -- byte and count limits ------------------------------------------------------------------------


def test_zero_bytes_is_image_empty() -> None:
    with pytest.raises(ProblemError) as exc:
        load_image(b"")
    assert problem(exc) == ("image_empty", 422)


def test_bytes_over_the_limit_are_413_before_anything_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    data = corpus.jpeg()
    set_limit(monkeypatch, "MAX_IMAGE_BYTES", len(data) - 1)
    with pytest.raises(ProblemError) as exc:
        load_image(data)
    assert problem(exc) == ("payload_too_large", 413)
    # Garbage of the same size gets the same answer: size is checked before the type.
    with pytest.raises(ProblemError) as exc:
        load_image(b"x" * len(data))
    assert problem(exc) == ("payload_too_large", 413)


def test_bytes_at_the_limit_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    data = corpus.jpeg()
    set_limit(monkeypatch, "MAX_IMAGE_BYTES", len(data))
    assert load_image(data).width == 96


def test_check_image_count() -> None:
    check_image_count(0, 4)
    check_image_count(4, 4)
    with pytest.raises(ProblemError) as exc:
        check_image_count(5, 4)
    assert problem(exc) == ("too_many_images", 422)
    assert "at most 4" in exc.value.detail


def test_content_hash_is_sha256_hex() -> None:
    assert content_hash(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


# -- header dimensions, before decoding -------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height"),
    [(20_000, 20_000), (20_000, 1), (1, 8193), (7000, 7000), (6400, 6400)],
)
def test_declared_size_over_limits_is_rejected_before_decoding(width: int, height: int) -> None:
    # The sample is a header only: had it been decoded, it would fail as undecodable instead.
    with pytest.raises(ProblemError) as exc:
        load_image(corpus.png_header_only(width, height))
    assert problem(exc) == ("image_too_large", 422)


def test_the_limits_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    set_limit(monkeypatch, "MAX_IMAGE_SIDE", 64)
    with pytest.raises(ProblemError) as exc:
        load_image(corpus.png(corpus.gradient((65, 10))))
    assert exc.value.code == "image_too_large"
    set_limit(monkeypatch, "MAX_IMAGE_SIDE", 8192)
    set_limit(monkeypatch, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ProblemError) as exc:
        load_image(corpus.png(corpus.gradient((40, 26))))
    assert exc.value.code == "image_too_large"
    assert load_image(corpus.png(corpus.gradient((40, 25)))).width == 40


def test_side_limit_boundary_passes_the_header_check() -> None:
    # 8192 x 1 is within limits, so the header-only file reaches the decoder and fails there.
    with pytest.raises(ProblemError) as exc:
        load_image(corpus.png_header_only(8192, 1))
    assert exc.value.code == "image_undecodable"


def test_jpeg_declared_size_is_checked_from_its_header() -> None:
    with pytest.raises(ProblemError) as exc:
        load_image(corpus.jpeg_declaring(30_000, 30_000))
    assert problem(exc) == ("image_too_large", 422)


@pytest.mark.parametrize(("width", "height"), [(0, 10), (10, 0)])
def test_zero_dimensions_are_undecodable(width: int, height: int) -> None:
    with pytest.raises(ProblemError) as exc:
        load_image(corpus.png_header_only(width, height))
    assert problem(exc) == ("image_undecodable", 422)
    with pytest.raises(ProblemError) as exc:
        check_dimensions(width, height)
    assert exc.value.code == "image_undecodable"


# -- Pillow configuration and the error mapping -------------------------------------------------------


def test_pillow_bomb_limit_is_configured_at_import() -> None:
    assert get_settings().max_image_pixels == Image.MAX_IMAGE_PIXELS


def test_configure_pillow_turns_the_bomb_warning_into_an_error() -> None:
    # pytest restores the warning filters around collection and each test, so the filter the
    # package installed at import is checked by installing it again inside a saved context.
    with warnings.catch_warnings():
        configure_pillow()
        with pytest.raises(Image.DecompressionBombWarning):
            warnings.warn("bomb", Image.DecompressionBombWarning, stacklevel=1)


@pytest.mark.parametrize("action", ["ignore", "error"])
def test_bombs_are_refused_whatever_the_warning_filters(action: Literal["ignore", "error"]) -> None:
    # 49 MP sits between our limit (40 MP) and Pillow's hard error (2x): with the filter lost,
    # Pillow would only warn, and the header check still refuses it.
    with warnings.catch_warnings():
        warnings.simplefilter(action, Image.DecompressionBombWarning)
        with pytest.raises(ProblemError) as exc:
            load_image(corpus.png_header_only(7000, 7000))
    assert problem(exc) == ("image_too_large", 422)


@pytest.mark.parametrize("error", [Image.DecompressionBombError("x"), Image.DecompressionBombWarning("x")])
def test_bomb_signals_map_to_image_too_large(error: Exception) -> None:
    with pytest.raises(ProblemError) as exc, decode_guard():
        raise error
    assert problem(exc) == ("image_too_large", 422)


@pytest.mark.parametrize("error_type", [*DECODE_ERRORS, UnidentifiedImageError, struct.error])
def test_decoder_errors_map_to_image_undecodable(error_type: type[Exception]) -> None:
    with pytest.raises(ProblemError) as exc, decode_guard():
        raise error_type("boom")
    assert problem(exc) == ("image_undecodable", 422)
    assert isinstance(exc.value.__cause__, error_type)


def test_programming_errors_are_not_swallowed() -> None:
    with pytest.raises(AttributeError), decode_guard():
        raise AttributeError("a bug, not bad input")


def test_pillow_is_restricted_to_the_sniffed_format(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    real_open = Image.open

    def spy(fp: object, mode: str = "r", formats: list[str] | None = None) -> Image.Image:
        seen.append(formats)
        return real_open(fp, mode, formats)  # type: ignore[arg-type]

    monkeypatch.setattr(Image, "open", spy)
    open_image(corpus.jpeg())
    open_image(corpus.png())
    open_image(corpus.webp())
    assert seen == [["JPEG"], ["PNG"], ["WEBP"]]


def test_a_gif_behind_png_magic_never_reaches_the_gif_parser() -> None:
    disguised = b"\x89PNG\r\n\x1a\n" + corpus.other_formats()["gif"]
    with pytest.raises(ProblemError) as exc:
        load_image(disguised)
    assert problem(exc) == ("image_undecodable", 422)


# -- import cost --------------------------------------------------------------------------------------


def test_heif_and_littlecms_load_lazily(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(corpus.jpeg())
    (tmp_path / "b.heic").write_bytes(corpus.heic())
    (tmp_path / "c.jpg").write_bytes(corpus.with_icc("JPEG", corpus.icc_profile()))
    script = f"""
import json, sys
from pathlib import Path
from typing import Literal
import shatably.images as images
d = Path({str(tmp_path)!r})
seen = {{"import": sorted(m for m in ("pi_heif", "PIL.ImageCms", "numpy") if m in sys.modules)}}
images.prepare_upstream((d / "a.jpg").read_bytes())
seen["jpeg"] = sorted(m for m in ("pi_heif", "PIL.ImageCms", "numpy") if m in sys.modules)
images.prepare_upstream((d / "b.heic").read_bytes())
seen["heic"] = "pi_heif" in sys.modules
images.prepare_upstream((d / "c.jpg").read_bytes())
seen["icc"] = "PIL.ImageCms" in sys.modules
print(json.dumps(seen))
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": f"{REPO}:{REPO / 'layers/common'}", "PATH": "/usr/bin:/bin"},
    )
    assert json.loads(out.stdout) == {"import": [], "jpeg": [], "heic": True, "icc": True}
