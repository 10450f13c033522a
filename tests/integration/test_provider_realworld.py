"""Issue 13: what a real deployment meets first, through the real SDKs against the fake over sockets.

One test (or group) per bullet of the issue's "Why"; the fake answers with the shapes of
``tests/fakes/provider_shapes`` (each sourced from provider-realworld.md, ``rw §N``).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import math
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shatably.errors import ProblemError
from shatably.jobs import service as jobs_service
from shatably.jobs.models import JobMessage
from shatably.providers import faults
from shatably.providers.base import ChatMessage, ChatRequest, EditRequest, GenerateRequest, ImageInput
from shatably.providers.gemini import GeminiProvider
from shatably.providers.openai_provider import OpenAIProvider
from shatably.settings import get_settings
from tests.fakes import provider_shapes as shapes
from tests.fakes.provider_server import Reply, make_draft, make_image
from tests.integration.conftest import Aws
from tests.support.images import open_image

OWNER = "X-Owner-Id"
ROOM_PNG = make_image(96, 64)


@pytest.fixture
def gemini(provider_env: Any, instant_retry_policy: Any) -> GeminiProvider:
    return GeminiProvider(get_settings(), retry_policy=instant_retry_policy)


@pytest.fixture
def oai(provider_env: Any, instant_retry_policy: Any) -> OpenAIProvider:
    return OpenAIProvider(get_settings(), retry_policy=instant_retry_policy)


def chat_request(**overrides: Any) -> ChatRequest:
    values: dict[str, Any] = {
        "system": "You are an interior designer.",
        "history": (),
        "message": ChatMessage("user", "What colour for a small north-facing bedroom?"),
        "timeout": 20.0,
        "max_output_tokens": 2048,  # the project's setting (settings.max_output_tokens)
    }
    return ChatRequest(**(values | overrides))


def problem_from(coro: Any) -> ProblemError:
    with pytest.raises(ProblemError) as info:
        asyncio.run(coro)
    return info.value


# --------------------------------------------------------------------------- 429: minute vs day


def test_a_per_minute_429_is_waited_out_and_retried_once(gemini, fake_providers, retry_sleeps):
    # rw §1b: per-minute requests, QuotaFailure + RetryInfo "17s" (message says 17.156209832s).
    fake_providers.script("gemini", shapes.gemini_quota_429("gemini-3.5-flash", retry_in=2.4))

    result = asyncio.run(gemini.chat(chat_request()))

    assert result.text
    assert retry_sleeps.delays == [2.0]  # retryDelay is whole seconds: "2s"
    assert len(fake_providers.requests_for("gemini")) == 2


def test_a_per_day_429_is_quota_exhausted_never_retried_and_says_when_it_resets(
    gemini, fake_providers, retry_sleeps
):
    # rw §1c: the real per-day body carries RetryInfo "38s" too; only quotaId says "PerDay".
    fake_providers.script(
        "gemini", shapes.gemini_quota_429("gemini-3.5-flash", (shapes.PER_DAY,), retry_in=3.5)
    )

    problem = problem_from(gemini.chat(chat_request()))

    assert (problem.code, problem.status) == ("upstream_quota_exhausted", 503)
    assert retry_sleeps.delays == []
    assert len(fake_providers.requests_for("gemini")) == 1
    # Retry-After points at the daily reset (midnight Pacific), not at the 3 s RetryInfo.
    assert problem.retry_after is not None and problem.retry_after > 3
    assert abs(problem.retry_after - math.ceil(faults.seconds_to_daily_reset())) <= 5


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        # rw §1d: several violations, one of them per-day, no quotaValue: the day decides.
        (
            shapes.gemini_quota_429(
                "gemini-3.5-flash",
                (
                    shapes.PER_DAY,
                    shapes.PER_MINUTE,
                    "GenerateContentInputTokensPerModelPerMinute-FreeTier",
                ),
                limit=None,
                retry_in=47,
            ),
            "upstream_quota_exhausted",
        ),
        # rw §1e: limit 0: the model is not on this tier at all.
        (
            shapes.gemini_quota_429(
                "gemini-2.5-pro", ("GenerateContentInputTokensPerModelPerMinute-FreeTier",), limit=0
            ),
            "upstream_quota_exhausted",
        ),
        # rw §1f: a paid-tier per-minute limit is a rate limit.
        (
            shapes.gemini_quota_429(
                "gemini-2.5-flash", ("GenerateContentPaidTierInputTokensPerModelPerMinute",), limit=1000000
            ),
            "upstream_rate_limited",
        ),
        # rw §1g: a bare 429 is a rate limit.
        (shapes.gemini_bare_429(), "upstream_rate_limited"),
    ],
    ids=["several-with-day", "limit-0", "paid-minute", "bare"],
)
def test_quota_variants_map_by_quota_id(gemini, fake_providers, reply, code):
    fake_providers.script("gemini", reply, reply)

    problem = problem_from(gemini.chat(chat_request(timeout=4.0)))

    assert problem.code == code


def test_openai_insufficient_quota_is_never_retried_and_rate_limits_honour_retry_after_ms(
    oai, fake_providers, retry_sleeps
):
    # rw §6: both are 429s; only the code tells them apart.
    fake_providers.script("chat_completions", shapes.openai_insufficient_quota_429())
    problem = problem_from(oai.chat(chat_request()))
    assert (problem.code, len(fake_providers.requests_for("chat_completions"))) == (
        "upstream_quota_exhausted",
        1,
    )

    fake_providers.script("chat_completions", shapes.openai_rate_limit_429("gpt-5.4-mini", retry_in="1.5s"))
    assert asyncio.run(oai.chat(chat_request())).text
    assert retry_sleeps.delays == [1.5]  # retry-after-ms: 1500


def test_an_openai_rate_limit_without_headers_waits_what_its_message_says(oai, fake_providers, retry_sleeps):
    # rw §6: a real 429 with no retry-after and no x-ratelimit headers: "Please try again in 174ms".
    reply = shapes.openai_rate_limit_429("gpt-5.4-mini", retry_in="174ms", headers=False)
    fake_providers.script("chat_completions", reply)

    asyncio.run(oai.chat(chat_request()))

    assert retry_sleeps.delays == [0.174]


def test_an_openai_503_overloaded_is_retried_once(oai, fake_providers):
    fake_providers.script("chat_completions", shapes.openai_overloaded_503(), shapes.openai_overloaded_503())

    problem = problem_from(oai.chat(chat_request()))

    assert (problem.code, len(fake_providers.requests_for("chat_completions"))) == ("upstream_error", 2)


# --------------------------------------------------------------------------- reasoning and the cap


def test_gemini_3_thinking_no_longer_eats_the_answer(gemini, fake_providers):
    # Unscripted, the fake thinks like the model: 3,071 tokens at the default level (rw §3), which
    # a 2,048 cap alone cannot hold. An explicit level and room for it leave the answer whole.
    result = asyncio.run(gemini.chat(chat_request()))

    assert result.text and not result.truncated and result.finish_reason == "STOP"
    assert result.usage.reasoning_tokens == 512  # LOW
    assert result.usage.output_tokens == result.usage.reasoning_tokens + len(result.text.split())
    [request] = fake_providers.requests_for("gemini")
    config = request.gemini_config()
    assert config["thinkingConfig"] == {"thinking_level": "LOW"}
    assert config["maxOutputTokens"] == 2048 + 2048


def test_gemini_2_5_gets_a_budget_not_a_level(provider_env, fake_providers, monkeypatch):
    monkeypatch.setenv("GEMINI_CHAT_MODEL", "gemini-2.5-pro")
    monkeypatch.setenv("GEMINI_THINKING_BUDGET", "0")  # 2.5 Pro refuses 0 (rw §2): raised to 128
    provider_env.use()

    result = asyncio.run(GeminiProvider(get_settings()).chat(chat_request()))

    assert result.text
    config = fake_providers.requests_for("gemini")[0].gemini_config()
    assert config["thinkingConfig"] == {"thinking_budget": 128}
    assert config["maxOutputTokens"] == 2048 + 128


def test_an_answer_cut_before_any_text_is_not_paid_for_twice(gemini, fake_providers, retry_sleeps):
    # rw §3: thoughts used the whole cap: MAX_TOKENS, a content with no parts.
    fake_providers.script("gemini", Reply(thoughts=10_000))

    problem = problem_from(gemini.chat(chat_request()))

    assert (problem.code, problem.status) == ("upstream_truncated", 502)
    assert len(fake_providers.requests_for("gemini")) == 1


def test_gpt5_reasoning_gets_room_and_an_explicit_effort(oai, fake_providers):
    # rw §8: reasoning counts inside max_completion_tokens; 2,100 reasoning tokens would have left
    # nothing of a 2,048 cap ("length", empty content).
    fake_providers.script("chat_completions", Reply(thoughts=2100))

    result = asyncio.run(oai.chat(chat_request()))

    assert result.text and not result.truncated
    assert result.usage.reasoning_tokens == 2100
    body = fake_providers.requests_for("chat_completions")[0].json
    assert (body["reasoning_effort"], body["max_completion_tokens"]) == ("low", 2048 + 2048)


def test_gpt5_length_with_no_content_is_truncated_once(oai, fake_providers):
    fake_providers.script("chat_completions", Reply(thoughts=50_000))

    problem = problem_from(oai.chat(chat_request()))

    assert problem.code == "upstream_truncated"
    assert len(fake_providers.requests_for("chat_completions")) == 1


def test_a_structured_answer_cut_at_the_cap_answers_200_with_its_text_and_no_plan(
    chat_client: TestClient, provider_env: Any, fake_providers: Any
) -> None:
    reply = {
        "reply": "Paint the walls a warm sand colour and add linen curtains.",
        "plan": {"palette": ["#d8c3a5"]},
    }
    # Thinking leaves six tokens of the 4,096 cap: '{"reply": "Paint the walls a warm' (rw §3).
    fake_providers.script("gemini", Reply(json=reply, thoughts=4096 - 6))

    response = chat_client.post("/chat/", json={"message": "My bedroom faces north"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["response"] == "Paint the walls a warm"
    assert body["truncated"] is True and body["plan"] is None
    assert body["finish_reason"] == "MAX_TOKENS"
    assert len(fake_providers.requests_for("gemini")) == 1  # no second paid call


def test_continuation_keeps_the_text_that_arrived(gemini, fake_providers):
    # SDK FinishReason.CONTINUATION: stopped at a per-request limit; we make no continuation call.
    fake_providers.script("gemini", Reply(text="Start with the walls:", finish_reason="CONTINUATION"))

    result = asyncio.run(gemini.chat(chat_request()))

    assert (result.text, result.truncated, result.finish_reason) == (
        "Start with the walls:",
        True,
        "CONTINUATION",
    )


def test_usage_records_reasoning_and_cached_tokens(gemini, fake_providers, caplog):
    caplog.set_level("INFO")
    fake_providers.script("gemini", Reply(cached_tokens=4096, thoughts=300))

    result = asyncio.run(gemini.chat(chat_request()))

    assert (result.usage.reasoning_tokens, result.usage.cached_tokens) == (300, 4096)
    [line] = [r for r in caplog.records if r.getMessage() == "provider call"]
    assert (line.reasoning_tokens, line.cached_tokens) == (300, 4096)


# --------------------------------------------------------------------------- images


def test_thought_images_are_never_the_result(gemini, fake_providers):
    # rw §4: a thinking image model sends draft images (thought: true) before the final render.
    fake_providers.script("gemini", Reply(thought_images=2))

    result = asyncio.run(
        gemini.generate(GenerateRequest(prompt="a calm bedroom", width=1024, height=1024, timeout=20))
    )

    [image] = result.images
    assert image.data != make_draft(1024, 1024)
    assert open_image(bytes(image.data)).size == (1024, 1024)  # the final render (rw §4 table)


def test_no_image_is_an_empty_answer_retried_once_not_a_block(gemini, fake_providers):
    # NO_IMAGE: "the model answers with text only" (rw §4), not a safety decision.
    refusal = Reply(text="Here is a description instead.", images=0, finish_reason="NO_IMAGE")
    fake_providers.script("gemini", refusal, refusal)

    problem = problem_from(
        gemini.generate(GenerateRequest(prompt="a calm bedroom", width=1024, height=1024, timeout=20))
    )

    assert problem.code == "upstream_empty_response"
    assert len(fake_providers.requests_for("gemini")) == 2


def test_image_other_says_the_model_could_not_make_it(gemini, fake_providers):
    # rw §4 [REAL python-genai#2049]: content {}, finishReason IMAGE_OTHER, a finishMessage.
    fake_providers.script(
        "gemini",
        Reply(
            finish_reason="IMAGE_OTHER",
            no_content=True,
            finish_message="Unable to show the generated image. The model could not generate the image "
            "based on the prompt provided.",
        ),
    )

    problem = problem_from(
        gemini.edit(EditRequest(ImageInput(ROOM_PNG, "image/png"), "stage it", 96, 64, 20))
    )

    assert (problem.code, problem.status, problem.extra) == (
        "image_not_generated",
        422,
        {"reason": "image_other"},
    )
    assert len(fake_providers.requests_for("gemini")) == 1


def test_gemini_sends_the_seed_one_per_image(gemini, fake_providers):
    asyncio.run(
        gemini.generate(GenerateRequest(prompt="a hall", width=1024, height=1024, timeout=20, n=2, seed=7))
    )

    seeds = sorted(r.gemini_config()["seed"] for r in fake_providers.requests_for("gemini"))
    assert seeds == [7, 8]


def test_a_generated_image_comes_back_at_the_size_asked_and_a_later_masked_edit_fits(
    aws: Aws, provider_env: Any, fake_providers: Any
) -> None:
    """A Gemini 16:9 2K render is 2752x1536 (rw §4); the caller asked for 1536x864. The OpenAI
    fake refuses a mask whose size differs from the image (rw §7), as the API does."""
    from tests.integration.conftest import load_app

    provider_env.use(generate="gemini", edit="openai")
    generate = TestClient(load_app("generate").app)
    made = generate.post("/image/generate", json={"prompt": "a bright salon", "size": "1536x864"})
    assert made.status_code == 200, made.text
    assert open_image(base64.b64decode(made.json()["image_data"])).size == (1536, 864)
    record = made.json()["images"][0]
    assert (record["width"], record["height"]) == (1536, 864)

    edit = TestClient(load_app("edit").app)
    mask = io_png_mask(1536, 864)
    edited = edit.post(
        "/edit",
        json={"prompt": "repaint the walls", "image": {"image_id": record["id"]}, "mask": {"data": mask}},
        headers={OWNER: made.headers[OWNER]},
    )

    assert edited.status_code == 200, edited.text
    [sent] = fake_providers.requests_for("images_edit")
    files = {f.field: open_image(f.data).size for f in sent.files}
    assert files["image"] == files["mask"] == (1536, 864)


def io_png_mask(width: int, height: int) -> str:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 0, 0)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


# --------------------------------------------------------------------------- jobs


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (shapes.openai_invalid_value_400("size", "Invalid size."), "upstream_rejected_request"),
        (shapes.openai_insufficient_quota_429(), "upstream_quota_exhausted"),
        (Reply(raw=b"<html>proxy</html>"), "upstream_invalid_response"),
    ],
    ids=["rejected", "quota", "invalid"],
)
def test_a_job_does_not_retry_a_failure_that_would_repeat(
    aws: Aws, provider_env: Any, fake_providers: Any, reply: Reply, code: str
) -> None:
    from shatably.storage.media import get_media

    provider_env.use(generate="openai")
    fake_providers.script("images_generate", reply, reply)
    media = get_media()
    message = JobMessage.model_validate(
        {"kind": "generate", "request": {"prompt": "a study"}, "owner": "tester", "job_id": "a" * 32}
    )

    asyncio.run(jobs_service.run(media, message, receive_count=1))  # returns: no redelivery asked

    job = media.table.get_job("a" * 32)
    assert job is not None and job.status == "failed"
    assert (job.error or {})["code"] == code
    assert len(fake_providers.requests_for("images_generate")) == 1


def test_a_job_still_retries_an_overloaded_provider(aws: Aws, provider_env: Any, fake_providers: Any) -> None:
    from shatably.storage.media import get_media

    provider_env.use(generate="openai")
    fake_providers.script("images_generate", shapes.openai_overloaded_503(), shapes.openai_overloaded_503())
    media = get_media()
    message = JobMessage.model_validate(
        {"kind": "generate", "request": {"prompt": "a study"}, "owner": "tester", "job_id": "b" * 32}
    )

    with pytest.raises(ProblemError):  # raised so the queue redelivers
        asyncio.run(jobs_service.run(media, message, receive_count=1))

    job = media.table.get_job("b" * 32)
    assert job is not None and job.status == "queued"


# --------------------------------------------------------------------------- SSM faults


def test_an_unreadable_key_logs_the_parameter_and_aws_code_and_counts_a_metric(
    aws: Aws, provider_env: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from shatably import secrets

    counted: list[tuple[str, dict[str, str]]] = []
    monkeypatch.setattr(secrets, "count", lambda name, value=1, **dims: counted.append((name, dims)))
    monkeypatch.delenv("GEMINI_API_KEY")
    monkeypatch.setenv("GEMINI_API_KEY_PARAM", "/shatably/missing/gemini")
    provider_env.use()
    caplog.set_level(logging.INFO)

    with pytest.raises(ProblemError) as info:
        secrets.get_api_key("gemini")

    assert info.value.code == "config_unavailable"
    [line] = [r for r in caplog.records if r.getMessage() == "provider key unavailable"]
    assert (line.__dict__["provider"], line.__dict__["parameter"], line.__dict__["error_code"]) == (
        "gemini",
        "/shatably/missing/gemini",
        "ParameterNotFound",
    )
    assert counted == [("ConfigFault", {"provider": "gemini", "error_code": "ParameterNotFound"})]
