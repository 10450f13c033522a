"""The chat turn as it reaches Gemini and OpenAI: through the real SDKs against the fake server."""

from __future__ import annotations

import io
import json
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

from tests.fakes.provider_server import Reply, gemini_blocked, gemini_error, openai_error
from tests.support.images import photo

OWNER = "X-Owner-Id"


def designer(reply: str, **extra: Any) -> Reply:
    return Reply(
        json={"reply": reply, "questions": [], "plan": None, "amend": None, "drawing": None, **extra}
    )


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
    assert texts.index("Here is my living room") < texts.index("Lovely room! How big is it?") < len(texts) - 1
    assert texts[-1].endswith("It is 4 by 5 metres")  # after the app's turn context
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


# --- the plan as the conversation's state ---------------------------------------------------------

NO_OPTIONS = {"tile_cm": None, "height_m": None, "band_m": None, "finish": None}
ROOM_FIELDS = {
    "length_m": None, "width_m": None, "area_m2": None, "height_m": None, "doors": None, "windows": None,
    "walls": None, "floor": None, "ceiling": None,
}  # fmt: skip


def surface(kind: str, **options: Any) -> dict[str, Any]:
    return {"type": kind, **NO_OPTIONS, **options}


def living_room_plan() -> dict[str, Any]:
    """What a designer answers to "الصالة ٥ في ٤، محارة، بورسلين ٦٠×١٢٠، من غير سقف ساقط"."""
    return {
        "style": "modern",
        "summary": "صالة مودرن بألوان هادية.",
        "state": "plastered",
        "grade": "super_lux",
        "budget_egp": None,
        "rooms": [
            {
                **ROOM_FIELDS,
                "name": "صالة",
                "type": "living_room",
                "length_m": 5,
                "width_m": 4,
                "walls": surface("paint"),
                "floor": surface("porcelain", tile_cm=[60, 120]),
                "ceiling": surface("paint"),
            }
        ],
        "palette": [{"name": "أبيض دافي", "hex": "#EEE8DD", "role": "wall"}],
        "furniture": [],
        "steps": [],
        "lang": "ar",
    }


def parquet_floor() -> dict[str, Any]:
    patch = {**ROOM_FIELDS, "name": "صالة", "type": None, "floor": surface("parquet"), "remove": False}
    return {
        "style": None,
        "state": None,
        "grade": None,
        "budget_egp": None,
        "palette": None,
        "rooms": [patch],
    }


def turn_one(
    chat_client: TestClient, fake_providers: Any, *more: Reply
) -> tuple[dict[str, Any], dict[str, str]]:
    fake_providers.script("gemini", designer("دي خطة للصالة.", plan=living_room_plan()), *more)
    first = chat_client.post(
        "/chat", json={"message": "الصالة ٥ في ٤، محارة، بورسلين ٦٠×١٢٠، من غير سقف ساقط"}
    )
    assert first.status_code == 200, first.text
    return first.json(), {OWNER: first.headers[OWNER]}


def test_the_plan_from_turn_one_reaches_the_model_on_turn_two(
    chat_client: TestClient, provider_env: Any, fake_providers: Any
) -> None:
    first, owner = turn_one(chat_client, fake_providers, designer("تمام."))

    second = chat_client.post(
        "/chat", json={"message": "والحمام؟", "session_id": first["session_id"]}, headers=owner
    )

    assert second.status_code == 200, second.text
    wire = fake_providers.requests_for("gemini")[-1]
    sent = wire.gemini_texts()[-1]  # the new turn: the app's context, then the user's words
    assert sent.endswith("والحمام؟")
    context_plan = json.loads(sent.split("computed by the app):\n", 1)[1].split("\n", 1)[0])
    assert context_plan["rooms"][0]["name"] == "صالة"
    assert context_plan["rooms"][0]["floor"] == {"type": "porcelain", "tile_cm": [60, 120]}
    assert context_plan["estimate"]["total_egp"] == first["plan"]["estimate"]["total_egp"]
    # Earlier turns reach the model as the user wrote them, without the context of their time.
    assert "الصالة ٥ في ٤، محارة، بورسلين ٦٠×١٢٠، من غير سقف ساقط" in wire.gemini_texts()
    assert second.json()["plan"] == first["plan"]  # nothing changed, the plan stands
    assert second.json()["changes"] == []


def test_an_amendment_changes_one_surface_and_the_estimate(
    chat_client: TestClient, provider_env: Any, fake_providers: Any
) -> None:
    first, owner = turn_one(chat_client, fake_providers, designer("خليناها باركيه.", amend=parquet_floor()))
    before = first["plan"]

    second = chat_client.post(
        "/chat", json={"message": "خلي الأرضية باركيه", "session_id": first["session_id"]}, headers=owner
    )

    body = second.json()
    assert second.status_code == 200, second.text
    assert body["changes"] == [
        {
            "field": "floor",
            "room": "صالة",
            "before": {"type": "porcelain", "tile_cm": [60, 120]},
            "after": {"type": "parquet"},
        }
    ]
    after = body["plan"]
    [old_room], [new_room] = before["rooms"], after["rooms"]
    assert {k: v for k, v in new_room.items() if k != "floor"} == {
        k: v for k, v in old_room.items() if k != "floor"
    }
    assert {k: v for k, v in after.items() if k not in ("rooms", "estimate")} == {
        k: v for k, v in before.items() if k not in ("rooms", "estimate")
    }
    old_keys = {i["key"] for i in before["estimate"]["items"]}
    new_keys = {i["key"] for i in after["estimate"]["items"]}
    assert "floor_tiles" in old_keys and "floor_tiles" not in new_keys and "parquet" in new_keys
    assert after["estimate"]["total_egp"] != before["estimate"]["total_egp"]
    session = chat_client.get(f"/chat/sessions/{first['session_id']}", headers=owner).json()
    assert session["plan"] == after


def test_an_answer_cut_at_the_cap_keeps_the_text_and_the_previous_plan(
    chat_client: TestClient, provider_env: Any, fake_providers: Any
) -> None:
    cut = Reply(text='{"reply": "تمام، هخلي الأرضية باركيه وكمان', finish_reason="MAX_TOKENS")
    first, owner = turn_one(chat_client, fake_providers, cut)

    second = chat_client.post(
        "/chat", json={"message": "خلي الأرضية باركيه", "session_id": first["session_id"]}, headers=owner
    )

    body = second.json()
    assert second.status_code == 200, second.text
    assert body["truncated"] is True
    assert body["response"] == "تمام، هخلي الأرضية باركيه وكمان"  # the text, never raw JSON
    assert body["plan"] == first["plan"] and body["changes"] == []
    assert len(fake_providers.requests_for("gemini")) == 2  # a cut answer is not paid for twice
    session = chat_client.get(f"/chat/sessions/{first['session_id']}", headers=owner).json()
    assert session["plan"] == first["plan"]


def test_the_budget_is_carried_and_judged(
    chat_client: TestClient, provider_env: Any, fake_providers: Any
) -> None:
    fake_providers.script("gemini", designer("دي خطة.", plan=living_room_plan()))
    response = chat_client.post(
        "/chat", json={"message": "الصالة ٥ في ٤ بورسلين ٦٠×١٢٠، وميزانيتي ٥ آلاف جنيه بس"}
    )
    body = response.json()
    # The model left budget_egp null; the user said it, so the plan carries it.
    assert body["plan"]["budget_egp"] == 5000
    budget = body["plan"]["estimate"]["budget"]
    assert budget["budget_egp"] == 5000 and budget["fits"] is False and budget["gap_egp"] > 0
    assert "أعلى من ميزانيتك" in body["response"]


def test_a_budget_the_model_did_not_write_down_still_amends_the_plan(
    chat_client: TestClient, provider_env: Any, fake_providers: Any
) -> None:
    # The model answers in words only; the user's own budget still reaches the plan and its estimate.
    first, owner = turn_one(chat_client, fake_providers, designer("تمام، هنمشي على كده."))
    assert first["plan"]["budget_egp"] is None

    second = chat_client.post(
        "/chat", json={"message": "ميزانيتي ١٥٠ ألف", "session_id": first["session_id"]}, headers=owner
    ).json()

    assert second["plan"]["budget_egp"] == 150_000
    assert [c["field"] for c in second["changes"]] == ["budget_egp"]
    assert second["plan"]["estimate"]["budget"]["budget_egp"] == 150_000
    assert second["plan"]["rooms"] == first["plan"]["rooms"]


def test_a_new_plan_keeps_the_budget_said_before(
    chat_client: TestClient, provider_env: Any, fake_providers: Any
) -> None:
    fake_providers.script(
        "gemini",
        designer("دي خطة.", plan=living_room_plan()),
        designer("دي خطة جديدة.", plan={**living_room_plan(), "style": "japandi"}),
    )
    first = chat_client.post("/chat", json={"message": "الصالة ٥ في ٤ والميزانية ٣٠٠ ألف"})
    owner = {OWNER: first.headers[OWNER]}
    assert first.json()["plan"]["budget_egp"] == 300_000

    # The model proposes a whole new plan and leaves budget_egp null: the budget said once stays.
    second = chat_client.post(
        "/chat", json={"message": "غيرها جاباندي", "session_id": first.json()["session_id"]}, headers=owner
    ).json()

    assert second["plan"]["style"] == "japandi"
    assert second["plan"]["budget_egp"] == 300_000
    assert second["plan"]["estimate"]["budget"]["budget_egp"] == 300_000


def test_a_reference_photo_is_sent_as_a_reference_and_the_room_photo_is_edited(
    chat_client: TestClient, provider_env: Any, fake_providers: Any
) -> None:
    room, inspiration = photo(900, 600), photo(600, 900, colour=(90, 120, 150))
    fake_providers.script("gemini", designer("صورة حلوة للصالة."))
    first = chat_client.post(
        "/chat/", data={"message": "دي الصالة بتاعتي"}, files={"image": ("room.jpg", room, "image/jpeg")}
    )
    owner = {OWNER: first.headers[OWNER]}
    drawing: dict[str, Any] = {
        "operation": "reference", "prompt": "Restyle the room after the reference photo.", "style": None,
        "room_type": None, "regions": [], "colour": None, "material": None, "room_photo": None,
        "reference_photo": 1,
    }  # fmt: skip
    fake_providers.script("gemini", designer("حاضر، زي الصورة دي.", drawing=drawing))

    second = chat_client.post(
        "/chat/",
        data={"message": "عايزها زي الصورة دي", "session_id": first.json()["session_id"]},
        files={"image": ("idea.jpg", inspiration, "image/jpeg")},
        headers=owner,
    )

    body = second.json()
    assert second.status_code == 200, second.text
    assert body["drawing"] == {"status": "drawn", "operation": "reference", "problem": None}
    [drawn] = body["images"]
    room_id = first.json()["attachments"][0]["id"]
    assert drawn["parent_id"] == room_id  # the room was edited, not the inspiration
    edit_call = fake_providers.requests_for("gemini")[-1]
    sizes = [Image.open(io.BytesIO(data)).size for _, data in edit_call.gemini_images()]
    assert len(sizes) == 2 and sizes[0][0] > sizes[0][1] and sizes[1][0] < sizes[1][1]  # room, then reference
    assert any("reference" in text.lower() for text in edit_call.gemini_texts())


def test_a_failed_drawing_is_reported_not_dropped(
    chat_client: TestClient, provider_env: Any, fake_providers: Any, instant_retry_policy: Any
) -> None:
    drawing: dict[str, Any] = {
        "operation": "generate", "prompt": "A modern living room.", "style": "modern", "room_type": None,
        "regions": [], "colour": None, "material": None, "room_photo": None, "reference_photo": None,
    }  # fmt: skip
    fake_providers.script("gemini", designer("Here is the idea.", drawing=drawing))
    fake_providers.script("images_generate", openai_error(500), openai_error(500))

    response = chat_client.post("/chat", json={"message": "show me a modern living room"})

    body = response.json()
    assert response.status_code == 200, response.text
    assert body["images"] == [] and body["jobs"] == []
    assert body["drawing"]["status"] == "failed" and body["drawing"]["operation"] == "generate"
    assert body["drawing"]["problem"]["code"].startswith("upstream")
    assert "could not make the picture" in body["response"]
