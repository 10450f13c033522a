"""Image lineage: every edit points at its source, so a chain can be walked and any ancestor reused.

``GET /images/{id}`` answers the image and its ``chain``: the image first, then its source, and so
on back to the original upload or generation, each with the ``operation`` that made it. A frontend
shows before/after for any step from two neighbours in the chain.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from shatably.storage.media import ImageView, MediaStore

MAX_DEPTH = 50  # a chain longer than this is cut, never looped


class ImageDetail(BaseModel):
    image: ImageView
    ancestors: list[str] = Field(description="Ids of the sources, parent first, the original last")
    chain: list[ImageView] = Field(
        description="The image, its parent, ... back to the original, with fresh URLs and operations"
    )


def image_detail(media: MediaStore, owner: str, image_id: str) -> ImageDetail:
    record = media.record(owner, image_id)
    chain = [media.view(record)]
    seen = {record.image_id}
    parent = record.parent_id
    while parent and len(chain) <= MAX_DEPTH and parent not in seen:
        parent_record = media.table.get_image(parent)
        if parent_record is None or parent_record.owner != owner:
            break  # expired, or (never expected) someone else's: the chain ends at what we can show
        chain.append(media.view(parent_record))
        seen.add(parent)
        parent = parent_record.parent_id
    return ImageDetail(image=chain[0], ancestors=[view.id for view in chain[1:]], chain=chain)
