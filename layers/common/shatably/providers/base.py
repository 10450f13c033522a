"""Provider interfaces and the plain data that crosses them.

Adapters (gemini, openai, offline) implement these protocols; services never import an SDK.
Every adapter raises only ``shatably.errors.ProblemError`` (see ``faults``) and fills ``Usage``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from PIL import Image

OutputFormat = Literal["png", "jpeg", "webp"]
Role = Literal["user", "model"]


@dataclass(frozen=True)
class ImageInput:
    """A clean image (already through the image pipeline): bytes plus its MIME type."""

    data: bytes
    mime_type: str


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    text: str
    images: tuple[ImageInput, ...] = ()


@dataclass(frozen=True)
class ToolSpec:
    """A function the model may call; ``parameters`` is a JSON schema object."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict[str, Any]


@dataclass
class Usage:
    """Tokens as billed. ``output_tokens`` includes ``reasoning_tokens`` (thinking is billed as
    output); ``input_tokens`` includes ``cached_tokens`` (served from the provider's prompt cache)."""

    input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0
    reasoning_tokens: int = 0
    cached_tokens: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "images": self.images,
            "reasoning_tokens": self.reasoning_tokens,
            "cached_tokens": self.cached_tokens,
        }


@dataclass(frozen=True)
class ChatRequest:
    system: str
    history: tuple[ChatMessage, ...]  # earlier turns, oldest first
    message: ChatMessage  # the new user turn
    timeout: float  # seconds left for this call (the request deadline)
    max_output_tokens: int = 2048  # room for the answer itself; adapters add room for reasoning
    response_schema: dict[str, Any] | None = None  # JSON schema -> structured output
    tools: tuple[ToolSpec, ...] = ()
    lang: str | None = None  # "ar" | "en": a hint for the offline provider


@dataclass
class ChatResult:
    text: str
    provider: str
    model: str
    structured: dict[str, Any] | None = None  # parsed JSON when response_schema was given
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None  # e.g. "STOP", "MAX_TOKENS"
    usage: Usage = field(default_factory=Usage)
    # The answer stopped at the output cap with text to show: ``structured`` is None (a cut JSON
    # object cannot be trusted) and ``text`` is what arrived.
    truncated: bool = False


@dataclass(frozen=True)
class GenerateRequest:
    prompt: str
    width: int
    height: int
    timeout: float
    n: int = 1
    output_format: OutputFormat = "png"
    seed: int | None = None
    # Hints the offline provider draws with; real providers read them from the prompt.
    style_name: str | None = None
    palette: tuple[str, ...] = ()  # hex colours


@dataclass(frozen=True)
class EditRequest:
    image: ImageInput  # the clean source
    instruction: str  # the full, scaffolded instruction (what to change and what to preserve)
    width: int  # the source's size: results come back at it
    height: int
    timeout: float
    mask: ImageInput | None = None  # PNG, transparent where edits are allowed
    # With a mask: the photo with the editable region tinted and outlined, for models that read
    # pictures rather than alpha (Gemini); OpenAI and the offline provider take ``mask``.
    guide: ImageInput | None = None
    output_format: OutputFormat = "png"
    operation: str = "restyle"
    palette: tuple[str, ...] = ()  # hex colours the offline provider recolours toward
    n: int = 1  # variations
    # The inspiration photo of a ``reference`` edit: sent after the source, labelled as reference.
    reference: ImageInput | None = None


@dataclass(frozen=True)
class GeneratedImage:
    """An image as a provider returned it: bytes in its wire format, or, from the offline provider
    (which draws in this process), the pixels themselves: encoding them only for the pipeline to
    decode them again would cost more than the drawing (~25 ms for a 640x480 PNG)."""

    data: bytes | Image.Image
    mime_type: str


@dataclass
class ImageResult:
    images: list[GeneratedImage]
    provider: str
    model: str
    text: str | None = None
    usage: Usage = field(default_factory=Usage)


class ChatProvider(Protocol):
    name: str
    model: str

    async def chat(self, request: ChatRequest) -> ChatResult: ...


class ImageGenerator(Protocol):
    name: str
    model: str

    async def generate(self, request: GenerateRequest) -> ImageResult: ...


class ImageEditor(Protocol):
    name: str
    model: str

    async def edit(self, request: EditRequest) -> ImageResult: ...
