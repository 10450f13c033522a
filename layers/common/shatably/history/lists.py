"""GET /chat/sessions, GET /images, GET /jobs: the owner's items, newest first, a page at a time.

Each is one Query (or a few, when a filter drops items) on the owner's partition of the
``ByOwner`` index: someone else's items are never read, let alone returned.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shatably.history.pages import Page, owned_page
from shatably.storage.bucket import EXTENSIONS
from shatably.storage.media import ImageView, MediaStore
from shatably.storage.models import ImageRecord, JobRecord, JobStatus, SessionRecord
from shatably.storage.table import Filter

ImageKind = Literal["upload", "generated", "edited"]


class Thumbnail(BaseModel):
    id: str
    url: str


class SessionSummary(BaseModel):
    session_id: str
    title: str | None = Field(description="From the first message, or the plan's title")
    created_at: int
    updated_at: int = Field(description="Last activity")
    turn_count: int
    lang: str | None = None
    project_id: str | None = None
    room_id: str | None = None
    thumbnail: Thumbnail | None = Field(default=None, description="The latest image of the conversation")


class ImageItem(ImageView):
    kind: ImageKind
    session_id: str | None = None
    project_id: str | None = None
    room_id: str | None = None


class JobSummary(BaseModel):
    job_id: str
    kind: str
    status: str
    created_at: int
    updated_at: int
    image_ids: list[str] = []
    project_id: str | None = None
    error_code: str | None = None


# What a summary copies from its record, field for field (the rest it computes).
_SESSION_FIELDS = set(SessionSummary.model_fields) - {"thumbnail"}
_JOB_FIELDS = set(JobSummary.model_fields) - {"error_code"}


def image_kind(operation: str) -> ImageKind:
    if operation == "upload":
        return "upload"
    return "generated" if operation == "generate" else "edited"


def _equal(**fields: str | None) -> list[tuple[str, dict[str, str], dict[str, dict[str, str]]]]:
    return [
        (f"#{name} = :{name}", {f"#{name}": name}, {f":{name}": {"S": value}})
        for name, value in fields.items()
        if value is not None
    ]


def _filter(
    parts: list[tuple[str, dict[str, str], dict[str, dict[str, str]]]],
) -> Filter | None:
    if not parts:
        return None
    names: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    for _, n, v in parts:
        names |= n
        values |= v
    return Filter(" AND ".join(p[0] for p in parts), names, values)


def _session_summary(media: MediaStore, session: SessionRecord) -> SessionSummary:
    thumbnail = None
    if session.thumbnail_id and session.thumbnail_key and session.thumbnail_format:
        fmt = session.thumbnail_format
        thumbnail = Thumbnail(
            id=session.thumbnail_id,
            url=media.bucket.presign_get(
                session.thumbnail_key,
                f"image/{fmt}",
                f"shatably-{session.thumbnail_id}.{EXTENSIONS.get(fmt, fmt)}",
            ),
        )
    return SessionSummary(**session.model_dump(include=_SESSION_FIELDS), thumbnail=thumbnail)


def sessions(
    media: MediaStore,
    owner: str,
    *,
    limit: int,
    cursor: str | None,
    project_id: str | None = None,
    room_id: str | None = None,
) -> Page[SessionSummary]:
    return owned_page(
        media.table,
        owner,
        "SESSION",
        SessionRecord,
        lambda session: _session_summary(media, session),
        limit=limit,
        cursor=cursor,
        where=_filter(_equal(project_id=project_id, room_id=room_id)),
    )


def image_item(media: MediaStore, record: ImageRecord) -> ImageItem:
    return ImageItem(
        **media.view(record).model_dump(),
        kind=image_kind(record.operation),
        session_id=record.session_id,
        project_id=record.project_id,
        room_id=record.room_id,
    )


def images(
    media: MediaStore,
    owner: str,
    *,
    limit: int,
    cursor: str | None,
    kind: ImageKind | None = None,
    session_id: str | None = None,
    project_id: str | None = None,
    parent_id: str | None = None,
    room_id: str | None = None,
) -> Page[ImageItem]:
    parts = _equal(session_id=session_id, project_id=project_id, parent_id=parent_id, room_id=room_id)
    if kind == "edited":  # every operation but an upload's and a generation's
        parts.append(
            (
                "NOT #operation IN (:upload, :generate)",
                {"#operation": "operation"},
                {":upload": {"S": "upload"}, ":generate": {"S": "generate"}},
            )
        )
    elif kind is not None:
        parts += _equal(operation={"upload": "upload", "generated": "generate"}[kind])
    return owned_page(
        media.table,
        owner,
        "IMAGE",
        ImageRecord,
        lambda record: image_item(media, record),
        limit=limit,
        cursor=cursor,
        where=_filter(parts),
    )


def _job_summary(job: JobRecord) -> JobSummary:
    return JobSummary(**job.model_dump(include=_JOB_FIELDS), error_code=(job.error or {}).get("code"))


def jobs(
    media: MediaStore, owner: str, *, limit: int, cursor: str | None, status: JobStatus | None = None
) -> Page[JobSummary]:
    return owned_page(
        media.table,
        owner,
        "JOB",
        JobRecord,
        _job_summary,
        limit=limit,
        cursor=cursor,
        where=_filter(_equal(status=status)),
    )
