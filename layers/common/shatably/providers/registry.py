"""Pick the provider for each capability from settings; import only the SDK that is used."""

from __future__ import annotations

from functools import lru_cache
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


def reset() -> None:
    """Forget the chosen providers (tests, SnapStart restore)."""
    _provider_for.cache_clear()
