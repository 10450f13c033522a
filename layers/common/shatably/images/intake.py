"""Intake: decide whether bytes are an image we accept, and open them without decoding.

Everything here runs before a single pixel is decoded, so hostile input is turned away while it is
still cheap (reliability.md T1–T8, T12):

1. size: zero bytes -> 422 ``image_empty``; over ``max_image_bytes`` -> 413 ``payload_too_large``;
2. type: the magic bytes alone decide (never a declared type or a file name); anything but JPEG, PNG,
   WebP or HEIC/HEIF -> 415 ``unsupported_media_type``;
3. open: Pillow restricted to the one format the magic bytes named, so no other parser (PSD, FITS,
   TIFF, ...) is ever reachable; parse failures -> 422 ``image_undecodable``;
4. header size: each side and the pixel count are checked against the settings -> 422
   ``image_too_large``; Pillow's own bomb check (``MAX_IMAGE_PIXELS``) is the backstop;
5. animation: more than one PNG/WebP frame -> 422 ``image_animated``.

Decoding errors raised later (truncation shows up only at ``load()``) are mapped by the same
``decode_guard`` so that nothing but ``ProblemError`` ever leaves the pipeline.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Literal

from PIL import Image

from shatably.errors import ProblemError
from shatably.settings import get_settings

Kind = Literal["jpeg", "png", "webp", "heif"]

# The Pillow plugin each sniffed kind may be opened with, and nothing else.
_PIL_FORMAT: dict[Kind, str] = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heif": "HEIF"}

# ISO-BMFF brands that mean "HEVC-coded HEIF" (what libde265 inside pi-heif can decode).
# ``mif1``/``msf1`` are generic HEIF brands also used by AVIF and JPEG-in-HEIF, so they count only
# when an HEVC brand is listed as well; AVIF is not an accepted type.
_HEVC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_GENERIC_HEIF_BRANDS = frozenset({b"mif1", b"msf1"})
_FTYP_SCAN_LIMIT = 256

# Everything a Pillow plugin (or libheif through pi-heif) is known to raise on hostile input.
# ValueError comes bare out of some plugins (Pillow #9814), struct.error out of header parsing,
# EOFError/IndexError/KeyError/TypeError out of truncated chunk and table walks, ZeroDivisionError
# out of EXIF rationals, RuntimeError (pi-heif) and OverflowError out of the C layers.
# UnidentifiedImageError is an OSError. Anything else (AttributeError, NameError) is our bug and
# is left to surface as one.
DECODE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    struct.error,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    OverflowError,
    ZeroDivisionError,
    RuntimeError,
)


def configure_pillow() -> None:
    """Lower Pillow's bomb limit to ours and make its warning an error (reliability.md T6).

    Pillow only *warns* between MAX_IMAGE_PIXELS and twice that; as an error it stops the open.
    Our own header check in ``open_image`` is the primary gate; this is the backstop for any path
    that opens an image without it.
    """
    Image.MAX_IMAGE_PIXELS = get_settings().max_image_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def register_plugin(kind: str) -> None:
    """Import the one Pillow plugin ``kind`` needs when it is not among Pillow's ``preinit()`` five.

    Asked for any other format, Pillow runs ``Image.init()``, which imports all of its ~40 plugins:
    ~14 ms of CPU on the first WebP request, for decoders of formats we never accept.
    """
    if kind == "webp":
        from PIL import WebPImagePlugin  # noqa: F401  # registers WEBP for open and save


def sniff(data: bytes) -> Kind | None:
    """The image kind named by the magic bytes, or None when it is not one we accept."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and _is_hevc_heif(data):
        return "heif"
    return None


def _is_hevc_heif(data: bytes) -> bool:
    # ftyp box: size(4) 'ftyp' major_brand(4) minor_version(4) compatible_brands(4 each)
    # Real ftyp boxes list a handful of brands; the scan is capped so a forged size costs nothing.
    box_size = int.from_bytes(data[:4], "big")
    end = min(box_size, len(data), _FTYP_SCAN_LIMIT)
    major = data[8:12]
    if major in _HEVC_BRANDS:
        return True
    compatible = {data[i : i + 4] for i in range(16, end - 3, 4)}
    return major in _GENERIC_HEIF_BRANDS and bool(compatible & _HEVC_BRANDS)


def check_size(data: bytes) -> None:
    """Empty -> 422 image_empty; over the byte limit -> 413 payload_too_large."""
    if not data:
        raise ProblemError("image_empty", "the image has no bytes")
    limit = get_settings().max_image_bytes
    if len(data) > limit:
        raise ProblemError("payload_too_large", f"the image is {len(data)} bytes; the limit is {limit}")


def check_image_count(n: int, limit: int) -> None:
    """More images than a request may carry -> 422 too_many_images (reliability.md T12)."""
    if n > limit:
        raise ProblemError("too_many_images", f"{n} images sent; at most {limit} are accepted")


def content_hash(data: bytes) -> str:
    """The sha256 hex digest: the content address of clean bytes in storage."""
    return hashlib.sha256(data).hexdigest()


@contextmanager
def decode_guard() -> Iterator[None]:
    """Map whatever Pillow raises while parsing or decoding to a ProblemError."""
    try:
        yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ProblemError("image_too_large", "the image has too many pixels") from exc
    except DECODE_ERRORS as exc:
        raise ProblemError("image_undecodable", "the image data is corrupt or truncated") from exc


@cache
def _heif_available() -> bool:
    """Register pi-heif's opener on first use, so only HEIF requests pay its import.

    pi-heif is pillow-heif's decode-only build (same libheif, same API, no x265 encoder: ~10 MB
    less layer); we never write HEIF."""
    try:
        import pi_heif
    except ImportError:
        return False
    # Decode the real pixels only: embedded thumbnails may show a different picture than the image,
    # and depth/auxiliary images are metadata we drop anyway, so libheif need not parse them.
    pi_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
    return True


def open_image(data: bytes) -> tuple[Image.Image, Kind]:
    """Validate bytes, size, type, header dimensions and frame count; return the unloaded image.

    The returned image has been parsed up to its header only: callers pick a decode scale (JPEG
    ``draft``) before ``load()``, which they must run inside ``decode_guard``.
    """
    check_size(data)
    kind = sniff(data)
    if kind is None:
        raise ProblemError("unsupported_media_type", "only JPEG, PNG, WebP and HEIC/HEIF images are accepted")
    if kind == "heif" and not _heif_available():
        raise ProblemError("unsupported_media_type", "HEIC/HEIF images are not supported here")

    register_plugin(kind)
    with decode_guard():
        im = Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[kind]])
    check_dimensions(*im.size)
    # PNG and WebP frames are animation. A JPEG with several frames is an MPO (Ultra HDR gain
    # maps, depth maps, stereo pairs) and a HEIF with several top-level images is a collection
    # (bursts, brackets): both are stills whose primary image, the one opened, is the photo.
    if kind in ("png", "webp") and (getattr(im, "is_animated", False) or getattr(im, "n_frames", 1) > 1):
        raise ProblemError("image_animated", "animated images are not accepted; send a single frame")
    return im, kind


def check_dimensions(width: int, height: int) -> None:
    """Header size against the settings, before any decoding (reliability.md T6)."""
    settings = get_settings()
    if width <= 0 or height <= 0:
        raise ProblemError("image_undecodable", "the image has no pixels")
    if max(width, height) > settings.max_image_side:
        raise ProblemError(
            "image_too_large",
            f"the image is {width}x{height}; each side must be at most {settings.max_image_side} px",
        )
    if width * height > settings.max_image_pixels:
        raise ProblemError(
            "image_too_large",
            f"the image is {width}x{height}; at most {settings.max_image_pixels} pixels are accepted",
        )
