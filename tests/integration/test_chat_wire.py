"""The chat turn as it reaches Gemini and OpenAI: through the real SDKs against the fake server."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.fakes.provider_server import Reply, gemini_blocked, gemini_error
from tests.support.images import photo

OWNER = "X-Owner-Id"


def designer(reply: str, **extra: Any) -> Reply:
    return Reply(json={"reply": reply, "plan": None, "room": None, "image_request": None, **extra})


def test_second_turn_sends_instruction_history_in_order_photo_and_schema(
    chat_client: TestClient, provider_env: Any, fake_providers: Any
) -> None:
    fake_providers.script("gemini", designer("Lovely room! How big is it?"), designer("Then go Japandi."))
    room = photo(900, 600)

    first = chat_client.post(
        "/chat/",
        data={"message": "Here is my living room"},
        files={"image": ("room.jpg", room, "image/jpeg")},
    )
    owner = {OWNER: first.headers[OWNER]}
    second = chat_client.post(
        "/chat",
        json={"message": "It is 4 by 5 metres", "session_id": first.json()["session_id"]},
        headers=owner,
    )

    assert first.status_code == second.status_code == 200, second.text
    assert second.json()["response"] == "Then go Japandi."
    assert second.json()["provider"] == "gemini"
    wire = fake_providers.requests_for("gemini")[-1]
    assert "interior designer" in (wire.gemini_system() or "")
    assert wire.gemini_roles() == ["user", "model", "user"]
    texts = wire.gemini_texts()
    assert (
        texts.index("Here is my living room")
        < texts.index("Lovely room! How big is it?")
        < texts.index("It is 4 by 5 metres")
    )
    images = wire.gemini_images()
    assert len(images) == 1 and images[0][0] == "image/jpeg"  # the room is still in view
    config = wire.gemini_config()
    schema = (
        config.get("responseJsonSchema") or config.get("response_json_schema") or config.get("responseSchema")
    )
    assert schema and "reply" in json.dumps(schema)


def test_an_invalid_plan_gets_one_retry_then_the_text_answer_stands(
    chat_client: TestClient, provider_env: Any, fake_providers: Any
) -> None:
    bad = Reply(json={"reply": "Here is a plan", "plan": {"palette": "not a list"}})
    fake_providers.script("gemini", bad, bad)

    response = chat_client.post("/chat", json={"message": "plan my bedroom"})

    assert response.status_code == 200, response.text
    assert response.json()["plan"] is None
    assert len(fake_providers.requests_for("gemini")) == 2


def test_a_blocked_message_is_422_content_blocked_and_no_turn_is_saved(
    chat_client: TestClient, provider_env: Any, fake_providers: Any
) -> None:
    fake_providers.script("gemini", gemini_blocked("SAFETY"))
    response = chat_client.post("/chat", json={"message": "something unsafe"})

    assert response.status_code == 422
    assert response.json()["code"] == "content_blocked"
    assert response.json()["stage"] == "input"


def test_rate_limits_reach_the_caller_as_503_with_retry_after(
    chat_client: TestClient, provider_env: Any, fake_providers: Any, instant_retry_policy: Any
) -> None:
    fake_providers.script(
        "gemini", gemini_error(429, retry_delay="30s"), gemini_error(429, retry_delay="30s")
    )
    response = chat_client.post("/chat", json={"message": "hello"})

    assert response.status_code == 503
    assert response.json()["code"] == "upstream_rate_limited"
    assert int(response.headers["Retry-After"]) >= 1
