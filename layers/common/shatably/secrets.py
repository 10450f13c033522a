"""Provider keys: from the environment when set (local), else the SSM SecureString it names (DESIGN D12).

Values are cached for five minutes by Powertools parameters and never logged. A key that cannot be
read logs one line an operator can act on (the parameter's name and the AWS error code, never the
value) and counts ``ConfigFault``: a wrong parameter name or IAM policy is otherwise invisible. Such
a fault is permanent (a job fails at once, no ``Retry-After``); SSM throttled or unreachable is
transient (a job is retried, the caller told when to come back).

Imports run one way: secrets uses settings and the AWS clients; neither imports secrets.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from shatably.errors import ProblemError
from shatably.observability import count, logger
from shatably.settings import ProviderName, Settings, get_settings

_MAX_AGE_SECONDS = 300
_RETRY_AFTER_SECONDS = 5
# SSM's answers that no later attempt changes until someone fixes the configuration: no such
# parameter (or version), an invalid name, a SecureString whose KMS key is wrong, a policy that
# denies the read. Anything else (throttling, a 500, no connection, a timeout) passes, so it is
# retried; an unknown code counts as passing rather than failing a job for good on a guess.
_PERMANENT_SSM_CODES = frozenset(
    {
        "ParameterNotFound",
        "ParameterVersionNotFound",
        "ValidationException",
        "InvalidKeyId",
        "AccessDeniedException",
    }
)

# The settings the cached SSM provider was built under; new settings (a test, a SnapStart restore
# calling ``reset_settings``) start a fresh cache, so settings never has to reach back into secrets.
_cached_for: Settings | None = None


def get_api_key(provider: ProviderName) -> str:
    settings = get_settings()
    env_key, param_name = settings.key_source(provider)
    if env_key:
        return env_key
    if not param_name:
        _config_fault(provider, None, "NotConfigured")
        raise ProblemError("config_unavailable", detail=f"No API key is configured for {provider}.")
    try:
        value = _ssm_for(settings).get(param_name, decrypt=True, max_age=_MAX_AGE_SECONDS)
    except Exception as exc:  # SSM down, throttled, missing, denied: one code to the caller
        error_code = _error_code(exc)
        _config_fault(provider, param_name, error_code)
        if error_code in _PERMANENT_SSM_CODES:  # no Retry-After: coming back will not help
            raise ProblemError(
                "config_unavailable", detail=f"The {provider} API key is not configured.", transient=False
            ) from exc
        raise ProblemError(
            "config_unavailable",
            detail=f"The {provider} API key could not be read.",
            retry_after=_RETRY_AFTER_SECONDS,  # a 503 says when to come back (reliability P8)
            transient=True,
        ) from exc
    if not isinstance(value, str) or not value.strip():
        _config_fault(provider, param_name, "EmptyValue")
        raise ProblemError("config_unavailable", detail=f"The {provider} API key is empty.")
    return value.strip()


def _error_code(exc: BaseException) -> str:
    """The AWS error code (``ParameterNotFound``, ``AccessDeniedException``...) behind a failure.

    Powertools wraps the botocore error in ``GetParameterError``; the original is its cause.
    """
    seen: BaseException | None = exc
    while seen is not None:
        response = getattr(seen, "response", None)
        if isinstance(response, dict):
            code = (response.get("Error") or {}).get("Code")
            if code:
                return str(code)
        seen = seen.__cause__ or seen.__context__
    return type(exc).__name__


def _config_fault(provider: str, parameter: str | None, error_code: str) -> None:
    # Names and codes only: the value, and the exception text (which may quote a request), stay out.
    logger.error(
        "provider key unavailable",
        extra={"provider": provider, "parameter": parameter, "error_code": error_code},
    )
    count("ConfigFault", provider=provider, error_code=error_code)


def _ssm_for(settings: Settings) -> Any:
    global _cached_for
    if _cached_for is not settings:
        _ssm.cache_clear()
        _cached_for = settings
    return _ssm()


@lru_cache(maxsize=1)
def _ssm() -> Any:
    """Powertools' SSM provider on the layer's own client: the same bounded timeouts and standard
    retries as every other AWS call, instead of a second session with boto3's defaults (60 s reads)."""
    from aws_lambda_powertools.utilities.parameters import SSMProvider

    from shatably.storage.aws import client

    return SSMProvider(boto3_client=client("ssm"))


def clear_cache() -> None:
    """Forget cached values and the provider (and so its client)."""
    global _cached_for
    _ssm.cache_clear()
    _cached_for = None
