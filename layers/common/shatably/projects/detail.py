"""GET /projects/{id}: the rooms with their conversations, latest plan and renders, and the estimate."""

from __future__ import annotations

from typing import Any, Literal

from shatably.history.lists import image_kind
from shatably.projects.attach import owned
from shatably.projects.estimate import project_job
from shatably.projects.models import ProjectDetail, RoomDetail
from shatably.projects.service import view
from shatably.storage.media import MediaStore
from shatably.storage.models import ImageRecord, ProjectRecord, SessionRecord, TurnRecord
from shatably.storage.table import from_item

Lang = Literal["ar", "en"]
RENDERS_PER_ROOM = 12  # the newest; the gallery (GET /images?project_id=...) has them all


def attached(media: MediaStore, owner: str, project_id: str) -> tuple[list[SessionRecord], list[ImageRecord]]:
    """The project's sessions and images, newest first (one owner-partition read of each)."""
    sessions = [from_item(i, SessionRecord) for i in media.table.owned_keys(owner, "SESSION")]
    images = [from_item(i, ImageRecord) for i in media.table.owned_keys(owner, "IMAGE")]
    return (
        [s for s in sessions if s.project_id == project_id],
        [i for i in images if i.project_id == project_id],
    )


def latest_plan(media: MediaStore, session: SessionRecord) -> tuple[int, dict[str, Any]] | None:
    turns: list[TurnRecord] = media.table.recent_turns(session.session_id, max(session.turn_count, 1))
    for turn in reversed(turns):
        if turn.plan:
            return turn.created_at, turn.plan
    return None


def detail(media: MediaStore, owner: str, project_id: str, lang: Lang = "en") -> ProjectDetail:
    record = owned(media, owner, project_id)
    base = view(record)
    sessions, images = attached(media, owner, project_id)
    rooms = []
    for room in base.rooms:
        mine = [s for s in sessions if s.room_id == room.id]
        plans = [p for s in mine if (p := latest_plan(media, s))]
        renders = [i for i in images if i.room_id == room.id and image_kind(i.operation) != "upload"]
        renders.sort(key=lambda i: i.created_at, reverse=True)
        rooms.append(
            RoomDetail(
                **room.model_dump(),
                session_ids=[s.session_id for s in mine],
                latest_plan=max(plans, key=lambda p: p[0])[1] if plans else None,
                renders=[media.view(i) for i in renders[:RENDERS_PER_ROOM]],
            )
        )
    estimate, note = project_estimate(record, lang)
    return ProjectDetail(
        **base.model_dump(exclude={"rooms"}),
        rooms=rooms,
        estimate=estimate,
        budget=(estimate or {}).get("budget"),
        estimate_note=note,
    )


def project_estimate(record: ProjectRecord, lang: Lang = "en") -> tuple[dict[str, Any] | None, str | None]:
    """The estimator over every room of the project (``POST /estimate``'s answer), or why there is
    none yet. Loaded here only: reading a project without a state never imports the estimator."""
    spec = record.spec
    if "state" not in spec or not (spec.get("rooms") or "area_m2" in spec):
        return None, "Give the flat's state and its rooms (or its area) for an estimate."
    from pydantic import ValidationError

    from shatably.estimate.models import EstimateRequest
    from shatably.estimate.service import estimate_document

    try:
        request = EstimateRequest.model_validate(project_job(spec, None, {"lang": lang}))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return None, f"The rooms cannot be estimated yet: {where}: {first.get('msg')}"
    return estimate_document(request), None
