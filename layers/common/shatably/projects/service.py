"""Projects: create, read, change, delete; what is attached to them; the designer's context."""

from __future__ import annotations

from typing import Any

from shatably.errors import ProblemError
from shatably.history.pages import Page, owned_page
from shatably.projects.models import ProjectInput, ProjectPatch, ProjectView, RoomInput
from shatably.storage.media import MediaStore
from shatably.storage.models import ProjectRecord, new_id, now

_FIELDS = ("city", "area_m2", "state", "grade", "budget_egp")


def _rooms(rooms: list[RoomInput], keep: set[str]) -> list[dict[str, Any]]:
    """Stored rooms: a given id is kept only if it is one of the project's rooms already."""
    stored = []
    for room in rooms:
        if room.id is not None and room.id not in keep:
            # The project exists; the request names something it does not have: invalid, not missing.
            raise ProblemError("validation_failed", detail="rooms: an id that is not a room of this project")
        data = room.model_dump(mode="json", exclude_none=True)
        data["id"] = room.id or new_id()
        stored.append(data)
    return stored


def create(media: MediaStore, owner: str, body: ProjectInput) -> ProjectView:
    spec = body.model_dump(include=set(_FIELDS), exclude_none=True)
    spec["rooms"] = _rooms(body.rooms, set())
    record = ProjectRecord(owner=owner, name=body.name, spec=spec)
    media.table.put_project(record, new=True)
    media.kept(owner, lambda: media.table.delete(f"PROJECT#{record.project_id}"))
    return view(record)


def view(record: ProjectRecord) -> ProjectView:
    return ProjectView.model_validate(
        {
            **record.spec,
            "project_id": record.project_id,
            "name": record.name,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
        }
    )


def patch(media: MediaStore, record: ProjectRecord, body: ProjectPatch) -> ProjectView:
    """Change a project the caller owns (``attach.owned`` checked it)."""
    spec = dict(record.spec)
    for name in body.model_fields_set & set(_FIELDS):
        value = getattr(body, name)
        if value is None:
            spec.pop(name, None)  # an explicit null clears a fact
        else:
            spec[name] = value
    if body.rooms is not None:
        spec["rooms"] = _rooms(body.rooms, {r["id"] for r in record.spec.get("rooms", [])})
    updated = record.model_copy(update={"spec": spec, "name": body.name or record.name, "updated_at": now()})
    if not media.table.put_project(updated, new=False):
        raise ProblemError("project_not_found")  # deleted (or erased) while this change was made
    return view(updated)


def listing(media: MediaStore, owner: str, *, limit: int, cursor: str | None) -> Page[ProjectView]:
    return owned_page(media.table, owner, "PROJECT", ProjectRecord, view, limit=limit, cursor=cursor)
