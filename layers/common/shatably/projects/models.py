"""Projects and rooms as callers send and see them.

A room's size and finishes use the estimator's vocabulary (``POST /estimate``): sides or an area,
``height_m``, ``doors``, ``windows`` and one finish per surface (``walls``, ``floor``, ``ceiling``,
each a name such as ``"paint"`` or an object such as ``{"type": "porcelain", "tile_cm": [60, 120]}``),
so a project's rooms are an estimate request as they stand.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shatably.estimate.models import (
    MAX_ROOMS,
    CeilingFinish,
    FloorFinish,
    Grade,
    RoomTypeId,
    State,
    WallFinish,
)
from shatably.storage.media import ImageView

Side = Annotated[float, Field(gt=0, le=30)]


class RoomInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, description="Keep this room's id (PATCH); omit for a new room")
    name: Annotated[str, Field(min_length=1, max_length=60)]
    type: RoomTypeId = Field(description="A room type id from GET /styles")
    length_m: Side | None = None
    width_m: Side | None = None
    area_m2: Annotated[float, Field(gt=0, le=200)] | None = None
    height_m: Annotated[float, Field(ge=2.2, le=6)] | None = None
    doors: Annotated[int, Field(ge=0, le=6)] | None = None
    windows: Annotated[int, Field(ge=0, le=10)] | None = None
    walls: WallFinish | None = Field(default=None, description="A wall finish (as in POST /estimate)")
    floor: FloorFinish | None = Field(default=None, description="A floor finish")
    ceiling: CeilingFinish | None = Field(default=None, description="A ceiling finish")


class Room(RoomInput):
    id: str  # always set once stored


class ProjectFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    city: Annotated[str, Field(max_length=80)] | None = None
    area_m2: Annotated[float, Field(ge=10, le=1000)] | None = Field(
        default=None, description="The flat's area"
    )
    state: State | None = Field(default=None, description="What the flat is delivered as")
    grade: Grade | None = Field(default=None, description="The finishing grade")
    budget_egp: Annotated[int, Field(gt=0, le=100_000_000)] | None = None


class ProjectInput(ProjectFields):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    rooms: Annotated[list[RoomInput], Field(max_length=MAX_ROOMS)] = []

    @model_validator(mode="after")
    def _new_rooms(self) -> ProjectInput:
        if any(room.id is not None for room in self.rooms):
            raise ValueError("rooms: a new project's rooms get their ids; send none")
        return self


class ProjectPatch(ProjectFields):
    """Only the fields sent change; ``rooms``, when sent, is the whole new list (ids keep rooms)."""

    name: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    rooms: Annotated[list[RoomInput], Field(max_length=MAX_ROOMS)] | None = None


class ProjectView(ProjectFields):
    model_config = ConfigDict(extra="ignore")

    project_id: str
    name: str
    rooms: list[Room]
    created_at: int
    updated_at: int


class RoomDetail(Room):
    session_ids: list[str] = Field(default_factory=list, description="Conversations about this room")
    latest_plan: dict[str, Any] | None = Field(default=None, description="The designer's latest plan")
    renders: list[ImageView] = Field(
        default_factory=list, description="Generated and edited images, newest first"
    )


class ProjectDetail(ProjectView):
    rooms: list[RoomDetail]  # type: ignore[assignment]
    estimate: dict[str, Any] | None = Field(
        default=None, description="The estimator over all rooms (POST /estimate's answer), with `budget`"
    )
    budget: dict[str, Any] | None = Field(default=None, description="The estimate's budget verdict")
    estimate_note: str | None = Field(default=None, description="Why there is no estimate yet")
