"""OpenAI through the ``openai`` SDK (DESIGN D2): Images API generation and editing, chat completions.

``base_url`` comes from settings, so any OpenAI-compatible server (or the test fake) can stand in.
Timeouts and retries (DESIGN D6): ``max_retries=0``, each call gets the time left in seconds, and
``retry.call_with_retry`` owns the one retry. Failures are mapped by ``faults``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import math
from collections.abc import Awaitable
from typing import Any, Final, TypeVar
from weakref import WeakKeyDictionary

import openai
from openai.types import ImagesResponse
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionContentPartParam,
    ChatCompletionFunctionToolParam,
    ChatCompletionMessageParam,
)
from openai.types.shared import ReasoningEffort
from openai.types.shared_params import ResponseFormatJSONSchema

from shatably import secrets
from shatably.providers import faults
from shatably.providers.base import (
    ChatMessage,
    ChatRequest,
    ChatResult,
    EditRequest,
    GeneratedImage,
    GenerateRequest,
    ImageInput,
    ImageResult,
    OutputFormat,
    ToolCall,
    Usage,
)
from shatably.providers.retry import RetryPolicy, call_with_retry
from shatably.settings import Settings

T = TypeVar("T")

_MIME = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
_EXTENSION = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
# "medium" keeps a synchronous render well inside API Gateway's 29 s; "high" often is not.
_QUALITY: Final = "medium"
# gpt-image-2 and later take any WxH: multiples of 16, aspect between 1:3 and 3:1, up to 3840x2160.
_MAX_LONG_SIDE, _MAX_SHORT_SIDE, _MAX_ASPECT = 3840, 2160, 3.0
_MIN_PIXELS = 655_360
_FINISH_REASONS = {"stop": "STOP", "length": "MAX_TOKENS", "tool_calls": "TOOL_CALLS"}
# Reasoning families: they take ``reasoning_effort`` and count reasoning inside
# ``max_completion_tokens`` (provider-realworld.md §8); other chat models take neither.
_REASONING_PREFIXES = ("gpt-5", "o1", "o3", "o4")

# One client per event loop, reused across invocations: the SDK's httpx2 pool belongs to the loop
# that opened its connections (Mangum keeps one loop per Lambda environment; tests use several).
# Rebuilt when the key or base URL changes, so a rotated key takes effect without a cold start.
_clients: WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[tuple[str, str | None], openai.AsyncOpenAI]] = (
    WeakKeyDictionary()
)


def _client(settings: Settings) -> openai.AsyncOpenAI:
    loop = asyncio.get_running_loop()
    identity = (secrets.get_api_key("openai"), settings.openai_base_url)
    cached = _clients.get(loop)
    if cached is not None and cached[0] == identity:
        return cached[1]
    client = openai.AsyncOpenAI(
        api_key=identity[0],
        base_url=settings.openai_base_url or None,
        max_retries=0,
        # Each call passes the time it has left; this only bounds a call that forgot to.
        timeout=settings.request_deadline_seconds,
    )
    _clients[loop] = (identity, client)
    return client


def image_size(width: int, height: int) -> str:
    """The nearest size the Images API accepts; the service resizes the result to the exact size.

    gpt-image-2 and later (provider-realworld.md §7): both sides multiples of 16, aspect 1:3 to
    3:1, at most 3840x2160, and 655,360 to 8,294,400 pixels: a small request is asked for larger.
    """
    long, short = float(max(width, height)), float(min(width, height))
    long = min(long, short * _MAX_ASPECT)  # trim the long side to the widest accepted aspect
    scale = min(1.0, _MAX_LONG_SIDE / long, _MAX_SHORT_SIDE / short)
    if long * short * scale * scale < _MIN_PIXELS:
        # Scale up to the minimum, rounding each side up to 16 so the product stays above it.
        scale = math.sqrt(_MIN_PIXELS / (long * short))
        snapped_short, snapped_long = _snap16(short * scale, up=True), _snap16(long * scale, up=True)
    else:
        snapped_short = _snap16(short * scale)
        # Snapping both sides down could push the aspect just past 3:1; cap the long side again.
        snapped_long = min(_snap16(long * scale), int(snapped_short * _MAX_ASPECT))
    if width >= height:
        return f"{snapped_long}x{snapped_short}"
    return f"{snapped_short}x{snapped_long}"


def _snap16(value: float, *, up: bool = False) -> int:
    steps = math.ceil(value / 16) if up else int(value // 16)
    return max(16, steps * 16)


def _file(image: ImageInput, name: str) -> tuple[str, bytes, str]:
    # The API checks the file's type by its name and content type, so both must agree.
    return (f"{name}.{_EXTENSION.get(image.mime_type, 'png')}", image.data, image.mime_type)


def _data_url(image: ImageInput) -> str:
    return f"data:{image.mime_type};base64,{base64.b64encode(image.data).decode()}"


def _message(message: ChatMessage) -> ChatCompletionMessageParam:
    if message.role == "model":
        return {"role": "assistant", "content": message.text}
    if not message.images:
        return {"role": "user", "content": message.text}
    parts: list[ChatCompletionContentPartParam] = []
    if message.text:
        parts.append({"type": "text", "text": message.text})
    parts += [{"type": "image_url", "image_url": {"url": _data_url(image)}} for image in message.images]
    return {"role": "user", "content": parts}


def reasoning(model: str, settings: Settings, answer_tokens: int) -> tuple[ReasoningEffort | None, int]:
    """(``reasoning_effort`` to send or None, ``max_completion_tokens``) for ``model``'s family."""
    if model.startswith(_REASONING_PREFIXES):
        return settings.openai_reasoning_effort, answer_tokens + settings.reasoning_output_tokens
    return None, answer_tokens


def _parse_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise faults.invalid_response() from None
    if not isinstance(value, dict):
        raise faults.invalid_response()
    return value


async def _call(call: Awaitable[T]) -> T:
    try:
        return await call
    except Exception as exc:
        problem = faults.from_openai_exception(exc)
        if problem is None:
            raise
        if problem.code == "upstream_auth_failed":
            # F6: the key may have been rotated; the next call reads it again, not the cached value.
            secrets.clear_cache()
        # ``from None``: the SDK's exception text holds the provider's raw message.
        raise problem from None


class OpenAIProvider:
    """ChatProvider, ImageGenerator and ImageEditor on the OpenAI API (or a compatible server)."""

    name = "openai"

    def __init__(self, settings: Settings, *, retry_policy: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.model = settings.openai_chat_model
        self.image_model = settings.openai_image_model
        self.retry_policy = retry_policy or RetryPolicy()

    # -- images

    async def generate(self, request: GenerateRequest) -> ImageResult:
        inputs = faults.InputSummary.of(request.prompt)
        with faults.observe_call(self.name, self.image_model, "generate", inputs) as record:
            client = _client(self.settings)

            async def attempt(seconds_left: float) -> ImageResult:
                response = await _call(
                    client.images.generate(
                        model=self.image_model,
                        prompt=request.prompt,
                        n=request.n,
                        size=image_size(request.width, request.height),
                        quality=_QUALITY,
                        output_format=request.output_format,
                        timeout=seconds_left,
                    )
                )
                return self._image_result(response, request.output_format)

            result = await call_with_retry(
                attempt, budget_seconds=request.timeout, policy=self.retry_policy, record=record
            )
            record.usage = result.usage
        return result

    async def edit(self, request: EditRequest) -> ImageResult:
        inputs = faults.InputSummary.of(request.instruction, (request.image, request.reference, request.mask))
        with faults.observe_call(self.name, self.image_model, "edit", inputs) as record:
            client = _client(self.settings)

            async def attempt(seconds_left: float) -> ImageResult:
                # Files are re-read on every attempt, so a retry sends the whole multipart body again.
                response = await _call(
                    client.images.edit(
                        model=self.image_model,
                        prompt=request.instruction,
                        # A reference goes second (sent as image[]); the mask applies to the first.
                        image=(
                            [_file(request.image, "image"), _file(request.reference, "reference")]
                            if request.reference is not None
                            else _file(request.image, "image")
                        ),
                        n=request.n if request.n > 1 else openai.omit,
                        mask=_file(request.mask, "mask") if request.mask is not None else openai.omit,
                        size=image_size(request.width, request.height),
                        quality=_QUALITY,
                        output_format=request.output_format,
                        timeout=seconds_left,
                    )
                )
                return self._image_result(response, request.output_format)

            result = await call_with_retry(
                attempt, budget_seconds=request.timeout, policy=self.retry_policy, record=record
            )
            record.usage = result.usage
        return result

    def _image_result(self, response: ImagesResponse, requested: OutputFormat) -> ImageResult:
        if not response.data:
            raise faults.empty_response()
        mime = _MIME.get(response.output_format or requested, _MIME[requested])
        images = []
        for item in response.data:
            # GPT image models always answer b64_json; a URL-only item is not the documented shape.
            if not item.b64_json:
                raise faults.invalid_response()
            try:
                data = base64.b64decode(item.b64_json, validate=True)
            except (binascii.Error, ValueError):
                raise faults.invalid_response() from None
            images.append(GeneratedImage(data=data, mime_type=mime))
        usage = Usage(images=len(images))
        if response.usage is not None:
            usage.input_tokens = response.usage.input_tokens
            usage.output_tokens = response.usage.output_tokens
        return ImageResult(images=images, provider=self.name, model=self.image_model, usage=usage)

    # -- chat

    async def chat(self, request: ChatRequest) -> ChatResult:
        messages: list[ChatCompletionMessageParam] = []
        if request.system:
            messages.append({"role": "system", "content": request.system})
        messages += [_message(m) for m in (*request.history, request.message)]
        response_format: ResponseFormatJSONSchema | openai.Omit = openai.omit
        if request.response_schema is not None:
            response_format = {
                "type": "json_schema",
                # Not strict: strict mode rejects schemas that leave properties optional.
                "json_schema": {"name": "answer", "schema": request.response_schema},
            }
        tools: list[ChatCompletionFunctionToolParam] = [
            {
                "type": "function",
                "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
            }
            for t in request.tools
        ]
        inputs = faults.InputSummary.of(request.message.text, request.message.images)
        effort, output_cap = reasoning(self.model, self.settings, request.max_output_tokens)
        with faults.observe_call(self.name, self.model, "chat", inputs) as record:
            client = _client(self.settings)

            async def attempt(seconds_left: float) -> ChatResult:
                response = await _call(
                    client.chat.completions.create(
                        model=self.model,
                        messages=messages,
                        max_completion_tokens=output_cap,
                        reasoning_effort=effort if effort is not None else openai.omit,
                        response_format=response_format,
                        tools=tools or openai.omit,
                        timeout=seconds_left,
                    )
                )
                return self._chat_result(request, response)

            result = await call_with_retry(
                attempt, budget_seconds=request.timeout, policy=self.retry_policy, record=record
            )
            record.usage = result.usage
            record.finish_reason = result.finish_reason
        return result

    def _chat_result(self, request: ChatRequest, response: ChatCompletion) -> ChatResult:
        if not response.choices:
            raise faults.empty_response()
        choice = response.choices[0]
        message = choice.message
        if choice.finish_reason == "content_filter":
            raise faults.content_blocked("output", "content_filter")
        if message.refusal:
            raise faults.content_blocked("output", "refusal")
        tool_calls = []
        for call in message.tool_calls or []:
            if call.type != "function":
                continue  # only function tools are offered, so nothing else is ours to run
            try:
                arguments = json.loads(call.function.arguments or "{}")
            except json.JSONDecodeError:
                raise faults.invalid_response() from None
            if not isinstance(arguments, dict):
                raise faults.invalid_response()
            tool_calls.append(ToolCall(name=call.function.name, arguments=arguments))
        text = message.content or ""
        cut = choice.finish_reason == "length"
        if not text.strip() and not tool_calls:
            # "length" with empty content: reasoning used the whole cap (§8); a repeat would too.
            raise faults.truncated() if cut else faults.empty_response()
        structured = None
        if request.response_schema is not None and not tool_calls and not cut:
            structured = _parse_object(text)
        usage = Usage()
        if response.usage is not None:
            details = response.usage.completion_tokens_details
            prompt_details = response.usage.prompt_tokens_details
            usage = Usage(
                input_tokens=response.usage.prompt_tokens,
                output_tokens=response.usage.completion_tokens,
                reasoning_tokens=(details.reasoning_tokens or 0) if details else 0,
                cached_tokens=(prompt_details.cached_tokens or 0) if prompt_details else 0,
            )
        return ChatResult(
            text=text,
            provider=self.name,
            model=self.model,
            structured=structured,
            tool_calls=tool_calls,
            # "length" is kept as an answer, reported as MAX_TOKENS like Gemini's (F8).
            finish_reason=_FINISH_REASONS.get(choice.finish_reason, choice.finish_reason.upper()),
            usage=usage,
            truncated=cut and not tool_calls,
        )
