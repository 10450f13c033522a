"""Gemini through ``google-genai`` (DESIGN D1): chat, image generation and image editing.

Everything goes through ``client.aio.models.generate_content``; images come from an image model
(``settings.gemini_image_model``), since Imagen is not available on the Gemini Developer API.

Timeouts and retries (DESIGN D6): the SDK makes exactly one request per call (``attempts=1``; it
ignores Retry-After anyway) with the time left as its timeout, in milliseconds as the SDK expects;
``retry.call_with_retry`` owns the one retry. Failures are mapped by ``faults``.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from google import genai
from google.genai import types

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
    ToolCall,
    Usage,
)
from shatably.providers.retry import RetryPolicy, call_with_retry
from shatably.settings import Settings

T = TypeVar("T")

_NO_SDK_RETRIES = types.HttpRetryOptions(attempts=1)
# The ratios Gemini image models accept (providers.md §2.6); the service resizes to the exact size.
_ASPECT_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
# Gemini reads pictures, not alpha (a flattened mask is a black image): a masked edit sends a guide,
# the photo with the region to change tinted and outlined, labelled by this note.
_GUIDE_NOTE = (
    "Guide image: the same photo with the only area you may change tinted and outlined in magenta-red. "
    "Change the photo only inside that area; keep everything outside it exactly as it is. Do not draw "
    "the tint or the outline."
)

_ROOM_LABEL = "First image: the client's room, the photo to edit."
_REFERENCE_LABEL = "Second image: the reference (inspiration) photo. Take its style only, not its structure."

# One client per process, reused across invocations. It is not rebuilt per event loop: the SDK's
# async httpx2 client already keeps one connection pool per running loop
# (``_PerLoopAsyncClientMixin`` in google/genai/_api_client.py). It is rebuilt when the key changes,
# so a rotated key (re-read from SSM after its cache expires) takes effect without a cold start.
_clients: dict[tuple[str | None, str], tuple[str, genai.Client]] = {}


def _client(settings: Settings) -> genai.Client:
    api_key = secrets.get_api_key("gemini")
    where = (settings.google_gemini_base_url, settings.gemini_api_version)
    cached = _clients.get(where)
    if cached is not None and cached[0] == api_key:
        return cached[1]
    client = genai.Client(
        api_key=api_key,
        http_options=types.HttpOptions(
            base_url=settings.google_gemini_base_url,
            api_version=settings.gemini_api_version,  # pinned: the SDK's default moved to v1 in 3.0
            retry_options=_NO_SDK_RETRIES,
        ),
    )
    _clients[where] = (api_key, client)
    return client


def _call_options(seconds_left: float) -> types.HttpOptions:
    # Per call, so each attempt gets what is left of the deadline; retry_options again here because
    # a per-call value also turns off the SDK's implicit connection-error retry.
    return types.HttpOptions(timeout=max(1, int(seconds_left * 1000)), retry_options=_NO_SDK_RETRIES)


def aspect_ratio(width: int, height: int) -> str:
    """The supported ratio nearest to width:height (compared on a log scale, so 2:1 and 1:2 are even)."""
    wanted = math.log(width / height)

    def distance(ratio: str) -> float:
        w, h = ratio.split(":")
        return abs(math.log(int(w) / int(h)) - wanted)

    return min(_ASPECT_RATIOS, key=distance)


def _image_size(width: int, height: int) -> str | None:
    # Gemini 3 image models render 1K by default; ask for more only when the result needs it.
    longest = max(width, height)
    if longest > 2048:
        return "4K"
    if longest > 1024:
        return "2K"
    return None


def _image_part(image: ImageInput) -> types.Part:
    return types.Part.from_bytes(data=image.data, mime_type=image.mime_type)


def _content(message: ChatMessage) -> types.Content:
    parts = [_image_part(image) for image in message.images]
    if message.text:
        parts.append(types.Part(text=message.text))
    return types.Content(role=message.role, parts=parts)


def _usage(response: types.GenerateContentResponse, images: int = 0) -> Usage:
    meta = response.usage_metadata
    if meta is None:
        return Usage(images=images)
    # Thinking tokens are billed as output, so they count toward the output; cached tokens are
    # already inside promptTokenCount (provider-realworld.md §5).
    thoughts = meta.thoughts_token_count or 0
    return Usage(
        input_tokens=meta.prompt_token_count or 0,
        output_tokens=(meta.candidates_token_count or 0) + thoughts,
        images=images,
        reasoning_tokens=thoughts,
        cached_tokens=meta.cached_content_token_count or 0,
    )


def thinking(model: str, settings: Settings, answer_tokens: int) -> tuple[types.ThinkingConfig | None, int]:
    """The thinking setting for ``model``'s family, and an output cap that leaves the answer its room.

    Thinking counts against ``maxOutputTokens`` (provider-realworld.md §3): Gemini 3.x takes a
    ``thinkingLevel`` (a budget of 0 is refused: "only works in thinking mode"), 2.5 a
    ``thinkingBudget`` (a level is refused there, and 2.5 Pro needs at least 128). Other models get
    no thinking setting and the answer's cap alone.
    """
    name = model.removeprefix("models/")
    if name.startswith("gemini-3"):
        level = types.ThinkingLevel(settings.gemini_thinking_level.upper())
        return types.ThinkingConfig(thinking_level=level), answer_tokens + settings.reasoning_output_tokens
    if name.startswith("gemini-2.5"):
        budget = settings.gemini_thinking_budget
        if "-pro" in name:
            budget = max(budget, 128)
        return types.ThinkingConfig(thinking_budget=budget), answer_tokens + budget
    return None, answer_tokens


def _text(parts: Sequence[types.Part]) -> str:
    return "".join(p.text for p in parts if p.text and not p.thought)


async def _all(calls: Sequence[Awaitable[T]]) -> list[T]:
    """Run calls concurrently; the first failure cancels the rest (their cost is not worth paying)."""
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        raise


class GeminiProvider:
    """ChatProvider, ImageGenerator and ImageEditor on the Gemini API."""

    name = "gemini"

    def __init__(self, settings: Settings, *, retry_policy: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.model = settings.gemini_chat_model
        self.image_model = settings.gemini_image_model
        self.retry_policy = retry_policy or RetryPolicy()

    # -- chat

    async def chat(self, request: ChatRequest) -> ChatResult:
        contents = [_content(m) for m in (*request.history, request.message)]
        tools = None
        if request.tools:
            declarations = [
                types.FunctionDeclaration(
                    name=t.name, description=t.description, parameters_json_schema=t.parameters
                )
                for t in request.tools
            ]
            tools = [types.Tool(function_declarations=declarations)]
        inputs = faults.InputSummary.of(request.message.text, request.message.images)
        thinking_config, output_cap = thinking(self.model, self.settings, request.max_output_tokens)
        with faults.observe_call(self.name, self.model, "chat", inputs) as record:
            client = _client(self.settings)

            async def attempt(seconds_left: float) -> ChatResult:
                config = types.GenerateContentConfig(
                    system_instruction=request.system or None,
                    max_output_tokens=output_cap,
                    thinking_config=thinking_config,
                    # A JSON schema as the caller wrote it; ``response_schema`` takes Gemini's OpenAPI subset.
                    response_mime_type="application/json" if request.response_schema is not None else None,
                    response_json_schema=request.response_schema,
                    tools=tools,
                    # One request per attempt: no SDK-driven function calls or continuation requests.
                    automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
                    automatic_continuation=False,
                    http_options=_call_options(seconds_left),
                )
                response = await self._generate(client, self.model, contents, config)
                return self._chat_result(request, response)

            result = await call_with_retry(
                attempt, budget_seconds=request.timeout, policy=self.retry_policy, record=record
            )
            record.usage = result.usage
            record.finish_reason = result.finish_reason
        return result

    def _chat_result(self, request: ChatRequest, response: types.GenerateContentResponse) -> ChatResult:
        parts, finish_reason = faults.check_gemini_response(response)
        text = _text(parts)
        tool_calls = [
            ToolCall(name=p.function_call.name or "", arguments=dict(p.function_call.args or {}))
            for p in parts
            if p.function_call is not None
        ]
        cut = finish_reason in faults.GEMINI_TRUNCATED_FINISH
        if not text.strip() and not tool_calls:
            # Nothing to say: the cap went on thinking (a repeat would too), or the answer was empty.
            raise faults.truncated() if cut else faults.empty_response()
        structured = None
        if request.response_schema is not None and not tool_calls and not cut:
            structured = _parse_object(text)
        return ChatResult(
            text=text,
            provider=self.name,
            model=self.model,
            structured=structured,
            tool_calls=tool_calls,
            # A cut answer is not an error: the text that arrived is kept and the reason reported (F8).
            finish_reason=finish_reason,
            usage=_usage(response),
            truncated=cut and not tool_calls,
        )

    # -- images

    async def generate(self, request: GenerateRequest) -> ImageResult:
        parts = [types.Part(text=request.prompt)]
        inputs = faults.InputSummary.of(request.prompt)
        return await self._images(
            "generate",
            parts,
            request.width,
            request.height,
            request.n,
            request.timeout,
            inputs,
            seed=request.seed,
        )

    async def edit(self, request: EditRequest) -> ImageResult:
        parts = [_image_part(request.image)]
        if request.reference is not None:
            # The room first, then the inspiration photo, each labelled so the model takes the
            # reference's style and never its structure.
            parts = [
                types.Part(text=_ROOM_LABEL),
                _image_part(request.image),
                types.Part(text=_REFERENCE_LABEL),
                _image_part(request.reference),
            ]
        if request.guide is not None:
            parts += [types.Part(text=_GUIDE_NOTE), _image_part(request.guide)]
        parts.append(types.Part(text=request.instruction))
        inputs = faults.InputSummary.of(
            request.instruction, (request.image, request.reference, request.guide)
        )
        return await self._images(
            "edit", parts, request.width, request.height, request.n, request.timeout, inputs
        )

    async def _images(
        self,
        capability: str,
        parts: list[types.Part],
        width: int,
        height: int,
        n: int,
        budget_seconds: float,
        inputs: faults.InputSummary,
        *,
        seed: int | None = None,
    ) -> ImageResult:
        contents = [types.Content(role="user", parts=parts)]
        image_config = types.ImageConfig(
            aspect_ratio=aspect_ratio(width, height), image_size=_image_size(width, height)
        )
        with faults.observe_call(self.name, self.image_model, capability, inputs) as record:
            client = _client(self.settings)

            def attempt_for(index: int) -> Callable[[float], Awaitable[ImageResult]]:
                async def attempt(seconds_left: float) -> ImageResult:
                    config = types.GenerateContentConfig(
                        response_modalities=["IMAGE", "TEXT"],
                        image_config=image_config,
                        # generationConfig.seed, a best effort at the same image again; one per
                        # request, or n requests with one seed would draw the same picture n times.
                        seed=None if seed is None else (seed + index) % 2**31,
                        automatic_continuation=False,
                        http_options=_call_options(seconds_left),
                    )
                    response = await self._generate(client, self.image_model, contents, config)
                    return self._image_result(response)

                return attempt

            # One image per request (image models do not take candidateCount > 1), n requests at once.
            results = await _all(
                [
                    call_with_retry(
                        attempt_for(index),
                        budget_seconds=budget_seconds,
                        policy=self.retry_policy,
                        record=record,
                    )
                    for index in range(n)
                ]
            )
            images = [r.images[0] for r in results]
            texts = [r.text for r in results if r.text]
            usage = Usage(
                input_tokens=sum(r.usage.input_tokens for r in results),
                output_tokens=sum(r.usage.output_tokens for r in results),
                images=len(images),
                reasoning_tokens=sum(r.usage.reasoning_tokens for r in results),
                cached_tokens=sum(r.usage.cached_tokens for r in results),
            )
            record.usage = usage
        return ImageResult(
            images=images,
            provider=self.name,
            model=self.image_model,
            text="\n".join(texts) or None,
            usage=usage,
        )

    def _image_result(self, response: types.GenerateContentResponse) -> ImageResult:
        # Thought images (drafts from thinking image models) are already left out of ``parts``.
        parts, _ = faults.check_gemini_response(response, want_image=True)
        images = [
            GeneratedImage(data=p.inline_data.data, mime_type=p.inline_data.mime_type or "image/png")
            for p in parts
            if p.inline_data is not None and p.inline_data.data
        ]
        return ImageResult(
            # The last image is the final render ("the last image produced inside thinking", §4).
            images=images[-1:],
            provider=self.name,
            model=self.image_model,
            text=_text(parts) or None,
            usage=_usage(response, images=1),
        )

    # -- the SDK call

    @staticmethod
    async def _generate(
        client: genai.Client, model: str, contents: list[types.Content], config: types.GenerateContentConfig
    ) -> types.GenerateContentResponse:
        try:
            return await client.aio.models.generate_content(model=model, contents=contents, config=config)
        except Exception as exc:
            problem = faults.from_gemini_exception(exc)
            if problem is None:
                raise
            if problem.code == "upstream_auth_failed":
                # F6: the key may have been rotated; the next call reads it again, not the cached value.
                secrets.clear_cache()
            # ``from None``: the SDK's exception text holds the provider's raw message.
            raise problem from None


def _parse_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise faults.invalid_response() from None
    if not isinstance(value, dict):
        raise faults.invalid_response()
    return value
