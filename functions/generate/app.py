"""The generate function: text to interior images, the style catalogue, jobs and image records."""

from __future__ import annotations

import shatably.coldstart  # noqa: F401  # first: no garbage collection while the function initialises

# isort: split

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from mangum import Mangum

from shatably.billing import run_billable
from shatably.catalog import catalogue_document
from shatably.catalog.data import preview_bytes
from shatably.errors import ProblemError
from shatably.jobs import service as jobs
from shatably.jobs.worker import handle_event
from shatably.projects.attach import attach
from shatably.storage.media import get_media
from shatably.studio import service as studio
from shatably.studio.lineage import ImageDetail, image_detail
from shatably.studio.models import GenerateInput, GenerateResponse, JobAccepted, JobView, StudioOutcome
from shatably.studio.views import accepted_response, generate_response
from shatably.web.deps import CurrentCall, CurrentOwner
from shatably.web.entry import TEXT_MIME_TYPES, lambda_entry
from shatably.web.factory import create_app
from shatably.web.openapi import JOB_LINK, accepted, call_headers, link, linked, problems

router = APIRouter()

FIRST_IMAGE = "$response.body#/images/0/id"
GENERATED = linked(
    200,
    "The images (the first inline, as in v1)",
    GetImage=link("getImage", "The first image's record", parameters={"image_id": FIRST_IMAGE}),
    EditImage=link(
        "editPhoto",
        "Edit the first image",
        request_body={"image": {"image_id": FIRST_IMAGE, "upload_id": None, "data": None}},
    ),
    AskAboutImage=link(
        "chat",
        "Ask the designer about the first image",
        request_body={"images": [{"image_id": FIRST_IMAGE, "upload_id": None, "data": None}]},
    ),
)


@router.post(
    "/image/generate/", response_model=GenerateResponse, include_in_schema=False
)  # the v1 frontend posts with a slash
@router.post(
    "/image/generate",
    response_model=GenerateResponse,
    tags=["generate"],
    summary="Generate interior images from text",
    operation_id="generateImage",
    openapi_extra=call_headers(),
    responses={
        **GENERATED,
        **accepted(GetJob=JOB_LINK),
        **problems(400, 404, 409, 413, 422, 429, 502, 503, 504),
    },
)
async def generate_image(
    body: GenerateInput,
    call: CurrentCall,
    response: Response,
) -> GenerateResponse | JSONResponse:
    owner, deadline = call.owner, call.deadline
    media = attach(get_media(), owner.key, body.project_id, body.room_id)
    request = body.model_dump(mode="json", exclude={"run_async"})
    fresh: list[studio.StudioResult] = []  # what work() made, so the response need not read it back

    if call.wants_async(body.run_async):

        async def submit() -> dict[str, Any]:
            job = jobs.submit(media, owner.key, "generate", request)
            return {"job_id": job.job_id, "status": job.status}

        accepted, _ = await run_billable(
            owner=owner.key,
            route="generate:job",
            idempotency_key=call.idempotency_key,
            body=request,
            images=body.n,
            deadline=deadline,
            work=submit,
        )
        return accepted_response(response, accepted)

    async def work() -> dict[str, Any]:
        result = await studio.generate(media, owner.key, body, deadline)
        fresh.append(result)
        return result.outcome.model_dump(mode="json")

    stored, _ = await run_billable(
        owner=owner.key,
        route="generate",
        idempotency_key=call.idempotency_key,
        body=request,
        images=body.n,
        deadline=deadline,
        work=work,
    )
    outcome = StudioOutcome.model_validate(stored)
    return generate_response(media, owner.key, outcome, fresh[0] if fresh else None)


@router.get(
    "/styles",
    tags=["catalogue"],
    summary="Styles and room types, in English and Arabic",
    operation_id="listStyles",
)
async def styles(lang: str | None = None) -> dict[str, Any]:
    return catalogue_document(lang)


@router.get(
    "/styles/{style_id}/preview",
    tags=["catalogue"],
    summary="A style's small preview picture (WebP), for a style picker",
    operation_id="getStylePreview",
    response_class=Response,
    responses={200: {"content": {"image/webp": {}}, "description": "The preview"}, **problems(404)},
)
async def style_preview(style_id: str) -> Response:
    data = preview_bytes(style_id)
    if data is None:
        raise ProblemError("not_found", f"No style {style_id[:40]!r}; GET /styles lists them.")
    # The catalogue changes only with a deployment: caches may keep it for a day.
    return Response(data, media_type="image/webp", headers={"Cache-Control": "public, max-age=86400"})


@router.get(
    "/jobs/{job_id}",
    response_model=JobView,
    tags=["jobs"],
    summary="A job's status and results",
    operation_id="getJob",
    responses={
        **linked(
            200,
            "The job; its images once it succeeded",
            GetImage=link("getImage", "The first result's record", parameters={"image_id": FIRST_IMAGE}),
        ),
        **problems(404, 503),
    },
)
async def job_status(job_id: str, owner: CurrentOwner) -> JobView:
    return jobs.view(get_media(), owner.key, job_id)


@router.get(
    "/images/{image_id}",
    response_model=ImageDetail,
    tags=["images"],
    summary="An image record with a fresh URL and its lineage",
    operation_id="getImage",
    responses=problems(404, 503),
)
async def image(image_id: str, owner: CurrentOwner) -> ImageDetail:
    return image_detail(get_media(), owner.key, image_id)


app = create_app("generate", router, extra_models=(JobAccepted,))
handler = lambda_entry(
    Mangum(app, lifespan="off", text_mime_types=TEXT_MIME_TYPES),
    on_event=handle_event,
    capabilities=("generate",),
)
