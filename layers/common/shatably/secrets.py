"""Provider keys: from the environment when set (local), else the SSM SecureString it names (DESIGN D12).

Values are cached for five minutes by Powertools parameters and never logged.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

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
    try:
        value = _ssm().get(param_name, decrypt=True, max_age=_MAX_AGE_SECONDS)
    except Exception as exc:  # SSM down, throttled, missing: all one answer to the caller
        raise ProblemError(
            "config_unavailable",
            detail=f"The {provider} API key could not be read.",
            retry_after=_RETRY_AFTER_SECONDS,  # a 503 says when to come back (reliability P8)
        ) from exc
    if not isinstance(value, str) or not value.strip():
        raise ProblemError("config_unavailable", detail=f"The {provider} API key is empty.")
    return value.strip()


@lru_cache(maxsize=1)
def _ssm() -> Any:
    """Powertools' SSM provider on the layer's own client: the same bounded timeouts and standard
    retries as every other AWS call, instead of a second session with boto3's defaults (60 s reads)."""
    from aws_lambda_powertools.utilities.parameters import SSMProvider

    from shatably.storage.aws import client

    return SSMProvider(boto3_client=client("ssm"))


def clear_cache() -> None:
    """Forget cached values and the provider (and so its client)."""
    _ssm.cache_clear()
