"""The one mapping from provider failures to ``ProblemError`` (reliability.md F1–F8 and T19).

Both adapters send every SDK exception and every suspicious 200 answer through here, so a 429 means
the same thing to a caller whichever provider produced it. Problems carry fixed, human-written
details: a provider's own message can echo the prompt or name the key, so it never reaches an error
body or a log line.

This module imports neither SDK at load time (a function loads only the SDK it uses): the
SDK-specific functions import their SDK when called, which only that SDK's adapter does.

``record_call`` / ``observe_call`` give every Gemini and OpenAI call the same log line and metrics: provider,
model, capability, latency, attempts, tokens, images, outcome; and what was sent as sizes and short
hashes only (``InputSummary``), never the text or the image bytes (reliability.md T16).
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Literal

import httpx2
import pydantic
from aws_lambda_powertools.metrics import MetricUnit

from shatably.errors import RETRYABLE_CODES as _TRANSIENT_CODES
from shatably.errors import ProblemError
from shatably.observability import count, fingerprint, logger, metrics
from shatably.providers.base import ImageInput, Usage

if TYPE_CHECKING:
    from google.genai import types as genai_types

Stage = Literal["input", "output"]

# Failures worth a second attempt inside one request (F1, F2, F8): the transient codes, less a
# timeout (the deadline is spent). Quota, auth, rejected requests, truncation and content blocks fail
# the same way again, and a block retried is a block paid for twice (T19).
RETRYABLE_CODES = _TRANSIENT_CODES & frozenset(
    {"upstream_rate_limited", "upstream_error", "upstream_empty_response"}
)

# Retry-After sent to our caller when the provider gave no hint.
_DEFAULT_RETRY_AFTER = {"upstream_rate_limited": 5, "upstream_quota_exhausted": 60}

# Gemini finish reasons that mean the provider's safety or policy system withheld the answer.
_GEMINI_BLOCK_FINISH = frozenset(
    {
        "SAFETY",
        "RECITATION",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "SPII",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_RECITATION",
        "MODEL_ARMOR",
    }
)
# The answer stopped at a token limit: what came before it stands, if there is any (MAX_TOKENS), or
# generation was cut for a continuation request we do not make (CONTINUATION; SDK FinishReason).
GEMINI_TRUNCATED_FINISH = frozenset({"MAX_TOKENS", "CONTINUATION"})
# Finish reasons that mean the model produced something we cannot use as an answer.
_GEMINI_MALFORMED_FINISH = frozenset(
    {"MALFORMED_FUNCTION_CALL", "MALFORMED_RESPONSE", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS"}
)
_OPENAI_BLOCK_CODES = frozenset({"moderation_blocked", "content_policy_violation"})
_OPENAI_QUOTA_CODES = frozenset({"insufficient_quota", "billing_hard_limit_reached"})
_GEMINI_AUTH_REASONS = frozenset({"API_KEY_INVALID", "API_KEY_EXPIRED", "API_KEY_SERVICE_BLOCKED"})
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")
# OpenAI's 429 message: "Please try again in 18.642s" / "in 174ms" (provider-realworld.md §6).
_TRY_AGAIN_IN = re.compile(r"try again in (\d+(?:\.\d+)?)(ms|s)\b")
# Free-tier daily quotas reset at midnight Pacific time (provider-realworld.md §1); without a tz
# database (a minimal runtime), Pacific standard time is close enough for a Retry-After.
_PACIFIC_STANDARD = timezone(timedelta(hours=-8))


class UpstreamProblem(ProblemError):
    """A provider failure: a ``ProblemError`` plus what the retry layer needs to decide.

    ``retry_delay`` is the provider's own hint in seconds (Retry-After, retry-after-ms, RetryInfo),
    kept precise for the retry; ``retry_after`` is the whole-second header our caller gets.
    """

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        retry_delay: float | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        retry_after = None
        if code in _DEFAULT_RETRY_AFTER:
            retry_after = (
                max(1, math.ceil(retry_delay)) if retry_delay is not None else _DEFAULT_RETRY_AFTER[code]
            )
        super().__init__(code, detail, retry_after=retry_after, extra=extra)
        self.retry_delay = retry_delay

    @property
    def retryable(self) -> bool:
        return self.code in RETRYABLE_CODES


# --------------------------------------------------------------------------- generic problems


def rate_limited(retry_delay: float | None = None) -> UpstreamProblem:
    return UpstreamProblem(
        "upstream_rate_limited",
        "The AI provider is rate limiting requests; try again shortly.",
        retry_delay=retry_delay,
    )


def quota_exhausted(retry_delay: float | None = None) -> UpstreamProblem:
    return UpstreamProblem(
        "upstream_quota_exhausted",
        "The AI provider quota for this service is used up.",
        retry_delay=retry_delay,
    )


def upstream_error() -> UpstreamProblem:
    return UpstreamProblem("upstream_error", "The AI provider failed to answer.")


def timed_out() -> UpstreamProblem:
    return UpstreamProblem("upstream_timeout", "The AI provider did not answer within the request's time.")


def auth_failed() -> UpstreamProblem:
    return UpstreamProblem("upstream_auth_failed", "The AI provider rejected the service's credentials.")


def rejected_request() -> UpstreamProblem:
    return UpstreamProblem("upstream_rejected_request", "The AI provider rejected the request it was sent.")


def empty_response() -> UpstreamProblem:
    return UpstreamProblem("upstream_empty_response", "The AI provider returned no answer.")


def invalid_response() -> UpstreamProblem:
    return UpstreamProblem(
        "upstream_invalid_response", "The AI provider returned an answer that could not be used."
    )


def truncated() -> UpstreamProblem:
    """The output cap was reached before any answer text: the same request would end the same way."""
    return UpstreamProblem(
        "upstream_truncated", "The AI provider used its whole output allowance before answering."
    )


def image_not_generated(reason: str) -> UpstreamProblem:
    """An image model's own failure for this prompt (Gemini ``IMAGE_OTHER``): rephrasing may help."""
    return UpstreamProblem(
        "image_not_generated",
        "The image model could not make an image from this request. Try describing it differently.",
        extra={"reason": reason.lower()},
    )


def content_blocked(stage: Stage, reason: str) -> UpstreamProblem:
    """T19: ``stage`` says whether the request or the answer was blocked; ``reason`` is a coarse enum."""
    where = "request" if stage == "input" else "result"
    return UpstreamProblem(
        "content_blocked",
        f"The AI provider's safety system blocked this {where}. Try rephrasing it.",
        extra={"stage": stage, "reason": reason.lower()},
    )


def from_status(status: int, *, retry_delay: float | None = None, quota: bool = False) -> UpstreamProblem:
    """The status-code part of the mapping, shared by both providers."""
    if status in (401, 403):
        return auth_failed()
    if status == 429:
        return quota_exhausted(retry_delay) if quota else rate_limited(retry_delay)
    if status in (408, 409) or status >= 500:
        # 408/409 are transient on both APIs (their SDKs retry them), like a 5xx.
        return upstream_error()
    return rejected_request()


def from_transport_error(exc: Exception) -> UpstreamProblem | None:
    """httpx2 failures below HTTP (both SDKs use httpx2); None for anything else."""
    if isinstance(exc, httpx2.TimeoutException):
        return timed_out()
    if isinstance(exc, httpx2.TransportError):
        return upstream_error()  # refused, reset, or cut off mid-body (F2)
    if isinstance(exc, json.JSONDecodeError | pydantic.ValidationError):
        return invalid_response()  # a 200 whose body is not the documented shape
    return None


# --------------------------------------------------------------------------- server hints


def parse_duration(value: Any) -> float | None:
    """A protobuf Duration as JSON ("53s", "0.5s") or as {"seconds", "nanos"}."""
    if isinstance(value, str):
        match = _DURATION.match(value)
        return float(match[1]) if match else None
    if isinstance(value, Mapping):
        try:
            return float(value.get("seconds", 0)) + float(value.get("nanos", 0)) / 1e9
        except (TypeError, ValueError):
            return None
    return None


def retry_delay_from_headers(headers: Mapping[str, str]) -> float | None:
    """``retry-after-ms`` (OpenAI), then ``Retry-After`` in seconds or as an HTTP date."""
    lowered = {k.lower(): v for k, v in headers.items()}
    raw_ms = lowered.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = lowered.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _gemini_error_details(body: Any) -> list[Mapping[str, Any]]:
    error = body.get("error", body) if isinstance(body, Mapping) else None
    details = error.get("details") if isinstance(error, Mapping) else None
    return [d for d in details if isinstance(d, Mapping)] if isinstance(details, list) else []


def _detail_type(detail: Mapping[str, Any]) -> str:
    return str(detail.get("@type", "")).rsplit(".", 1)[-1]


def gemini_retry_delay(body: Any) -> float | None:
    """``RetryInfo.retryDelay`` from a Google error body (the SDK ignores it: providers.md §4)."""
    for detail in _gemini_error_details(body):
        if _detail_type(detail) == "RetryInfo":
            return parse_duration(detail.get("retryDelay"))
    return None


def gemini_quota_ids(body: Any) -> list[str]:
    """Every ``QuotaFailure`` violation's ``quotaId`` (provider-realworld.md §1)."""
    return [
        str(violation.get("quotaId", ""))
        for detail in _gemini_error_details(body)
        if _detail_type(detail) == "QuotaFailure"
        for violation in detail.get("violations") or []
        if isinstance(violation, Mapping)
    ]


def gemini_daily_quota(body: Any) -> bool:
    """True when a 429 is a per-day quota (or a model with no free quota at all), not a rate limit.

    Only ``quotaId`` tells the two apart (``…PerDay…`` vs ``…PerMinute…``): the metric is the same
    and a per-day 429 carries a short ``RetryInfo`` too (provider-realworld.md §1c). ``limit: 0`` in
    the message is a refusal: the model is not on this tier (§1e).
    """
    if any("PerDay" in quota_id for quota_id in gemini_quota_ids(body)):
        return True
    error = body.get("error", body) if isinstance(body, Mapping) else None
    message = str(error.get("message", "")) if isinstance(error, Mapping) else ""
    return re.search(r"\blimit: 0\b", message) is not None


def seconds_to_daily_reset(now: datetime | None = None) -> float:
    """Seconds until the next midnight, Pacific time, when Gemini's daily quotas reset."""
    try:
        from zoneinfo import ZoneInfo

        pacific: Any = ZoneInfo("America/Los_Angeles")
    except Exception:  # no tz database in this runtime
        pacific = _PACIFIC_STANDARD
    local = (now or datetime.now(UTC)).astimezone(pacific)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1.0, (midnight - local).total_seconds())


def openai_message_delay(message: str) -> float | None:
    """The wait in an OpenAI rate-limit message ("Please try again in 18.642s"), when no header says."""
    match = _TRY_AGAIN_IN.search(message)
    if match is None:
        return None
    value = float(match[1])
    return value / 1000 if match[2] == "ms" else value


# --------------------------------------------------------------------------- Gemini


def from_gemini_exception(exc: Exception) -> UpstreamProblem | None:
    """Map what ``client.aio.models.generate_content`` raised; None if it is not a provider failure."""
    from google.genai import errors  # the Gemini adapter is the only caller and has it loaded

    if not isinstance(exc, errors.APIError):
        return from_transport_error(exc)
    details = _gemini_error_details(exc.details)
    reasons = {str(d.get("reason", "")) for d in details if _detail_type(d) == "ErrorInfo"}
    if reasons & _GEMINI_AUTH_REASONS:
        return auth_failed()  # a bad key arrives as 400 INVALID_ARGUMENT, not 401
    status = int(exc.code or 500)
    if status == 429 and gemini_daily_quota(exc.details):
        # A short RetryInfo on a daily quota would only buy another refusal: wait for the reset.
        return quota_exhausted(seconds_to_daily_reset())
    headers = exc.response.headers if exc.response is not None else {}
    delay = gemini_retry_delay(exc.details)
    if delay is None:
        delay = retry_delay_from_headers(headers)
    # A per-minute QuotaFailure (with its RetryInfo) is a rate limit: worth one wait and a retry.
    return from_status(status, retry_delay=delay)


def check_gemini_response(
    response: genai_types.GenerateContentResponse, *, want_image: bool = False
) -> tuple[list[genai_types.Part], str | None]:
    """The first candidate's parts and finish reason, or the problem a 200 answer really is.

    A Gemini block is a 200 (providers.md §2.3): a prompt block has no candidates and a
    ``promptFeedback.blockReason``; an answer block has a ``finishReason`` and usually no content.
    """
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        raise content_blocked("input", _enum_name(feedback.block_reason))
    if not response.candidates:
        raise empty_response()
    candidate = response.candidates[0]
    finish = _enum_name(candidate.finish_reason) if candidate.finish_reason is not None else None
    if finish is not None and finish in _GEMINI_BLOCK_FINISH:
        raise content_blocked("output", finish)
    if finish in _GEMINI_MALFORMED_FINISH:
        raise invalid_response()
    if finish == "IMAGE_OTHER":
        raise image_not_generated(finish)  # "could not generate the image based on the prompt" (§4)
    # Interim thought parts (``thought: true``: summaries, draft images) are never the answer (§4).
    every_part = candidate.content.parts if candidate.content is not None else None
    parts = [p for p in every_part or [] if not p.thought]
    if not parts:
        # The cap was spent on thinking (§3): the same request ends the same way; not retried.
        if finish in GEMINI_TRUNCATED_FINISH:
            raise truncated()
        raise empty_response()
    if want_image and not any(p.inline_data is not None and p.inline_data.data for p in parts):
        # Text alone from an image model (NO_IMAGE, or no reason given): it declined or only
        # commented (providers.md §2.6); not a safety block, and another attempt may draw.
        raise empty_response()
    return parts, finish


def _enum_name(value: Any) -> str:
    return str(getattr(value, "value", value)).upper()


# --------------------------------------------------------------------------- OpenAI


def from_openai_exception(exc: Exception) -> UpstreamProblem | None:
    """Map what an ``openai.AsyncOpenAI`` call raised; None if it is not a provider failure."""
    import openai  # the OpenAI adapter is the only caller and has it loaded

    if isinstance(exc, openai.APIStatusError):
        code = str(exc.code or "")
        if code in _OPENAI_BLOCK_CODES:
            return content_blocked("input", code)  # the safety system refused the request (T19)
        # insufficient_quota is a 429 too, but only billing can end it: never retried (§6).
        quota = code in _OPENAI_QUOTA_CODES or str(exc.type or "") in _OPENAI_QUOTA_CODES
        delay = retry_delay_from_headers(exc.response.headers)
        if delay is None and exc.status_code == 429 and not quota:
            error = exc.body.get("error", exc.body) if isinstance(exc.body, Mapping) else None
            if isinstance(error, Mapping):
                delay = openai_message_delay(str(error.get("message", "")))
        return from_status(exc.status_code, retry_delay=delay, quota=quota)
    if isinstance(exc, openai.APITimeoutError):
        return timed_out()
    if isinstance(exc, openai.APIConnectionError):
        return upstream_error()
    if isinstance(exc, openai.APIResponseValidationError):
        return invalid_response()
    return from_transport_error(exc)


# --------------------------------------------------------------------------- observability


@dataclass(frozen=True)
class InputSummary:
    """What a provider call sends, as sizes and short hashes: enough to correlate and debug a call
    (the same prompt, the same photo), nothing that reveals the prompt or the image."""

    prompt_chars: int = 0
    prompt_sha: str | None = None
    input_images: int = 0
    input_image_bytes: int = 0
    input_image_shas: tuple[str, ...] = ()

    @classmethod
    def of(cls, prompt: str | None = None, images: Iterable[ImageInput | None] = ()) -> InputSummary:
        sent = [image for image in images if image is not None]
        return cls(
            prompt_chars=len(prompt or ""),
            prompt_sha=fingerprint(prompt) if prompt else None,
            input_images=len(sent),
            input_image_bytes=sum(len(image.data) for image in sent),
            input_image_shas=tuple(fingerprint(image.data) for image in sent),
        )

    def fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"prompt_chars": self.prompt_chars, "input_images": self.input_images}
        if self.prompt_sha:
            fields["prompt_sha"] = self.prompt_sha
        if self.input_images:
            fields["input_image_bytes"] = self.input_image_bytes
            fields["input_image_shas"] = list(self.input_image_shas)
        return fields


@dataclass
class CallRecord:
    """What one logical provider call did; filled in while it runs, recorded when it ends."""

    provider: str
    model: str
    capability: str
    attempts: int = 0  # requests sent (n images from Gemini are n requests)
    retries: int = 0  # of those, the ones that repeated a failed request
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None
    retried_after: str | None = None  # the code of the failure that was retried
    inputs: InputSummary | None = None


def record_call(
    *,
    provider: str,
    model: str,
    capability: str,
    latency_ms: float,
    outcome: str,
    usage: Usage | None = None,
    attempts: int = 1,
    retries: int = 0,
    finish_reason: str | None = None,
    retried_after: str | None = None,
    inputs: InputSummary | None = None,
) -> None:
    """One log line and the metrics for a provider call. Only names, numbers, codes and hashes."""
    usage = usage or Usage()
    fields: dict[str, Any] = {
        "provider": provider,
        "model": model,
        "capability": capability,
        "latency_ms": round(latency_ms, 1),
        "attempts": attempts,
        "retries": retries,
        "outcome": outcome,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "images": usage.images,
        "reasoning_tokens": usage.reasoning_tokens,
        "cached_tokens": usage.cached_tokens,
    }
    if finish_reason:
        fields["finish_reason"] = finish_reason
    if retried_after:
        fields["retried_after"] = retried_after
    if inputs is not None:
        fields |= inputs.fields()
    if outcome == "ok":
        logger.info("provider call", extra=fields)
    else:
        logger.warning("provider call failed", extra=fields)

    count("ProviderCall", provider=provider, model=model, capability=capability, outcome=outcome)
    metrics.add_metric(name="ProviderLatency", unit=MetricUnit.Milliseconds, value=latency_ms)
    if usage.input_tokens or usage.output_tokens:
        count("ProviderInputTokens", usage.input_tokens)
        count("ProviderOutputTokens", usage.output_tokens)
    if usage.reasoning_tokens:
        count("ProviderReasoningTokens", usage.reasoning_tokens)
    if usage.cached_tokens:
        # With ProviderInputTokens, the share of prompts the providers' caches served (issue 13, 5).
        count("ProviderCachedTokens", usage.cached_tokens)
    if usage.images:
        count("ProviderImages", usage.images)
    if retries:
        count("ProviderRetry", retries)
    if outcome == "content_blocked":
        count("ContentBlocked")


@contextmanager
def observe_call(
    provider: str, model: str, capability: str, inputs: InputSummary | None = None
) -> Iterator[CallRecord]:
    """Time the block and ``record_call`` it, with the ``ProblemError`` code as the outcome."""
    record = CallRecord(provider=provider, model=model, capability=capability, inputs=inputs)
    started = time.perf_counter()
    outcome = "internal_error"  # anything not a ProblemError is our bug, and is reported as one
    try:
        yield record
        outcome = "ok"
    except ProblemError as exc:
        outcome = exc.code
        raise
    except asyncio.CancelledError:
        outcome = "cancelled"  # a sibling failed or the caller gave up: not this provider's fault
        raise
    finally:
        record_call(
            provider=provider,
            model=model,
            capability=capability,
            latency_ms=(time.perf_counter() - started) * 1000,
            outcome=outcome,
            usage=record.usage,
            attempts=max(record.attempts, 1),
            retries=record.retries,
            finish_reason=record.finish_reason,
            retried_after=record.retried_after,
            inputs=record.inputs,
        )
