"""Turn stored outcomes into the HTTP responses of generate and edit (first call and replays alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Response
from fastapi.responses import JSONResponse

from shatably.storage.media import MediaStore, encode_base64
from shatably.studio.models import EditResponse, GenerateResponse, JobAccepted, StudioOutcome

if TYPE_CHECKING:
    from shatably.studio.service import StudioResult

# Base64 of this many bytes still fits Lambda's 6 MB response with room for the JSON around it.
INLINE_LIMIT_BYTES = 4 * 1024 * 1024


def _inline(data: bytes) -> str | None:
    return encode_base64(data) if len(data) <= INLINE_LIMIT_BYTES else None


def generate_response(
    media: MediaStore, owner: str, outcome: StudioOutcome, fresh: StudioResult | None = None
) -> GenerateResponse:
    """``fresh`` is the result this request just made; a replay reads the stored records instead."""
    if fresh is not None:
        records, first = fresh.records, fresh.first_image
    else:
        records = [media.record(owner, image_id) for image_id in outcome.image_ids]
        first = media.image_bytes(records[0])
    return GenerateResponse(
        image_data=_inline(first),
        format=records[0].format,
        images=[media.view(r) for r in records],
        provider=outcome.provider,
        model=outcome.model,
        usage=outcome.usage,
    )


def edit_response(
    media: MediaStore, owner: str, outcome: StudioOutcome, fresh: StudioResult | None = None
) -> EditResponse:
    if fresh is not None and fresh.source is not None:
        records, source, data = fresh.records, fresh.source, fresh.first_image
    else:
        records = [media.record(owner, image_id) for image_id in outcome.image_ids]
        source = media.record(owner, outcome.source_id or "")
        data = media.image_bytes(records[0])
    record = records[0]
    preview = " (offline preview)" if outcome.provider == "offline" else ""
    views = [media.view(r) for r in records]
    return EditResponse(
        edited_image=_inline(data),
        message=outcome.message or f"Your room was edited: {record.operation}{preview}.",
        format=record.format,
        image=views[0],
        images=views,
        source=media.view(source),
        operation=record.operation,
        color=outcome.color,
        provider=outcome.provider,
        model=outcome.model,
        usage=outcome.usage,
    )


def accepted_response(response: Response, accepted: dict[str, Any]) -> JSONResponse:
    """202 for a job: its id, a Location to poll, and the headers already set on this request."""
    job = JobAccepted(
        job_id=accepted["job_id"], status=accepted["status"], location=f"/jobs/{accepted['job_id']}"
    )
    headers = dict(response.headers) | {"Location": job.location, "Retry-After": "2"}
    headers.pop("content-length", None)
    return JSONResponse(job.model_dump(), status_code=202, headers=headers)
