"""Encode: clean pixels to bytes, with no metadata of any kind.

The encoders are never given ``exif=``, ``icc_profile=``, ``xmp=`` or ``comment=``, and the image's
``info`` is empty, because Pillow's JPEG encoder copies a comment and its PNG encoder an ICC profile
from ``info``. Output is re-encoded from pixels, so nothing trailing the input (an appended ZIP or
HTML page) survives.

Settings (performance-baseline.md §5, 768x1024 on this VM): JPEG q90 encodes in ~2 ms; PNG at
compress_level 1 in ~70 ms against ~175 ms at the default 6 for 15 % more bytes; WebP q80 ~43 ms.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageFile

from shatably.images.intake import Kind, register_plugin
from shatably.images.normalise import CleanImage
from shatably.providers.base import ImageInput, OutputFormat

# Photos: q88 sits in the visually lossless range for provider inputs and results; 4:2:0 chroma
# (libjpeg's default) is a third fewer bytes than 4:4:4 (219 vs 328 KB for the benchmark photo at
# 1536 px). No `optimize`: a second Huffman pass costs time to save a few per cent.
JPEG_QUALITY = 88
PNG_COMPRESS_LEVEL = 1
WEBP_QUALITY = 85

_PIL_FORMAT: dict[OutputFormat, str] = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


@dataclass(frozen=True)
class EncodedImage:
    """Image bytes in a format we chose, with the pixel size they decode to."""

    data: bytes
    format: OutputFormat
    width: int
    height: int

    @property
    def mime_type(self) -> str:
        return f"image/{self.format}"  # png/jpeg/webp are real subtypes: data URLs work as-is

    def as_input(self) -> ImageInput:
        return ImageInput(data=self.data, mime_type=self.mime_type)


@dataclass(frozen=True)
class PreparedImage(EncodedImage):
    """A provider-ready photo, and what it was made from."""

    source_format: Kind
    original_width: int
    original_height: int


def encode_image(
    image: CleanImage | Image.Image, fmt: OutputFormat, *, jpeg_quality: int = JPEG_QUALITY
) -> EncodedImage:
    """Encode in ``fmt``; RGBA becomes a white-backed RGB for JPEG, which has no alpha.

    Accepts any PIL image (e.g. one the offline provider drew): other modes are converted.
    """
    im = _bare(image.image if isinstance(image, CleanImage) else image)
    if fmt == "jpeg" and im.mode == "RGBA":
        flat = Image.new("RGB", im.size, (255, 255, 255))
        flat.paste(im, mask=im.getchannel("A"))
        im = flat
    params: dict[str, int] = {
        "png": {"compress_level": PNG_COMPRESS_LEVEL},
        "jpeg": {"quality": jpeg_quality},
        "webp": {"quality": WEBP_QUALITY},
    }[fmt]
    register_plugin(fmt)
    buf = io.BytesIO()
    im.save(buf, _PIL_FORMAT[fmt], **params)
    return EncodedImage(buf.getvalue(), fmt, im.width, im.height)


def _bare(im: Image.Image) -> Image.Image:
    """The image as RGB/RGBA with empty ``info``, copying only when the caller's image is not."""
    if im.mode not in ("RGB", "RGBA"):
        im = im.convert("RGBA" if im.has_transparency_data else "RGB")
    elif im.info or isinstance(im, ImageFile.ImageFile):
        im = im.copy()  # never mutate the caller's image; drop a parser object's raw segments
    else:
        return im
    im.info = {}
    return im
