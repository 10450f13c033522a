"""POST /chat/: the v1 multipart contract, memory, ownership, atomic turns, limits, plans."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.images import b64, photo

OWNER = "X-Owner-Id"


def test_v1_multipart_message_gets_a_response_and_a_session(chat_client: TestClient) -> None:
    response = chat_client.post("/chat/", data={"message": "I want a calm bedroom", "user_id": "default"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["response"]
    assert body["session_id"]
    assert body["turn"] == 1
    assert body["provider"] == "offline"


def test_the_conversation_is_remembered_in_order(chat_client: TestClient) -> None:
    first = chat_client.post(
        "/chat/",
        data={"message": "Here is my living room"},
        files={"image": ("room.jpg", photo(), "image/jpeg")},
    )
    owner = {OWNER: first.headers[OWNER]}
    session_id = first.json()["session_id"]
    second = chat_client.post(
        "/chat", json={"message": "Make it japandi", "session_id": session_id}, headers=owner
    )

    assert second.status_code == 200, second.text
    assert second.json()["turn"] == 2
    history = chat_client.get(f"/chat/sessions/{session_id}", headers=owner).json()
    assert [t["message"] for t in history["turns"]] == ["Here is my living room", "Make it japandi"]
    assert len(history["turns"][0]["attachments"]) == 1
    assert history["turns"][0]["attachments"][0]["url"].startswith("http")


def test_arabic_in_arabic_out(chat_client: TestClient) -> None:
    response = chat_client.post("/chat", json={"message": "عايز أوضة نوم هادية بألوان فاتحة"})
    body = response.json()
    assert body["lang"] == "ar"
    assert any("\u0600" <= ch <= "\u06ff" for ch in body["response"])


def test_sessions_belong_to_their_owner(chat_client: TestClient) -> None:
    first = chat_client.post("/chat", json={"message": "hello"})
    session_id = first.json()["session_id"]
    stranger = {OWNER: "anon-" + "s" * 32}

    assert chat_client.get(f"/chat/sessions/{session_id}", headers=stranger).status_code == 404
    assert (
        chat_client.post(
            "/chat", json={"message": "hi", "session_id": session_id}, headers=stranger
        ).status_code
        == 404
    )
    assert chat_client.delete(f"/chat/sessions/{session_id}", headers=stranger).status_code == 404


def test_delete_removes_the_session_and_its_images(chat_client: TestClient, aws: Any) -> None:
    first = chat_client.post("/chat", json={"message": "my room", "images": [{"data": b64(photo())}]})
    owner = {OWNER: first.headers[OWNER]}
    session_id = first.json()["session_id"]
    key_count = aws.s3.list_objects_v2(Bucket="shatably-test-media").get("KeyCount", 0)
    assert key_count == 1

    assert chat_client.delete(f"/chat/sessions/{session_id}", headers=owner).status_code == 204
    assert chat_client.get(f"/chat/sessions/{session_id}", headers=owner).status_code == 404
    assert aws.s3.list_objects_v2(Bucket="shatably-test-media").get("KeyCount", 0) == 0


def test_a_failed_provider_call_leaves_no_half_turn(
    chat_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shatably.errors import ProblemError

    first = chat_client.post("/chat", json={"message": "hello"})
    owner = {OWNER: first.headers[OWNER]}
    session_id = first.json()["session_id"]

    class Down:
        name = "gemini"
        model = "down"

        async def chat(self, request: Any) -> Any:
            raise ProblemError("upstream_error")

    with monkeypatch.context() as patch:
        patch.setattr("shatably.chat.service.chat_provider", lambda: Down())
        failed = chat_client.post(
            "/chat", json={"message": "second", "session_id": session_id}, headers=owner
        )
    assert failed.status_code == 502
    assert len(chat_client.get(f"/chat/sessions/{session_id}", headers=owner).json()["turns"]) == 1

    retried = chat_client.post("/chat", json={"message": "second", "session_id": session_id}, headers=owner)
    assert retried.json()["turn"] == 2


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"message": "x" * 5000}, "prompt_too_long"),
        ({"message": "x", "images": [{"data": "AAAA"}] * 5}, "too_many_images"),
        ({"message": "x", "session_id": "f" * 32}, "session_not_found"),
    ],
)
def test_limits_have_their_own_codes(chat_client: TestClient, payload: dict[str, Any], code: str) -> None:
    response = chat_client.post("/chat", json=payload)
    assert response.json()["code"] == code


def test_a_plan_carries_the_estimate_of_the_users_rooms(chat_client: TestClient) -> None:
    response = chat_client.post(
        "/chat",
        json={"message": "My living room is 4x5 m with a 3 m ceiling, plastered. Propose a modern plan."},
    )
    body = response.json()
    plan = body["plan"]
    assert plan is not None, body
    assert plan["palette"] and all(p["hex"].startswith("#") for p in plan["palette"])
    [room] = plan["rooms"]
    assert (room["length_m"], room["width_m"], room["height_m"]) == (4, 5, 3)
    estimate = plan["estimate"]  # the estimator's answer, the same shape as POST /estimate
    assert estimate["state"] == "plastered" and estimate["price_book"]["version"]
    keys = {item["key"] for item in estimate["items"]}
    assert {"putty", "wall_paint", "ceiling_paint"} <= keys
    assert estimate["total_egp"]["low"] <= estimate["total_egp"]["high"]
    assert f"{estimate['total_egp']['low']:,}" in body["response"]  # the figures are under the reply
    assert plan["assumptions"] == ["The finishing grade was not given: estimated as super lux"]


def test_amending_the_floor_changes_that_surface_and_the_estimate(chat_client: TestClient) -> None:
    first = chat_client.post("/chat", json={"message": "الصالة 4 في 5، الشقة محارة، بورسلين 60x60"})
    owner = {OWNER: first.headers[OWNER]}
    session_id = first.json()["session_id"]

    second = chat_client.post(
        "/chat", json={"message": "خلي الأرضية باركيه", "session_id": session_id}, headers=owner
    ).json()

    assert [(c["field"], c["room"]) for c in second["changes"]] == [("floor", "صالة")]
    before, after = first.json()["plan"], second["plan"]
    assert after["rooms"][0]["floor"] == {"type": "parquet"}
    assert {k: v for k, v in after["rooms"][0].items() if k != "floor"} == {
        k: v for k, v in before["rooms"][0].items() if k != "floor"
    }
    assert "parquet" in {i["key"] for i in after["estimate"]["items"]}
    assert "floor_tiles" not in {i["key"] for i in after["estimate"]["items"]}
    session = chat_client.get(f"/chat/sessions/{session_id}", headers=owner).json()
    assert session["plan"] == after and session["turns"][-1]["plan"] == after


def test_a_reloaded_conversation_shows_what_each_turn_changed(chat_client: TestClient) -> None:
    first = chat_client.post("/chat", json={"message": "الصالة 4 في 5، الشقة محارة، بورسلين 60x60"})
    owner = {OWNER: first.headers[OWNER]}
    session_id = first.json()["session_id"]
    answers = [first.json()]
    for message in ("خلي الأرضية باركيه", "شكراً"):
        answer = chat_client.post("/chat", json={"message": message, "session_id": session_id}, headers=owner)
        answers.append(answer.json())

    turns = chat_client.get(f"/chat/sessions/{session_id}", headers=owner).json()["turns"]
    # The same changes POST /chat answered, turn by turn: the new plan, the floor, nothing.
    assert [t["changes"] for t in turns] == [a["changes"] for a in answers]
    amended = turns[1]["changes"]
    assert [(c["field"], c["room"], c["after"]) for c in amended] == [("floor", "صالة", {"type": "parquet"})]
    assert turns[2]["changes"] == []

    schema = chat_client.get("/openapi.json").json()["components"]["schemas"]
    assert schema["TurnView"]["properties"]["changes"]["items"] == {"$ref": "#/components/schemas/Change"}


def test_a_turn_that_changes_nothing_keeps_the_plan(chat_client: TestClient) -> None:
    first = chat_client.post("/chat", json={"message": "الصالة 4 في 5 محارة"})
    owner = {OWNER: first.headers[OWNER]}
    second = chat_client.post(
        "/chat", json={"message": "شكراً", "session_id": first.json()["session_id"]}, headers=owner
    ).json()
    assert second["plan"] == first.json()["plan"] and second["changes"] == []


def test_franco_is_answered_in_arabic_script_unless_franco_is_asked_for(chat_client: TestClient) -> None:
    body = chat_client.post("/chat", json={"message": "ana 3ndy sala 4x5 w 3ayez ashtbha"}).json()
    assert body["written"] == "franco" and body["lang"] == "ar"
    assert any("\u0600" <= ch <= "\u06ff" for ch in body["response"])
    assert body["plan"]["rooms"][0]["name"] == "صالة"
    forced = chat_client.post("/chat", json={"message": "ana 3ndy sala 4x5", "lang": "franco"}).json()
    assert forced["lang"] == "franco" and forced["written"] == "franco"


def test_the_budget_said_once_stays_with_the_plan(chat_client: TestClient) -> None:
    first = chat_client.post("/chat", json={"message": "الصالة 4 في 5 محارة والميزانية ١٥٠ ألف"})
    owner = {OWNER: first.headers[OWNER]}
    assert first.json()["plan"]["budget_egp"] == 150_000
    assert first.json()["plan"]["estimate"]["budget"]["budget_egp"] == 150_000
    second = chat_client.post(
        "/chat",
        json={"message": "خلي الأرضية باركيه", "session_id": first.json()["session_id"]},
        headers=owner,
    ).json()
    assert second["plan"]["budget_egp"] == 150_000 and second["plan"]["estimate"]["budget"] is not None


def test_a_drawing_that_fails_is_reported_and_the_turn_still_stands(
    chat_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shatably.errors import ProblemError

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise ProblemError("upstream_error")

    monkeypatch.setattr("shatably.studio.service.generate", broken)
    response = chat_client.post(
        "/chat", json={"message": "Japandi bedroom please, show me how it would look"}
    )

    body = response.json()
    assert response.status_code == 200, body
    assert body["drawing"]["status"] == "failed" and body["drawing"]["problem"]["code"] == "upstream_error"
    assert body["images"] == [] and "could not make the picture" in body["response"]


def test_asking_to_see_it_draws_through_the_generate_service(chat_client: TestClient) -> None:
    response = chat_client.post(
        "/chat", json={"message": "Japandi bedroom please, show me how it would look"}
    )
    body = response.json()
    assert body["images"] or body["jobs"], body
    if body["images"]:
        assert body["images"][0]["operation"] == "generate"


def test_the_earlier_photo_is_mentioned_only_while_its_turn_is_sent(
    chat_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shatably.chat import service
    from shatably.chat.designer import EARLIER_PHOTO
    from shatably.settings import reset_settings

    # A 4-turn window trims in blocks of 2: the 6th message is the first sent without turns 1-2.
    monkeypatch.setenv("HISTORY_TURNS_WINDOW", "4")
    reset_settings()
    sent: list[Any] = []
    original = service.chat_provider  # type: ignore[attr-defined]

    class Recording:
        def __init__(self) -> None:
            self.inner = original()

        async def chat(self, request: Any) -> Any:
            sent.append(request)
            return await self.inner.chat(request)

    monkeypatch.setattr(service, "chat_provider", Recording)
    first = chat_client.post(
        "/chat",
        json={"message": "الصالة 4 في 5 محارة، دي صورتها", "images": [{"data": b64(photo())}]},
    )
    assert first.status_code == 200, first.text
    owner = {OWNER: first.headers[OWNER]}
    photo_id = first.json()["attachments"][0]["id"]
    assert first.json()["plan"]["photos"] == {"room": photo_id}  # the plan remembers the room photo
    for turn in range(2, 7):
        answer = chat_client.post(
            "/chat",
            json={"message": f"شكراً {turn}", "session_id": first.json()["session_id"]},
            headers=owner,
        )
        assert answer.status_code == 200, answer.text

    def photos_in_history(request: Any) -> int:
        return sum(len(message.images) for message in request.history)

    # Turns 2-5 send the photo's turn and say so; turn 6 sends neither the photo nor the line.
    assert [photos_in_history(r) for r in sent[1:]] == [1, 1, 1, 1, 0]
    assert [EARLIER_PHOTO in r.message.text for r in sent[1:]] == [True, True, True, True, False]
