"""The OpenAI adapter through the real openai SDK against the fake server (DESIGN D5).

Each test checks what reached the wire (multipart fields, JSON, ``x-stainless-retry-count``, the
number of requests) and what the caller gets: results, or the contract's ProblemError.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import time
from dataclasses import replace

import pytest
from PIL import Image

from shatably.errors import ProblemError
from shatably.providers import openai_provider
from shatably.providers.base import (
    ChatMessage,
    ChatRequest,
    EditRequest,
    GenerateRequest,
    ImageInput,
    ToolSpec,
)
from shatably.providers.openai_provider import OpenAIProvider, image_size
from shatably.settings import get_settings
from tests.fakes.provider_server import Reply, make_image, openai_error

ROOM_PNG = make_image(96, 64)
MASK_PNG = make_image(96, 64, "png")
PHOTO_JPEG = make_image(40, 30, "jpeg")


@pytest.fixture
def oai(provider_env, instant_retry_policy) -> OpenAIProvider:
    return OpenAIProvider(get_settings(), retry_policy=instant_retry_policy)


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


def chat_request(text: str = "What would suit this room?", **overrides) -> ChatRequest:
    request = ChatRequest(
        system="You are an interior design assistant.",
        history=(
            ChatMessage(role="user", text="I like Scandinavian style."),
            ChatMessage(role="model", text="Great choice!"),
        ),
        message=ChatMessage(role="user", text=text, images=(ImageInput(PHOTO_JPEG, "image/jpeg"),)),
        timeout=20.0,
        max_output_tokens=300,
    )
    return replace(request, **overrides)


def problem_from(coro) -> ProblemError:
    with pytest.raises(ProblemError) as info:
        asyncio.run(coro)
    return info.value


def retry_counts(requests) -> list[str]:
    return [r.headers["x-stainless-retry-count"] for r in requests]


# --------------------------------------------------------------------------- images: the wire


def test_generate_sends_the_documented_json_and_decodes_the_image(oai, fake_providers):
    result = asyncio.run(oai.generate(generate_request(output_format="jpeg")))

    [request] = fake_providers.requests_for("images_generate")
    assert request.path == "/v1/images/generations"
    assert request.headers["authorization"] == "Bearer fake-openai-key"
    assert request.json == {
        "model": "gpt-image-2.5-sunburst",
        "prompt": "A cozy Scandinavian living room",
        "n": 1,
        "size": "1536x1024",
        "quality": "medium",
        "output_format": "jpeg",
    }
    # SDK retries are off and the timeout is the remaining deadline, in seconds.
    assert request.headers["x-stainless-retry-count"] == "0"
    assert 19 < float(request.headers["x-stainless-read-timeout"]) <= 20

    [image] = result.images
    assert image.mime_type == "image/jpeg"
    with Image.open(io.BytesIO(image.data)) as picture:
        assert (picture.format, picture.size) == ("JPEG", (1536, 1024))
    assert (result.provider, result.model) == ("openai", "gpt-image-2.5-sunburst")
    # gpt-image-2 medium is 1756 tokens at 1024x1024 (rw §7); 1536x1024 is 1.5 times the pixels: 2634.
    assert result.usage.images == 1 and result.usage.output_tokens == 2634


def test_generate_n_returns_every_image(oai, fake_providers):
    result = asyncio.run(oai.generate(generate_request(n=3)))

    assert len(fake_providers.requests_for("images_generate")) == 1
    assert len(result.images) == 3 and result.usage.images == 3


def test_edit_sends_image_mask_and_prompt_as_multipart(oai, fake_providers):
    exact = make_image(32, 32, "webp")
    fake_providers.script("images_edit", Reply(image=exact))

    result = asyncio.run(oai.edit(edit_request(mask=ImageInput(MASK_PNG, "image/png"), output_format="webp")))

    [request] = fake_providers.requests_for("images_edit")
    assert request.path == "/v1/images/edits"
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert request.form == {
        "model": "gpt-image-2.5-sunburst",
        "prompt": "Repaint the walls sage green; keep the furniture and layout unchanged.",
        "size": "992x672",  # the API's minimum pixel count; the service resizes the result back
        "quality": "medium",
        "output_format": "webp",
    }
    files = {f.field: (f.filename, f.content_type, f.data) for f in request.files}
    assert files == {
        "image": ("image.png", "image/png", ROOM_PNG),
        "mask": ("mask.png", "image/png", MASK_PNG),
    }
    assert [(i.data, i.mime_type) for i in result.images] == [(exact, "image/webp")]


def test_edit_without_mask_sends_no_mask(oai, fake_providers):
    asyncio.run(oai.edit(edit_request(image=ImageInput(PHOTO_JPEG, "image/jpeg"), width=40, height=30)))

    [request] = fake_providers.requests_for("images_edit")
    assert [(f.field, f.filename, f.content_type) for f in request.files] == [
        ("image", "image.jpg", "image/jpeg")
    ]


def test_retried_edit_resends_the_whole_multipart_body(oai, fake_providers):
    fake_providers.script("images_edit", openai_error(502))

    asyncio.run(oai.edit(edit_request(mask=ImageInput(MASK_PNG, "image/png"))))

    requests = fake_providers.requests_for("images_edit")
    assert len(requests) == 2
    assert [f.data for f in requests[1].files] == [ROOM_PNG, MASK_PNG]


# --------------------------------------------------------------------------- chat: the wire


def test_chat_sends_system_history_and_image_as_data_url(oai, fake_providers):
    result = asyncio.run(oai.chat(chat_request()))

    [request] = fake_providers.requests_for("chat_completions")
    assert request.path == "/v1/chat/completions"
    body = request.json
    assert body["model"] == "gpt-5.4-mini"
    # A reasoning model: the answer's 300 tokens plus room for reasoning, and an explicit effort.
    assert body["max_completion_tokens"] == 300 + 2048
    assert body["reasoning_effort"] == "low"
    messages = body["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[0]["content"] == "You are an interior design assistant."
    assert messages[1]["content"] == "I like Scandinavian style."
    assert messages[2]["content"] == "Great choice!"
    text_part, image_part = messages[3]["content"]
    assert text_part == {"type": "text", "text": "What would suit this room?"}
    prefix, encoded = image_part["image_url"]["url"].split(",", 1)
    assert prefix == "data:image/jpeg;base64"
    assert base64.b64decode(encoded) == PHOTO_JPEG
    assert "response_format" not in body and "tools" not in body

    assert result.text.startswith("A fake designer's answer")
    assert (result.provider, result.model, result.finish_reason) == ("openai", "gpt-5.4-mini", "STOP")
    assert result.usage.input_tokens > 0 and result.usage.output_tokens > 0


def test_chat_structured_output_uses_json_schema(oai, fake_providers):
    schema = {"type": "object", "properties": {"palette": {"type": "array", "items": {"type": "string"}}}}
    fake_providers.script("chat_completions", Reply(json={"palette": ["#f5efe6", "#8a9a5b"]}))

    result = asyncio.run(oai.chat(chat_request(response_schema=schema)))

    sent = fake_providers.requests_for("chat_completions")[0].json["response_format"]
    assert sent == {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}
    assert result.structured == {"palette": ["#f5efe6", "#8a9a5b"]}


def test_chat_unparseable_structured_output_is_invalid(oai, fake_providers):
    fake_providers.script("chat_completions", Reply(text="Sure! Here is the palette: sage"))

    problem = problem_from(oai.chat(chat_request(response_schema={"type": "object"})))

    assert (problem.code, problem.status) == ("upstream_invalid_response", 502)


def test_chat_tools_round_trip(oai, fake_providers):
    tool = ToolSpec(name="render_room", description="Draw it.", parameters={"type": "object"})
    fake_providers.script("chat_completions", Reply(tool_calls=(("render_room", {"style": "japandi"}),)))

    result = asyncio.run(oai.chat(chat_request(tools=(tool,))))

    sent = fake_providers.requests_for("chat_completions")[0].json["tools"]
    assert sent == [
        {
            "type": "function",
            "function": {"name": "render_room", "description": "Draw it.", "parameters": {"type": "object"}},
        }
    ]
    assert [(c.name, c.arguments) for c in result.tool_calls] == [("render_room", {"style": "japandi"})]


def test_chat_length_keeps_the_answer_as_max_tokens(oai, fake_providers):
    fake_providers.script("chat_completions", Reply(text="Start with a light oak", finish_reason="length"))

    result = asyncio.run(oai.chat(chat_request()))

    assert (result.text, result.finish_reason) == ("Start with a light oak", "MAX_TOKENS")


REFUSAL = Reply(
    body={
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "gpt-5.4-mini",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": None, "refusal": "I can't help with that."},
            }
        ],
    }
)


@pytest.mark.parametrize(
    ("reply", "reason"),
    [(Reply(text="", finish_reason="content_filter"), "content_filter"), (REFUSAL, "refusal")],
    ids=["content_filter", "refusal"],
)
def test_chat_filtered_answer_is_content_blocked_at_output(oai, fake_providers, reply, reason):
    fake_providers.script("chat_completions", reply)

    problem = problem_from(oai.chat(chat_request()))

    assert problem.code == "content_blocked"
    assert problem.extra == {"stage": "output", "reason": reason}
    assert len(fake_providers.requests_for("chat_completions")) == 1


def test_one_client_per_event_loop(oai, fake_providers):
    async def twice() -> None:
        await oai.chat(chat_request())
        first = openai_provider._clients[asyncio.get_running_loop()][1]
        await oai.generate(generate_request())
        assert openai_provider._clients[asyncio.get_running_loop()][1] is first

    asyncio.run(twice())
    asyncio.run(twice())  # a new loop gets its own pool instead of reusing a dead one

    assert len(fake_providers.requests) == 4


# --------------------------------------------------------------------------- faults


@pytest.mark.parametrize("route", ["images_generate", "images_edit"])
def test_moderation_block_is_content_blocked_at_input_and_not_retried(oai, fake_providers, route):
    fake_providers.script(route, openai_error(400, "moderation_blocked", "Your request was rejected."))
    call = oai.generate(generate_request()) if route == "images_generate" else oai.edit(edit_request())

    problem = problem_from(call)

    assert (problem.code, problem.status) == ("content_blocked", 422)
    assert problem.extra == {"stage": "input", "reason": "moderation_blocked"}
    assert len(fake_providers.requests_for(route)) == 1


def test_rate_limit_is_retried_after_retry_after_ms(oai, fake_providers, retry_sleeps):
    fake_providers.script(
        "images_generate", openai_error(429, "rate_limit_exceeded", headers={"retry-after-ms": "250"})
    )

    result = asyncio.run(oai.generate(generate_request()))

    assert result.images
    assert retry_sleeps.delays == [0.25]
    requests = fake_providers.requests_for("images_generate")
    assert retry_counts(requests) == ["0", "0"]  # our one retry; the SDK's own retries stay off


def test_rate_limit_twice_is_503_with_retry_after(oai, fake_providers, retry_sleeps):
    limited = openai_error(429, "rate_limit_exceeded", headers={"retry-after": "3"})
    fake_providers.script("chat_completions", limited, limited)

    problem = problem_from(oai.chat(chat_request()))

    assert (problem.code, problem.status) == ("upstream_rate_limited", 503)
    assert problem.headers() == {"Retry-After": "3"}
    assert retry_sleeps.delays == [3.0]
    assert len(fake_providers.requests_for("chat_completions")) == 2


def test_insufficient_quota_is_not_retried(oai, fake_providers, retry_sleeps):
    fake_providers.script(
        "images_generate", openai_error(429, "insufficient_quota", type="insufficient_quota")
    )

    problem = problem_from(oai.generate(generate_request()))

    assert (problem.code, problem.status) == ("upstream_quota_exhausted", 503)
    assert problem.retry_after is not None
    assert len(fake_providers.requests_for("images_generate")) == 1
    assert retry_sleeps.delays == []


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_once_then_502(oai, fake_providers, status):
    fake_providers.script("images_generate", openai_error(status), openai_error(status))

    problem = problem_from(oai.generate(generate_request()))

    assert (problem.code, problem.status) == ("upstream_error", 502)
    assert retry_counts(fake_providers.requests_for("images_generate")) == ["0", "0"]


def test_connection_reset_is_an_upstream_error(oai, fake_providers):
    fake_providers.script("images_edit", Reply(reset=True), Reply(reset=True))

    problem = problem_from(oai.edit(edit_request()))

    assert (problem.code, problem.status) == ("upstream_error", 502)
    assert len(fake_providers.requests_for("images_edit")) == 2


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failures_are_503_and_not_retried(oai, fake_providers, status):
    fake_providers.script("images_generate", openai_error(status, "invalid_api_key"))

    problem = problem_from(oai.generate(generate_request()))

    assert (problem.code, problem.status) == ("upstream_auth_failed", 503)
    assert len(fake_providers.requests_for("images_generate")) == 1


def test_bad_request_is_rejected_and_not_retried(oai, fake_providers):
    fake_providers.script("images_generate", openai_error(400, "invalid_size", "Invalid size '17x9'."))

    problem = problem_from(oai.generate(generate_request()))

    assert (problem.code, problem.status) == ("upstream_rejected_request", 502)
    assert len(fake_providers.requests_for("images_generate")) == 1


def test_slow_provider_hits_the_deadline_as_504(oai, fake_providers):
    fake_providers.script("images_generate", Reply(latency=30))
    started = time.monotonic()

    problem = problem_from(oai.generate(generate_request(timeout=0.4)))

    assert (problem.code, problem.status) == ("upstream_timeout", 504)
    assert time.monotonic() - started < 5
    [request] = fake_providers.requests_for("images_generate")
    assert float(request.headers["x-stainless-read-timeout"]) <= 0.4


def test_no_images_is_retried_once_then_empty_response(oai, fake_providers, retry_sleeps):
    fake_providers.script("images_generate", Reply(empty=True), Reply(empty=True))

    problem = problem_from(oai.generate(generate_request()))

    assert (problem.code, problem.status) == ("upstream_empty_response", 502)
    assert len(fake_providers.requests_for("images_generate")) == 2


def test_no_choices_is_an_empty_response(oai, fake_providers):
    fake_providers.script("chat_completions", Reply(empty=True), Reply(empty=True))

    assert problem_from(oai.chat(chat_request())).code == "upstream_empty_response"


@pytest.mark.parametrize(
    "reply",
    [
        Reply(raw=b"<html>bad gateway</html>"),
        Reply(body={"created": 0, "data": [{"b64_json": "%%% not base64 %%%"}]}),
        Reply(body={"created": 0, "data": [{"url": "https://example.invalid/x.png"}]}),
    ],
    ids=["not-json", "bad-base64", "url-only"],
)
def test_unusable_answers_are_invalid_responses(oai, fake_providers, reply):
    fake_providers.script("images_generate", reply)

    problem = problem_from(oai.generate(generate_request()))

    assert (problem.code, problem.status) == ("upstream_invalid_response", 502)
    assert len(fake_providers.requests_for("images_generate")) == 1


# --------------------------------------------------------------------------- secrecy and observability

CANARY_KEY = "sk-canary-key-0a9b8c"
CANARY_PROMPT = "canary-prompt-31d7 bedroom for Ms Secret"


def test_no_key_prompt_or_provider_message_leaks(
    provider_env, fake_providers, instant_retry_policy, capfd, caplog
):
    provider_env.set_keys(openai=CANARY_KEY)
    oai = OpenAIProvider(get_settings(), retry_policy=instant_retry_policy)
    echo = f"Prompt '{CANARY_PROMPT}' rejected for key {CANARY_KEY}; details follow."
    fake_providers.script(
        "images_generate",
        openai_error(400, "moderation_blocked", echo),
        openai_error(500, None, echo),
        openai_error(500, None, echo),
        openai_error(401, "invalid_api_key", echo),
    )
    problems = [problem_from(oai.generate(generate_request(prompt=CANARY_PROMPT))) for _ in range(3)]
    asyncio.run(oai.generate(generate_request(prompt=CANARY_PROMPT)))

    assert (
        fake_providers.requests_for("images_generate")[0].headers["authorization"] == f"Bearer {CANARY_KEY}"
    )
    out, err = capfd.readouterr()
    logged = out + err + caplog.text
    assert "provider call" in logged
    for problem in problems:
        shown = json.dumps(problem.to_body(legacy=True)) + str(problem) + problem.detail
        for secret in (CANARY_KEY, CANARY_PROMPT, "details follow"):
            assert secret not in shown
    for secret in (CANARY_KEY, CANARY_PROMPT, "details follow"):
        assert secret not in logged


def test_every_call_logs_provider_model_latency_usage_and_outcome(oai, fake_providers, caplog):
    caplog.set_level("INFO")
    asyncio.run(oai.generate(generate_request(n=2)))
    fake_providers.script("chat_completions", openai_error(429, "insufficient_quota"))
    problem_from(oai.chat(chat_request()))

    calls = [r for r in caplog.records if r.getMessage().startswith("provider call")]
    assert [(r.provider, r.model, r.capability, r.outcome, r.images) for r in calls] == [
        ("openai", "gpt-image-2.5-sunburst", "generate", "ok", 2),
        ("openai", "gpt-5.4-mini", "chat", "upstream_quota_exhausted", 0),
    ]
    assert calls[0].output_tokens == 2 * 2634  # two 1536x1024 images at 2634 tokens each (see above)


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (1536, 1024, "1536x1024"),
        (1000, 1000, "992x992"),  # snapped down to a multiple of 16
        (5000, 5000, "2160x2160"),  # the short side's maximum
        (7680, 4320, "3840x2160"),  # 8K 16:9 scales down to the 4K maximum
        (4000, 1000, "2976x992"),  # 4:1 trimmed to 3:1, then snapped without passing 3:1
        (1000, 4000, "992x2976"),
        # Below gpt-image-2's 655,360-pixel minimum (rw §7): scaled by sqrt(655360 / (96*64)) = 10.33,
        # 991.5 -> 992 and 661.1 -> 672 (each rounded up to 16): 992*672 = 666,624 pixels.
        (96, 64, "992x672"),
    ],
)
def test_image_size_fits_the_api_limits(width, height, expected):
    assert image_size(width, height) == expected
