"""The three uses of the one pipeline: photos going to a provider, images coming back, edit masks.

Every path is intake -> normalise -> encode; they differ only in the target size and the format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PIL import Image

from shatably.errors import ProblemError
from shatably.images.encode import JPEG_QUALITY, EncodedImage, PreparedImage, encode_image
from shatably.images.normalise import from_pixels, load_cover, load_image
from shatably.providers.base import OutputFormat
from shatably.settings import get_settings

# A provider photo stays under this many bytes (~1.5k px JPEGs are 150-300 KB at q88); if a very
# noisy photo does not, the quality steps down until it does (each try costs ~5 ms at 1.7 MP).
UPSTREAM_MAX_BYTES = 400_000
_UPSTREAM_QUALITIES = (JPEG_QUALITY, 80, 72, 64)

# A mask may differ from its image's aspect ratio by this much (rounding in whatever drew it).
MASK_ASPECT_TOLERANCE = 0.01


def prepare_upstream(data: bytes) -> PreparedImage:
    """A user photo made provider-ready: upright sRGB, longest side <= ``upstream_max_side``,
    no metadata; JPEG, or PNG when it has real transparency."""
    clean = load_image(data, max_side=get_settings().upstream_max_side)
    if clean.has_alpha:
        encoded = encode_image(clean, "png")
    else:
        for quality in _UPSTREAM_QUALITIES:
            encoded = encode_image(clean, "jpeg", jpeg_quality=quality)
            if len(encoded.data) <= UPSTREAM_MAX_BYTES:
                break
    return PreparedImage(
        data=encoded.data,
        format=encoded.format,
        width=encoded.width,
        height=encoded.height,
        source_format=clean.format,
        original_width=clean.original_width,
        original_height=clean.original_height,
    )


def normalise_result(
    data: bytes | Image.Image,
    fmt: OutputFormat,
    *,
    size: tuple[int, int] | None = None,
    finish: Callable[[Image.Image], Image.Image] | None = None,
) -> EncodedImage:
    """A provider's output image, re-encoded from pixels in ``fmt`` (same limits as user input).

    With ``size`` the result comes back at exactly that (width, height), so an edit matches its
    source: scaled to cover it and centre-cropped when the provider answered in another aspect
    ratio (a provider's fixed sizes would otherwise letterbox or stretch the room).

    ``finish`` works on the decoded pixels before they are encoded (a masked edit puts the source's
    pixels back outside its mask there, so they are encoded once).

    The bytes came from the provider, not the caller, so a rejected image is a bad upstream answer:
    502 ``upstream_invalid_response``, never a 4xx that would blame the client.
    """
    if isinstance(data, Image.Image):  # drawn by the offline provider, in this process
        clean = from_pixels(data, size)
    else:
        try:
            clean = load_cover(data, size) if size else load_image(data)
        except ProblemError as exc:
            raise ProblemError(
                "upstream_invalid_response", f"the provider returned an unusable image ({exc.code})"
            ) from exc
    if finish is not None:
        clean = replace(clean, image=finish(clean.image))
    return encode_image(clean, fmt)


def prepare_mask(data: bytes, width: int, height: int) -> bytes:
    """An edit mask as the PNG providers expect: exactly ``width`` x ``height``, alpha 0 = editable.

    A mask with real transparency keeps it; an opaque one is read as painted: white = editable,
    black = keep (the convention of painting tools and inpainting UIs). A mask whose aspect ratio
    is more than 1 % off the image's is refused (422 ``mask_mismatch``) rather than stretched.
    """
    if width < 1 or height < 1:
        raise ValueError(f"image size must be positive, got {width}x{height}")  # a caller's bug
    clean = load_image(data, max_side=max(width, height))
    mask_w, mask_h = clean.original_width, clean.original_height
    if abs(mask_w * height - mask_h * width) > MASK_ASPECT_TOLERANCE * mask_h * width:
        raise ProblemError(
            "mask_mismatch",
            f"the mask is {mask_w}x{mask_h}; it must have the image's aspect ratio ({width}x{height})",
        )
    im = clean.image
    alpha = im.getchannel("A") if clean.has_alpha else im.convert("L").point(lambda v: 255 - v)
    if alpha.size != (width, height):
        alpha = alpha.resize((width, height), Image.Resampling.BILINEAR)
    mask = Image.new("RGB", (width, height))
    mask.putalpha(alpha)
    return encode_image(mask, "png").data
