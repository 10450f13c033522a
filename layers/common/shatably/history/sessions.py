"""What a conversation shows in lists: a title and the latest image as its thumbnail."""

from __future__ import annotations

from shatably.storage.models import ImageRecord, SessionRecord, TurnRecord

TITLE_CHARS = 60


def title(message: str, plan: dict[str, object] | None) -> str:
    """The first message, else what the plan is about; cut at a word, with an ellipsis."""
    text = " ".join(message.split())
    if not text and plan:
        text = f"{plan.get('style', '')} {plan.get('room_type', '')}".strip()
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


def listed(session: SessionRecord, turn: TurnRecord, images: list[ImageRecord]) -> None:
    """Update ``session`` (about to be written with ``turn``) for GET /chat/sessions."""
    if not session.title:
        session.title = title(turn.user_text, turn.plan)
    if images:  # the newest image of the conversation
        latest = images[-1]
        session.thumbnail_id, session.thumbnail_key = latest.image_id, latest.s3_key
        session.thumbnail_format = latest.format
