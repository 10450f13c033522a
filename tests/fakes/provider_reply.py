"""One scripted answer of the fake provider server (its own module so the shape and rule modules
can build replies without importing the server)."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    """One scripted answer. Unset fields fall back to the route's default behaviour.

    status/headers/latency apply to every route. ``body`` (JSON) or ``raw`` (bytes) replace the whole
    answer. The rest shape a successful answer:
      text / json      the model's text, or a JSON value serialised as its text
      image            exact image bytes to return (its MIME type is sniffed)
      images           how many images a Gemini answer carries (0 gives a text-only answer)
      finish_reason    Gemini finishReason / OpenAI finish_reason
      block_reason     Gemini promptFeedback.blockReason (no candidates)
      no_content       the candidate carries no content (image refusals, NO_IMAGE)
      empty            200 with neither candidates nor a block (Gemini) or no data/choices (OpenAI)
      tool_calls       (name, arguments) pairs the model calls
      usage            replaces the usage block
      reset            the connection drops in the middle of the response body
      stream_error     Gemini SSE: an error object sent as a chunk after the first text chunk
      thoughts         reasoning tokens the model spends inside the output cap (else per the
                       request's thinking setting: ``provider_models.reasoning_spend``)
      thought_images   interim ``thought: true`` images before the final one (thinking image models)
      finish_message   Gemini candidate ``finishMessage`` (e.g. with IMAGE_OTHER)
      cached_tokens    prompt tokens served from the provider's cache (else simulated by prefix)
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    latency: float = 0.0
    body: Any = None
    raw: bytes | None = None
    text: str | None = None
    json: Any = None
    image: bytes | None = None
    images: int | None = None
    finish_reason: str | None = None
    block_reason: str | None = None
    no_content: bool = False
    empty: bool = False
    tool_calls: tuple[tuple[str, dict[str, Any]], ...] = ()
    usage: dict[str, Any] | None = None
    reset: bool = False
    stream_error: dict[str, Any] | None = None
    thoughts: int | None = None
    thought_images: int | None = None
    finish_message: str | None = None
    cached_tokens: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The HTTP control API's form: bytes as standard base64."""
        data = dataclasses.asdict(self)
        for key in ("raw", "image"):
            if data[key] is not None:
                data[key] = base64.b64encode(data[key]).decode()
        data["tool_calls"] = [list(call) for call in self.tool_calls]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reply:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("raw", "image"):
            if values.get(key) is not None:
                values[key] = base64.b64decode(values[key])
        values["tool_calls"] = tuple((name, dict(args)) for name, args in values.get("tool_calls") or ())
        return cls(**values)
