"""Pick the provider for each capability from settings; import only the SDK that is used."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import import_module
from typing import Any, cast

from shatably.providers.base import ChatProvider, ImageEditor, ImageGenerator
from shatably.settings import Capability, get_settings


@lru_cache(maxsize=3)
def _provider_for(capability: Capability) -> Any:
    settings = get_settings()
    name = settings.provider_for(capability)
    # Imports stay inside the branches: a function loads one SDK, never both (issue 3, item 2).
    if name == "gemini":
        from shatably.providers.gemini import GeminiProvider

        return GeminiProvider(settings)
    if name == "openai":
        from shatably.providers.openai_provider import OpenAIProvider

        return OpenAIProvider(settings)
    from shatably.providers.offline import OfflineProvider

    return OfflineProvider()


def chat_provider() -> ChatProvider:
    return cast(ChatProvider, _provider_for("chat"))


def image_generator() -> ImageGenerator:
    return cast(ImageGenerator, _provider_for("generate"))


def image_editor() -> ImageEditor:
    return cast(ImageEditor, _provider_for("edit"))


# The adapter module of each provider; importing one imports its SDK (and only that SDK).
_ADAPTERS = {
    "gemini": "shatably.providers.gemini",
    "openai": "shatably.providers.openai_provider",
    "offline": "shatably.providers.offline",
}


def preload(capabilities: Iterable[Capability]) -> list[str]:
    """Import, without constructing, the adapters the settings choose for ``capabilities``.

    For SnapStart's before-snapshot hook: the import lands in the snapshot, while the client (its
    key, its connection pool) is still built on first use after the restore.
    """
    settings = get_settings()
    names: list[str] = sorted({settings.provider_for(capability) for capability in capabilities})
    for name in names:
        import_module(_ADAPTERS[name])
    return names


def reset() -> None:
    """Forget the chosen providers (tests, SnapStart restore)."""
    _provider_for.cache_clear()
