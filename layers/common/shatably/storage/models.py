"""What the table stores: sessions and turns, image records with lineage, jobs."""

from __future__ import annotations

import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

JobStatus = Literal["queued", "running", "succeeded", "failed", "blocked"]
# export and erase are the history function's jobs (a project's zip; everything an owner has).
JobKind = Literal["generate", "edit", "export", "erase"]
FINAL_JOB_STATUSES: frozenset[str] = frozenset({"succeeded", "failed", "blocked"})


def now() -> int:
    return int(time.time())


def now_ms() -> int:
    """Milliseconds: an erase and work begun in the same second are still told apart."""
    return time.time_ns() // 1_000_000


def new_id() -> str:
    return uuid.uuid4().hex


def is_id(value: str) -> bool:
    """Shaped like an id we mint: anything else is answered as "not found" without a lookup."""
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


class SessionRecord(BaseModel):
    session_id: str
    owner: str
    created_at: int = Field(default_factory=now)
    updated_at: int = Field(default_factory=now)
    turn_count: int = 0
    lang: str | None = None
    expires_at: int = 0
    # For lists: a title from the first message (or the plan), the latest image as a thumbnail.
    title: str | None = None
    project_id: str | None = None
    room_id: str | None = None
    thumbnail_id: str | None = None
    thumbnail_key: str | None = None
    thumbnail_format: str | None = None


class TurnRecord(BaseModel):
    session_id: str
    index: int  # 1-based, contiguous: the order the model sees
    user_text: str
    image_ids: list[str] = []
    reply: str
    plan: dict[str, Any] | None = None  # the conversation's plan as it stood after this turn
    # What the turn did besides the plan (changes, questions, drawing status, reply language), so a
    # replayed turn answers exactly as it did the first time.
    outcome: dict[str, Any] | None = None
    images_out: list[str] = []  # image ids the designer drew in this turn
    job_ids: list[str] = []
    usage: dict[str, int] = {}
    provider: str
    model: str
    finish_reason: str | None = None
    created_at: int = Field(default_factory=now)
    expires_at: int = 0


class ImageRecord(BaseModel):
    image_id: str = Field(default_factory=new_id)
    owner: str
    s3_key: str
    format: Literal["png", "jpeg", "webp"]
    width: int
    height: int
    operation: str  # upload | generate | an edit operation (studio.models.OPERATIONS)
    parent_id: str | None = None  # the image an edit started from
    reference_id: str | None = None  # the inspiration photo of a ``reference`` edit
    provider: str | None = None
    model: str | None = None
    session_id: str | None = None
    job_id: str | None = None
    project_id: str | None = None
    room_id: str | None = None
    created_at: int = Field(default_factory=now)
    expires_at: int = 0

    @property
    def mime_type(self) -> str:
        return f"image/{self.format}"


class JobRecord(BaseModel):
    job_id: str = Field(default_factory=new_id)
    owner: str
    kind: JobKind
    status: JobStatus = "queued"
    request: dict[str, Any]
    image_ids: list[str] = []
    error: dict[str, Any] | None = None
    attempts: int = 0
    created_at: int = Field(default_factory=now)
    # When it was asked for, in ms: an erase (DELETE /me) after it keeps none of what it makes.
    created_ms: int = 0
    updated_at: int = Field(default_factory=now)
    deadline_at: int = 0  # a running job past this is reported failed
    expires_at: int = 0
    result: dict[str, Any] | None = None  # export: the zip's key; erase: what was removed
    project_id: str | None = None

    @model_validator(mode="after")
    def _created_ms(self) -> JobRecord:
        if not self.created_ms:  # a new job (now) or one stored before the field existed (its second)
            stored = "created_at" in self.model_fields_set
            self.created_ms = self.created_at * 1000 if stored else now_ms()
        return self


class ProjectRecord(BaseModel):
    """A home: its facts and rooms live in ``spec`` (JSON: dimensions are decimals)."""

    project_id: str = Field(default_factory=new_id)
    owner: str
    name: str
    spec: dict[str, Any]
    created_at: int = Field(default_factory=now)
    updated_at: int = Field(default_factory=now)
