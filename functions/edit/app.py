"""The edit function: restyle, repaint, finish, empty, stage ... a photo of the user's room; uploads."""

from __future__ import annotations

import shatably.coldstart  # noqa: F401  # first: no garbage collection while the function initialises

# isort: split

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from mangum import Mangum

from shatably.billing import run_billable
from shatably.images import content_hash
from shatably.jobs import service as jobs
from shatably.jobs.worker import handle_event
from shatably.projects.attach import attach
from shatably.storage.media import ImageRef, LoadedImage, MediaStore, get_media
from shatably.storage.uploads import UploadRequest, UploadTicket, create_upload
from shatably.studio import service as studio
from shatably.studio.models import OPERATIONS, EditInput, EditResponse, JobAccepted, StudioOutcome
from shatably.studio.views import accepted_response, edit_response
from shatably.web.bodies import (
    form_files,
    form_text,
    is_form,
    read_form,
    read_json,
    validate,
)
from shatably.web.deps import CurrentCall, CurrentOwner
from shatably.web.entry import TEXT_MIME_TYPES, lambda_entry
from shatably.web.factory import create_app
from shatably.web.openapi import JOB_LINK, accepted, call_headers, json_or_multipart, link, linked, problems

router = APIRouter()

EDITED = linked(
    200,
    "The edited image (inline, as in v1) and its record",
    GetImage=link("getImage", "The result's record", parameters={"image_id": "$response.body#/image/id"}),
    EditAgain=link(
        "editPhoto",
        "Edit the result again",
        request_body={"image": {"image_id": "$response.body#/image/id", "upload_id": None, "data": None}},
    ),
)
UPLOADED = linked(
    201,
    "Where to POST the photo; then refer to it by upload_id",
    EditUpload=link(
        "editPhoto",
        "Edit the uploaded photo, as a job",
        request_body={
            "image": {"upload_id": "$response.body#/upload_id", "image_id": None, "data": None},
            "async": True,
        },
    ),
)

EDIT_FORM = {
    "type": "object",
    "required": ["prompt", "image"],
    "properties": {
        "prompt": {"type": "string", "minLength": 1, "maxLength": 4000},
        "image": {"type": "string", "format": "binary"},
        "mask": {"type": "string", "format": "binary"},
        "reference": {"type": "string", "format": "binary", "description": "For operation=reference"},
        "operation": {"type": "string", "enum": list(OPERATIONS)},
        "style": {"type": "string"},
        "room_type": {"type": "string"},
        "grade": {"type": "string"},
        "color": {"type": "string"},
        "sheen": {"type": "string"},
        "material": {"type": "string"},
        "regions": {"type": "string", "description": "Comma-separated region names"},
        "n": {"type": "integer", "minimum": 1, "maximum": 4},
        "resolution": {"type": "string", "enum": ["1k", "2k", "4k"]},
        "output_format": {"type": "string", "enum": ["png", "jpeg", "webp"]},
        "project_id": {"type": "string"},
        "room_id": {"type": "string"},
    },
}


@dataclass
class _EditCall:
    body: EditInput
    media: MediaStore  # files results under the request's project and room, if any
    fingerprint: dict[str, Any]  # what an Idempotency-Key is bound to
    source: LoadedImage | None = None  # the multipart upload, already stored
    mask: bytes | None = None
    reference: LoadedImage | None = None


_FORM_FIELDS = (
    "prompt", "operation", "style", "room_type", "grade", "color", "sheen", "material", "n",
    "resolution", "output_format", "project_id", "room_id",
)  # fmt: skip


async def _edit_input(request: Request, media: MediaStore, owner: str) -> _EditCall:
    """The edit request from either body (JSON, or the v1 multipart form with its files)."""
    if not is_form(request):
        body = await read_json(request, EditInput)
        media = attach(media, owner, body.project_id, body.room_id)
        return _EditCall(body, media, body.model_dump(mode="json", exclude={"run_async"}))
    form = await read_form(request, max_files=3)
    images = await form_files(form, "image")
    masks = await form_files(form, "mask")
    references = await form_files(form, "reference")
    fields: dict[str, Any] = {
        key: value for key in _FORM_FIELDS if (value := form_text(form, key)) is not None
    }
    regions = form_text(form, "regions")
    if regions:
        fields["regions"] = [r.strip() for r in regions.split(",") if r.strip()]
    placeholder = {"image_id": "0" * 32}
    if references:
        fields["reference"] = placeholder
    if not images:
        # Validate the rest first so the caller hears about every missing field at once.
        validate(EditInput, {**fields, "image": {}})
    validate(EditInput, {**fields, "image": placeholder})  # refuse before storing anything
    media = attach(media, owner, fields.get("project_id"), fields.get("room_id"))
    source = media.save_input(owner, images[0])
    reference = media.save_input(owner, references[0]) if references else None
    if reference is not None:
        fields["reference"] = ImageRef(image_id=reference.record.image_id).model_dump()
    body = validate(EditInput, {**fields, "image": ImageRef(image_id=source.record.image_id).model_dump()})
    fingerprint = {
        **body.model_dump(mode="json", exclude={"run_async", "image", "reference"}),
        "image_sha256": content_hash(images[0]),
        "reference_sha256": content_hash(references[0]) if references else None,
    }
    return _EditCall(body, media, fingerprint, source, masks[0] if masks else None, reference)


@router.post(
    "/edit/", response_model=EditResponse, include_in_schema=False
)  # the v1 frontend posts with a slash
@router.post(
    "/edit",
    response_model=EditResponse,
    tags=["edit"],
    summary="Edit a photo of a room, keeping its structure",
    operation_id="editPhoto",
    openapi_extra={**json_or_multipart(EditInput, EDIT_FORM), **call_headers()},
    responses={
        **EDITED,
        **accepted(GetJob=JOB_LINK),
        **problems(400, 404, 409, 413, 415, 422, 429, 502, 503, 504),
    },
)
async def edit_photo(
    request: Request,
    call: CurrentCall,
    response: Response,
) -> EditResponse | JSONResponse:
    owner, deadline = call.owner, call.deadline
    edit_call = await _edit_input(request, get_media(), owner.key)
    body, media, source, mask = edit_call.body, edit_call.media, edit_call.source, edit_call.mask
    fingerprint = edit_call.fingerprint

    if call.wants_async(body.run_async):
        if mask is not None:
            body = body.model_copy(
                update={"mask": ImageRef(image_id=media.save_input(owner.key, mask).record.image_id)}
            )
        job_request = body.model_dump(mode="json", exclude={"run_async"})

        async def submit() -> dict[str, Any]:
            job = jobs.submit(media, owner.key, "edit", job_request)
            return {"job_id": job.job_id, "status": job.status}

        accepted, _ = await run_billable(
            owner=owner.key,
            route="edit:job",
            idempotency_key=call.idempotency_key,
            body=fingerprint,
            images=body.n,
            deadline=deadline,
            work=submit,
        )
        return accepted_response(response, accepted)

    fresh: list[studio.StudioResult] = []  # what work() made, so the response need not read it back

    async def work() -> dict[str, Any]:
        loaded = source or media.resolve(owner.key, body.image)
        result = await studio.edit(
            media, owner.key, body, loaded, deadline, mask_bytes=mask, reference=edit_call.reference
        )
        fresh.append(result)
        return result.outcome.model_dump(mode="json")

    stored, _ = await run_billable(
        owner=owner.key,
        route="edit",
        idempotency_key=call.idempotency_key,
        body=fingerprint,
        images=body.n,
        deadline=deadline,
        work=work,
    )
    outcome = StudioOutcome.model_validate(stored)
    return edit_response(media, owner.key, outcome, fresh[0] if fresh else None)


@router.post(
    "/uploads",
    response_model=UploadTicket,
    status_code=201,
    tags=["uploads"],
    summary="A presigned POST for a photo too large to send inline",
    operation_id="createUpload",
    responses={**UPLOADED, **problems(400, 413, 415, 422, 503)},
)
async def upload(body: UploadRequest, owner: CurrentOwner) -> UploadTicket:
    return create_upload(get_media(), owner.key, body)


app = create_app("edit", router, extra_models=(EditInput, JobAccepted))
handler = lambda_entry(
    Mangum(app, lifespan="off", text_mime_types=TEXT_MIME_TYPES),
    on_event=handle_event,
    capabilities=("edit",),
)
