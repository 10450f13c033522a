"""Attaching work to a project: the ownership checks and the designer's context (no heavy imports:
chat, generate and edit call this on every request that names a project)."""

from __future__ import annotations

import json
from typing import Any

from shatably.errors import ProblemError
from shatably.storage.media import MediaStore
from shatably.storage.models import ProjectRecord, SessionRecord, is_id

_FACTS = ("city", "area_m2", "state", "grade", "budget_egp")


def owned(media: MediaStore, owner: str, project_id: str) -> ProjectRecord:
    record = media.table.get_project(project_id) if is_id(project_id) else None
    if record is None or record.owner != owner:
        raise ProblemError("project_not_found")  # someone else's project looks like none
    return record


def owned_room(media: MediaStore, owner: str, project_id: str, room_id: str | None) -> ProjectRecord:
    """The caller's project, once ``room_id`` (if given) is one of its rooms."""
    record = owned(media, owner, project_id)
    if room_id is not None and room_id not in {r["id"] for r in record.spec.get("rooms", [])}:
        raise ProblemError("room_not_found")
    return record


def attach(media: MediaStore, owner: str, project_id: str | None, room_id: str | None) -> MediaStore:
    """``media`` that files what it stores under the project and room, once both are the caller's."""
    if project_id is None:
        if room_id is not None:
            raise ProblemError("validation_failed", detail="room_id: needs the project_id it belongs to")
        return media
    owned_room(media, owner, project_id, room_id)
    return media.for_project(project_id, room_id)


def project_session(
    media: MediaStore, owner: str, session: SessionRecord, project_id: str | None, room_id: str | None
) -> MediaStore:
    """A new conversation may be about a project (and a room): checked, then kept on the session;
    a continued one keeps its own. Returns ``media`` filing the turn's images under it."""
    if session.turn_count == 0:
        media = attach(media, owner, project_id, room_id)
        session.project_id, session.room_id = media.project_id, media.room_id
        return media
    return media.for_project(session.project_id, session.room_id)


def project_instruction(media: MediaStore, owner: str) -> str:
    """The designer's instruction's paragraph about the project ``media`` files under, if any."""
    if media.project_id is None:
        return ""
    return context_instruction(context_for(media, owner, media.project_id, media.room_id))


def context_for(media: MediaStore, owner: str, project_id: str, room_id: str | None = None) -> dict[str, Any]:
    """What the designer knows already, so it does not ask again.

    ``{"project": {"name", "city", "area_m2", "state", "grade", "budget_egp"} (those known),
    "rooms": [{"id", "name", "type", "length_m", "width_m", "area_m2", "height_m", "doors",
    "windows", "walls", "floor", "ceiling"} (those known)], "room": <the room asked about, or None>}``.
    Raises ``project_not_found`` for someone else's project.
    """
    record = owned(media, owner, project_id)
    rooms: list[dict[str, Any]] = list(record.spec.get("rooms", []))
    return {
        "project": {"name": record.name, **{k: record.spec[k] for k in _FACTS if k in record.spec}},
        "rooms": rooms,
        "room": next((r for r in rooms if r["id"] == room_id), None),
    }


def context_instruction(context: dict[str, Any]) -> str:
    """The project as a paragraph of the designer's instruction."""
    return (
        "\n\nThe user's project (already known: use it, do not ask for it again; ask only for what "
        "is missing). `room` is the room this conversation is about:\n"
        + json.dumps(context, ensure_ascii=False, separators=(",", ":"))
    )
