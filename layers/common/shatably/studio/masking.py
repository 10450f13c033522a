"""Masked edits: a guide image for models that read pictures, not alpha, and the composite that
keeps every pixel outside the mask as it was.

OpenAI's edits endpoint takes the mask itself (a PNG whose transparent pixels may change, at the
image's exact size). Gemini has no mask parameter and does not read transparency: a flattened mask
is a black picture. It gets a *guide* instead: the photo with the editable region tinted and
outlined, sent after the photo with the instruction to change only inside it. Whatever the model
returns, ``keep_outside`` then puts the source's own pixels back outside the region.

Only masked edits import this module (and Pillow with it).
"""

from __future__ import annotations

import io

from PIL import Image, ImageChops, ImageFilter

GUIDE_TINT = (255, 0, 80)  # a saturated magenta-red that rarely occurs in a room
GUIDE_TINT_SHARE = 0.45  # enough to read as "marked", while the photo under it stays recognisable
GUIDE_OUTLINE_SHARE = 1 / 250  # outline width as a share of the longer side (≥ 2 px)
GUIDE_JPEG_QUALITY = 88


def editable(mask_png: bytes, size: tuple[int, int]) -> Image.Image:
    """An L image at ``size``: 255 where the prepared mask (``images.prepare_mask``) allows edits."""
    with Image.open(io.BytesIO(mask_png)) as mask:
        allowed = ImageChops.invert(mask.getchannel("A"))
    return allowed if allowed.size == size else allowed.resize(size, Image.Resampling.BILINEAR)


def guide_image(source: bytes, mask_png: bytes) -> bytes:
    """The source photo (JPEG) with the editable region tinted and outlined in ``GUIDE_TINT``."""
    with Image.open(io.BytesIO(source)) as opened:
        photo = opened.convert("RGB")
    region = editable(mask_png, photo.size).point(lambda v: 255 if v >= 128 else 0)
    tint = Image.new("RGB", photo.size, GUIDE_TINT)
    tinted = Image.blend(photo, tint, GUIDE_TINT_SHARE)
    guide = Image.composite(tinted, photo, region)
    width = max(2, round(max(photo.size) * GUIDE_OUTLINE_SHARE))
    size = width * 2 + 1
    outline = ImageChops.subtract(
        region.filter(ImageFilter.MaxFilter(size)), region.filter(ImageFilter.MinFilter(size))
    )
    guide.paste(GUIDE_TINT, mask=outline)
    buffer = io.BytesIO()
    guide.save(buffer, "JPEG", quality=GUIDE_JPEG_QUALITY)
    return buffer.getvalue()


def keep_outside(source: bytes, mask_png: bytes) -> Composite:
    """What ``images.normalise_result`` applies to a result: the source's pixels outside the mask."""
    with Image.open(io.BytesIO(source)) as opened:
        photo = opened.convert("RGB")
    return Composite(photo, mask_png)


class Composite:
    """Applied to each result at its final size; the source and mask are scaled to it once."""

    def __init__(self, photo: Image.Image, mask_png: bytes) -> None:
        self._photo = photo
        self._mask_png = mask_png

    def __call__(self, result: Image.Image) -> Image.Image:
        photo = self._photo
        if photo.size != result.size:
            photo = photo.resize(result.size, Image.Resampling.BICUBIC)
        pixels = result.convert("RGB") if result.mode != "RGB" else result
        return Image.composite(pixels, photo, editable(self._mask_png, result.size))
