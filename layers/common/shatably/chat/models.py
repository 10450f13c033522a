"""Request and response models of /chat/ and /chat/sessions/{id}."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shatably.storage.media import ImageRef, ImageView
from shatably.studio.models import JobAccepted, Usage


class ChatInput(BaseModel):
    model_config = ConfigDict(extra="ignore")

    message: str = Field(min_length=1, description="The user's message, Arabic or English")
    images: list[ImageRef] = Field(
        default_factory=list, description="Photos of the room (inline, upload or image id)"
    )
    session_id: str | None = Field(default=None, description="Continue this conversation")
    lang: Literal["ar", "en"] | None = Field(default=None, description="Force the reply language")
    user_id: str | None = Field(default=None, description="v1 field; accepted and ignored for identity")
    project_id: str | None = Field(
        default=None, description="A new conversation about this project (the designer sees it)"
    )
    room_id: str | None = Field(default=None, description="... and this room of it")


class ChatResponse(BaseModel):
    response: str = Field(description="The designer's answer (v1 contract)")
    session_id: str
    turn: int
    lang: Literal["ar", "en"]
    plan: dict[str, Any] | None = None
    images: list[ImageView] = Field(default_factory=list, description="Images the designer drew")
    jobs: list[JobAccepted] = Field(default_factory=list, description="Drawings still being made")
    attachments: list[ImageView] = Field(default_factory=list, description="The photos sent with this turn")
    provider: str
    model: str
    usage: Usage
    finish_reason: str | None = None


class TurnView(BaseModel):
    index: int
    message: str
    attachments: list[ImageView]
    response: str
    plan: dict[str, Any] | None
    images: list[ImageView]
    job_ids: list[str]
    provider: str
    model: str
    created_at: int


class SessionView(BaseModel):
    session_id: str
    created_at: int
    updated_at: int
    lang: str | None
    turns: list[TurnView]
