"""A long conversation keeps a stable prompt prefix, so Gemini's implicit cache can serve it.

30 turns with photos at turns 1, 11 and 21 go through the chat route and the google-genai SDK to the
fake Gemini. With the default 20-turn window, old turns leave ten at a time: turn 22 is the first
to see more than 20 earlier turns, so turns 1-10 go at once and turns 11-21 stay until turn 32.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from shatably.settings import Settings
from tests.fakes.provider_server import RecordedRequest, Reply
from tests.support.images import photo

OWNER = "X-Owner-Id"
TURNS = 30
PHOTO_TURNS = (1, 11, 21)
BLOCK_TRIM_TURNS = [22]  # 21 earlier turns > the 20-turn window: the first half-window leaves


def _without_new_message(request: RecordedRequest) -> tuple[str | None, list[dict[str, Any]]]:
    return request.gemini_system(), request.gemini_contents()[:-1]


def test_each_turn_repeats_the_previous_prompt_except_at_block_trims(
    chat_client: TestClient, provider_env: Any, fake_providers: Any
) -> None:
    settings = Settings()
    session: str | None = None
    headers: dict[str, str] = {}
    prompt_tokens: list[int] = []
    for turn in range(1, TURNS + 1):
        answer = f"Warm the walls with sand (#d8c3a5) and light the corners warmly, turn {turn}."
        fake_providers.script("gemini", Reply(json={"reply": answer, "plan": None, "drawing": None}))
        data = {"message": f"Turn {turn}: and the curtains?"} | ({"session_id": session} if session else {})
        files = {"image": ("room.jpg", photo(900 + turn, 600), "image/jpeg")} if turn in PHOTO_TURNS else None
        response = chat_client.post("/chat/", data=data, files=files, headers=headers)
        assert response.status_code == 200, response.text
        session = response.json()["session_id"]
        headers = {OWNER: response.headers.get(OWNER, headers.get(OWNER, ""))}
        prompt_tokens.append(response.json()["usage"]["input_tokens"])

    sent = fake_providers.requests_for("gemini")
    assert len(sent) == TURNS
    # The instruction is byte-identical on every turn: the turn's context rides in the new message.
    assert len({request.gemini_system() for request in sent}) == 1
    breaks = []
    for turn in range(2, TURNS + 1):
        system, earlier = _without_new_message(sent[turn - 2])
        now = sent[turn - 1]
        if now.gemini_system() != system or now.gemini_contents()[: len(earlier)] != earlier:
            breaks.append(turn)
    # Photo turns (11, 21) and every turn after the window fills keep the prefix: 28 of 29 turns.
    assert breaks == BLOCK_TRIM_TURNS
    # The photos stay in their turns: turn 30 still sees the photos of turns 11 and 21 (1 left at 22).
    assert [image[1] for image in sent[-1].gemini_images()] == [
        image[1] for request in (sent[10], sent[20]) for image in request.gemini_images()[-1:]
    ]
    # The prompt stops growing: nothing after the trim costs more than the peak before it.
    assert max(prompt_tokens) <= settings.history_token_budget
    assert max(prompt_tokens[settings.history_turns_window + 1 :]) <= max(
        prompt_tokens[: settings.history_turns_window + 1]
    )


def test_a_photo_gone_from_storage_becomes_a_note_and_the_conversation_goes_on(
    chat_client: TestClient, provider_env: Any, fake_providers: Any
) -> None:
    from shatably.storage.media import get_media

    fake_providers.script("gemini", Reply(json={"reply": "Nice room."}), Reply(json={"reply": "Sure."}))
    first = chat_client.post(
        "/chat/", data={"message": "my room"}, files={"image": ("room.jpg", photo(900, 600), "image/jpeg")}
    )
    assert first.status_code == 200, first.text
    get_media().table.delete_images([first.json()["attachments"][0]["id"]])

    second = chat_client.post(
        "/chat",
        json={"message": "and the floor?", "session_id": first.json()["session_id"]},
        headers={OWNER: first.headers[OWNER]},
    )

    assert second.status_code == 200, second.text
    wire = fake_providers.requests_for("gemini")[-1]
    assert wire.gemini_images() == []
    assert any("has since been deleted" in text for text in wire.gemini_texts())
