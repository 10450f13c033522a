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
    lang: Literal["ar", "en", "franco"] | None = Field(
        default=None,
        description="Force the reply language (franco: Egyptian Arabic in Latin letters); "
        "by default the reply follows the message, and Franco-Arabic is answered in Arabic script",
    )
    user_id: str | None = Field(default=None, description="v1 field; accepted and ignored for identity")
    project_id: str | None = Field(
        default=None, description="A new conversation about this project (the designer sees it)"
    )
    room_id: str | None = Field(default=None, description="... and this room of it")


class Change(BaseModel):
    """One field of the plan that a turn changed."""

    model_config = ConfigDict(frozen=True)

    field: str = Field(
        description="floor, walls, ceiling, budget_egp, style, state, grade, room (added/removed), ..."
    )
    room: str | None = Field(default=None, description="The room's name, for room fields")
    before: Any = None
    after: Any = None


class DrawingStatus(BaseModel):
    """What became of the drawing the designer asked for in this turn."""

    status: Literal["drawn", "queued", "failed"]
    operation: str = Field(description="restyle, repaint, declutter, empty, stage, finish, ...")
    problem: dict[str, Any] | None = Field(default=None, description="problem+json fields when it failed")


class ChatResponse(BaseModel):
    response: str = Field(description="The designer's answer (v1 contract)")
    session_id: str
    turn: int
    lang: Literal["ar", "en", "franco"] = Field(description="The language of the answer")
    written: Literal["ar", "en", "franco"] = Field(description="How the user's message was written")
    plan: dict[str, Any] | None = Field(
        default=None, description="The current design plan (the conversation's state), with its estimate"
    )
    changes: list[Change] = Field(default_factory=list, description="What this turn changed in the plan")
    questions: list[str] = Field(default_factory=list, description="What the designer asked (at most two)")
    drawing: DrawingStatus | None = None
    images: list[ImageView] = Field(default_factory=list, description="Images the designer drew")
    jobs: list[JobAccepted] = Field(default_factory=list, description="Drawings still being made")
    attachments: list[ImageView] = Field(default_factory=list, description="The photos sent with this turn")
    provider: str
    model: str
    usage: Usage
    finish_reason: str | None = None
    truncated: bool = Field(
        default=False,
        description="The answer stopped at the model's output limit: the text that arrived is shown "
        "and the previous plan stands",
    )


class TurnView(BaseModel):
    index: int
    message: str
    attachments: list[ImageView]
    response: str
    plan: dict[str, Any] | None
    changes: list[Change] = Field(
        default_factory=list, description="What this turn changed in the plan (as POST /chat answered)"
    )
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
    plan: dict[str, Any] | None = Field(description="The latest plan of the conversation")
    turns: list[TurnView]
