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
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Literal

import httpx2
import pydantic
from aws_lambda_powertools.metrics import MetricUnit

from shatably.errors import ProblemError
from shatably.observability import count, fingerprint, logger, metrics
from shatably.providers.base import ImageInput, Usage

if TYPE_CHECKING:
    from google.genai import types as genai_types

Stage = Literal["input", "output"]

# Failures worth a second attempt (F1, F2, F8). Quota, auth, rejected requests and content blocks
# fail the same way again, and a block retried is a block paid for twice (T19).
RETRYABLE_CODES = frozenset({"upstream_rate_limited", "upstream_error", "upstream_empty_response"})

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
        "NO_IMAGE",
        "MODEL_ARMOR",
    }
)
# Finish reasons that mean the model produced something we cannot use as an answer.
_GEMINI_MALFORMED_FINISH = frozenset(
    {"MALFORMED_FUNCTION_CALL", "MALFORMED_RESPONSE", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS"}
)
_OPENAI_BLOCK_CODES = frozenset({"moderation_blocked", "content_policy_violation"})
_OPENAI_QUOTA_CODES = frozenset({"insufficient_quota", "billing_hard_limit_reached"})
_GEMINI_AUTH_REASONS = frozenset({"API_KEY_INVALID", "API_KEY_EXPIRED", "API_KEY_SERVICE_BLOCKED"})
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


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


# --------------------------------------------------------------------------- Gemini


def from_gemini_exception(exc: Exception) -> UpstreamProblem | None:
    """Map what ``client.aio.models.generate_content`` raised; None if it is not a provider failure."""
    from google.genai import errors  # the Gemini adapter is the only caller and has it loaded

    if not isinstance(exc, errors.APIError):
        return from_transport_error(exc)
    details = _gemini_error_details(exc.details)
    detail_types = {_detail_type(d) for d in details}
    reasons = {str(d.get("reason", "")) for d in details if _detail_type(d) == "ErrorInfo"}
    if reasons & _GEMINI_AUTH_REASONS:
        return auth_failed()  # a bad key arrives as 400 INVALID_ARGUMENT, not 401
    headers = exc.response.headers if exc.response is not None else {}
    delay = gemini_retry_delay(exc.details)
    if delay is None:
        delay = retry_delay_from_headers(headers)
    return from_status(int(exc.code or 500), retry_delay=delay, quota="QuotaFailure" in detail_types)


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
    parts = candidate.content.parts if candidate.content is not None else None
    if not parts:
        raise empty_response()
    if want_image and not any(p.inline_data is not None and p.inline_data.data for p in parts):
        # Text alone from an image model: it declined or only commented (providers.md §2.6).
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
        quota = code in _OPENAI_QUOTA_CODES or str(exc.type or "") in _OPENAI_QUOTA_CODES
        delay = retry_delay_from_headers(exc.response.headers)
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
    if outcome not in ("ok", "content_blocked"):  # a refusal is the provider working as meant
        count("ProviderErrors", provider=provider, outcome=outcome)  # the error rate alarms
    metrics.add_metric(name="ProviderLatency", unit=MetricUnit.Milliseconds, value=latency_ms)
    if usage.input_tokens or usage.output_tokens:
        count("ProviderInputTokens", usage.input_tokens)
        count("ProviderOutputTokens", usage.output_tokens)
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
