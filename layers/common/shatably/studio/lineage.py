"""Image lineage: every edit points at its source, so a chain can be walked and any ancestor reused."""

from __future__ import annotations

from pydantic import BaseModel

from shatably.storage.media import ImageView, MediaStore

MAX_DEPTH = 50  # a chain longer than this is cut, never looped


class ImageDetail(BaseModel):
    image: ImageView
    ancestors: list[str]  # parent first, the original last


def image_detail(media: MediaStore, owner: str, image_id: str) -> ImageDetail:
    record = media.record(owner, image_id)
    ancestors: list[str] = []
    parent = record.parent_id
    while parent and len(ancestors) < MAX_DEPTH and parent not in ancestors:
        ancestors.append(parent)
        parent_record = media.table.get_image(parent)
        parent = parent_record.parent_id if parent_record and parent_record.owner == owner else None
    return ImageDetail(image=media.view(record), ancestors=ancestors)
