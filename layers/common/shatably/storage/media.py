"""Images as the product sees them: sanitised bytes in the bucket plus a record in the table.

Every image that enters (upload, inline, earlier result) goes through the one image pipeline
before it is stored or sent to a provider; every result is stored before it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, model_validator

from shatably.errors import ProblemError
from shatably.observability import count
from shatably.settings import get_settings
from shatably.storage.bucket import Bucket, clean_key, get_bucket, result_key, upload_key
from shatably.storage.models import ImageRecord, is_id, now, now_ms
from shatably.storage.table import Table, get_table

if TYPE_CHECKING:
    # Pillow and the pipeline load on first use: routes that only read records (job status,
    # image details, styles) never decode an image.
    from shatably.images import EncodedImage, PreparedImage


class ImageRef(BaseModel):
    """One image given by reference: inline base64, an upload, or an earlier image's id."""

    data: str | None = Field(default=None, description="Base64 image bytes (JPEG, PNG, WebP, HEIC)")
    upload_id: str | None = Field(default=None, description="The id returned by POST /uploads")
    image_id: str | None = Field(default=None, description="The id of an earlier image or result")

    @model_validator(mode="after")
    def _exactly_one(self) -> ImageRef:
        given = [v for v in (self.data, self.upload_id, self.image_id) if v]
        if len(given) != 1:
            raise ValueError("give exactly one of data, upload_id or image_id")
        return self


class ImageView(BaseModel):
    """An image record as callers see it: a short-lived URL, never a bucket key."""

    id: str
    url: str
    width: int
    height: int
    format: Literal["png", "jpeg", "webp"]
    mime_type: str
    operation: str
    parent_id: str | None = None
    reference_id: str | None = None
    provider: str | None = None
    model: str | None = None
    created_at: int


@dataclass(frozen=True)
class LoadedImage:
    record: ImageRecord
    prepared: PreparedImage  # provider-ready (downscaled, clean)


def decode_base64(value: str) -> bytes:
    import pybase64

    payload = value.split(",", 1)[1] if value.startswith("data:") else value
    try:
        decoded: bytes = pybase64.b64decode(payload, validate=False)
    except ValueError as exc:
        raise ProblemError("image_undecodable", detail="The image is not valid base64.") from exc
    return decoded


def encode_base64(data: bytes) -> str:
    import pybase64

    encoded: str = pybase64.b64encode(data).decode("ascii")
    return encoded


class MediaStore:
    def __init__(
        self,
        table: Table,
        bucket: Bucket,
        *,
        project_id: str | None = None,
        room_id: str | None = None,
        started_ms: int | None = None,
    ) -> None:
        self.table = table
        self.bucket = bucket
        # What this request's images are filed under (shatably.projects.attach checks ownership).
        self.project_id = project_id
        self.room_id = room_id
        # When the work storing through this store began (a request; a job: when it was asked for).
        self.started_ms = now_ms() if started_ms is None else started_ms

    def for_project(
        self, project_id: str | None, room_id: str | None, *, started_ms: int | None = None
    ) -> MediaStore:
        started = self.started_ms if started_ms is None else started_ms
        return MediaStore(self.table, self.bucket, project_id=project_id, room_id=room_id, started_ms=started)

    def kept(self, owner: str, undo: Callable[[], object]) -> None:
        """Call after storing something of ``owner``'s: if DELETE /me began erasing the owner since
        this work started, ``undo`` the write and stop with ``owner_erased``.

        Checked after the write (a consistent read), so each erase either runs later and finds the
        item, or began earlier and is seen here: work in flight never brings erased data back.
        """
        if self.table.erased_since(owner, self.started_ms):
            undo()
            count("WritesUndoneAfterErase")
            raise ProblemError("owner_erased")

    def _expiry(self) -> int:
        return now() + get_settings().result_ttl_days * 86400

    def save_input(self, owner: str, raw: bytes, *, session_id: str | None = None) -> LoadedImage:
        """Sanitise a photo from the user and keep the clean copy (content-addressed)."""
        from shatably.images import content_hash, prepare_upstream

        prepared = prepare_upstream(raw)
        fmt: Literal["png", "jpeg", "webp"] = "png" if prepared.mime_type == "image/png" else "jpeg"
        key = clean_key(owner, content_hash(prepared.data), fmt)
        self.bucket.put(key, prepared.data, prepared.mime_type)
        record = ImageRecord(
            owner=owner,
            s3_key=key,
            format=fmt,
            width=prepared.width,
            height=prepared.height,
            operation="upload",
            session_id=session_id,
            project_id=self.project_id,
            room_id=self.room_id,
            expires_at=self._expiry(),
        )
        self.table.put_image(record)
        self.kept(owner, lambda: self._unstore(record))
        return LoadedImage(record=record, prepared=prepared)

    def save_result(
        self,
        owner: str,
        image: EncodedImage,
        *,
        operation: str,
        parent_id: str | None,
        provider: str,
        model: str,
        reference_id: str | None = None,
        session_id: str | None = None,
        job_id: str | None = None,
    ) -> ImageRecord:
        from shatably.images import content_hash

        key = result_key(owner, content_hash(image.data), image.format)
        self.bucket.put(key, image.data, image.mime_type)
        record = ImageRecord(
            owner=owner,
            s3_key=key,
            format=image.format,
            width=image.width,
            height=image.height,
            operation=operation,
            parent_id=parent_id,
            reference_id=reference_id,
            provider=provider,
            model=model,
            session_id=session_id,
            job_id=job_id,
            project_id=self.project_id,
            room_id=self.room_id,
            expires_at=self._expiry(),
        )
        self.table.put_image(record)
        self.kept(owner, lambda: self._unstore(record))
        return record

    def _unstore(self, record: ImageRecord) -> None:
        # One object and one item (single deletes: the image functions may not batch-write).
        self.bucket.delete([record.s3_key])
        self.table.delete(f"IMAGE#{record.image_id}")

    def record(self, owner: str, image_id: str) -> ImageRecord:
        record = self.table.get_image(image_id) if is_id(image_id) else None
        if record is None or record.owner != owner:
            raise ProblemError("image_not_found")  # someone else's image is indistinguishable from none
        return record

    def image_bytes(self, record: ImageRecord) -> bytes:
        return self.bucket.get(record.s3_key, max_bytes=get_settings().max_image_bytes * 4)

    def resolve(self, owner: str, ref: ImageRef, *, session_id: str | None = None) -> LoadedImage:
        """Turn any reference into a clean, stored, provider-ready image owned by ``owner``."""
        settings = get_settings()
        if ref.image_id:
            from shatably.images import prepare_upstream

            record = self.record(owner, ref.image_id)
            return LoadedImage(record=record, prepared=prepare_upstream(self.image_bytes(record)))
        if ref.upload_id:
            raw = self.bucket.get(
                upload_key(owner, ref.upload_id),
                max_bytes=settings.max_image_bytes,
                missing="upload_not_found",
            )
            return self.save_input(owner, raw, session_id=session_id)
        assert ref.data is not None
        raw = decode_base64(ref.data)
        if len(raw) > settings.max_image_bytes:
            raise ProblemError(
                "payload_too_large", detail=f"An image exceeds {settings.max_image_bytes} bytes."
            )
        return self.save_input(owner, raw, session_id=session_id)

    def view(self, record: ImageRecord) -> ImageView:
        filename = f"shatably-{record.image_id}.{'jpg' if record.format == 'jpeg' else record.format}"
        return ImageView(
            id=record.image_id,
            url=self.bucket.presign_get(record.s3_key, record.mime_type, filename),
            width=record.width,
            height=record.height,
            format=record.format,
            mime_type=record.mime_type,
            operation=record.operation,
            parent_id=record.parent_id,
            reference_id=record.reference_id,
            provider=record.provider,
            model=record.model,
            created_at=record.created_at,
        )

    def delete(self, records: list[ImageRecord]) -> None:
        # Content-addressed objects may be shared by several records of the same owner;
        # every record of a deleted session goes, and so do its objects.
        if records:
            self.bucket.delete(sorted({r.s3_key for r in records}))
            self.table.delete_images([r.image_id for r in records])


def get_media() -> MediaStore:
    return MediaStore(get_table(), get_bucket())
