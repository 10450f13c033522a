"""Helpers for the playground browser tests: where Chromium is, and test photos."""

from __future__ import annotations

import io
import os
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "playground"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def room_jpeg(path: Path, size: tuple[int, int] = (640, 480), *, seed: int = 7) -> Path:
    """A small, plausible room photo: wall, floor, a window and a sofa, as a JPEG."""
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size, (226, 214, 196))
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.68)
    draw.rectangle((0, horizon, width, height), fill=(150, 118, 86))  # floor
    draw.rectangle(
        (int(width * 0.58), int(height * 0.14), int(width * 0.86), int(height * 0.5)), fill=(190, 220, 240)
    )
    draw.rectangle(
        (int(width * 0.12), int(height * 0.5), int(width * 0.5), int(height * 0.76)), fill=(92, 104, 120)
    )
    rng = random.Random(seed)
    for _ in range(40):  # a little texture, so the encoder has something to keep
        x, y = rng.randrange(width), rng.randrange(height)
        draw.point((x, y), fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    image.save(path, "JPEG", quality=88)
    return path


def large_jpeg(path: Path, min_bytes: int = 2_300_000, max_bytes: int = 6_000_000) -> Path:
    """A JPEG over the playground's inline limit (2 MB), so it must go through POST /uploads."""
    from PIL import Image

    side = 1100
    while True:
        noise = Image.frombytes(
            "RGB", (side, side * 3 // 4), random.Random(side).randbytes(side * side * 9 // 4)
        )
        buffer = io.BytesIO()
        noise.save(buffer, "JPEG", quality=92)
        if buffer.tell() >= min_bytes or side > 3000:
            break
        side += 200
    data = buffer.getvalue()
    if not min_bytes <= len(data) <= max_bytes:
        raise AssertionError(f"could not make a JPEG between {min_bytes} and {max_bytes} bytes")
    path.write_bytes(data)
    return path
