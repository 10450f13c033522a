"""The consultation: remember, see the room, answer in the user's language, hand over a plan.

A turn is written only after the designer answered, in one transaction with the session's turn
count: a failed call leaves the conversation exactly as it was, so the client can simply retry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from shatably import billing
from shatably.catalog.lang import Lang, detect_lang
from shatably.chat.designer import designer_instruction
from shatably.chat.models import ChatInput, ChatResponse, SessionView, TurnView
from shatably.chat.plan import DESIGNER_REPLY_SCHEMA, DesignerReply, parse_designer_reply
from shatably.chat.quantities import finishing_quantities
from shatably.errors import ProblemError
from shatably.history.sessions import listed
from shatably.images import check_image_count
from shatably.observability import count, logger
from shatably.providers.base import ChatMessage, ChatRequest, ChatResult, ImageInput
from shatably.providers.registry import chat_provider
from shatably.settings import get_settings
from shatably.storage.media import ImageRef, LoadedImage, MediaStore
from shatably.storage.models import ImageRecord, SessionRecord, TurnRecord, is_id, new_id, now
from shatably.studio import service as studio
from shatably.studio.models import EditInput, GenerateInput, JobAccepted, Usage
from shatably.web.deps import Deadline

_TOKENS_PER_IMAGE = 260  # what one provider-ready photo costs the model, roughly
_CHARS_PER_TOKEN = 3.5
# Drawing inline needs the image model's time on top of the chat call; below this, it becomes a job.
_SYNC_DRAW_SECONDS = 12.0


def estimate_tokens(text: str, images: int = 0) -> int:
    return int(len(text) / _CHARS_PER_TOKEN) + images * _TOKENS_PER_IMAGE


@dataclass
class ChatTurn:
    record: TurnRecord
    attachments: list[ImageRecord]
    drawn: list[ImageRecord]
    jobs: list[JobAccepted]
    lang: Lang


def _session_for(media: MediaStore, owner: str, session_id: str | None) -> SessionRecord:
    settings = get_settings()
    if session_id is None:
        return SessionRecord(
            session_id=new_id(), owner=owner, expires_at=now() + settings.session_ttl_days * 86400
        )
    session = owned_session(media, owner, session_id)
    if session.turn_count >= settings.max_turns_per_session:
        raise ProblemError(
            "conversation_too_long",
            detail=f"This conversation has reached {settings.max_turns_per_session} turns; start a new one.",
        )
    return session


def owned_session(media: MediaStore, owner: str, session_id: str) -> SessionRecord:
    session = media.table.get_session(session_id) if is_id(session_id) else None
    if session is None or session.owner != owner:
        raise ProblemError("session_not_found")  # someone else's session looks like no session
    return session


def check_limits(message: str, image_count: int) -> None:
    settings = get_settings()
    if len(message) > settings.max_message_chars:
        raise ProblemError(
            "prompt_too_long", detail=f"Messages may be up to {settings.max_message_chars} characters."
        )
    check_image_count(image_count, settings.max_images_per_turn)


def _history(media: MediaStore, owner: str, turns: list[TurnRecord], budget: int) -> tuple[ChatMessage, ...]:
    """Earlier turns, oldest first, within the token budget (the oldest are dropped, never reordered).

    The photos of the most recent turn that had photos are sent again so the designer still sees
    the room; older photos are mentioned by id.
    """
    resend_index = max((t.index for t in turns if t.image_ids), default=None)
    kept: list[tuple[ChatMessage, ChatMessage]] = []
    spent = 0
    for turn in reversed(turns):
        images: tuple[ImageInput, ...] = ()
        text = turn.user_text
        if turn.image_ids and turn.index == resend_index:
            images = tuple(_stored_input(media, owner, i) for i in turn.image_ids)
        elif turn.image_ids:
            text += f"\n[The user shared {len(turn.image_ids)} photo(s) of the room here.]"
        cost = estimate_tokens(text + turn.reply, len(images))
        if kept and spent + cost > budget:
            break
        spent += cost
        kept.append((ChatMessage("user", text, images), ChatMessage("model", turn.reply)))
    dropped = len(turns) - len(kept)
    messages: list[ChatMessage] = []
    if dropped or (turns and turns[0].index > 1):
        messages.append(
            ChatMessage("user", "[Earlier parts of this conversation were left out to save space.]")
        )
        messages.append(ChatMessage("model", "OK."))
    for user, model in reversed(kept):
        messages.extend((user, model))
    return tuple(messages)


def _stored_input(media: MediaStore, owner: str, image_id: str) -> ImageInput:
    record = media.record(owner, image_id)
    return ImageInput(data=media.image_bytes(record), mime_type=record.mime_type)


async def _ask(request: ChatRequest, deadline: Deadline) -> tuple[ChatResult, DesignerReply | None]:
    """Ask the designer; invalid structured output gets one retry, then the plain text stands."""
    provider = chat_provider()
    result = await provider.chat(request)
    for attempt in (1, 2):
        try:
            return result, parse_designer_reply(result.structured or {})
        except ValueError:
            count("DesignerReplyInvalid", attempt=str(attempt))
            if attempt == 2 or deadline.remaining() < 5:
                break
            result = await provider.chat(replace(request, timeout=deadline.remaining() - 1))
    logger.info("designer reply had no usable structure; answering with text only")
    return result, None


async def converse(
    media: MediaStore, owner: str, body: ChatInput, uploads: list[bytes], deadline: Deadline
) -> ChatTurn:
    from shatably.projects.attach import project_instruction, project_session

    settings = get_settings()
    check_limits(body.message, len(body.images) + len(uploads))
    session = _session_for(media, owner, body.session_id)
    media = project_session(media, owner, session, body.project_id, body.room_id)
    lang: Lang = body.lang or detect_lang(body.message)
    attachments: list[LoadedImage] = [
        media.save_input(owner, raw, session_id=session.session_id) for raw in uploads
    ]
    attachments += [media.resolve(owner, ref, session_id=session.session_id) for ref in body.images]

    turns = (
        media.table.recent_turns(session.session_id, settings.history_turns_window)
        if session.turn_count
        else []
    )
    new_images = tuple(a.prepared.as_input() for a in attachments)
    if estimate_tokens(body.message, len(new_images)) > settings.history_token_budget:
        raise ProblemError("tokens_exceeded")
    history = _history(media, owner, turns, settings.history_token_budget - estimate_tokens(body.message))
    request = ChatRequest(
        system=designer_instruction(body.lang) + project_instruction(media, owner),
        history=history,
        message=ChatMessage("user", body.message, new_images),
        timeout=max(deadline.remaining() - 1.0, 1.0),
        max_output_tokens=settings.max_output_tokens,
        response_schema=DESIGNER_REPLY_SCHEMA,
        lang=lang,
    )
    result, reply = await _ask(request, deadline)
    text = reply.reply if reply else result.text
    if not text.strip():
        raise ProblemError("upstream_empty_response")
    plan = _plan(reply, lang)
    drawn: list[ImageRecord] = []
    jobs: list[JobAccepted] = []
    if reply and reply.image_request:
        drawn, jobs = await _draw(media, owner, session, reply, attachments, turns, deadline)

    turn = TurnRecord(
        session_id=session.session_id,
        index=session.turn_count + 1,
        user_text=body.message,
        image_ids=[a.record.image_id for a in attachments],
        reply=text,
        plan=plan,
        images_out=[r.image_id for r in drawn],
        job_ids=[j.job_id for j in jobs],
        usage=result.usage.as_dict(),
        provider=result.provider,
        model=result.model,
        finish_reason=result.finish_reason,
        expires_at=session.expires_at,
    )
    updated = session.model_copy(update={"turn_count": turn.index, "updated_at": now(), "lang": lang})
    listed(updated, turn, [*(a.record for a in attachments), *drawn])
    media.table.append_turn(updated, turn)
    count("ChatTurns", provider=result.provider, lang=lang)
    return ChatTurn(
        record=turn, attachments=[a.record for a in attachments], drawn=drawn, jobs=jobs, lang=lang
    )


def _plan(reply: DesignerReply | None, lang: Lang) -> dict[str, Any] | None:
    if reply is None or reply.plan is None:
        return None
    plan = reply.plan
    if reply.room is not None:
        # Quantities are computed by our code from the user's dimensions, never taken from the model.
        plan = plan.model_copy(update={"finishing_quantities": finishing_quantities(reply.room, plan)})
    data: dict[str, Any] = plan.model_dump(mode="json")
    data.setdefault("lang", lang)
    if reply.room is not None:
        data["room"] = reply.room.model_dump(mode="json")
    return data


async def _draw(
    media: MediaStore,
    owner: str,
    session: SessionRecord,
    reply: DesignerReply,
    attachments: list[LoadedImage],
    turns: list[TurnRecord],
    deadline: Deadline,
) -> tuple[list[ImageRecord], list[JobAccepted]]:
    """Run the designer's drawing request through the same services as /image/generate and /edit/."""
    from shatably.jobs import service as jobs_service

    wish = reply.image_request
    assert wish is not None
    latest_photo = attachments[-1].record.image_id if attachments else _latest_photo(turns)
    style = wish.style if wish.style and _known_style(wish.style) else None
    request: GenerateInput | EditInput
    if wish.action == "edit" and latest_photo:
        request = EditInput(prompt=wish.prompt, image=ImageRef(image_id=latest_photo), style=style)
        kind = "edit"
    else:
        request = GenerateInput(prompt=wish.prompt, style=style)
        kind = "generate"
    billing.reserve(owner, 1, requests=0)
    try:
        if deadline.remaining() < _SYNC_DRAW_SECONDS:
            job = jobs_service.submit(
                media, owner, kind, request.model_dump(mode="json", exclude={"run_async"})
            )
            return [], [JobAccepted(job_id=job.job_id, status=job.status, location=f"/jobs/{job.job_id}")]
        if isinstance(request, EditInput):
            source = media.resolve(owner, request.image, session_id=session.session_id)
            result = await studio.edit(media, owner, request, source, deadline, session_id=session.session_id)
        else:
            result = await studio.generate(media, owner, request, deadline, session_id=session.session_id)
        return result.records, []
    except ProblemError as problem:
        billing.release(owner, 1, requests=0)
        # The advice still stands without the picture; the failure is logged, not fatal.
        logger.warning("drawing failed", extra={"code": problem.code})
        count("DrawingsFailed", code=problem.code)
        return [], []


def _latest_photo(turns: list[TurnRecord]) -> str | None:
    for turn in reversed(turns):
        if turn.image_ids:
            return turn.image_ids[-1]
    return None


def _known_style(style_id: str) -> bool:
    from shatably.catalog import find_style

    return find_style(style_id) is not None


def render(media: MediaStore, turn: ChatTurn, usage: Usage | None = None) -> ChatResponse:
    record = turn.record
    return ChatResponse(
        response=record.reply,
        session_id=record.session_id,
        turn=record.index,
        lang=turn.lang,
        plan=record.plan,
        images=[media.view(r) for r in turn.drawn],
        jobs=turn.jobs,
        attachments=[media.view(r) for r in turn.attachments],
        provider=record.provider,
        model=record.model,
        usage=usage or Usage(**record.usage),
        finish_reason=record.finish_reason,
    )


def load_turn(media: MediaStore, owner: str, session_id: str, index: int) -> ChatTurn:
    """A stored turn as a response again (idempotent replays)."""
    session = owned_session(media, owner, session_id)
    turns = [t for t in media.table.recent_turns(session_id, session.turn_count) if t.index == index]
    if not turns:
        raise ProblemError("session_not_found")
    record = turns[0]
    lang: Lang = "ar" if session.lang == "ar" else "en"
    return ChatTurn(
        record=record,
        attachments=[media.record(owner, i) for i in record.image_ids],
        drawn=[media.record(owner, i) for i in record.images_out],
        jobs=[JobAccepted(job_id=j, status="queued", location=f"/jobs/{j}") for j in record.job_ids],
        lang=lang,
    )


def session_view(media: MediaStore, owner: str, session_id: str) -> SessionView:
    session = owned_session(media, owner, session_id)
    turns = media.table.recent_turns(session_id, max(session.turn_count, 1))

    def views(ids: list[str]) -> list[Any]:
        found = []
        for image_id in ids:
            try:
                found.append(media.view(media.record(owner, image_id)))
            except ProblemError:
                continue  # an expired image leaves the turn readable
        return found

    return SessionView(
        session_id=session.session_id,
        created_at=session.created_at,
        updated_at=session.updated_at,
        lang=session.lang,
        turns=[
            TurnView(
                index=t.index,
                message=t.user_text,
                attachments=views(t.image_ids),
                response=t.reply,
                plan=t.plan,
                images=views(t.images_out),
                job_ids=t.job_ids,
                provider=t.provider,
                model=t.model,
                created_at=t.created_at,
            )
            for t in turns
        ],
    )


def delete_session(media: MediaStore, owner: str, session_id: str) -> None:
    owned_session(media, owner, session_id)  # someone else's session is a 404, not a delete
    turns = media.table.delete_session(session_id)
    image_ids = {i for t in turns for i in (*t.image_ids, *t.images_out)}
    records = [r for r in (media.table.get_image(i) for i in sorted(image_ids)) if r and r.owner == owner]
    media.delete(records)
    count("SessionsDeleted")
