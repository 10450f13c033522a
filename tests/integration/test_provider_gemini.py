"""The Gemini adapter through the real google-genai SDK against the fake server (DESIGN D5).

Each test checks what reached the wire and what the caller gets back: results, or a ProblemError
with the code, status, Retry-After and stage the contract promises (reliability.md F1–F8, T19).
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import time
import urllib.request
from dataclasses import replace

import pytest
from google.genai import errors as genai_errors
from google.genai import types as genai_types
from PIL import Image

from shatably.errors import ProblemError
from shatably.providers import registry
from shatably.providers.base import (
    ChatMessage,
    ChatRequest,
    EditRequest,
    GenerateRequest,
    ImageInput,
    ToolSpec,
)
from shatably.providers.gemini import GeminiProvider, aspect_ratio
from shatably.providers.openai_provider import OpenAIProvider
from shatably.settings import get_settings
from tests.fakes.provider_server import (
    Reply,
    gemini_blocked,
    gemini_error,
    gemini_refused,
    make_image,
)

ROOM_PNG = make_image(96, 64)
# A real JPEG (the fake, like the API, refuses an image it cannot decode); its base64 differs
# between the URL-safe and standard alphabets ("/9j/" vs "_9j_"), and the SDK sends URL-safe.
JPEG_BYTES = make_image(48, 32, "jpeg")


@pytest.fixture
def gemini(provider_env, instant_retry_policy) -> GeminiProvider:
    return GeminiProvider(get_settings(), retry_policy=instant_retry_policy)


def chat_request(text: str = "Suggest furniture for this room.", **overrides) -> ChatRequest:
    request = ChatRequest(
        system="You are an interior design assistant.",
        history=(
            ChatMessage(role="user", text="I like Scandinavian style."),
            ChatMessage(role="model", text="Great choice!"),
        ),
        message=ChatMessage(role="user", text=text, images=(ImageInput(JPEG_BYTES, "image/jpeg"),)),
        timeout=20.0,
        max_output_tokens=512,
    )
    return replace(request, **overrides)


def generate_request(**overrides) -> GenerateRequest:
    request = GenerateRequest(prompt="A cozy Scandinavian living room", width=1536, height=1024, timeout=20.0)
    return replace(request, **overrides)


def edit_request(**overrides) -> EditRequest:
    request = EditRequest(
        image=ImageInput(ROOM_PNG, "image/png"),
        instruction="Repaint the walls sage green; keep the furniture and layout unchanged.",
        width=96,
        height=64,
        timeout=20.0,
    )
    return replace(request, **overrides)


def problem_from(coro) -> ProblemError:
    with pytest.raises(ProblemError) as info:
        asyncio.run(coro)
    return info.value


# --------------------------------------------------------------------------- what reaches the wire


def test_chat_sends_system_history_and_image_and_returns_the_answer(gemini, fake_providers):
    result = asyncio.run(gemini.chat(chat_request()))

    [request] = fake_providers.requests_for("gemini")
    assert request.path == "/v1beta/models/gemini-3.5-flash:generateContent"
    assert request.headers["x-goog-api-key"] == "fake-gemini-key"
    assert request.gemini_system() == "You are an interior design assistant."
    assert request.gemini_roles() == ["user", "model", "user"]
    assert request.gemini_texts() == [
        "I like Scandinavian style.",
        "Great choice!",
        "Suggest furniture for this room.",
    ]
    assert request.gemini_images() == [("image/jpeg", JPEG_BYTES)]
    # Gemini 3.x thinks inside the cap: an explicit level, and the answer's 512 plus reasoning room.
    assert request.gemini_config()["maxOutputTokens"] == 512 + 2048
    assert request.gemini_config()["thinkingConfig"] == {"thinking_level": "LOW"}  # the SDK sends snake_case
    # The remaining deadline is the SDK timeout (sent by the SDK as whole seconds).
    assert request.headers["x-server-timeout"] == "20"

    assert result.text.startswith("A fake designer's answer")
    assert (result.provider, result.model, result.finish_reason) == ("gemini", "gemini-3.5-flash", "STOP")
    assert result.usage.input_tokens > 0 and result.usage.output_tokens > 0


def test_api_version_and_models_come_from_settings(provider_env, fake_providers, monkeypatch):
    monkeypatch.setenv("GEMINI_API_VERSION", "v1")
    monkeypatch.setenv("GEMINI_CHAT_MODEL", "gemini-3.8-flash")
    provider_env.use()  # re-read settings

    asyncio.run(GeminiProvider(get_settings()).chat(chat_request()))

    [request] = fake_providers.requests_for("gemini")
    assert request.path == "/v1/models/gemini-3.8-flash:generateContent"


def test_registry_builds_the_configured_providers(provider_env):
    assert isinstance(registry.chat_provider(), GeminiProvider)
    assert isinstance(registry.image_editor(), GeminiProvider)
    assert isinstance(registry.image_generator(), OpenAIProvider)


def test_structured_output_sends_the_schema_and_parses_the_answer(gemini, fake_providers):
    schema = {
        "type": "object",
        "properties": {"room_type": {"type": "string"}, "budget_egp": {"type": "integer"}},
        "required": ["room_type"],
    }
    fake_providers.script("gemini", Reply(json={"room_type": "living_room", "budget_egp": 45000}))

    result = asyncio.run(gemini.chat(chat_request(response_schema=schema)))

    config = fake_providers.requests_for("gemini")[0].gemini_config()
    assert config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"] == schema
    assert result.structured == {"room_type": "living_room", "budget_egp": 45000}


def test_unparseable_structured_output_is_an_invalid_response(gemini, fake_providers):
    fake_providers.script("gemini", Reply(text='{"room_type": "living'))

    problem = problem_from(gemini.chat(chat_request(response_schema={"type": "object"})))

    assert (problem.code, problem.status) == ("upstream_invalid_response", 502)
    assert len(fake_providers.requests_for("gemini")) == 1


def test_tools_go_out_as_function_declarations_and_calls_come_back(gemini, fake_providers):
    tool = ToolSpec(
        name="render_room",
        description="Draw the room the user described.",
        parameters={"type": "object", "properties": {"style": {"type": "string"}}},
    )
    fake_providers.script("gemini", Reply(tool_calls=(("render_room", {"style": "japandi"}),)))

    result = asyncio.run(gemini.chat(chat_request(tools=(tool,))))

    declarations = fake_providers.requests_for("gemini")[0].json["tools"][0]["functionDeclarations"]
    assert [d["name"] for d in declarations] == ["render_room"]
    assert [(c.name, c.arguments) for c in result.tool_calls] == [("render_room", {"style": "japandi"})]


def test_max_tokens_keeps_the_truncated_answer(gemini, fake_providers):
    fake_providers.script(
        "gemini", Reply(text="Start with a light oak floor and", finish_reason="MAX_TOKENS")
    )

    result = asyncio.run(gemini.chat(chat_request()))

    assert result.text == "Start with a light oak floor and"
    assert result.finish_reason == "MAX_TOKENS"
    assert len(fake_providers.requests_for("gemini")) == 1


def test_generate_asks_the_image_model_for_an_image_at_the_nearest_ratio(gemini, fake_providers):
    exact = make_image(48, 32, "png")
    fake_providers.script("gemini", Reply(image=exact, text="Here is the room."))

    result = asyncio.run(gemini.generate(generate_request()))

    [request] = fake_providers.requests_for("gemini")
    assert request.path == "/v1beta/models/gemini-3.1-flash-image:generateContent"
    config = request.gemini_config()
    assert config["responseModalities"] == ["IMAGE", "TEXT"]
    assert config["imageConfig"] == {"aspectRatio": "3:2", "imageSize": "2K"}
    assert request.gemini_texts() == ["A cozy Scandinavian living room"]
    assert [(i.data, i.mime_type) for i in result.images] == [(exact, "image/png")]
    assert result.text == "Here is the room."
    assert (result.provider, result.model, result.usage.images) == ("gemini", "gemini-3.1-flash-image", 1)


def test_generate_default_image_is_a_real_picture(gemini, fake_providers):
    result = asyncio.run(gemini.generate(generate_request(width=1024, height=1024)))

    assert fake_providers.requests_for("gemini")[0].gemini_config()["imageConfig"] == {"aspectRatio": "1:1"}
    with Image.open(io.BytesIO(result.images[0].data)) as picture:
        assert picture.size == (1024, 1024)


def test_generate_n_images_sends_one_request_each(gemini, fake_providers, caplog):
    caplog.set_level("INFO")

    result = asyncio.run(gemini.generate(generate_request(n=2)))

    assert len(fake_providers.requests_for("gemini")) == 2
    assert len(result.images) == 2
    assert result.usage.images == 2
    [line] = [r for r in caplog.records if r.getMessage() == "provider call"]
    assert (line.attempts, line.retries, line.images) == (2, 0, 2)  # two requests, not a retry


def test_edit_sends_source_guide_and_instruction_in_order_never_the_bare_mask(gemini, fake_providers):
    mask, guide = make_image(96, 64, "png"), make_image(96, 64, "jpeg")
    request = edit_request(mask=ImageInput(mask, "image/png"), guide=ImageInput(guide, "image/jpeg"))

    result = asyncio.run(gemini.edit(request))

    [sent] = fake_providers.requests_for("gemini")
    # Gemini does not read alpha (a flattened mask is a black picture): it gets the visible guide.
    assert sent.gemini_images() == [("image/png", ROOM_PNG), ("image/jpeg", guide)]
    texts = sent.gemini_texts()
    assert "Guide image" in texts[0] and "only inside that area" in texts[0]
    assert texts[-1] == request.instruction
    assert sent.gemini_config()["imageConfig"]["aspectRatio"] == "3:2"
    assert result.images and result.usage.images == 1


def test_one_client_serves_several_event_loops(gemini, fake_providers):
    # Mangum keeps one loop per Lambda environment; tests and workers may use several.
    asyncio.run(gemini.chat(chat_request()))
    asyncio.run(gemini.chat(chat_request()))

    assert len(fake_providers.requests_for("gemini")) == 2


# --------------------------------------------------------------------------- blocks (T19)


def test_prompt_block_is_content_blocked_at_input_and_not_retried(gemini, fake_providers):
    fake_providers.script("gemini", gemini_blocked("PROHIBITED_CONTENT"))

    problem = problem_from(gemini.chat(chat_request()))

    assert (problem.code, problem.status) == ("content_blocked", 422)
    assert problem.extra == {"stage": "input", "reason": "prohibited_content"}
    assert len(fake_providers.requests_for("gemini")) == 1


@pytest.mark.parametrize("finish_reason", ["SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION"])
def test_blocked_answer_is_content_blocked_at_output(gemini, fake_providers, finish_reason):
    fake_providers.script("gemini", gemini_refused(finish_reason))

    problem = problem_from(gemini.chat(chat_request()))

    assert (problem.code, problem.status) == ("content_blocked", 422)
    assert problem.extra == {"stage": "output", "reason": finish_reason.lower()}
    assert len(fake_providers.requests_for("gemini")) == 1


@pytest.mark.parametrize("finish_reason", ["IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"])
@pytest.mark.parametrize("capability", ["generate", "edit"])
def test_image_refusal_is_content_blocked_and_not_retried(gemini, fake_providers, finish_reason, capability):
    fake_providers.script("gemini", gemini_refused(finish_reason))
    call = gemini.generate(generate_request()) if capability == "generate" else gemini.edit(edit_request())

    problem = problem_from(call)

    assert problem.code == "content_blocked"
    assert problem.extra["stage"] == "output"
    assert len(fake_providers.requests_for("gemini")) == 1


# --------------------------------------------------------------------------- empty answers (F8)


def test_empty_answer_is_retried_once_then_reported(gemini, fake_providers, retry_sleeps):
    fake_providers.script("gemini", Reply(empty=True), Reply(empty=True))

    problem = problem_from(gemini.chat(chat_request()))

    assert (problem.code, problem.status) == ("upstream_empty_response", 502)
    assert len(fake_providers.requests_for("gemini")) == 2
    assert retry_sleeps.delays == [1.0]


def test_empty_answer_then_a_good_one_succeeds(gemini, fake_providers):
    fake_providers.script("gemini", Reply(empty=True))

    result = asyncio.run(gemini.chat(chat_request()))

    assert result.text
    assert len(fake_providers.requests_for("gemini")) == 2


def test_text_only_from_the_image_model_is_an_empty_response(gemini, fake_providers):
    fake_providers.script(
        "gemini", Reply(images=0, text="I can describe it instead."), Reply(images=0, text="No.")
    )

    problem = problem_from(gemini.edit(edit_request()))

    assert problem.code == "upstream_empty_response"
    assert len(fake_providers.requests_for("gemini")) == 2


def test_unusable_200_body_is_an_invalid_response(gemini, fake_providers):
    fake_providers.script("gemini", Reply(raw=b"<html>proxy error</html>"))

    problem = problem_from(gemini.chat(chat_request()))

    assert (problem.code, problem.status) == ("upstream_invalid_response", 502)


# --------------------------------------------------------------------------- HTTP errors (F1, F2, F5–F7)


def test_rate_limit_is_retried_after_the_retry_info_delay(gemini, fake_providers, retry_sleeps):
    fake_providers.script("gemini", gemini_error(429, retry_delay="2.5s"))

    result = asyncio.run(gemini.chat(chat_request()))

    assert result.text
    assert retry_sleeps.delays == [2.5]
    assert len(fake_providers.requests_for("gemini")) == 2


def test_rate_limit_twice_is_503_with_retry_after(gemini, fake_providers, retry_sleeps):
    fake_providers.script(
        "gemini", gemini_error(429, retry_delay="2s"), gemini_error(429, retry_delay="7.2s")
    )

    problem = problem_from(gemini.chat(chat_request()))

    assert (problem.code, problem.status) == ("upstream_rate_limited", 503)
    assert problem.headers() == {"Retry-After": "8"}
    assert len(fake_providers.requests_for("gemini")) == 2


def test_rate_limit_hint_past_the_deadline_is_not_waited_for(gemini, fake_providers, retry_sleeps):
    fake_providers.script("gemini", gemini_error(429, retry_delay="53s"))

    problem = problem_from(gemini.chat(chat_request(timeout=20.0)))

    assert problem.code == "upstream_rate_limited"
    assert problem.retry_after == 53
    assert retry_sleeps.delays == []
    assert len(fake_providers.requests_for("gemini")) == 1


def test_retry_after_header_is_honoured_without_retry_info(gemini, fake_providers, retry_sleeps):
    fake_providers.script("gemini", gemini_error(429, headers={"Retry-After": "3"}))

    asyncio.run(gemini.chat(chat_request()))

    assert retry_sleeps.delays == [3.0]


@pytest.mark.parametrize("status", [500, 503, 504])
def test_server_errors_are_retried_once_then_502(gemini, fake_providers, status):
    fake_providers.script("gemini", gemini_error(status), gemini_error(status))

    problem = problem_from(gemini.generate(generate_request()))

    assert (problem.code, problem.status) == ("upstream_error", 502)
    assert len(fake_providers.requests_for("gemini")) == 2


def test_server_error_then_success_returns_the_image(gemini, fake_providers):
    fake_providers.script("gemini", gemini_error(503))

    result = asyncio.run(gemini.edit(edit_request()))

    assert result.images
    assert len(fake_providers.requests_for("gemini")) == 2


def test_connection_reset_is_an_upstream_error(gemini, fake_providers):
    fake_providers.script("gemini", Reply(reset=True), Reply(reset=True))

    problem = problem_from(gemini.chat(chat_request()))

    assert (problem.code, problem.status) == ("upstream_error", 502)
    assert len(fake_providers.requests_for("gemini")) == 2


@pytest.mark.parametrize(
    "reply",
    [gemini_error(401), gemini_error(403), gemini_error(400, "API key not valid.", reason="API_KEY_INVALID")],
    ids=["401", "403", "400-API_KEY_INVALID"],
)
def test_auth_failures_are_503_and_not_retried(gemini, fake_providers, reply):
    fake_providers.script("gemini", reply)

    problem = problem_from(gemini.chat(chat_request()))

    assert (problem.code, problem.status) == ("upstream_auth_failed", 503)
    assert len(fake_providers.requests_for("gemini")) == 1


@pytest.mark.parametrize("status", [400, 404])
def test_requests_the_provider_rejects_are_502_and_not_retried(gemini, fake_providers, status):
    fake_providers.script("gemini", gemini_error(status))

    problem = problem_from(gemini.chat(chat_request()))

    assert (problem.code, problem.status) == ("upstream_rejected_request", 502)
    assert len(fake_providers.requests_for("gemini")) == 1


def test_a_rejected_key_is_read_again_from_ssm_on_the_next_call(
    provider_env, fake_providers, instant_retry_policy, monkeypatch
):
    import boto3
    from moto import mock_aws

    monkeypatch.delenv("GEMINI_API_KEY")
    monkeypatch.setenv("GEMINI_API_KEY_PARAM", "/shatably/test/gemini-key")
    provider_env.use()
    with mock_aws():
        ssm = boto3.client("ssm", region_name="us-east-1")
        ssm.put_parameter(Name="/shatably/test/gemini-key", Value="old-key", Type="SecureString")
        gemini = GeminiProvider(get_settings(), retry_policy=instant_retry_policy)
        asyncio.run(gemini.chat(chat_request()))  # reads and caches the key
        ssm.put_parameter(
            Name="/shatably/test/gemini-key", Value="new-key", Type="SecureString", Overwrite=True
        )
        fake_providers.script("gemini", gemini_error(401))

        assert problem_from(gemini.chat(chat_request())).code == "upstream_auth_failed"
        asyncio.run(gemini.chat(chat_request()))

    keys = [r.headers["x-goog-api-key"] for r in fake_providers.requests_for("gemini")]
    assert keys == ["old-key", "old-key", "new-key"]  # F6: the rotated key, without a cold start


# --------------------------------------------------------------------------- deadline (F3)


def test_slow_provider_hits_the_deadline_as_504(gemini, fake_providers):
    fake_providers.script("gemini", Reply(latency=30))
    started = time.monotonic()

    problem = problem_from(gemini.chat(chat_request(timeout=0.4)))

    assert (problem.code, problem.status) == ("upstream_timeout", 504)
    assert time.monotonic() - started < 5  # cut at the deadline, not the provider's 30 s
    [request] = fake_providers.requests_for("gemini")
    assert request.headers["x-server-timeout"] == str(math.ceil(0.4))


# --------------------------------------------------------------------------- secrecy and observability


CANARY_KEY = "AIza-canary-key-7f3e9d"
CANARY_PROMPT = "canary-prompt-5b1c0a living room for Mr Secret"


def test_no_key_prompt_or_provider_message_leaks(
    provider_env, fake_providers, instant_retry_policy, capfd, caplog
):
    provider_env.set_keys(gemini=CANARY_KEY)
    gemini = GeminiProvider(get_settings(), retry_policy=instant_retry_policy)
    echo = f"Request for '{CANARY_PROMPT}' with key {CANARY_KEY} is invalid."
    fake_providers.script(
        "gemini",
        gemini_error(400, echo),
        gemini_error(500, echo),
        gemini_error(500, echo),
        gemini_error(429, echo, quota=True),
    )
    problems = [problem_from(gemini.chat(chat_request(text=CANARY_PROMPT))) for _ in range(3)]
    asyncio.run(gemini.chat(chat_request(text=CANARY_PROMPT)))  # and a success

    assert fake_providers.requests_for("gemini")[0].headers["x-goog-api-key"] == CANARY_KEY
    out, err = capfd.readouterr()
    logged = out + err + caplog.text
    assert "provider call" in logged  # the lines were captured, so their absence below means something
    for problem in problems:
        shown = json.dumps(problem.to_body(legacy=True)) + str(problem) + problem.detail
        for secret in (CANARY_KEY, CANARY_PROMPT, "is invalid"):
            assert secret not in shown
    for secret in (CANARY_KEY, CANARY_PROMPT, "is invalid"):
        assert secret not in logged


def test_every_call_logs_provider_model_latency_usage_and_outcome(gemini, fake_providers, caplog):
    caplog.set_level("INFO")
    fake_providers.script("gemini", gemini_error(503))
    asyncio.run(gemini.chat(chat_request()))
    fake_providers.script("gemini", gemini_blocked())
    problem_from(gemini.generate(generate_request()))

    calls = [r for r in caplog.records if r.getMessage().startswith("provider call")]
    assert [(r.provider, r.model, r.capability, r.outcome, r.attempts) for r in calls] == [
        ("gemini", "gemini-3.5-flash", "chat", "ok", 2),
        ("gemini", "gemini-3.1-flash-image", "generate", "content_blocked", 1),
    ]
    assert (calls[0].retries, calls[0].retried_after) == (1, "upstream_error")
    assert calls[0].input_tokens > 0 and calls[0].output_tokens > 0
    assert all(r.latency_ms >= 0 for r in calls)


# --------------------------------------------------------------------------- the fake's other route


def test_fake_streams_sse_and_can_fail_mid_stream(provider_env, fake_providers):
    from google import genai

    client = genai.Client(
        api_key="k", http_options=genai_types.HttpOptions(base_url=fake_providers.url, api_version="v1beta")
    )

    async def stream() -> list[str]:
        chunks = await client.aio.models.generate_content_stream(model="gemini-3.5-flash", contents="hi")
        return [chunk.text or "" async for chunk in chunks]

    fake_providers.script("gemini_stream", Reply(text="Here is a cozy idea."))
    assert "".join(asyncio.run(stream())) == "Here is a cozy idea."
    assert fake_providers.requests_for("gemini_stream")[0].query == {"alt": "sse"}

    fake_providers.script(
        "gemini_stream", Reply(text="Here is", stream_error={"code": 500, "message": "boom"})
    )
    with pytest.raises(genai_errors.APIError):
        asyncio.run(stream())


def test_fake_can_be_scripted_over_http_by_another_process(gemini, fake_providers):
    def post(path: str, payload: object) -> object:
        request = urllib.request.Request(
            fake_providers.url + path, data=json.dumps(payload).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    image = make_image(20, 10, "jpeg")
    assert post("/__fake__/script/gemini", [gemini_error(503).to_json(), Reply(image=image).to_json()]) == {
        "queued": 2
    }

    result = asyncio.run(gemini.generate(generate_request()))

    assert result.images[0].data == image
    with urllib.request.urlopen(fake_providers.url + "/__fake__/requests", timeout=5) as response:
        summary = json.loads(response.read())
    assert [(r["route"], r["model"]) for r in summary] == [("gemini", "gemini-3.1-flash-image")] * 2
    assert post("/__fake__/reset", {}) == {"reset": True}
    assert fake_providers.requests == []


def test_aspect_ratio_picks_the_nearest_supported_ratio():
    assert aspect_ratio(1024, 1024) == "1:1"
    assert aspect_ratio(1920, 1080) == "16:9"
    assert aspect_ratio(1080, 1920) == "9:16"
    assert aspect_ratio(3000, 1000) == "21:9"
    assert aspect_ratio(1000, 1250) == "4:5"
