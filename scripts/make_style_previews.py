"""Draw each style's preview once, with the offline renderer, into the catalogue's data files.

    PYTHONPATH=layers/common .venv/bin/python scripts/make_style_previews.py

Run it after adding or changing a style; commit the files. They are small WebP sketches (the room
in the style's palette above its colour chips), served by ``GET /styles/{id}/preview`` so a
frontend can show a style picker without calling any model. Deterministic: the same catalogue
draws the same pictures.
"""

from __future__ import annotations

import io

from shatably.catalog import STYLES
from shatably.catalog.data import PREVIEW_DIR, PREVIEW_SIZE
from shatably.providers import offline_render as art
from shatably.providers.offline import _scene

QUALITY = 70  # WebP: chips and flat shapes stay clean at ~4 KB a picture


def main() -> None:
    PREVIEW_DIR.mkdir(exist_ok=True)
    total = 0
    for style in STYLES:
        swatches = [art.BoardSwatch(s.name_en, s.hex, s.role) for s in style.palette]
        scene = _scene(style, [], bed=False, variant=0)
        board = art.mood_board(*PREVIEW_SIZE, style.name_en, scene, swatches, label=False)
        buffer = io.BytesIO()
        board.save(buffer, "WEBP", quality=QUALITY, method=6)
        (PREVIEW_DIR / f"{style.id}.webp").write_bytes(buffer.getvalue())
        total += buffer.tell()
    print(f"{len(STYLES)} previews, {total / 1024:.0f} KB in {PREVIEW_DIR}")


if __name__ == "__main__":
    main()
