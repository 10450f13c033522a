"""The fault → problem mapping, server hints, and the one log line per provider call."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
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


def _quota_body(*quota_ids: str, message: str = "") -> dict[str, object]:
    violations = [{"quotaId": quota_id} for quota_id in quota_ids]
    return {
        "error": {
            "code": 429,
            "message": message,
            "details": [{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": violations}],
        }
    }


@pytest.mark.parametrize(
    ("body", "daily"),
    [
        # rw §1: only quotaId tells a day from a minute; the metric is the same for both.
        (_quota_body("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"), False),
        (_quota_body("GenerateRequestsPerDayPerProjectPerModel-FreeTier"), True),
        (_quota_body("GenerateContentInputTokensPerModelPerDay-FreeTier"), True),
        (_quota_body("GenerateContentPaidTierInputTokensPerModelPerMinute-PaidTier2"), False),
        # rw §1d: several at once, one of them per-day.
        (
            _quota_body(
                "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
            ),
            True,
        ),
        # rw §1e: "limit: 0" (no free quota for this model) whatever the quotaId says.
        (
            _quota_body(
                "GenerateContentInputTokensPerModelPerMinute-FreeTier",
                message="* Quota exceeded for metric: m, limit: 0, model: gemini-2.5-pro",
            ),
            True,
        ),
        (_quota_body(message="* Quota exceeded for metric: m, limit: 10, model: x"), False),
        ({"error": {"code": 429, "message": "Resource has been exhausted (e.g. check quota)."}}, False),
    ],
)
def test_a_daily_gemini_quota_is_told_from_a_rate_limit(body, daily):
    assert faults.gemini_daily_quota(body) is daily


@pytest.mark.parametrize(
    ("now", "seconds"),
    [
        # 07:00 UTC on 6 December is 23:00 PST (UTC-8): midnight Pacific is one hour away.
        (datetime(2026, 12, 6, 7, 0, tzinfo=UTC), 3600.0),
        # 06:30 UTC on 1 July is 23:30 PDT (UTC-7): half an hour away.
        (datetime(2026, 7, 1, 6, 30, tzinfo=UTC), 1800.0),
        # 08:00 UTC on 6 December is 00:00 PST: the next reset is a whole day away.
        (datetime(2026, 12, 6, 8, 0, tzinfo=UTC), 86400.0),
    ],
)
def test_daily_quotas_reset_at_midnight_pacific(now, seconds):
    assert faults.seconds_to_daily_reset(now) == seconds


@pytest.mark.parametrize(
    ("message", "delay"),
    [
        ("Rate limit reached ... Please try again in 18.642s. Visit https://...", 18.642),
        ("Please try again in 174ms.", 0.174),
        ("You exceeded your current quota, please check your plan and billing details.", None),
    ],
)
def test_openai_rate_limit_messages_carry_the_wait(message, delay):
    assert faults.openai_message_delay(message) == delay


def test_settings_import_neither_secrets_nor_aws():
    """Imports run one way: secrets uses settings and AWS clients, never the reverse (issue 13, 6)."""
    code = (
        "import sys, shatably.settings; "
        "print(sorted(m for m in sys.modules if m in ('shatably.secrets', 'shatably.storage.aws')))"
    )
    env = {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'layers' / 'common'}"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"
    source = (REPO / "layers" / "common" / "shatably" / "settings.py").read_text()
    assert "shatably.secrets" not in source and "import secrets" not in source


def test_new_settings_forget_cached_keys():
    """reset_settings no longer reaches into secrets; secrets notices new settings itself."""
    from shatably import secrets
    from shatably.settings import get_settings, reset_settings

    first = secrets._ssm_for(get_settings())
    assert secrets._ssm_for(get_settings()) is first
    reset_settings()
    assert secrets._ssm_for(get_settings()) is not first


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
