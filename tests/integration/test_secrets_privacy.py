"""Secrets and privacy (reliability.md P5, T16, P8; DESIGN D12): a canary API key and a canary prompt
never appear in a log line, a metric, an error body or an event, whatever happens to a request;
prompts and images are logged only as sizes and short hashes.

Every scenario goes through a function's Lambda handler (Powertools Logger and EMF metrics as in
production, metrics switched on here) against the fake provider server, through the real SDKs. The
fake answers with the worst a provider can do: error messages that echo the prompt and the key.
Everything the process writes is captured (``tests.support.leaks``) and searched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

from tests.fakes.provider_fixtures import ProviderEnv
from tests.fakes.provider_server import (
    FakeProviderServer,
    Reply,
    RouteName,
    gemini_blocked,
    gemini_error,
    openai_error,
)
from tests.integration.conftest import Aws, load_app
from tests.support.images import b64, photo
from tests.support.leaks import Captured, capture_output, find_leaks
from tests.support.rest_events import invoke, rest_event

GEMINI_KEY = "AIza-canary-7d0c51e2b6f94a1c"
OPENAI_KEY = "sk-canary-3b9e5f0a8c1d4e27"
PROMPT = "PROMPTCANARY0f3e9a1d a sunlit reading nook with olive walls and PROMPTCANARYtail5c2b"
# What must never be seen: each key whole and its unique part (a prefix could be logged truncated),
# and each end of the prompt (a prompt could be logged cut short at either end).
CANARIES = (
    GEMINI_KEY,
    "7d0c51e2b6f94a1c",
    OPENAI_KEY,
    "3b9e5f0a8c1d4e27",
    "PROMPTCANARY0f3e9a1d",
    "tail5c2b",
)
ECHO = f"Invalid request near '{PROMPT}' (key {GEMINI_KEY} / {OPENAI_KEY})"  # a provider at its worst
OWNER = "X-Owner-Id"
# Metrics are on here; a request refused before any work has none to publish, which Powertools notes.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning")


@dataclass
class Run:
    """One scenario's calls and everything they produced."""

    env: ProviderEnv
    server: FakeProviderServer
    aws: Aws
    owner: str = "anon-" + "c" * 32
    answers: list[str] = field(default_factory=list)

    def call(self, function: str, method: str, path: str, **kwargs: Any) -> tuple[int, dict[str, str], Any]:
        headers = {OWNER: self.owner} | kwargs.pop("headers", {})
        status, response_headers, body = invoke(
            load_app(function).handler, rest_event(method, path, headers=headers, **kwargs)
        )
        self.answers.append(f"{status} {json.dumps(response_headers)} {json.dumps(body, ensure_ascii=False)}")
        return status, response_headers, body

    def chat(self, **body: Any) -> tuple[int, dict[str, str], Any]:
        return self.call("chat", "POST", "/chat", body={"message": PROMPT, **body})

    def generate(self, **body: Any) -> tuple[int, dict[str, str], Any]:
        return self.call("generate", "POST", "/image/generate", body={"prompt": PROMPT, **body})

    def edit(self, **body: Any) -> tuple[int, dict[str, str], Any]:
        return self.call("edit", "POST", "/edit", body={"prompt": PROMPT, "image": {"data": ROOM}, **body})


ROOM = b64(photo(640, 480))


# --------------------------------------------------------------------------- scenarios


def success_everywhere(run: Run) -> None:
    for chat, generate, edit in (("gemini", "openai", "gemini"), ("openai", "gemini", "openai")):
        run.env.use(chat=chat, generate=generate, edit=edit)
        assert run.chat(images=[{"data": ROOM}])[0] == 200
        assert run.generate()[0] == 200
        assert run.edit()[0] == 200


def provider_errors(run: Run) -> None:
    expected = {400: 502, 401: 503, 403: 503, 429: 503, 500: 502}
    retry_now = {"retry-after": "0"}  # a retryable failure is tried once more; keep the test fast
    for upstream, status in expected.items():
        gemini, openai = gemini_error(upstream, ECHO, headers=retry_now), openai_error(upstream, "x", ECHO)
        openai.headers.update(retry_now)
        routes: tuple[tuple[Callable[[], Any], RouteName, Reply], ...] = (
            (run.chat, "gemini", gemini),
            (run.generate, "images_generate", openai),
            (run.edit, "gemini", gemini),
        )
        for call, route, reply in routes:
            run.server.reset()
            run.server.script(route, reply, reply)
            assert call()[0] == status, (upstream, run.answers[-1])
            assert run.server.requests_for(route)
    run.env.use(chat="openai", edit="openai")
    openai_routes: tuple[tuple[Callable[[], Any], RouteName], ...] = (
        (run.chat, "chat_completions"),
        (run.edit, "images_edit"),
    )
    for call, route in openai_routes:
        run.server.reset()
        run.server.script(route, openai_error(401, "invalid_api_key", ECHO))
        assert call()[0] == 503
        assert run.server.requests_for(route)


def content_blocks(run: Run) -> None:
    run.server.script("gemini", gemini_blocked("SAFETY"), gemini_blocked("PROHIBITED_CONTENT"))
    run.server.script("images_generate", openai_error(400, "moderation_blocked", ECHO))
    for status, _, problem in (run.chat(), run.generate(), run.edit()):
        assert (status, problem["code"]) == (422, "content_blocked")


def invalid_requests(run: Run) -> None:
    too_long = (PROMPT + " ") * 60  # past 4000 characters
    assert run.call("chat", "POST", "/chat", body={"message": too_long})[0] == 422
    assert run.generate(prompt=too_long)[0] == 422
    assert run.generate(size="1x1")[0] == 422
    assert run.edit(image={"data": "not an image"})[0] == 422
    assert run.call("generate", "POST", "/image/generate", raw_body='{"prompt": "' + PROMPT)[0] == 400
    assert run.call("chat", "POST", "/chat", raw_body=json.dumps({"message": PROMPT, "lang": "xx"}))[0] == 422


def internal_error(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug under each route: the caller gets a bare 500 problem, the log gets the traceback."""

    class Broken:
        name, model = "openai", "broken"

        async def crash(self, request: Any) -> Any:
            raise RuntimeError("the adapter fell over")

        chat = generate = edit = crash

    monkeypatch.setattr("shatably.chat.service.chat_provider", lambda: Broken())
    monkeypatch.setattr("shatably.studio.service.image_generator", lambda: Broken())
    monkeypatch.setattr("shatably.studio.service.image_editor", lambda: Broken())
    for status, _, problem in (run.chat(), run.generate(), run.edit()):
        assert (status, problem["code"]) == (500, "internal_error")
        assert problem["detail"] == "An unexpected error occurred."


def jobs_and_events(run: Run) -> None:
    status, _, accepted = run.generate(**{"async": True})
    assert status == 202
    messages = run.aws.queued_messages()
    records = [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": {},
        }
        for m in messages
    ]
    from tests.support.lambda_context import FakeContext

    assert load_app("generate").handler({"Records": records}, FakeContext()) == {"batchItemFailures": []}
    status, _, job = run.call("generate", "GET", f"/jobs/{accepted['job_id']}")
    assert (status, job["status"]) == (200, "succeeded")
    # What the job announces to other services leaves the system too.
    run.answers.extend(json.dumps(event) for event in run.aws.published_events())


def keys_from_ssm(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    ssm = boto3.client("ssm", region_name="us-east-1")
    ssm.put_parameter(Name="/shatably/canary/gemini", Value=GEMINI_KEY, Type="SecureString")
    monkeypatch.delenv("GEMINI_API_KEY")
    monkeypatch.setenv("GEMINI_API_KEY_PARAM", "/shatably/canary/gemini")
    run.env.use()  # forget cached settings and providers
    assert run.chat()[0] == 200
    assert run.server.requests_for("gemini")[-1].headers["x-goog-api-key"] == GEMINI_KEY  # it was used
    run.server.script("gemini", gemini_error(403, ECHO, reason="API_KEY_INVALID"))
    assert run.chat()[0] == 503


# name -> (scenario, what it must have written: a request refused up front writes neither log
# lines nor metrics, a crash writes a log line but no metric)
SCENARIOS: dict[str, tuple[Callable[..., None], set[str]]] = {
    "success": (success_everywhere, {"logs", "metrics"}),
    "provider-errors": (provider_errors, {"logs", "metrics"}),
    "content-blocks": (content_blocks, {"logs", "metrics"}),
    "invalid-requests": (invalid_requests, set()),
    "internal-error": (internal_error, {"logs"}),
    "jobs-and-events": (jobs_and_events, {"logs", "metrics"}),
    "keys-from-ssm": (keys_from_ssm, {"logs", "metrics"}),
}


@pytest.fixture
def run(aws: Aws, provider_env: ProviderEnv, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    provider_env.set_keys(gemini=GEMINI_KEY, openai=OPENAI_KEY)
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")  # EMF on stdout, as in Lambda
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "ShatablyCanary")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")  # the most a deployment can be asked to log
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    yield Run(env=provider_env, server=provider_env.server, aws=aws)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_canaries_never_reach_logs_metrics_or_answers(
    run: Run, scenario: str, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    play, writes = SCENARIOS[scenario]
    with capture_output(capfd) as output:
        if "monkeypatch" in play.__code__.co_varnames:
            play(run, monkeypatch)
        else:
            play(run)

    haystack = output.text() + "\n".join(run.answers)
    leaks = find_leaks(haystack, CANARIES)
    assert not leaks, "\n\n".join(leaks[:5])
    # The search covered real output: log lines and metrics were written.
    lines = output.json_lines()
    if "metrics" in writes:
        assert any("_aws" in line for line in lines), "no EMF metrics were captured"
    if "logs" in writes:
        assert any(line.get("level") for line in lines), "no log lines were captured"
    assert len(run.answers) >= 2


def provider_calls(output: Captured) -> list[dict[str, Any]]:
    return [line for line in output.json_lines() if str(line.get("message", "")).startswith("provider call")]


@pytest.mark.parametrize("providers", [("gemini", "openai", "gemini"), ("openai", "gemini", "openai")])
def test_a_provider_call_is_logged_as_sizes_and_hashes(
    run: Run, capfd: pytest.CaptureFixture[str], providers: tuple[str, str, str]
) -> None:
    from shatably.observability import fingerprint

    chat, generate, edit = providers
    run.env.use(chat=chat, generate=generate, edit=edit)
    with capture_output(capfd) as output:
        assert run.chat(images=[{"data": ROOM}])[0] == 200
        assert run.generate()[0] == 200
        assert run.edit()[0] == 200
    calls = {line["capability"]: line for line in provider_calls(output)}

    assert set(calls) == {"chat", "generate", "edit"}, calls
    assert {calls[c]["provider"] for c in calls} == set(providers)
    # The user's words go after the app's turn context (language, photos, the current plan).
    assert calls["chat"]["prompt_chars"] > len(PROMPT)
    assert len(calls["chat"]["prompt_sha"]) == 12 and calls["chat"]["prompt_sha"] != fingerprint(PROMPT)
    assert calls["generate"]["prompt_chars"] >= len(PROMPT)  # the prompt inside our scaffold
    assert len(calls["generate"]["prompt_sha"]) == 12
    for capability in ("chat", "edit"):  # the photo went along, as a size and a hash
        assert calls[capability]["input_images"] == 1
        assert calls[capability]["input_image_bytes"] > 1000
        assert all(len(sha) == 12 for sha in calls[capability]["input_image_shas"])
    assert calls["generate"]["input_images"] == 0
    for line in calls.values():
        assert {"latency_ms", "outcome", "input_tokens", "output_tokens"} <= set(line)
        assert not find_leaks(json.dumps(line), CANARIES)
