"""What the real Gemini and OpenAI APIs send, as the fake replays it: every shape names its source.

Sources are the sections of the team's reference ``provider-realworld.md`` (cited ``rw §N``) and
``providers.md`` (``pr §N``), each of which names the issue thread, log or SDK file it was copied
from; the tags say how strong the evidence is ([REAL] a captured reply, [SDK] the installed SDK,
[DOC] official docs, [3P] third party, [RECON] built from the fields of real ones). Where the
reference gives a rule but no wording, the docstring says the message is illustrative.

``tests/fakes/realworld_examples.json`` holds the reference's examples verbatim; the contract test
(``tests/integration/test_provider_contract.py``) checks that the fake reproduces each one.
"""

from __future__ import annotations

import math
from typing import Any

from tests.fakes.provider_reply import Reply

# --------------------------------------------------------------------------- Gemini errors

_GEMINI_QUOTA_MESSAGE = (
    "You exceeded your current quota, please check your plan and billing details. For more "
    "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits."
)
_GEMINI_HELP = {
    "@type": "type.googleapis.com/google.rpc.Help",
    "links": [
        {
            "description": "Learn more about Gemini API quotas",
            "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
        }
    ],
}
# quotaId -> quotaMetric (rw §1, "quotaId strings seen"): the metric does not tell minute from day.
GEMINI_QUOTA_METRICS = {
    "GenerateRequestsPerMinutePerProjectPerModel-FreeTier": "generate_content_free_tier_requests",
    "GenerateRequestsPerDayPerProjectPerModel-FreeTier": "generate_content_free_tier_requests",
    "GenerateContentInputTokensPerModelPerMinute-FreeTier": "generate_content_free_tier_input_token_count",
    "GenerateContentInputTokensPerModelPerDay-FreeTier": "generate_content_free_tier_input_token_count",
    "GenerateContentPaidTierInputTokensPerModelPerMinute": "generate_content_paid_tier_input_token_count",
    "GenerateContentPaidTierInputTokensPerModelPerMinute-PaidTier2": (
        "generate_content_paid_tier_2_input_token_count"
    ),
}
PER_MINUTE = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
PER_DAY = "GenerateRequestsPerDayPerProjectPerModel-FreeTier"


def gemini_quota_429(
    model: str,
    quota_ids: tuple[str, ...] = (PER_MINUTE,),
    *,
    limit: int | None = 10,
    retry_in: float = 26.0,
    style: str = "2026",
) -> Reply:
    """A 429 RESOURCE_EXHAUSTED with QuotaFailure and RetryInfo.

    ``style="2026"`` [REAL rw §1c, sudofx/wake artifact]: the message names each violated metric and
    "Please retry in Xs.", details are Help, QuotaFailure, RetryInfo. ``style="2025-06"`` [REAL rw §1a,
    Roo-Code#3883]: the short message, details QuotaFailure, Help, RetryInfo. ``limit=None`` leaves
    ``quotaValue`` out (rw §1d, python-genai#2044). Per-minute and per-day differ only in ``quotaId``,
    and both carry RetryInfo (rw §1, "How to tell"). ``retryDelay`` is the delay in whole seconds
    (rw §1b: "rounded down"). No Retry-After header (rw §0).
    """
    violations = []
    for quota_id in quota_ids:
        violation: dict[str, Any] = {
            "quotaMetric": f"generativelanguage.googleapis.com/{GEMINI_QUOTA_METRICS[quota_id]}",
            "quotaId": quota_id,
            "quotaDimensions": {"location": "global", "model": model},
        }
        if limit is not None:
            violation["quotaValue"] = str(limit)  # a string on the wire (rw §1)
        violations.append(violation)
    quota_failure: dict[str, Any] = {
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        "violations": violations,
    }
    retry_info: dict[str, Any] = {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        "retryDelay": f"{math.floor(retry_in)}s",
    }
    if style == "2025-06":
        message = _GEMINI_QUOTA_MESSAGE
        details = [quota_failure, _GEMINI_HELP, retry_info]
    else:
        shown_limit = limit if limit is not None else 0
        lines = [
            f"* Quota exceeded for metric: {v['quotaMetric']}, limit: {shown_limit}, model: {model}"
            for v in violations
        ]
        message = (
            f"{_GEMINI_QUOTA_MESSAGE} To monitor your current usage, head to: https://ai.dev/rate-limit. \n"
            + "\n".join(lines)
            + f"\nPlease retry in {_seconds_text(retry_in)}s."
        )
        details = [_GEMINI_HELP, quota_failure, retry_info]
    return _gemini(429, "RESOURCE_EXHAUSTED", message, details)


def gemini_bare_429() -> Reply:
    """[REAL rw §1g, python-genai#2065, paid Tier 1]: no details at all."""
    return _gemini(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).")


def gemini_overloaded_503(*, wording: str = "2025") -> Reply:
    """[REAL rw §2, gemini-cli#12831/#5191]; the 2026 wording from the sudofx/wake artifact."""
    message = (
        "The model is overloaded. Please try again later."
        if wording == "2025"
        else "This model is currently experiencing high demand. Spikes in demand are usually temporary. "
        "Please try again later."
    )
    return _gemini(503, "UNAVAILABLE", message)


def gemini_internal_500() -> Reply:
    """[REAL rw §2, PublicAffairs/openai-gemini#15, gemini-cli#7586]."""
    return _gemini(
        500,
        "INTERNAL",
        "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting",
    )


def gemini_invalid_key_400() -> Reply:
    """[REAL rw §2, continuedev/continue#8516]: a bad key is a 400 with ErrorInfo API_KEY_INVALID."""
    message = "API key not valid. Please pass a valid API key."
    return _gemini(
        400,
        "INVALID_ARGUMENT",
        message,
        [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            },
            {
                "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                "locale": "en-US",
                "message": message,
            },
        ],
    )


def gemini_leaked_key_403() -> Reply:
    """[REAL rw §2, continuedev/continue#11541]."""
    return _gemini(
        403, "PERMISSION_DENIED", "Your API key was reported as leaked. Please use another API key."
    )


def gemini_model_not_found_404(model: str, version: str = "v1beta") -> Reply:
    """[REAL rw §2, google/adk-python#200, swuecho/chat#597]."""
    return _gemini(
        404,
        "NOT_FOUND",
        f"models/{model} is not found for API version {version}, or is not supported for generateContent. "
        "Call ListModels to see the list of available models and their supported methods.",
    )


def gemini_invalid_argument_400(
    message: str, field_violations: list[tuple[str | None, str]] | None = None
) -> Reply:
    """400 INVALID_ARGUMENT (messages as in the rw §2 table); with ``field_violations`` a BadRequest
    detail, ``field`` left out for top-level fields [REAL rw §2, the unknown-field example]."""
    details = None
    if field_violations:
        violations = []
        for field_name, description in field_violations:
            violation: dict[str, str] = {"description": description}
            if field_name:
                violation = {"field": field_name, **violation}
            violations.append(violation)
        details = [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": violations}]
    return _gemini(400, "INVALID_ARGUMENT", message, details)


def gemini_unknown_field_400(name: str, at: str | None) -> Reply:
    """[REAL rw §2, gera2ld/ai.nvim#13]: "Invalid JSON payload received. Unknown name "x" at 'y': …"."""
    where = f" at '{at}'" if at else ""
    message = f'Invalid JSON payload received. Unknown name "{name}"{where}: Cannot find field.'
    return gemini_invalid_argument_400(message, [(at, message)])


def _gemini(status: int, rpc_status: str, message: str, details: list[dict[str, Any]] | None = None) -> Reply:
    # The envelope {"error": {code, message, status, details?}} (rw §0).
    error: dict[str, Any] = {"code": status, "message": message, "status": rpc_status}
    if details:
        error["details"] = details
    return Reply(status=status, body={"error": error})


def _seconds_text(value: float) -> str:
    return f"{value:.9f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- OpenAI errors


def openai_rate_limit_429(
    model: str,
    *,
    kind: str = "tokens",
    limit: int = 30000,
    used: int = 14567,
    requested: int = 24754,
    retry_in: str = "18.642s",
    headers: bool = True,
) -> Reply:
    """A rate-limit 429: message [REAL rw §6, semanser/codel#72], type/code [REAL DrShushen/climb#13]
    (the reference's body is that composite). With ``headers`` the documented ``x-ratelimit-*`` set
    (rw §6 table) and ``retry-after-ms`` (rw §0); without, like the real Responses-API 429 that had
    neither (openai/openai-node#1477)."""
    per = "tokens per min (TPM)" if kind == "tokens" else "requests per min (RPM)"
    message = (
        f"Rate limit reached for {model} in organization org-XXXX on {per}: Limit {limit}, Used {used}, "
        f"Requested {requested}. Please try again in {retry_in}. Visit "
        "https://platform.openai.com/account/rate-limits to learn more."
    )
    extra: dict[str, str] = {}
    if headers:
        seconds = float(retry_in[:-2]) / 1000 if retry_in.endswith("ms") else float(retry_in[:-1])
        extra = {
            "x-ratelimit-limit-requests": "60",
            "x-ratelimit-limit-tokens": str(limit),
            "x-ratelimit-remaining-requests": "59",
            "x-ratelimit-remaining-tokens": str(max(0, limit - used)),
            "x-ratelimit-reset-requests": "1s",
            "x-ratelimit-reset-tokens": "6m0s",
            "retry-after-ms": str(round(seconds * 1000)),
        }
    return _openai(429, message, kind, "rate_limit_exceeded", headers=extra)


def openai_insufficient_quota_429() -> Reply:
    """[REAL rw §6, ChatGPTNextWeb/NextChat#3664, gpt-pilot#340]: a 429 that no wait cures."""
    return _openai(
        429,
        "You exceeded your current quota, please check your plan and billing details. For more information "
        "on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
        "insufficient_quota",
        "insufficient_quota",
    )


def openai_moderation_400(
    categories: tuple[str, ...] = ("sexual",), request_id: str = "b68e1d8f-31a3-4a04-aa41-bf442d857ccd"
) -> Reply:
    """[REAL rw §6, ucx0204/CarrotMangaTranslator#122, jeffstric/ZJT#480]."""
    reply = _openai(
        400,
        "Your request was rejected by the safety system. If you believe this is an error, contact us at "
        f"help.openai.com and include the request ID {request_id}. "
        f"safety_violations=[{', '.join(categories)}].",
        "image_generation_user_error",
        "moderation_blocked",
    )
    reply.body["error"]["moderation_details"] = {"moderation_stage": "output", "categories": list(categories)}
    return reply


def openai_invalid_size_400(size: str, supported: tuple[str, ...]) -> Reply:
    """[REAL rw §6]: "Invalid value: '512x512'. Supported values are: …", param size, code invalid_value."""
    quoted = [f"'{value}'" for value in supported]
    listed = ", ".join(quoted[:-1]) + f", and {quoted[-1]}" if len(quoted) > 1 else quoted[0]
    return _openai(
        400,
        f"Invalid value: '{size}'. Supported values are: {listed}.",
        "invalid_request_error",
        "invalid_value",
        "size",
    )


def openai_invalid_value_400(param: str, message: str) -> Reply:
    """A rule the reference states (rw §7) without the API's wording: the envelope and ``code`` are
    real (rw §6), the message is illustrative."""
    return _openai(400, message, "invalid_request_error", "invalid_value", param)


def openai_billing_limit_400() -> Reply:
    """[REAL rw §6, dfinke/PowerShellAI#127]: on images a 400, not a 429 (field order as captured)."""
    body = {
        "error": {
            "code": "billing_hard_limit_reached",
            "message": "Billing hard limit has been reached",
            "param": None,
            "type": "invalid_request_error",
        }
    }
    return Reply(status=400, body=body)


def openai_unsupported_parameter_400(param: str, instead: str) -> Reply:
    """[REAL rw §6]: ``max_tokens`` on a reasoning model."""
    return _openai(
        400,
        f"Unsupported parameter: '{param}' is not supported with this model. Use '{instead}' instead.",
        "invalid_request_error",
        "unsupported_parameter",
        param,
    )


def openai_unsupported_value_400(param: str, value: Any, only_default: Any | None = None) -> Reply:
    """[REAL quote rw §6]: "Unsupported value: 'temperature' does not support 0.2 with this model. Only
    the default (1) value is supported."; ``code`` presumed ``unsupported_value`` (rw §6: not seen)."""
    shown = f"'{value}'" if isinstance(value, str) else str(value)
    message = f"Unsupported value: '{param}' does not support {shown} with this model."
    if only_default is not None:
        message += f" Only the default ({only_default}) value is supported."
    return _openai(400, message, "invalid_request_error", "unsupported_value", param)


def openai_model_not_found_404(model: str) -> Reply:
    """type/code as in providers.md §3.5 (``model_not_found``); the message wording is illustrative."""
    return _openai(
        404,
        f"The model `{model}` does not exist or you do not have access to it.",
        "invalid_request_error",
        "model_not_found",
    )


def openai_server_error_500(*, request_id: str | None = None) -> Reply:
    """Old wording [REAL rw §6, LlmKira/Openaibot#177]; with ``request_id`` the newer one
    [REAL openai/openai-node#1730]."""
    if request_id is None:
        message = "The server had an error while processing your request. Sorry about that!"
        return _openai(500, message, "server_error", None)
    message = (
        "An error occurred while processing your request. You can retry your request, or contact us "
        "through our help center at help.openai.com if the error persists. Please include the request ID "
        f"{request_id} in your message."
    )
    return _openai(500, message, "server_error", "server_error")


def openai_overloaded_503() -> Reply:
    """[REAL rw §6, Wei-Shaw/sub2api#6631, 2026] (field order as captured)."""
    body = {
        "error": {
            "code": "server_is_overloaded",
            "message": "Our servers are currently overloaded. Please try again later.",
            "param": None,
            "type": "service_unavailable_error",
        }
    }
    return Reply(status=503, body=body)


def _openai(
    status: int,
    message: str,
    error_type: str,
    code: str | None,
    param: str | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> Reply:
    # The envelope {"error": {message, type, param, code}} (rw §6, pr §3.5).
    body = {"error": {"message": message, "type": error_type, "param": param, "code": code}}
    return Reply(status=status, body=body, headers=dict(headers or {}))
