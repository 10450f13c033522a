"""Pytest fixtures for the fake provider server (registered by ``tests/conftest.py``).

- ``provider_server``: one server per test session, on a free loopback port.
- ``fake_providers``: that server with an empty script and no recorded requests, per test.
- ``provider_env``: the environment pointing both SDKs at the fake, with fake keys and explicit
  provider choices (chat=gemini, generate=openai, edit=gemini unless ``use()`` changes them).
- ``retry_sleeps`` / ``instant_retry_policy``: a ``RetryPolicy`` whose waits are recorded, not slept,
  so retry tests assert the delay chosen without depending on the wall clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.fakes.provider_server import FakeProviderServer, running_server

GEMINI_TEST_KEY = "fake-gemini-key"
OPENAI_TEST_KEY = "fake-openai-key"


@dataclass
class ProviderEnv:
    server: FakeProviderServer
    monkeypatch: pytest.MonkeyPatch
    gemini_key: str = GEMINI_TEST_KEY
    openai_key: str = OPENAI_TEST_KEY

    def use(self, *, chat: str | None = None, generate: str | None = None, edit: str | None = None) -> None:
        """Choose providers per capability ("gemini" | "openai" | "offline" | "auto")."""
        for capability, choice in (("CHAT", chat), ("GENERATE", generate), ("EDIT", edit)):
            if choice is not None:
                self.monkeypatch.setenv(f"{capability}_PROVIDER", choice)
        _forget_settings()

    def set_keys(self, *, gemini: str | None = None, openai: str | None = None) -> None:
        """Replace the fake keys (e.g. with a canary that must never be echoed)."""
        if gemini is not None:
            self.gemini_key = gemini
            self.monkeypatch.setenv("GEMINI_API_KEY", gemini)
        if openai is not None:
            self.openai_key = openai
            self.monkeypatch.setenv("OPENAI_API_KEY", openai)
        _forget_settings()


@dataclass
class SleepLog:
    """An async ``sleep`` that records the delays it was asked for and returns at once."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def _forget_settings() -> None:
    from shatably.providers import registry
    from shatably.settings import reset_settings

    reset_settings()
    registry.reset()


@pytest.fixture(scope="session")
def provider_server() -> Iterator[FakeProviderServer]:
    with running_server() as server:
        yield server


@pytest.fixture
def fake_providers(provider_server: FakeProviderServer) -> Iterator[FakeProviderServer]:
    provider_server.reset()
    yield provider_server
    provider_server.reset()


@pytest.fixture
def provider_env(fake_providers: FakeProviderServer, monkeypatch: pytest.MonkeyPatch) -> ProviderEnv:
    monkeypatch.setenv("GEMINI_API_KEY", GEMINI_TEST_KEY)
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_TEST_KEY)
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake_providers.url)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_providers.openai_base_url)  # the SDK appends /images/...
    monkeypatch.setenv("CHAT_PROVIDER", "gemini")
    monkeypatch.setenv("GENERATE_PROVIDER", "openai")
    monkeypatch.setenv("EDIT_PROVIDER", "gemini")
    _forget_settings()
    return ProviderEnv(server=fake_providers, monkeypatch=monkeypatch)


@pytest.fixture
def retry_sleeps() -> SleepLog:
    return SleepLog()


@pytest.fixture
def instant_retry_policy(retry_sleeps: SleepLog) -> Any:
    from shatably.providers.retry import RetryPolicy

    # Jitter at its upper bound, so a retry without a provider hint waits a known ``backoff_seconds``.
    return RetryPolicy(sleep=retry_sleeps, jitter=lambda upper: upper)
