"""Small real images made on the fly (nothing binary is committed)."""

from __future__ import annotations

import base64
import io

from PIL import Image


def photo(
    width: int = 640, height: int = 480, fmt: str = "JPEG", colour: tuple[int, int, int] = (180, 160, 140)
) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    for x in range(0, width, 40):  # some structure, so encoders have edges to keep
        for y in range(height):
            image.putpixel((x, y), (40, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
