"""The history function: what a person has (lists), their projects, export, erase and claim."""

from __future__ import annotations

import shatably.coldstart  # noqa: F401  # first: no garbage collection while the function initialises

# isort: split

import re
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from mangum import Mangum

from shatably.errors import ProblemError
from shatably.history import jobs as history_jobs
from shatably.history import lists
from shatably.history.claim import ClaimResult, claim
from shatably.history.pages import DEFAULT_LIMIT, Cursor, Limit, Page
from shatably.projects.attach import owned
from shatably.settings import get_settings
from shatably.storage.media import get_media
from shatably.storage.models import JobStatus
from shatably.web.bodies import read_json
from shatably.web.deps import OWNER_HEADER, CurrentOwner, Owner
from shatably.web.entry import TEXT_MIME_TYPES, lambda_entry
from shatably.web.factory import create_app
from shatably.web.middleware import header
from shatably.web.openapi import JOB_LINK, accepted, link, linked, problems

# Projects' models (rooms in the estimator's vocabulary) and JobAccepted load when a project route
# or the OpenAPI document needs them: the lists' cold start does not carry them.
LAZY_MODELS = (
    "shatably.projects.models:ProjectInput",
    "shatably.projects.models:ProjectPatch",
    "shatably.projects.models:ProjectView",
    "shatably.projects.models:ProjectDetail",
    "shatably.projects.models:ProjectPage",
    "shatably.studio.models:JobAccepted",
)


def _json(schema: str, description: str, **links: dict[str, object]) -> dict[str, object]:
    response: dict[str, object] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
    if links:
        response["links"] = links
    return response


def _body(schema: str) -> dict[str, object]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    }


def _send(model: object, owner: Owner, status: int = 200) -> Response:
    """The model as JSON. A Response returned directly skips the headers that dependencies set,
    so an anonymous id minted by this request is sent here, or the caller could never use it."""
    from pydantic import BaseModel

    assert isinstance(model, BaseModel)
    headers = {OWNER_HEADER: owner.id} if owner.issued else None
    return Response(
        model.model_dump_json(), status_code=status, media_type="application/json", headers=headers
    )


def _accepted(job_id: str, response: Response) -> JSONResponse:
    """202 for a job: its id and a Location to poll (the shape of ``JobAccepted``)."""
    location = f"/jobs/{job_id}"
    headers = dict(response.headers) | {"Location": location, "Retry-After": "2"}
    headers.pop("content-length", None)
    return JSONResponse({"job_id": job_id, "status": "queued", "location": location}, 202, headers)


router = APIRouter()
F = TypeVar("F", bound=Callable[..., Any])
_ANONYMOUS = re.compile(r"^anon-[A-Za-z0-9_-]{16,64}$")

NEXT = {"cursor": "$response.body#/next_cursor"}
PROJECT = {"project_id": "$response.body#/project_id"}
FIRST_ROOM = {"project_id": "$response.body#/project_id", "room_id": "$response.body#/rooms/0/id"}
PROJECT_LINKS = {
    "GetProject": link(
        "getProject", "The project with its rooms, plans, renders and estimate", parameters=PROJECT
    ),
    "UpdateProject": link("updateProject", "Change the project", parameters=PROJECT),
    "RoomSessions": link("listSessions", "Conversations about the first room", parameters=FIRST_ROOM),
    "ProjectImages": link("listImages", "The project's images", parameters=PROJECT),
    "ChatAboutRoom": link(
        "chat",
        "Start a conversation about the first room",
        request_body={
            "project_id": "$response.body#/project_id",
            "room_id": "$response.body#/rooms/0/id",
            "session_id": None,
        },
    ),
    "ExportProject": link("exportProject", "Export the project as a zip", parameters=PROJECT),
    "DeleteProject": link(
        "deleteProject", "Delete the project and what is attached to it", parameters=PROJECT
    ),
}


def _next_page(operation_id: str) -> dict[str, Any]:
    return link(operation_id, "The next page", parameters=NEXT)


def _list_route(
    path: str,
    *,
    operation_id: str,
    summary: str,
    what: str,
    errors: tuple[int, ...],
    **first: dict[str, Any],
) -> Callable[[F], F]:
    """A history list (the handler's ``Page[...]`` is its model), linked to its first item and next page."""
    return router.get(
        path,
        tags=["history"],
        summary=summary,
        operation_id=operation_id,
        responses={
            **linked(200, f"A page of {what}", **first, NextPage=_next_page(operation_id)),
            **problems(*errors),
        },
    )


@_list_route(
    "/chat/sessions",
    operation_id="listSessions",
    summary="Your conversations, newest first",
    what="conversations",
    errors=(404, 422, 503),
    GetSession=link(
        "getChatSession",
        "The first conversation",
        parameters={"session_id": "$response.body#/items/0/session_id"},
    ),
)
async def list_sessions(
    owner: CurrentOwner,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    project_id: str | None = None,
    room_id: str | None = None,
) -> Page[lists.SessionSummary]:
    return lists.sessions(
        get_media(), owner.key, limit=limit, cursor=cursor, project_id=project_id, room_id=room_id
    )


@_list_route(
    "/images",
    operation_id="listImages",
    summary="Your images, newest first: uploads, generated and edited",
    what="images",
    errors=(422, 503),
    GetImage=link("getImage", "The first image", parameters={"image_id": "$response.body#/items/0/id"}),
)
async def list_images(
    owner: CurrentOwner,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    kind: lists.ImageKind | None = None,
    session_id: str | None = None,
    project_id: str | None = None,
    room_id: str | None = None,
    parent_id: str | None = None,
) -> Page[lists.ImageItem]:
    return lists.images(
        get_media(),
        owner.key,
        limit=limit,
        cursor=cursor,
        kind=kind,
        session_id=session_id,
        project_id=project_id,
        room_id=room_id,
        parent_id=parent_id,
    )


@_list_route(
    "/jobs",
    operation_id="listJobs",
    summary="Your recent jobs, newest first, optionally by status",
    what="jobs",
    errors=(422, 503),
    GetJob=link("getJob", "The first job", parameters={"job_id": "$response.body#/items/0/job_id"}),
)
async def list_jobs(
    owner: CurrentOwner, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None, status: JobStatus | None = None
) -> Page[lists.JobSummary]:
    return lists.jobs(get_media(), owner.key, limit=limit, cursor=cursor, status=status)


@router.post(
    "/projects",
    status_code=201,
    tags=["projects"],
    summary="Create a project: a home and its rooms",
    operation_id="createProject",
    openapi_extra=_body("ProjectInput"),
    responses={
        201: _json("ProjectView", "The project, with its rooms' ids", **PROJECT_LINKS),
        **problems(400, 409, 415, 422, 503),
    },
)
async def create_project(request: Request, owner: CurrentOwner) -> Response:
    from shatably.projects import service as projects
    from shatably.projects.models import ProjectInput

    body = await read_json(request, ProjectInput)
    return _send(projects.create(get_media(), owner.key, body), owner, 201)


@router.get(
    "/projects",
    tags=["projects"],
    summary="Your projects, newest first",
    operation_id="listProjects",
    responses={
        200: _json(
            "Page_ProjectView_",
            "A page of projects",
            GetProject=link(
                "getProject",
                "The first project",
                parameters={"project_id": "$response.body#/items/0/project_id"},
            ),
            NextPage=_next_page("listProjects"),
        ),
        **problems(422, 503),
    },
)
async def list_projects(owner: CurrentOwner, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Response:
    from shatably.projects import service as projects

    return _send(projects.listing(get_media(), owner.key, limit=limit, cursor=cursor), owner)


@router.get(
    "/projects/{project_id}",
    tags=["projects"],
    summary="The project: rooms with their conversations, latest plan and renders; the estimate",
    operation_id="getProject",
    responses={200: _json("ProjectDetail", "The project", **PROJECT_LINKS), **problems(404, 422, 503)},
)
async def get_project(project_id: str, owner: CurrentOwner, lang: Literal["ar", "en"] = "en") -> Response:
    from shatably.projects.detail import detail

    return _send(detail(get_media(), owner.key, project_id, lang), owner)


@router.patch(
    "/projects/{project_id}",
    tags=["projects"],
    summary="Change the project; `rooms`, when sent, is the whole list (rooms keep their ids)",
    operation_id="updateProject",
    openapi_extra=_body("ProjectPatch"),
    responses={
        200: _json("ProjectView", "The project", **PROJECT_LINKS),
        **problems(400, 404, 415, 422, 503),
    },
)
async def update_project(project_id: str, request: Request, owner: CurrentOwner) -> Response:
    from shatably.projects import service as projects
    from shatably.projects.models import ProjectPatch

    media = get_media()
    record = owned(media, owner.key, project_id)  # someone else's project is a 404 whatever the body
    body = await read_json(request, ProjectPatch)
    return _send(projects.patch(media, record, body), owner)


@router.delete(
    "/projects/{project_id}",
    status_code=204,
    tags=["projects"],
    summary="Delete the project with its conversations, images and exports",
    operation_id="deleteProject",
    responses=problems(404, 503),
)
async def delete_project(project_id: str, owner: CurrentOwner) -> Response:
    from shatably.history.erase import remove_project

    media = get_media()
    owned(media, owner.key, project_id)
    remove_project(media, owner.key, project_id)
    return Response(status_code=204)


@router.post(
    "/projects/{project_id}/export",
    status_code=202,
    tags=["projects"],
    summary="Export the project as a zip (a job; the finished job's `url` is a link that expires)",
    operation_id="exportProject",
    responses={**accepted(GetJob=JOB_LINK), **problems(404, 409, 503)},
)
async def export_project(project_id: str, owner: CurrentOwner, response: Response) -> JSONResponse:
    media = get_media()
    owned(media, owner.key, project_id)
    return _accepted(history_jobs.submit(media, owner.key, "export", project_id), response)


@router.delete(
    "/me",
    status_code=202,
    tags=["history"],
    summary="Erase everything you have (a job; it reports what it removed). Quotas are kept",
    operation_id="eraseMe",
    responses={**accepted(GetJob=JOB_LINK), **problems(503)},
)
async def erase_me(owner: CurrentOwner, response: Response) -> JSONResponse:
    return _accepted(history_jobs.submit(get_media(), owner.key, "erase"), response)


@router.post(
    "/me/claim",
    response_model=ClaimResult,
    tags=["history"],
    summary="Signed in: take over what you made anonymously (send its id in X-Owner-Id); once",
    operation_id="claimAnonymous",
    responses=problems(401, 404, 409, 422, 503),
)
async def claim_anonymous(request: Request, owner: CurrentOwner) -> ClaimResult:
    if not get_settings().auth_enabled or not owner.authenticated:
        raise ProblemError("not_found", detail="Claiming needs sign-in.")  # as if the route did not exist
    anonymous = header(request.scope, OWNER_HEADER)
    if not anonymous or not _ANONYMOUS.match(anonymous):
        raise ProblemError("validation_failed", detail=f"{OWNER_HEADER}: the anonymous id to claim")
    return claim(get_media(), Owner(id=anonymous, authenticated=False).key, owner.key)


app = create_app("history", router, lazy_models=LAZY_MODELS)
handler = lambda_entry(
    Mangum(app, lifespan="off", text_mime_types=TEXT_MIME_TYPES), on_event=history_jobs.handle_event
)
