"""Which resolutions each image model can produce, and the refusal when it cannot.

From the providers' documented limits (``/work/shared/reference/provider-realworld.md``):
- Gemini image models take ``imageSize`` 1K/2K/4K (§4); gemini-2.5-flash-image ignores it and is
  always about 1 MP, so it makes 1k only.
- OpenAI gpt-image-2 and later take any WxH up to 3840x2160, and "anything above 2560x1440 is
  experimental" (§7): 1k and 2k. gpt-image-1, -1.5, -1-mini (and chatgpt-image-latest) take only
  1024x1024, 1536x1024 and 1024x1536: 1k.
- The offline provider draws at any size.
"""

from __future__ import annotations

from shatably.errors import ProblemError

ALL: tuple[str, ...] = ("1k", "2k", "4k")
_ONE_MEGAPIXEL_MODELS = ("gemini-2.5-flash-image", "gpt-image-1", "chatgpt-image")


def supported_resolutions(provider: str, model: str) -> tuple[str, ...]:
    if provider == "offline":
        return ALL
    if model.startswith(_ONE_MEGAPIXEL_MODELS):
        return ("1k",)
    if provider == "openai":
        return ("1k", "2k")
    return ALL


def check_resolution(resolution: str | None, provider: str, model: str) -> None:
    """Nothing when the model makes ``resolution``; else 422 ``resolution_unsupported`` listing
    what it does make, before anything is spent."""
    if resolution is None:
        return
    supported = supported_resolutions(provider, model)
    if resolution not in supported:
        raise ProblemError(
            "resolution_unsupported",
            f"{model} cannot produce {resolution}; it supports {', '.join(supported)}.",
            extra={"supported_resolutions": list(supported), "model": model},
        )
