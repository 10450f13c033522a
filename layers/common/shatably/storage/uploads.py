"""Direct-to-S3 uploads for photos too large for a Lambda payload (DESIGN D8, reliability L-R1)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field

from shatably.errors import ProblemError
from shatably.settings import get_settings
from shatably.storage.bucket import upload_key
from shatably.storage.media import MediaStore


class UploadRequest(BaseModel):
    content_type: Literal["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"]
    filename: str | None = Field(default=None, max_length=255)
    size: int = Field(gt=0, description="Bytes the browser will send")


class UploadTicket(BaseModel):
    upload_id: str
    url: str
    fields: dict[str, Any]
    expires_in: int
    max_bytes: int


def create_upload(media: MediaStore, owner: str, request: UploadRequest) -> UploadTicket:
    settings = get_settings()
    if request.size > settings.max_image_bytes:
        raise ProblemError(
            "payload_too_large", detail=f"Photos may be up to {settings.max_image_bytes} bytes."
        )
    upload_id = uuid.uuid4().hex
    post = media.bucket.presign_post(
        upload_key(owner, upload_id), request.content_type, settings.max_image_bytes
    )
    return UploadTicket(
        upload_id=upload_id,
        url=post["url"],
        fields=post["fields"],
        expires_in=settings.upload_ttl_seconds,
        max_bytes=settings.max_image_bytes,
    )
