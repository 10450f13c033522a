"""POST /estimate about a project: the job's missing parts come from the project, what the request
sends wins. The chat function loads this only for a request that names a project."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shatably.projects.attach import owned_room
from shatably.storage.media import MediaStore


def project_job(spec: Mapping[str, Any], room_id: str | None, sent: Mapping[str, Any]) -> dict[str, Any]:
    """The estimate job for a project's ``spec``: its state and grade, its rooms (all, or ``room_id``'s;
    its area when it has no rooms) unless ``sent`` gives rooms or an area, and its budget for the
    whole project only (one room against the flat's budget would always "fit"); then ``sent`` on top."""
    job: dict[str, Any] = {k: spec[k] for k in ("state", "grade") if k in spec}
    if room_id is None and "budget_egp" in spec:
        job["budget_egp"] = spec["budget_egp"]
    if "rooms" not in sent and "apartment_area_m2" not in sent:
        rooms = [r for r in spec.get("rooms", []) if room_id is None or r["id"] == room_id]
        if rooms:
            job["rooms"] = [{k: v for k, v in r.items() if k != "id"} for r in rooms]
        elif "area_m2" in spec:
            job["apartment_area_m2"] = spec["area_m2"]
    return job | dict(sent)


def answer(
    media: MediaStore,
    owner: str,
    project_id: str,
    room_id: str | None,
    sent: Mapping[str, Any],
    *,
    as_csv: bool,
) -> bytes:
    """``POST /estimate``'s answer for the caller's project (and room), carrying their ids (the
    answer model's own JSON).
    Someone else's project is ``project_not_found``; a room not in it ``room_not_found``."""
    from pydantic_core import to_json

    from shatably.estimate.export import to_csv
    from shatably.estimate.models import EstimateRequest
    from shatably.estimate.service import estimate_document
    from shatably.web.bodies import validate

    record = owned_room(media, owner, project_id, room_id)
    job = project_job(record.spec, room_id, sent) | {"project_id": project_id, "room_id": room_id}
    document = estimate_document(validate(EstimateRequest, job))
    document["project_id"] = project_id  # as Estimate sends them: room_id only when given
    if room_id is not None:
        document["room_id"] = room_id
    return to_csv(document) if as_csv else to_json(document)
