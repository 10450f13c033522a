"""The consultation: remember, see the room, answer in the user's language, hand over a plan.

A turn is written only after the designer answered, in one transaction with the session's turn
count: a failed call leaves the conversation exactly as it was, so the client can simply retry.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from shatably import billing
from shatably.catalog.lang import Lang, Script, detect_script, fold, mentions_any, reply_lang
from shatably.chat.budget import parse_budget
from shatably.chat.designer import designer_instruction, turn_context
from shatably.chat.models import ChatInput, ChatResponse, DrawingStatus, SessionView, TurnView
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

if TYPE_CHECKING:
    # The plan's models are built on the estimator's: both load on the first chat turn (or in the
    # SnapStart snapshot), so a cold /health or /estimate does not pay for them.
    from shatably.chat.models import Change
    from shatably.chat.plan import DesignerReply, DrawingRequest, Plan, PlanDraft
    from shatably.estimate.models import Estimate

# An answer that stopped at the output cap (Gemini MAX_TOKENS/CONTINUATION, OpenAI "length").
TRUNCATED_FINISH_REASONS = frozenset({"MAX_TOKENS", "CONTINUATION"})
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


def _history(
    media: MediaStore, owner: str, turns: list[TurnRecord], turn_count: int, window: int, budget: int
) -> tuple[tuple[ChatMessage, ...], frozenset[str]]:
    """Earlier turns, oldest first, within the turn window and the token budget, and the ids of
    the photos they carry to the model (not those of trimmed turns, nor deleted ones).

    Gemini's implicit cache (and OpenAI's) serves the part of a prompt that repeats the previous
    request from its start, so every turn is rendered the same way however old it is (its photos
    stay with it), and old turns leave half a window at a time (``_first_kept``): the prefix then
    holds for many turns between trims instead of breaking every turn, as a sliding window would.
    """
    kept = _first_kept(turns, turn_count, window, budget)
    messages: list[ChatMessage] = []
    if kept and kept[0].index > 1:
        messages.append(
            ChatMessage("user", "[Earlier parts of this conversation were left out to save space.]")
        )
        messages.append(ChatMessage("model", "OK."))
    photos: set[str] = set()
    for turn in kept:
        user, model, shown = _rendered(media, owner, turn)
        messages += (user, model)
        photos.update(shown)
    return tuple(messages), frozenset(photos)


def _turn_cost(turn: TurnRecord) -> int:
    return estimate_tokens(turn.user_text + turn.reply, len(turn.image_ids))


def _first_kept(turns: list[TurnRecord], turn_count: int, window: int, budget: int) -> list[TurnRecord]:
    """The turns to send: after a cut that moves in blocks of half the window.

    The cut depends only on the turn count and the turns' sizes, so it stays put between trims.
    With a 20-turn window, turn 22 (21 earlier turns) sends turns 11-21, turns 23-31 send those and
    theirs, turn 32 sends 21-31. Over the token budget the cut moves a further block at a time; only
    when the newest block alone is over it are turns dropped one by one (the newest always stays).
    """
    block = max(window // 2, 1)
    cut = block * -(-max(turn_count - window, 0) // block)  # the window's excess, rounded up to a block
    kept = [t for t in turns if t.index > cut]
    while kept and sum(map(_turn_cost, kept)) > budget and cut + block < turn_count:
        cut += block
        kept = [t for t in turns if t.index > cut]
    spent = 0
    for position in range(len(kept) - 1, -1, -1):
        spent += _turn_cost(kept[position])
        if spent > budget and position < len(kept) - 1:
            return kept[position + 1 :]
    return kept


def _rendered(media: MediaStore, owner: str, turn: TurnRecord) -> tuple[ChatMessage, ChatMessage, list[str]]:
    """A turn as the model sees it (the same bytes on every later turn), and its photos' ids."""
    text = turn.user_text
    images: list[ImageInput] = []
    shown: list[str] = []
    for image_id in turn.image_ids:
        try:
            images.append(_stored_input(media, owner, image_id))
            shown.append(image_id)
        except ProblemError as error:
            if error.code != "image_not_found":
                raise
            text += "\n[The user shared a photo here that has since been deleted.]"
    return ChatMessage("user", text, tuple(images)), ChatMessage("model", turn.reply), shown


def _stored_input(media: MediaStore, owner: str, image_id: str) -> ImageInput:
    record = media.record(owner, image_id)
    return ImageInput(data=media.image_bytes(record), mime_type=record.mime_type)


# The tail of a JSON string cut inside a \\u escape (a partial one, or a high surrogate whose pair
# was cut off).
_CUT_UNICODE = re.compile(r"(?:\\u[dD][89abAB][0-9a-fA-F]{2})?(?:\\u[0-9a-fA-F]{0,3})?$")
_REPLY_START = re.compile(r'"reply"\s*:\s*"')


def cut_reply_text(text: str) -> str:
    """What the designer said before an answer was cut at the output cap.

    Plain text stands as it came. A structured answer arrives as JSON cut mid-way
    (``{"reply": "Paint the walls sa``): its ``reply`` string so far is the usable text, and
    anything after it (the plan) is dropped rather than trusted half-written.
    """
    if not text.lstrip().startswith("{"):
        return text.strip()
    start = _REPLY_START.search(text)
    if start is None:
        return ""
    raw: list[str] = []
    escaped = False
    for char in text[start.end() :]:
        if char == '"' and not escaped:
            break
        escaped = char == "\\" and not escaped
        raw.append(char)
    if escaped:
        raw.pop()  # a lone backslash: the rest of its escape was cut off
    body = _CUT_UNICODE.sub("", "".join(raw))
    try:
        return str(json.loads(f'"{body}"')).strip()
    except ValueError:
        return ""


async def _ask(request: ChatRequest, deadline: Deadline) -> tuple[ChatResult, DesignerReply | None]:
    """Ask the designer; invalid structured output gets one retry, then the plain text stands.

    An answer cut at the output cap is never asked again (the same request is cut the same way,
    and paid twice): what it said stands, without a plan.
    """
    from shatably.chat.plan import parse_designer_reply

    provider = chat_provider()
    result = await provider.chat(request)
    if result.truncated:
        count("DesignerReplyTruncated")
        text = cut_reply_text(result.text)
        if not text:
            raise ProblemError("upstream_truncated")
        return replace(result, text=text), None
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


def readable_text(text: str, lang: Lang) -> str:
    """What to show of an answer without a usable structure: never raw JSON.

    A JSON answer that did not fit the schema still has its ``reply``; without one, the user gets
    a short note instead of braces and keys.
    """
    if not text.lstrip().startswith("{"):
        return text
    return cut_reply_text(text) or _CUT_NOTE[lang]


_CUT_NOTE: dict[Lang, str] = {
    "en": "My answer was cut short. Could you ask again, maybe one room at a time?",
    "ar": "ردي اتقطع قبل ما يخلص. ممكن تسألني تاني، أوضة أوضة؟",
}


async def converse(
    media: MediaStore, owner: str, body: ChatInput, uploads: list[bytes], deadline: Deadline
) -> ChatTurn:
    from shatably.projects.attach import project_instruction, project_session

    settings = get_settings()
    check_limits(body.message, len(body.images) + len(uploads))
    session = _session_for(media, owner, body.session_id)
    media = project_session(media, owner, session, body.project_id, body.room_id)
    written = detect_script(body.message)
    answer_lang: Script = body.lang or ("ar" if written == "franco" else written)
    lang: Lang = reply_lang(answer_lang)
    attachments: list[LoadedImage] = [
        media.save_input(owner, raw, session_id=session.session_id) for raw in uploads
    ]
    attachments += [media.resolve(owner, ref, session_id=session.session_id) for ref in body.images]

    turns = (
        media.table.recent_turns(session.session_id, settings.history_turns_window)
        if session.turn_count
        else []
    )
    previous = _latest_plan(turns)
    earlier_photo = _room_photo(previous, turns)
    project = project_instruction(media, owner)

    def context_for(earlier_room_photo: bool) -> str:
        return turn_context(
            previous,
            written=written,
            override=body.lang,
            photos=len(attachments),
            earlier_room_photo=earlier_room_photo,
            project=project,
        )

    context = context_for(earlier_photo is not None)
    new_images = tuple(a.prepared.as_input() for a in attachments)
    if estimate_tokens(body.message, len(new_images)) > settings.history_token_budget:
        raise ProblemError("tokens_exceeded")
    history, photos_sent = _history(
        media,
        owner,
        turns,
        session.turn_count,
        settings.history_turns_window,
        settings.history_token_budget - estimate_tokens(context + body.message, len(new_images)),
    )
    if earlier_photo is not None and earlier_photo not in photos_sent:
        # Its turn was trimmed (or it was deleted): the model is not told of a photo it cannot see.
        # The context only gets shorter, so the history still fits the budget it was cut for.
        context = context_for(False)
    request = ChatRequest(
        system=designer_instruction(),
        history=history,
        message=ChatMessage("user", f"{context}\n\n{body.message}", new_images),
        timeout=max(deadline.remaining() - 1.0, 1.0),
        max_output_tokens=settings.max_output_tokens,
        response_schema=_reply_schema(),
        lang=lang,
    )
    result, reply = await _ask(request, deadline)
    truncated = result.truncated
    text = reply.reply if reply else readable_text(result.text, lang)
    if not text.strip():
        raise ProblemError("upstream_empty_response")

    plan, changes = _next_plan(previous, reply, body.message, lang)
    photos = _photos(body.message, reply, attachments, earlier_photo)
    if plan is not None and photos.room and plan.photos.get("room") != photos.room:
        plan = plan.model_copy(update={"photos": {**plan.photos, "room": photos.room}})
    drawn: list[ImageRecord] = []
    jobs: list[JobAccepted] = []
    drawing: DrawingStatus | None = None
    if reply and reply.drawing:
        grade = plan.grade if plan is not None else None
        drawn, jobs, drawing = await _draw(media, owner, session, reply.drawing, photos, grade, deadline)
    notes = []
    if plan is not None and plan.estimate is not None and (changes or plan is not previous):
        notes.append(estimate_summary(plan.estimate, lang))
    if drawing is not None and drawing.status == "failed":
        notes.append(_DRAWING_FAILED[lang])
    shown = "\n\n".join([text, *notes])

    outcome = {
        "lang": answer_lang,
        "written": written,
        "changes": [c.model_dump(mode="json") for c in changes],
        "questions": list(reply.questions) if reply else [],
        "drawing": drawing.model_dump(mode="json") if drawing else None,
        "truncated": truncated,
    }
    turn = TurnRecord(
        session_id=session.session_id,
        index=session.turn_count + 1,
        user_text=body.message,
        image_ids=[a.record.image_id for a in attachments],
        reply=shown,
        plan=plan.model_dump(mode="json") if plan else None,
        outcome=outcome,
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
    try:
        media.table.append_turn(updated, turn)
    except ProblemError as problem:
        # A turn of an existing conversation cannot land once it is erased (its count is gone).
        if problem.code == "conversation_conflict" and media.table.erased_since(owner, media.started_ms):
            raise ProblemError("owner_erased") from problem
        raise
    media.kept(owner, lambda: media.table.delete_session(session.session_id))  # a new one can
    count("ChatTurns", provider=result.provider, lang=lang)
    if changes:
        count("PlanAmended", fields=str(len(changes)))
    return ChatTurn(
        record=turn, attachments=[a.record for a in attachments], drawn=drawn, jobs=jobs, lang=lang
    )


_DRAWING_FAILED: dict[Lang, str] = {
    "en": "(I could not make the picture this time; the advice above still stands. Try asking again.)",
    "ar": "(معرفتش أعمل الصورة المرة دي؛ الكلام اللي فوق زي ما هو. جرب تطلبها تاني.)",
}


def _reply_schema() -> dict[str, Any]:
    from shatably.chat.plan import DESIGNER_REPLY_SCHEMA

    return DESIGNER_REPLY_SCHEMA


def _latest_plan(turns: list[TurnRecord]) -> Plan | None:
    """The conversation's current plan: every turn stores the plan as it stood after it."""
    from shatably.chat.plan import Plan

    for turn in reversed(turns):
        if turn.plan:
            try:
                return Plan.model_validate(turn.plan)
            except ValueError:
                logger.warning("a stored plan no longer validates; starting afresh")
                return None
    return None


def _next_plan(
    previous: Plan | None, reply: DesignerReply | None, message: str, lang: Lang
) -> tuple[Plan | None, list[Change]]:
    """The plan after this turn and what changed. No structure (or a cut answer) keeps the old plan."""
    from shatably.chat.plan import apply_amendment, plan_changes

    if reply is None or (previous is None and reply.plan is None):
        return previous, []  # nothing to carry or change (an amendment needs a plan to amend)
    draft: PlanDraft | None
    if reply.plan is not None:
        draft = reply.plan
    elif reply.amend is not None and previous is not None:
        draft = apply_amendment(_draft_of(previous), reply.amend)
    else:
        draft = None
    stated = parse_budget(message)
    if draft is None:
        if previous is None or stated is None or previous.budget_egp == stated:
            return previous, []
        draft = _draft_of(previous).model_copy(update={"budget_egp": stated})  # the model missed it
    elif draft.budget_egp is None and (stated or (previous and previous.budget_egp)):
        # A budget said once stays with the plan; a new design does not forget it.
        draft = draft.model_copy(update={"budget_egp": stated or (previous and previous.budget_egp)})
    before = _draft_of(previous) if previous is not None else None
    changes = plan_changes(before, draft)
    if before is not None and not changes and draft.summary == before.summary:
        return previous, []
    if draft.lang != lang:
        draft = draft.model_copy(update={"lang": lang})  # a changed plan speaks the conversation's language
    return _with_estimate(draft, lang, previous), changes


def _draft_of(plan: Plan) -> PlanDraft:
    from shatably.chat.plan import PlanDraft

    return PlanDraft.model_validate(plan.model_dump(exclude={"estimate", "assumptions", "photos"}))


def _with_estimate(draft: PlanDraft, lang: Lang, previous: Plan | None) -> Plan:
    """The plan with the estimator's answer for its sized rooms (code computes; the model never does)."""
    from shatably.chat.plan import Plan, estimate_request
    from shatably.estimate import estimate

    request, notes = estimate_request(draft, lang=lang)
    result = None
    if request is not None:
        try:
            result = estimate(request)
        except ProblemError as problem:
            # A plan the estimator refuses (a room over its limits) is kept, without figures.
            logger.info("plan not estimated", extra={"code": problem.code})
            notes.append(problem.detail)
    photos = previous.photos if previous is not None else {}
    return Plan(**dict(draft), estimate=result, assumptions=notes, photos=photos)


def estimate_summary(estimate: Estimate, lang: Lang) -> str:
    """The estimate's total and budget verdict in a few lines under the designer's reply."""
    ar = lang == "ar"
    total = estimate.total_egp
    lines = [
        (f"💰 التكلفة التقديرية للتشطيب: {total.low:,}–{total.high:,} جنيه" if ar
         else f"💰 Estimated finishing cost: {total.low:,}–{total.high:,} EGP")
        + (f" (أسعار {estimate.price_book.date})" if ar else f" (prices of {estimate.price_book.date})")
    ]  # fmt: skip
    budget = estimate.budget
    if budget is not None:
        if budget.fits:
            lines.append(
                f"✅ في حدود ميزانيتك ({budget.budget_egp:,} جنيه)" if ar
                else f"✅ Within your budget ({budget.budget_egp:,} EGP)"
            )  # fmt: skip
        else:
            lines.append(
                f"⚠️ أعلى من ميزانيتك ({budget.budget_egp:,} جنيه) بحوالي {budget.gap_egp:,} جنيه" if ar
                else f"⚠️ Over your budget ({budget.budget_egp:,} EGP) by about {budget.gap_egp:,} EGP"
            )  # fmt: skip
            for option in budget.substitutions[:3]:
                saving = option.saving_egp
                lines.append(
                    f"• {option.description}: توفير {saving.low:,}–{saving.high:,} جنيه" if ar
                    else f"• {option.description}: saves {saving.low:,}–{saving.high:,} EGP"
                )  # fmt: skip
    return "\n".join(lines)


# "Like this one": the photo is an inspiration, not the room to edit.
_REFERENCE_WORDS = tuple(
    fold(w)
    for w in (
        "زي الصورة دي", "زي الصوره دي", "زي دي", "زي ده", "زى الصورة دى", "زي الصورة", "شبه الصورة",
        "شبه دي", "زي كده", "الهام", "إلهام", "ريفرنس", "مرجع", "like this", "like this one",
        "like that one", "like the photo", "like the picture", "inspiration", "inspired by", "reference",
        "zay el soura", "zay di", "zay dy", "zay keda", "zay el sora",
    )
)  # fmt: skip


def mentions_reference(message: str) -> bool:
    return mentions_any(fold(message), _REFERENCE_WORDS)


@dataclass
class Photos:
    room: str | None
    reference: str | None


def _photos(
    message: str, reply: DesignerReply | None, attachments: list[LoadedImage], earlier: str | None
) -> Photos:
    """Which photo is the room and which an inspiration: the designer says, the user's words decide ties.

    "Here is my room + زي الصورة دي" with one new photo and a room photo from before: the new photo
    is the reference and the earlier one is edited; with two new photos, the first is the room.
    """
    new = [a.record.image_id for a in attachments]
    wish = reply.drawing if reply else None
    if not new and wish is None:
        return Photos(room=earlier, reference=None)

    def nth(index: int | None) -> str | None:
        return new[index - 1] if index is not None and 1 <= index <= len(new) else None

    room, reference = (nth(wish.room_photo), nth(wish.reference_photo)) if wish else (None, None)
    if reference is None and mentions_reference(message) and new:
        if room is None and earlier is not None and len(new) == 1:
            room, reference = earlier, new[0]
        elif len(new) >= 2:
            room = room or new[0]
            reference = next(i for i in new if i != room)
        elif room is None and earlier is not None:
            room, reference = earlier, new[-1]
    if reference is not None and room == reference:
        room = None
    if room is None:
        room = next((i for i in reversed(new) if i != reference), None) or earlier
    return Photos(room=room, reference=reference)


def _room_photo(plan: Plan | None, turns: list[TurnRecord]) -> str | None:
    if plan is not None and plan.photos.get("room"):
        return plan.photos["room"]
    return _latest_photo(turns)


async def _draw(
    media: MediaStore,
    owner: str,
    session: SessionRecord,
    wish: DrawingRequest,
    photos: Photos,
    grade: str | None,
    deadline: Deadline,
) -> tuple[list[ImageRecord], list[JobAccepted], DrawingStatus]:
    """Run the designer's drawing request through the same services as /image/generate and /edit/."""
    from shatably.jobs import service as jobs_service

    try:
        kind, request = drawing_input(wish, photos, grade)
    except ValueError as exc:
        problem = ProblemError("validation_failed", detail=str(exc).splitlines()[0][:300])
        return [], [], _failed(wish, problem)
    operation = request.operation if isinstance(request, EditInput) else "generate"
    billing.reserve(owner, 1, requests=0)
    try:
        if deadline.remaining() < _SYNC_DRAW_SECONDS:
            job = jobs_service.submit(
                media, owner, kind, request.model_dump(mode="json", exclude={"run_async"})
            )
            accepted = JobAccepted(job_id=job.job_id, status=job.status, location=f"/jobs/{job.job_id}")
            return [], [accepted], DrawingStatus(status="queued", operation=operation)
        if isinstance(request, EditInput):
            source = media.resolve(owner, request.image, session_id=session.session_id)
            result = await studio.edit(media, owner, request, source, deadline, session_id=session.session_id)
        else:
            result = await studio.generate(media, owner, request, deadline, session_id=session.session_id)
        return result.records, [], DrawingStatus(status="drawn", operation=operation)
    except ProblemError as problem:
        billing.release(owner, 1, requests=0)
        # The advice still stands without the picture; the failure is reported, not dropped.
        logger.warning("drawing failed", extra={"code": problem.code})
        count("DrawingsFailed", code=problem.code)
        return [], [], _failed(wish, problem)


def _failed(wish: DrawingRequest, problem: ProblemError) -> DrawingStatus:
    body = problem.to_body()
    return DrawingStatus(
        status="failed",
        operation=wish.operation,
        problem={k: body[k] for k in ("type", "title", "status", "code", "detail") if k in body},
    )


def drawing_input(
    wish: DrawingRequest, photos: Photos, grade: str | None = None
) -> tuple[str, GenerateInput | EditInput]:
    """The studio request for the designer's drawing: the operation, regions, colour, style and photos.

    Without a room photo every operation becomes a generation (there is nothing to edit); a
    reference without a reference photo is a restyle.
    """
    style = wish.style if wish.style and _known_style(wish.style) else None
    if wish.operation == "generate" or photos.room is None:
        return "generate", GenerateInput(
            prompt=wish.prompt, style=style, room_type=_room_type(wish.room_type)
        )
    operation = wish.operation
    if operation == "reference" and photos.reference is None:
        operation = "restyle"
    fields: dict[str, Any] = {
        "prompt": wish.prompt,
        "image": ImageRef(image_id=photos.room),
        "operation": operation,
        "style": style,
        "regions": list(wish.regions),
    }
    if wish.colour and operation == "repaint":
        fields["color"] = wish.colour
    if wish.material and operation == "swap_material":
        fields["material"] = wish.material
    if operation in ("stage", "finish") and wish.room_type:
        fields["room_type"] = _room_type(wish.room_type)
    if operation == "finish" and grade is not None:
        fields["grade"] = grade
    if operation == "reference" and photos.reference is not None:
        fields["reference"] = ImageRef(image_id=photos.reference)
    return "edit", EditInput.model_validate(fields)


def _room_type(value: str | None) -> str | None:
    if value is None:
        return None
    from shatably.catalog import find_room_type

    found = find_room_type(value)
    return found.id if found else None


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
    outcome = record.outcome or {}
    return ChatResponse(
        response=record.reply,
        session_id=record.session_id,
        turn=record.index,
        lang=outcome.get("lang", turn.lang),
        written=outcome.get("written", turn.lang),
        plan=record.plan,
        changes=outcome.get("changes", []),
        questions=outcome.get("questions", []),
        drawing=outcome.get("drawing"),
        # Turns stored before outcomes existed: the finish reason tells.
        truncated=outcome.get("truncated", record.finish_reason in TRUNCATED_FINISH_REASONS),
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
        plan=next((t.plan for t in reversed(turns) if t.plan), None),
        turns=[
            TurnView(
                index=t.index,
                message=t.user_text,
                attachments=views(t.image_ids),
                response=t.reply,
                plan=t.plan,
                changes=(t.outcome or {}).get("changes", []),
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
