"""The one settings model: environment first, provider keys from the environment or SSM.

Everything configurable lives here; nothing else reads ``os.environ`` for product settings. Each
field is read from the variable of its name in any case (``TABLE_NAME`` for ``table_name``), or
from its alias; empty variables count as unset. A plain pydantic model does this in a few lines;
pydantic-settings would add ~10 ms to every cold start for sources (dotenv, CLI, cloud vaults)
that a Lambda function never reads.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ProviderChoice = Literal["auto", "gemini", "openai", "offline"]
ProviderName = Literal["gemini", "openai", "offline"]
Capability = Literal["chat", "generate", "edit"]

LOCAL_ORIGINS = ("http://localhost:5173", "http://localhost:3000", "http://127.0.0.1:3000")

# When a capability is left on "auto", the first provider with a key wins; offline needs none.
_AUTO_ORDER: dict[Capability, tuple[ProviderName, ...]] = {
    "chat": ("gemini", "openai"),
    "generate": ("openai", "gemini"),
    "edit": ("gemini", "openai"),
}


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    stage: str = "local"
    region: str = Field(default="us-east-1", validation_alias="AWS_REGION")

    # Providers (DESIGN D3) and model ids (providers.md D6: ids retire quickly, so they are config).
    chat_provider: ProviderChoice = "auto"
    generate_provider: ProviderChoice = "auto"
    edit_provider: ProviderChoice = "auto"
    gemini_chat_model: str = "gemini-3.5-flash"
    gemini_image_model: str = "gemini-3.1-flash-image"
    gemini_api_version: str = "v1beta"
    openai_chat_model: str = "gpt-5.4-mini"
    openai_image_model: str = "gpt-image-2.5-sunburst"
    # Reasoning (provider-realworld.md §3, §8): thinking tokens count inside the output cap, so chat
    # sends each family an explicit setting and a cap of the answer's room plus the reasoning room.
    gemini_thinking_level: Literal["minimal", "low", "medium", "high"] = "low"  # Gemini 3.x
    gemini_thinking_budget: int = 512  # Gemini 2.5, in tokens (2.5 Pro: 128 at least)
    openai_reasoning_effort: Literal["minimal", "low", "medium", "high"] = "low"  # gpt-5.x, o-series
    reasoning_output_tokens: int = 2048  # reasoning room where a level (not a budget) is sent
    gemini_api_key: str | None = None
    openai_api_key: str | None = None
    gemini_api_key_param: str | None = None
    openai_api_key_param: str | None = None
    # SDK base URLs; the SDKs read these too, we pass them explicitly so tests and local runs agree.
    google_gemini_base_url: str | None = None
    openai_base_url: str | None = None

    # Storage
    table_name: str = "shatably-local"
    bucket_name: str = "shatably-local"
    jobs_queue_url: str | None = None
    event_bus_name: str = "shatably-local"
    aws_endpoint_url: str | None = None

    # Estimator: an operator's price book, "s3://bucket/key" or "ssm:/parameter/name"; unset (or
    # invalid, which is logged) means the built-in book (shatably/estimate/pricebook.json).
    price_book_source: str | None = None

    # Web
    auth_enabled: bool = False  # set when the API's JWT authorizer is configured
    # A comma-separated list in the environment.
    cors_allow_origins: tuple[str, ...] = LOCAL_ORIGINS
    max_body_bytes: int = 6 * 1024 * 1024
    request_deadline_seconds: float = 25.0

    # Limits
    max_image_bytes: int = 10 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    max_image_side: int = 8192
    upstream_max_side: int = 1536
    max_images_per_turn: int = 4
    max_message_chars: int = 4000
    max_turns_per_session: int = 50
    history_turns_window: int = 20
    history_token_budget: int = 24_000
    max_output_tokens: int = 2048
    session_ttl_days: int = 30
    result_ttl_days: int = 30
    presign_ttl_seconds: int = 900
    upload_ttl_seconds: int = 300
    daily_request_quota: int = 200
    daily_image_quota: int = 50
    global_daily_image_budget: int = 10_000
    idempotency_ttl_seconds: int = 3600
    job_deadline_seconds: int = 240
    job_retry_delay_seconds: int = 30  # first backoff after a transient job failure; doubles

    @field_validator("cors_allow_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            origins = tuple(o.strip() for o in value.split(",") if o.strip())
            if "*" in origins:
                raise ValueError("CORS_ALLOW_ORIGINS must list origins explicitly; '*' is refused")
            return origins
        return value

    @field_validator("presign_ttl_seconds")
    @classmethod
    def _cap_presign(cls, value: int) -> int:
        return min(value, 900)  # role credentials expire; reliability.md L16

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        named = {key.upper(): value for key, value in environ.items() if value != ""}
        values: dict[str, str] = {}
        for name, field in cls.model_fields.items():
            key = field.validation_alias if isinstance(field.validation_alias, str) else name
            if key.upper() in named:
                values[key] = named[key.upper()]
        return cls.model_validate(values)

    def key_source(self, provider: ProviderName) -> tuple[str | None, str | None]:
        """(key from the environment, SSM parameter name) for a provider."""
        if provider == "gemini":
            return self.gemini_api_key, self.gemini_api_key_param
        if provider == "openai":
            return self.openai_api_key, self.openai_api_key_param
        return None, None

    def provider_for(self, capability: Capability) -> ProviderName:
        choice: ProviderChoice = getattr(self, f"{capability}_provider")
        if choice != "auto":
            return choice
        for candidate in _AUTO_ORDER[capability]:
            env_key, param = self.key_source(candidate)
            if env_key or param:
                return candidate
        return "offline"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_environ()


def reset_settings() -> None:
    """Forget the cached settings (tests, and SnapStart restores). Cached secrets go with them:
    ``secrets`` keeps its cache only while ``get_settings()`` returns the object it was read with
    (secrets may use settings, never the reverse)."""
    get_settings.cache_clear()


def is_lambda() -> bool:
    return "AWS_LAMBDA_FUNCTION_NAME" in os.environ
