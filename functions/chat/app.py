"""The chat function: the design consultation, its memory, the finishing estimator, and health."""

from __future__ import annotations

import shatably.coldstart  # noqa: F401  # first: no garbage collection while the function initialises

# isort: split

from typing import Any

from fastapi import APIRouter, Request, Response
from mangum import Mangum

from shatably.billing import run_billable
from shatably.chat import service as chat
from shatably.chat.models import ChatInput, ChatResponse, SessionView
from shatably.errors import ProblemError
from shatably.images import content_hash
from shatably.settings import get_settings
from shatably.storage.media import get_media
from shatably.web.accept import prefers_csv
from shatably.web.bodies import (
    form_files,
    form_text,
    is_form,
    parse_json,
    read_form,
    read_json,
    validate,
)
from shatably.web.deps import CurrentCall, CurrentOwner, resolve_owner
from shatably.web.entry import TEXT_MIME_TYPES, lambda_entry
from shatably.web.factory import create_app
from shatably.web.openapi import call_headers, json_or_multipart, link, linked, problems

router = APIRouter()

SESSION = {"session_id": "$response.body#/session_id"}
TURN_LINKS = linked(
    200,
    "The designer's answer",
    GetSession=link("getChatSession", "Read the conversation", parameters=SESSION),
    DeleteSession=link("deleteChatSession", "Delete the conversation", parameters=SESSION),
    ContinueSession=link("chat", "Send the next message", request_body=SESSION),
)

CHAT_FORM = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "message": {"type": "string", "minLength": 1},
        "image": {"type": "array", "items": {"type": "string", "format": "binary"}, "maxItems": 4},
        "user_id": {"type": "string"},
        "session_id": {"type": "string"},
        "lang": {"type": "string", "enum": ["ar", "en"]},
        "project_id": {"type": "string"},
        "room_id": {"type": "string"},
    },
}


async def _chat_input(request: Request) -> tuple[ChatInput, list[bytes], dict[str, Any]]:
    """The turn from the v1 multipart form or from JSON; plus what identifies it for idempotency."""
    if not is_form(request):
        body = await read_json(request, ChatInput)
        return body, [], body.model_dump(mode="json", exclude={"user_id"})
    form = await read_form(request, max_files=8)
    fields = {
        k: form_text(form, k) for k in ("message", "session_id", "lang", "user_id", "project_id", "room_id")
    }
    body = validate(ChatInput, {k: v for k, v in fields.items() if v is not None})
    uploads = await form_files(form, "image")
    fingerprint = {
        **body.model_dump(mode="json", exclude={"user_id"}),
        "images": [content_hash(u) for u in uploads],
    }
    return body, uploads, fingerprint


@router.post(
    "/chat/", response_model=ChatResponse, include_in_schema=False
)  # the v1 frontend posts with a slash
@router.post(
    "/chat",
    response_model=ChatResponse,
    tags=["chat"],
    summary="Talk to the designer (text and room photos); send session_id back to continue",
    operation_id="chat",
    openapi_extra={**json_or_multipart(ChatInput, CHAT_FORM), **call_headers(prefer=False)},
    responses={**TURN_LINKS, **problems(400, 404, 409, 413, 415, 422, 429, 502, 503, 504)},
)
async def converse(
    request: Request,
    call: CurrentCall,
) -> ChatResponse:
    media = get_media()
    owner, deadline = call.owner, call.deadline
    body, uploads, fingerprint = await _chat_input(request)
    turns: list[chat.ChatTurn] = []

    async def work() -> dict[str, Any]:
        turn = await chat.converse(media, owner.key, body, uploads, deadline)
        turns.append(turn)
        return {"session_id": turn.record.session_id, "turn": turn.record.index}

    stored, _ = await run_billable(
        owner=owner.key,
        route="chat",
        idempotency_key=call.idempotency_key,
        body=fingerprint,
        images=0,
        deadline=deadline,
        work=work,
    )
    turn = turns[0] if turns else chat.load_turn(media, owner.key, stored["session_id"], stored["turn"])
    return chat.render(media, turn)


@router.get(
    "/chat/sessions/{session_id}",
    response_model=SessionView,
    tags=["chat"],
    summary="The conversation so far, with fresh image links",
    operation_id="getChatSession",
    responses=problems(404, 503),
)
async def get_session(session_id: str, owner: CurrentOwner) -> SessionView:
    return chat.session_view(get_media(), owner.key, session_id)


@router.delete(
    "/chat/sessions/{session_id}",
    status_code=204,
    tags=["chat"],
    summary="Delete the conversation and its images",
    operation_id="deleteChatSession",
    responses=problems(404, 503),
)
async def delete_session(session_id: str, owner: CurrentOwner) -> Response:
    chat.delete_session(get_media(), owner.key, session_id)
    return Response(status_code=204)


ESTIMATE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The bill of quantities, costs, schedule and budget fit (CSV with `Accept: text/csv`)",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Estimate"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    },
    **problems(400, 404, 413, 415, 422, 503),
}


@router.post(
    "/estimate",
    tags=["estimate"],
    summary="Finishing quantities and costs for a flat, its rooms, or a project (no model call)",
    operation_id="estimate",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EstimateRequest"}}},
        }
    },
    responses=ESTIMATE_RESPONSES,
)
async def estimate(request: Request) -> Response:
    # Imported here: the estimator stays out of the chat function's cold start until it is used.
    from shatably.estimate.export import CSV_MEDIA_TYPE
    from shatably.estimate.models import EstimateRequest, EstimateScope
    from shatably.estimate.service import answer

    if "json" not in request.headers.get("content-type", "application/json").lower():
        raise ProblemError("unsupported_media_type", detail="Send application/json.")
    as_csv = prefers_csv(request.headers.get("accept", ""))
    raw = await request.body()
    scope = parse_json(raw, EstimateScope)
    if scope.project_id is None:
        if get_settings().auth_enabled:
            await resolve_owner(request, Response())  # behind the authorizer like every owner route
        body = answer(parse_json(raw, EstimateRequest), as_csv=as_csv)
    else:
        # Only an estimate about a project reads anyone's data, so only it needs the owner.
        from shatably.projects.estimate import answer as project_answer

        owner = await resolve_owner(request, Response())  # a minted id owns no project: no header
        sent = scope.model_extra or {}
        body = project_answer(get_media(), owner.key, scope.project_id, scope.room_id, sent, as_csv=as_csv)
    if as_csv:
        disposition = {"Content-Disposition": 'attachment; filename="estimate.csv"'}
        return Response(body, media_type=CSV_MEDIA_TYPE, headers=disposition)
    return Response(body, media_type="application/json")


app = create_app(
    "chat",
    router,
    extra_models=(ChatInput,),
    lazy_models=("shatably.estimate.models:EstimateRequest", "shatably.estimate.models:Estimate"),
)
# capabilities: the providers to import before a SnapStart snapshot; the designer also draws
# through the generate and edit services.
handler = lambda_entry(
    Mangum(app, lifespan="off", text_mime_types=TEXT_MIME_TYPES), capabilities=("chat", "generate", "edit")
)
