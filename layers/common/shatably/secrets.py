"""Provider keys: from the environment when set (local), else the SSM SecureString it names (DESIGN D12).

Values are cached for five minutes by Powertools parameters and never logged.
"""

from __future__ import annotations

from shatably.errors import ProblemError
from shatably.settings import ProviderName, get_settings

_MAX_AGE_SECONDS = 300
_RETRY_AFTER_SECONDS = 5


def get_api_key(provider: ProviderName) -> str:
    env_key, param_name = get_settings().key_source(provider)
    if env_key:
        return env_key
    if not param_name:
        raise ProblemError("config_unavailable", detail=f"No API key is configured for {provider}.")
    from aws_lambda_powertools.utilities import parameters

    try:
        value = parameters.get_parameter(param_name, decrypt=True, max_age=_MAX_AGE_SECONDS)
    except Exception as exc:  # SSM down, throttled, missing: all one answer to the caller
        raise ProblemError(
            "config_unavailable",
            detail=f"The {provider} API key could not be read.",
            retry_after=_RETRY_AFTER_SECONDS,  # a 503 says when to come back (reliability P8)
        ) from exc
    if not isinstance(value, str) or not value.strip():
        raise ProblemError("config_unavailable", detail=f"The {provider} API key is empty.")
    return value.strip()


def clear_cache() -> None:
    try:
        from aws_lambda_powertools.utilities import parameters
    except ImportError:  # pragma: no cover - powertools is a layer dependency
        return
    parameters.clear_caches()  # type: ignore[no-untyped-call]
