"""Test-wide isolation: fake AWS credentials, no real provider keys, fresh settings per test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

pytest_plugins = ["tests.fakes.provider_fixtures"]

# Set before anything imports boto3 or the layer: no test may reach a real AWS account or provider.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "POWERTOOLS_DEV": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "shatably-test",
    }
)
for _name in (
    "GEMINI_API_KEY",
    "OPENAI_API_KEY",
    "GOOGLE_API_KEY",
    "GEMINI_API_KEY_PARAM",
    "OPENAI_API_KEY_PARAM",
):
    os.environ.pop(_name, None)


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Each test sees settings built from its own environment (monkeypatch.setenv works)."""
    from shatably.providers import registry
    from shatably.settings import reset_settings
    from shatably.storage.aws import reset_clients

    reset_settings()
    registry.reset()
    reset_clients()
    yield
    reset_settings()
    registry.reset()
    reset_clients()
