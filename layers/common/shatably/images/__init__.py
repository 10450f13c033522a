"""The one image pipeline used by chat, generate and edit: intake -> normalise -> encode.

Accepts JPEG, PNG, WebP and HEIC/HEIF, identified by magic bytes alone; everything else, and every
hostile or broken input, ends in a ``ProblemError`` (reliability.md T3–T10). Outputs are upright,
sRGB, free of metadata and re-encoded from pixels.

Importing this package imports ``PIL.Image`` and nothing heavier: LittleCMS is loaded only for
images with an ICC profile, and pi-heif only when a HEIF arrives.
"""

from shatably.images.encode import EncodedImage, PreparedImage, encode_image
from shatably.images.intake import check_image_count, configure_pillow, content_hash, sniff
from shatably.images.normalise import CleanImage, load_image
from shatably.images.pipeline import normalise_result, prepare_mask, prepare_upstream

configure_pillow()

__all__ = [
    "CleanImage",
    "EncodedImage",
    "PreparedImage",
    "check_image_count",
    "content_hash",
    "encode_image",
    "load_image",
    "normalise_result",
    "prepare_mask",
    "prepare_upstream",
    "sniff",
]
