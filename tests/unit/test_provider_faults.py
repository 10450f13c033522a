"""The fault → problem mapping, server hints, and the one log line per provider call."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from email.utils import formatdate
from pathlib import Path

import pytest

from shatably.errors import ProblemError
from shatably.providers import faults
from shatably.providers.base import Usage

REPO = Path(__file__).resolve().parents[2]

# --------------------------------------------------------------------------- the status table


@pytest.mark.parametrize(
    ("status", "quota", "code", "http"),
    [
        (401, False, "upstream_auth_failed", 503),
        (403, False, "upstream_auth_failed", 503),
        (429, False, "upstream_rate_limited", 503),
        (429, True, "upstream_quota_exhausted", 503),
        (500, False, "upstream_error", 502),
        (503, False, "upstream_error", 502),
        (504, False, "upstream_error", 502),
        (408, False, "upstream_error", 502),
        (400, False, "upstream_rejected_request", 502),
        (404, False, "upstream_rejected_request", 502),
        (422, False, "upstream_rejected_request", 502),
    ],
)
def test_status_codes_map_to_the_contract(status, quota, code, http):
    problem = faults.from_status(status, quota=quota)

    assert (problem.code, problem.status) == (code, http)
    assert isinstance(problem, ProblemError)


@pytest.mark.parametrize(
    ("code", "retryable"),
    [
        ("upstream_rate_limited", True),
        ("upstream_error", True),
        ("upstream_empty_response", True),
        ("upstream_quota_exhausted", False),
        ("upstream_auth_failed", False),
        ("upstream_rejected_request", False),
        ("upstream_timeout", False),
        ("upstream_invalid_response", False),
        ("content_blocked", False),
    ],
)
def test_only_transient_failures_are_retryable(code, retryable):
    assert faults.UpstreamProblem(code, "x").retryable is retryable


def test_rate_limit_retry_after_is_the_hint_rounded_up_or_a_default():
    assert faults.rate_limited(0.25).headers() == {"Retry-After": "1"}
    assert faults.rate_limited(7.2).headers() == {"Retry-After": "8"}
    assert faults.rate_limited(None).headers() == {"Retry-After": "5"}
    assert faults.quota_exhausted(None).headers() == {"Retry-After": "60"}
    assert faults.upstream_error().headers() == {}


def test_content_blocked_says_where_and_why_without_provider_text():
    problem = faults.content_blocked("input", "PROHIBITED_CONTENT")

    body = problem.to_body()
    assert (body["status"], body["code"]) == (422, "content_blocked")
    assert (body["stage"], body["reason"]) == ("input", "prohibited_content")
    assert "request" in body["detail"]
    assert "result" in faults.content_blocked("output", "IMAGE_SAFETY").detail


# --------------------------------------------------------------------------- server hints


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "250"}, 0.25),
        ({"Retry-After": "3"}, 3.0),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),  # the precise one wins
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_delay_from_headers(headers, expected):
    assert faults.retry_delay_from_headers(headers) == expected


def test_retry_after_as_an_http_date():
    delay = faults.retry_delay_from_headers({"Retry-After": formatdate(time.time() + 30, usegmt=True)})

    assert delay is not None and 28 <= delay <= 31


@pytest.mark.parametrize(
    ("value", "expected"),
    [("53s", 53.0), ("0.5s", 0.5), ({"seconds": 2, "nanos": 500_000_000}, 2.5), ("soon", None), (None, None)],
)
def test_parse_duration(value, expected):
    assert faults.parse_duration(value) == expected


def test_gemini_retry_info_is_read_from_error_details():
    body = {
        "error": {
            "code": 429,
            "status": "RESOURCE_EXHAUSTED",
            "details": [
                {"@type": "type.googleapis.com/google.rpc.Help", "links": []},
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "17s"},
            ],
        }
    }

    assert faults.gemini_retry_delay(body) == 17.0
    assert faults.gemini_retry_delay({"error": {"code": 429}}) is None
    assert faults.gemini_retry_delay("not a body") is None


# --------------------------------------------------------------------------- below HTTP


def test_transport_failures():
    import httpx2

    def code(exc: Exception) -> str | None:
        problem = faults.from_transport_error(exc)
        return problem.code if problem is not None else None

    assert code(httpx2.ReadTimeout("slow")) == "upstream_timeout"
    assert code(httpx2.ConnectError("refused")) == "upstream_error"
    assert code(httpx2.RemoteProtocolError("reset")) == "upstream_error"
    assert code(ValueError("our bug")) is None  # never disguised as the provider's failure


# --------------------------------------------------------------------------- observability


def test_record_call_logs_one_line_of_names_numbers_and_codes(caplog):
    caplog.set_level("INFO")

    faults.record_call(
        provider="openai",
        model="gpt-image-2.5-sunburst",
        capability="edit",
        latency_ms=1234.56,
        outcome="ok",
        usage=Usage(input_tokens=50, output_tokens=1056, images=1),
        attempts=2,
        retried_after="upstream_rate_limited",
    )

    [line] = caplog.records
    assert line.getMessage() == "provider call"
    assert (line.provider, line.model, line.capability, line.outcome) == (
        "openai",
        "gpt-image-2.5-sunburst",
        "edit",
        "ok",
    )
    assert (line.latency_ms, line.attempts, line.retried_after) == (1234.6, 2, "upstream_rate_limited")
    assert (line.input_tokens, line.output_tokens, line.images) == (50, 1056, 1)


def test_observe_call_records_the_problem_code_as_the_outcome(caplog):
    with pytest.raises(ProblemError), faults.observe_call("gemini", "gemini-3.5-flash", "chat") as record:
        record.attempts = 2
        raise faults.content_blocked("output", "SAFETY")

    [line] = caplog.records
    assert (line.levelname, line.outcome, line.attempts) == ("WARNING", "content_blocked", 2)


def test_observe_call_reports_our_own_bugs_as_internal_errors(caplog):
    with pytest.raises(KeyError), faults.observe_call("gemini", "gemini-3.5-flash", "chat"):
        raise KeyError("bug")

    assert caplog.records[0].outcome == "internal_error"


# --------------------------------------------------------------------------- imports


@pytest.mark.parametrize(
    ("module", "absent"),
    [
        ("shatably.providers.gemini", "openai"),
        ("shatably.providers.openai_provider", "google.genai"),
        ("shatably.providers.faults", "openai"),
        ("shatably.providers.faults", "google.genai"),
        ("shatably.providers.retry", "openai"),
    ],
)
def test_an_adapter_imports_only_its_own_sdk(module, absent):
    code = f"import sys, {module}; sys.exit(1 if {absent!r} in sys.modules else 0)"

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'layers' / 'common'}"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr or f"{module} imported {absent}"
