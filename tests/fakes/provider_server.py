"""A fake Gemini + OpenAI server that speaks the real wire formats (providers.md §5).

The adapters are tested through the real SDKs (both use httpx2, so respx cannot intercept): the SDK
serialises, sends over a loopback socket, and parses what this server answers.

Routes:
    POST /{version}/models/{model}:generateContent            -> route "gemini"
    POST /{version}/models/{model}:streamGenerateContent      -> route "gemini_stream" (SSE)
    POST /v1/images/generations                                -> route "images_generate"
    POST /v1/images/edits  (multipart)                         -> route "images_edit"
    POST /v1/chat/completions                                  -> route "chat_completions"
    POST /v1/responses                                         -> route "responses"

Scripting: queue ``Reply`` objects per route (``server.script("gemini", Reply(...), ...)``); each
request pops one, and an empty queue answers with a sensible default (text, JSON matching the
requested schema, or a real PNG/JPEG/WebP made with Pillow at the requested size). Every request is
recorded (``server.requests``) with its headers, parsed JSON or multipart fields and files.

What the real APIs refuse, each route refuses first: its rule list in ``provider_models``
(``GEMINI_RULES``, ``IMAGES_GENERATE_RULES``, ``IMAGES_EDIT_RULES``, ``CHAT_RULES``; append a rule to
teach the fake a new refusal). The real bodies, each naming its source, are built in
``provider_shapes``; ``realworld_examples.json`` and the contract test keep both honest.

Standalone (stress tests, local development): ``python -m tests.fakes.provider_server --port 8765``.
Another process can then script it over HTTP: ``POST /__fake__/script/{route}`` with a ``Reply`` as
JSON (bytes as base64), ``POST /__fake__/reset``, ``GET /__fake__/requests``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextlib
import hashlib
import io
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import uvicorn
from PIL import Image, ImageDraw
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from tests.fakes import provider_models as models
from tests.fakes.provider_reply import Reply as Reply  # re-exported: tests script replies from here

RouteName = Literal[
    "gemini", "gemini_stream", "images_generate", "images_edit", "chat_completions", "responses"
]
ROUTES: tuple[RouteName, ...] = (
    "gemini",
    "gemini_stream",
    "images_generate",
    "images_edit",
    "chat_completions",
    "responses",
)

_GEMINI_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
# ``type`` per status for the generic ``openai_error`` helper: invalid_request_error as in the rw §6
# 400s; a rate-limit 429 has type "tokens" or "requests" (rw §6); 403's is not in the reference.
_OPENAI_ERROR_TYPE = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "permission_denied",
    404: "invalid_request_error",
    429: "requests",
}
# Headers on every OpenAI reply (rw §0, openai/openai-node#1477).
_OPENAI_HEADERS = {"x-request-id": "req_fake", "openai-version": "2020-10-01", "openai-processing-ms": "12"}
# Gemini's JSON content type (rw §0, googleapis/js-genai#907).
_GEMINI_JSON = "application/json; charset=UTF-8"
_FORMATS = {"png": ("PNG", "image/png"), "jpeg": ("JPEG", "image/jpeg"), "webp": ("WEBP", "image/webp")}


# --------------------------------------------------------------------------- scripted replies


def gemini_error(
    status: int,
    message: str | None = None,
    *,
    retry_delay: str | None = None,
    quota: bool = False,
    reason: str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """Google's error envelope (rw §0) for tests that need only a status; ``retry_delay`` adds
    RetryInfo, ``quota`` a per-day QuotaFailure. The real bodies, sourced, are in ``provider_shapes``."""
    details: list[dict[str, Any]] = []
    if quota:
        details.append(
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": "generativelanguage.googleapis.com/generate_content_requests",
                        "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                    }
                ],
            }
        )
    if reason:
        details.append(
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "googleapis.com",
            }
        )
    if retry_delay:
        details.append({"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay})
    error: dict[str, Any] = {
        "code": status,
        "message": message or f"Fake Gemini error {status}.",
        "status": _GEMINI_STATUS.get(status, "UNKNOWN"),
    }
    if details:
        error["details"] = details
    return Reply(status=status, body={"error": error}, headers=dict(headers or {}))


def openai_error(
    status: int,
    code: str | None = None,
    message: str | None = None,
    *,
    type: str | None = None,  # the wire field's name
    headers: dict[str, str] | None = None,
) -> Reply:
    """OpenAI's error envelope, e.g. ``openai_error(400, "moderation_blocked")``."""
    error_type = type or ("image_generation_user_error" if code == "moderation_blocked" else None)
    error_type = error_type or _OPENAI_ERROR_TYPE.get(status, "server_error")
    body = {
        "error": {
            "message": message or f"Fake OpenAI error {status}.",
            "type": error_type,
            "param": None,
            "code": code,
        }
    }
    return Reply(status=status, body=body, headers=dict(headers or {}))


def gemini_blocked(reason: str = "SAFETY") -> Reply:
    """A prompt-level block: 200, promptFeedback.blockReason, no candidates."""
    return Reply(block_reason=reason)


def gemini_refused(finish_reason: str = "IMAGE_SAFETY") -> Reply:
    """A candidate-level block: 200, a candidate with only a finishReason."""
    return Reply(finish_reason=finish_reason, no_content=True)


# --------------------------------------------------------------------------- recorded requests


@dataclass(frozen=True)
class UploadedFile:
    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class RecordedRequest:
    route: RouteName
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)
    files: tuple[UploadedFile, ...] = ()
    model: str | None = None
    api_version: str | None = None  # Gemini only

    # Gemini request views (camelCase and snake_case accepted, as the real API does).

    def gemini_contents(self) -> list[dict[str, Any]]:
        contents = _field(self.json or {}, "contents") or []
        return [c for c in contents if isinstance(c, dict)]

    def gemini_roles(self) -> list[str]:
        return [str(c.get("role", "user")) for c in self.gemini_contents()]

    def gemini_texts(self) -> list[str]:
        return [str(p["text"]) for c in self.gemini_contents() for p in _parts(c) if "text" in p]

    def gemini_images(self) -> list[tuple[str, bytes]]:
        """(MIME type, decoded bytes) of every inline image, in order."""
        images = []
        for content in self.gemini_contents():
            for part in _parts(content):
                inline = _field(part, "inlineData")
                if isinstance(inline, dict):
                    images.append((str(_field(inline, "mimeType")), decode_b64(str(inline["data"]))))
        return images

    def gemini_system(self) -> str | None:
        system = _field(self.json or {}, "systemInstruction")
        if not isinstance(system, dict):
            return None
        return "".join(str(p.get("text", "")) for p in _parts(system))

    def gemini_config(self) -> dict[str, Any]:
        config = _field(self.json or {}, "generationConfig")
        return config if isinstance(config, dict) else {}

    def summary(self) -> dict[str, Any]:
        """A JSON-safe digest for the HTTP control API (no image bytes)."""
        return {
            "route": self.route,
            "method": self.method,
            "path": self.path,
            "model": self.model,
            "api_version": self.api_version,
            "headers": self.headers,
            "form": self.form,
            "files": [
                {"field": f.field, "content_type": f.content_type, "size": len(f.data)} for f in self.files
            ],
        }


def decode_b64(data: str) -> bytes:
    """Either base64 alphabet, padded or not: google-genai sends URL-safe, the API returns standard."""
    cleaned = data.strip().replace("-", "+").replace("_", "/")
    return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _field(obj: Mapping[str, Any], camel: str) -> Any:
    """A request field under its camelCase or snake_case name."""
    return obj[camel] if camel in obj else obj.get(_snake(camel))


def _parts(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    parts = content.get("parts") or []
    return [p for p in parts if isinstance(p, dict)]


# --------------------------------------------------------------------------- default payloads


@lru_cache(maxsize=64)
def make_image(width: int, height: int, fmt: str = "png") -> bytes:
    """A real, decodable image: a diagonal two-tone room sketch, so it is not a flat colour."""
    image = Image.new("RGB", (width, height), (214, 204, 186))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(140, 110, 80))  # the floor
    draw.line((0, 0, width, height), fill=(90, 120, 110), width=max(1, width // 64))
    pil_format, _ = _FORMATS.get(fmt, _FORMATS["png"])
    buffer = io.BytesIO()
    image.save(buffer, format=pil_format)
    return buffer.getvalue()


def sniff_mime(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def json_for_schema(schema: Any) -> Any:
    """A minimal value that satisfies a JSON schema (or Gemini's OpenAPI subset)."""
    if not isinstance(schema, dict):
        return {}
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "any_of"):
        if schema.get(key):
            return json_for_schema(schema[key][0])
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    kind = str(kind).lower()
    if kind == "object":
        properties = schema.get("properties") or {}
        return {name: json_for_schema(sub) for name, sub in properties.items()}
    if kind == "array":
        return [json_for_schema(schema.get("items") or {})]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1.5))
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return "example"


def _word_count(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts) or 1


def _cut_to(text: str, room: int) -> tuple[str, int, bool]:
    """(the text that fits in ``room`` output tokens, the tokens it costs, whether it was cut).
    Words stand for tokens; a cut answer ends mid-sentence (or mid-JSON) as a real one does (rw §3)."""
    words = list(re.finditer(r"\S+\s*", text))
    if len(words) <= room:
        return text, max(1, len(words)), False
    kept = words[max(0, room) - 1].end() if room > 0 else 0
    return text[:kept].rstrip(), max(0, room), True


def _first(refusals: Iterator[Reply | None]) -> Reply | None:
    return next((r for r in refusals if r is not None), None)


def _image_size_setting(config: Mapping[str, Any]) -> str:
    return str(_field(_field(config, "imageConfig") or {}, "imageSize") or "1K")


@lru_cache(maxsize=16)
def make_draft(width: int, height: int) -> bytes:
    """An interim thought image: a flat grey sketch, told apart from the final render by its colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (max(1, width // 4), max(1, height // 4)), (128, 128, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


def _openai_size(size: str | None, fallback: tuple[int, int] = (1024, 1024)) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)", size or "")
    return (int(match[1]), int(match[2])) if match else fallback


# --------------------------------------------------------------------------- the server


class FakeProviderServer:
    """The fake's state (script queues, records) plus the ASGI app that serves them.

    State is shared between the server's thread and the test's thread, hence the lock.
    """

    def __init__(self, default_latency: float = 0.0) -> None:
        self.default_latency = default_latency
        self._lock = threading.Lock()
        self._queues: dict[RouteName, deque[Reply]] = {route: deque() for route in ROUTES}
        self._records: list[RecordedRequest] = []
        self._prefixes: dict[str, deque[list[str]]] = {}  # recent prompts per model (implicit cache)
        self.app = self._build_app()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- scripting and inspection

    def script(self, route: RouteName, *replies: Reply) -> None:
        """Queue replies for a route, answered in order; an empty queue answers with the default."""
        with self._lock:
            self._queues[route].extend(replies)

    def reset(self) -> None:
        with self._lock:
            for queue in self._queues.values():
                queue.clear()
            self._records.clear()
            self._prefixes.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._records)

    def requests_for(self, route: RouteName) -> list[RecordedRequest]:
        return [r for r in self.requests if r.route == route]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    # -- lifecycle

    def start(self) -> FakeProviderServer:
        """Serve on a free loopback port from a daemon thread; returns once it accepts connections."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            lifespan="off",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="fake-provider-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake provider server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=5)
        self._server = self._thread = None

    # -- internals

    def _next(self, route: RouteName) -> Reply:
        with self._lock:
            queue = self._queues[route]
            return queue.popleft() if queue else Reply()

    def _record(self, record: RecordedRequest) -> None:
        with self._lock:
            self._records.append(record)

    def _build_app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/__fake__/script/{route}", self._control_script, methods=["POST"]),
                Route("/__fake__/reset", self._control_reset, methods=["POST"]),
                Route("/__fake__/requests", self._control_requests, methods=["GET"]),
                Route("/v1/images/generations", self._images_generate, methods=["POST"]),
                Route("/v1/images/edits", self._images_edit, methods=["POST"]),
                Route("/v1/chat/completions", self._chat_completions, methods=["POST"]),
                Route("/v1/responses", self._responses, methods=["POST"]),
                Route("/{version}/models/{target:path}", self._gemini, methods=["POST"]),
            ]
        )

    # -- control API (standalone use)

    async def _control_script(self, request: Request) -> Response:
        route = request.path_params["route"]
        if route not in ROUTES:
            return JSONResponse({"error": f"unknown route {route}"}, status_code=404)
        payload = await request.json()
        items = payload if isinstance(payload, list) else [payload]
        self.script(route, *(Reply.from_json(item) for item in items))
        return JSONResponse({"queued": len(items)})

    async def _control_reset(self, request: Request) -> Response:
        self.reset()
        return JSONResponse({"reset": True})

    async def _control_requests(self, request: Request) -> Response:
        return JSONResponse([r.summary() for r in self.requests])

    # -- shared answer plumbing

    async def _delay(self, request: Request, reply: Reply) -> bool:
        """Wait the scripted latency without blocking other requests; False if the client left."""
        latency = reply.latency or self.default_latency
        if latency <= 0:
            return True

        async def disconnected() -> None:
            while (await request.receive())["type"] != "http.disconnect":
                pass

        try:
            await asyncio.wait_for(disconnected(), timeout=latency)
        except TimeoutError:
            return True
        return False

    def _finish(
        self, reply: Reply, default: Any, *, media_type: str = "application/json", openai: bool = False
    ) -> Response:
        headers = (_OPENAI_HEADERS if openai else {}) | dict(reply.headers)
        if reply.reset:
            return _ResetResponse()
        if reply.raw is not None:
            return Response(reply.raw, status_code=reply.status, headers=headers, media_type=media_type)
        body = reply.body if reply.body is not None else default
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return Response(content, status_code=reply.status, headers=headers, media_type=media_type)

    def _headers(self, request: Request) -> dict[str, str]:
        return {k.lower(): v for k, v in request.headers.items()}

    # -- Gemini

    async def _gemini(self, request: Request) -> Response:
        version = request.path_params["version"]
        model, _, method = request.path_params["target"].partition(":")
        if method not in ("generateContent", "streamGenerateContent"):
            return JSONResponse(gemini_error(404, f"Method {method} not found.").body, status_code=404)
        route: RouteName = "gemini" if method == "generateContent" else "gemini_stream"
        try:
            body = json.loads(await request.body() or b"{}")
        except json.JSONDecodeError:
            body = None
        self._record(
            RecordedRequest(
                route=route,
                method=request.method,
                path=request.url.path,
                query=dict(request.query_params),
                headers=self._headers(request),
                json=body,
                model=model,
                api_version=version,
            )
        )
        if not (request.headers.get("x-goog-api-key") or request.query_params.get("key")):
            error = gemini_error(403, "Method doesn't allow unregistered callers.")
            return JSONResponse(error.body, status_code=403)
        if not isinstance(body, dict):
            error = gemini_error(400, "Invalid JSON payload received.")
            return JSONResponse(error.body, status_code=400)
        try:
            for content in _field(body, "contents") or []:
                for part in _parts(content):
                    inline = _field(part, "inlineData")
                    if isinstance(inline, dict):
                        decode_b64(str(inline.get("data", "")))
        except (binascii.Error, ValueError):
            error = gemini_error(400, "Invalid value at 'contents.parts.inline_data.data'.")
            return JSONResponse(error.body, status_code=400)
        known = models.GEMINI_MODELS.get(model)
        for rule in models.GEMINI_RULES:
            refusal = rule(model, version, known, body)
            if refusal is not None:  # what the real API refuses, it refuses before any scripted reply
                return JSONResponse(refusal.body, status_code=refusal.status)
        assert known is not None

        reply = self._next(route)
        if not await self._delay(request, reply):
            return Response(status_code=499)  # the client is gone; nobody reads this
        answer = self._gemini_answer(model, known, body, reply)
        if route == "gemini" or reply.status != 200 or reply.reset or reply.raw is not None:
            return self._finish(reply, answer, media_type=_GEMINI_JSON)
        return self._gemini_stream(answer, reply)

    def _gemini_answer(
        self, name: str, model: models.GeminiModel, body: dict[str, Any], reply: Reply
    ) -> dict[str, Any]:
        """A GenerateContentResponse (pr §2.3, rw §3-§5), spending thinking tokens inside the cap."""
        config = _field(body, "generationConfig") or {}
        prompt_tokens, cached, by_modality = self._gemini_prompt_tokens(name, model, body, reply)
        # Per-modality prompt counts ride on every 2.5+ answer (rw §3-§5 examples).
        usage: dict[str, Any] = reply.usage or {
            "promptTokenCount": prompt_tokens,
            "promptTokensDetails": [{"modality": m, "tokenCount": n} for m, n in by_modality.items()],
        }
        if reply.usage is None and model.image is not None:
            usage |= {"serviceTier": "standard"}  # as on the real image answer (rw §4)
        if reply.usage is None and cached:
            # Implicit caching (rw §5): inside promptTokenCount, absent when nothing was cached.
            usage |= {
                "cachedContentTokenCount": cached,
                "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": cached}],
            }
        if reply.block_reason:
            # rw §5 [REAL lobehub#8707]: 200, no candidates key.
            return {
                "promptFeedback": {"blockReason": reply.block_reason},
                "usageMetadata": usage | {"totalTokenCount": usage.get("promptTokenCount", 0)},
                "modelVersion": name,
                "responseId": "fake-1",
            }
        if reply.empty:
            return {"usageMetadata": usage, "modelVersion": name}
        candidate: dict[str, Any] = {"index": 0, "finishReason": reply.finish_reason or "STOP"}
        if reply.finish_message:
            candidate["finishMessage"] = reply.finish_message
        thoughts = (
            reply.thoughts if reply.thoughts is not None else models.gemini_thinking_spend(model, config)
        )
        cap = int(_field(config, "maxOutputTokens") or models.DEFAULT_OUTPUT_CAP)
        output = 0
        if thoughts is not None and thoughts >= cap:
            # rw §3 [REAL, 2025-09-09 log]: the cap went on thinking: a content with no parts, usage
            # with thoughtsTokenCount and no candidatesTokenCount.
            candidate = {"content": {"role": "model"}, "finishReason": "MAX_TOKENS", "index": 0}
            thoughts = cap
        elif reply.no_content:
            # Image refusals and candidate blocks (rw §4: IMAGE_OTHER carries ``content: {}``).
            if candidate["finishReason"] == "IMAGE_OTHER":
                candidate["content"] = {}
            if candidate["finishReason"] == "SAFETY":
                # rw §5 [REAL CherryHQ/cherry-studio#696]: ratings with one blocked, one output token.
                candidate["safetyRatings"] = [
                    {"category": f"HARM_CATEGORY_{c}", "probability": "NEGLIGIBLE"}
                    for c in ("HATE_SPEECH", "DANGEROUS_CONTENT", "HARASSMENT")
                ] + [{"category": "HARM_CATEGORY_SEXUALLY_EXPLICIT", "probability": "HIGH", "blocked": True}]
                output = 1
                if reply.usage is None:
                    usage |= {"candidatesTokenCount": output}
        else:
            parts, output, cut = self._gemini_parts(name, model, body, reply, cap - (thoughts or 0))
            candidate["content"] = {"parts": parts, "role": "model"}
            if cut:
                candidate["finishReason"] = "MAX_TOKENS"
            if reply.usage is None:
                usage |= {"candidatesTokenCount": output}
                image_tokens = sum(
                    models.gemini_image_tokens(model, _image_size_setting(config))
                    for p in parts
                    if "inlineData" in p and not p.get("thought")
                )
                if image_tokens:
                    usage |= {"candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": image_tokens}]}
        if reply.usage is None:
            if thoughts:
                usage |= {"thoughtsTokenCount": thoughts}
            usage |= {"totalTokenCount": usage.get("promptTokenCount", 0) + output + (thoughts or 0)}
        return {
            "candidates": [candidate],
            "usageMetadata": usage,
            "modelVersion": name,
            "responseId": "fake-1",
        }

    def _gemini_prompt_tokens(
        self, name: str, model: models.GeminiModel, body: dict[str, Any], reply: Reply
    ) -> tuple[int, int, dict[str, int]]:
        """(promptTokenCount, cached tokens, tokens per modality): words stand for tokens, each input
        image costs its model's image tokens (rw §4), and a prompt sharing a long prefix with a
        recent one is served from the implicit cache (rw §5) once the shared prefix reaches the
        model's minimum."""
        tokens: list[str] = []
        system = _field(body, "systemInstruction")
        for content in ([system] if isinstance(system, dict) else []) + list(_field(body, "contents") or []):
            for part in _parts(content):
                if "text" in part:
                    tokens += str(part["text"]).split()
                inline = _field(part, "inlineData")
                if isinstance(inline, dict):
                    digest = hashlib.sha256(str(inline.get("data", "")).encode()).hexdigest()[:12]
                    tokens += [f"<image:{digest}>"] * models.gemini_input_image_tokens(model)
        cached = (
            reply.cached_tokens
            if reply.cached_tokens is not None
            else self._cached_prefix(name, tokens, model.cache_minimum)
        )
        images = sum(1 for token in tokens if token.startswith("<image:"))
        by_modality = {"TEXT": max(1, len(tokens) - images)} | ({"IMAGE": images} if images else {})
        return max(1, len(tokens)), cached, by_modality

    def _cached_prefix(self, key: str, tokens: list[str], minimum: int) -> int:
        with self._lock:
            best = 0
            for earlier in self._prefixes.get(key, ()):
                shared = 0
                for mine, theirs in zip(tokens, earlier, strict=False):
                    if mine != theirs:
                        break
                    shared += 1
                best = max(best, shared)
            history = self._prefixes.setdefault(key, deque(maxlen=32))
            history.append(tokens)
        return best if best >= minimum else 0

    def _gemini_parts(
        self, name: str, model: models.GeminiModel, body: dict[str, Any], reply: Reply, room: int
    ) -> tuple[list[dict[str, Any]], int, bool]:
        """The answer's parts, the output tokens they cost, and whether the cap cut them."""
        config = _field(body, "generationConfig") or {}
        modalities = [str(m).upper() for m in _field(config, "responseModalities") or []]
        wants_image = model.image is not None and (not modalities or "IMAGE" in modalities)
        count = reply.images if reply.images is not None else (1 if wants_image else 0)
        parts: list[dict[str, Any]] = []
        thinking = _field(config, "thinkingConfig") or {}
        if _field(thinking, "includeThoughts"):
            # rw §3: summaries as separate ``thought: true`` parts, usually under a bold heading.
            parts.append(
                {"text": "**Considering the room**\n\nWeighing light, layout and budget.", "thought": True}
            )
        text: str | None = None
        if reply.text is not None:
            text = reply.text
        elif reply.json is not None:
            text = json.dumps(reply.json)
        elif count == 0 and not reply.tool_calls:
            schema = _field(config, "responseJsonSchema") or _field(config, "responseSchema")
            if schema is not None:
                text = json.dumps(json_for_schema(schema))
            else:
                text = "A fake designer's answer: warm oak, linen and soft light."
        output, cut = 0, False
        if text is not None:
            text, output, cut = _cut_to(text, room)
            parts.append({"text": text})
        for tool_name, args in reply.tool_calls:
            parts.append({"functionCall": {"name": tool_name, "args": args}})
        width, height = self._gemini_output_size(model, config)
        thought_images = reply.thought_images
        if thought_images is None:
            thought_images = 1 if count and name.startswith("gemini-3") else 0
        for _ in range(thought_images if count else 0):
            # rw §4: interim ``thought: true`` images before the final render (a flat draft here).
            draft = make_draft(width, height)
            parts.append(
                {
                    "inlineData": {"mimeType": "image/png", "data": base64.b64encode(draft).decode()},
                    "thought": True,
                }
            )
        for _ in range(count):
            data = reply.image or make_image(width, height)
            parts.append(
                {"inlineData": {"mimeType": sniff_mime(data), "data": base64.b64encode(data).decode()}}
            )
        signature = base64.b64encode(b"fake-thought-signature").decode()
        calls = [p for p in parts if "functionCall" in p]
        if calls and model.thinking is not None:
            calls[0]["thoughtSignature"] = signature  # rw §3: on the first functionCall part
        elif name.startswith("gemini-3") and parts:
            # rw §3: without calls, Gemini 3 signs the last part (the final image on image models).
            parts[-1]["thoughtSignature"] = signature
        return parts, output, cut

    @staticmethod
    def _gemini_output_size(model: models.GeminiModel, config: Mapping[str, Any]) -> tuple[int, int]:
        image_config = _field(config, "imageConfig") or {}
        aspect = str(_field(image_config, "aspectRatio") or "1:1")
        return models.gemini_image_size(model, aspect, _image_size_setting(config))

    def _gemini_stream(self, answer: dict[str, Any], reply: Reply) -> Response:
        """SSE: the first text part alone, then the rest with finishReason and usage (providers.md §2.4)."""
        chunks: list[dict[str, Any]] = []
        candidates = answer.get("candidates") or []
        parts = (candidates[0].get("content") or {}).get("parts", []) if candidates else []
        text = next((p["text"] for p in parts if "text" in p), None)
        if text and len(text) > 1:
            head, tail = text[: len(text) // 2], text[len(text) // 2 :]
            chunks.append(
                {"candidates": [{"content": {"role": "model", "parts": [{"text": head}]}, "index": 0}]}
            )
            rest = [{"text": tail} if "text" in p and p["text"] == text else p for p in parts]
            last = json.loads(json.dumps(answer))
            last["candidates"][0]["content"]["parts"] = rest
            chunks.append(last)
        else:
            chunks.append(answer)
        if reply.stream_error is not None:
            chunks.insert(1, {"error": reply.stream_error})
            del chunks[2:]

        async def events() -> Any:
            for chunk in chunks:
                yield f"data: {json.dumps(chunk)}\r\n\r\n".encode()

        return StreamingResponse(events(), media_type="text/event-stream", headers=reply.headers)

    # -- OpenAI

    def _openai_unauthorized(self, request: Request) -> Response | None:
        auth = request.headers.get("authorization", "")
        if auth.startswith("Bearer ") and auth[7:].strip():
            return None
        error = openai_error(401, "invalid_api_key", "You didn't provide an API key.")
        return JSONResponse(error.body, status_code=401)

    @staticmethod
    def _openai_refusal(reply: Reply) -> Response:
        return JSONResponse(reply.body, status_code=reply.status, headers=_OPENAI_HEADERS | reply.headers)

    async def _openai_json(
        self, request: Request, route: RouteName
    ) -> tuple[dict[str, Any], Response | None]:
        """An OpenAI JSON request: its body (``{}`` when it is not JSON), recorded, and the 401 a
        missing key gets, if any."""
        try:
            body = json.loads(await request.body() or b"{}")
        except json.JSONDecodeError:
            body = {}
        self._record(
            RecordedRequest(
                route=route,
                method=request.method,
                path=request.url.path,
                query=dict(request.query_params),
                headers=self._headers(request),
                json=body,
                model=body.get("model"),
            )
        )
        return body, self._openai_unauthorized(request)

    async def _images_generate(self, request: Request) -> Response:
        body, denied = await self._openai_json(request, "images_generate")
        if denied is not None:
            return denied
        if (refusal := _first(rule(body, []) for rule in models.IMAGES_GENERATE_RULES)) is not None:
            return self._openai_refusal(refusal)
        reply = self._next("images_generate")
        if not await self._delay(request, reply):
            return Response(status_code=499)
        size = _openai_size(body.get("size"))
        return self._finish(
            reply, self._images_answer(body, size, int(body.get("n") or 1), reply), openai=True
        )

    async def _images_edit(self, request: Request) -> Response:
        form = await request.form()
        fields: dict[str, str] = {}
        files: list[UploadedFile] = []
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                files.append(UploadedFile(name, value.filename, value.content_type, await value.read()))
            else:
                fields[name] = value
        self._record(
            RecordedRequest(
                route="images_edit",
                method=request.method,
                path=request.url.path,
                query=dict(request.query_params),
                headers=self._headers(request),
                form=fields,
                files=tuple(files),
                model=fields.get("model"),
            )
        )
        if (denied := self._openai_unauthorized(request)) is not None:
            return denied
        sources = [f for f in files if f.field in ("image", "image[]")]
        if not sources:
            error = openai_error(400, None, "Missing required parameter: 'image'.")
            return JSONResponse(error.body, status_code=400)
        if (refusal := _first(rule(fields, files) for rule in models.IMAGES_EDIT_RULES)) is not None:
            return self._openai_refusal(refusal)
        reply = self._next("images_edit")
        if not await self._delay(request, reply):
            return Response(status_code=499)
        with Image.open(io.BytesIO(sources[0].data)) as source:
            fallback = source.size
        size = _openai_size(fields.get("size"), fallback)
        # Input image tokens: estimate, the same table as output at low quality per source image.
        params = fields | {
            "image_tokens": str(models.openai_image_tokens(fields.get("model", ""), fallback, "low"))
        }
        return self._finish(
            reply, self._images_answer(params, size, int(fields.get("n") or 1), reply), openai=True
        )

    def _images_answer(
        self, params: Mapping[str, Any], size: tuple[int, int], n: int, reply: Reply
    ) -> dict[str, Any]:
        fmt = str(params.get("output_format") or "png")
        data = (
            []
            if reply.empty
            else [{"b64_json": base64.b64encode(reply.image or make_image(*size, fmt)).decode()}]
        )
        prompt_tokens = _word_count([str(params.get("prompt", ""))])
        quality = str(params.get("quality") or "auto")
        per_image = models.openai_image_tokens(str(params.get("model") or ""), size, quality)
        input_images = 0
        if "image_tokens" in params:  # edits: the source costs input image tokens (rw §7)
            input_images = int(params["image_tokens"])
        # rw §7 [SDK images_response.py]: created, background, output_format, quality, size, usage.
        return {
            "created": int(time.time()),
            "background": params.get("background") or "opaque",
            "output_format": fmt,
            "quality": "medium" if quality == "auto" else quality,
            "size": f"{size[0]}x{size[1]}",
            "data": data * n,
            "usage": reply.usage
            or {
                "input_tokens": prompt_tokens + input_images,
                "input_tokens_details": {"image_tokens": input_images, "text_tokens": prompt_tokens},
                "output_tokens": per_image * n,
                "total_tokens": prompt_tokens + input_images + per_image * n,
                "output_tokens_details": {"image_tokens": per_image * n, "text_tokens": 0},
            },
        }

    async def _chat_completions(self, request: Request) -> Response:
        body, denied = await self._openai_json(request, "chat_completions")
        if denied is not None:
            return denied
        if (refusal := _first(rule(body) for rule in models.CHAT_RULES)) is not None:
            return self._openai_refusal(refusal)
        reply = self._next("chat_completions")
        if not await self._delay(request, reply):
            return Response(status_code=499)
        return self._finish(reply, self._chat_answer(body, reply), openai=True)

    async def _responses(self, request: Request) -> Response:
        body, denied = await self._openai_json(request, "responses")
        if denied is not None:
            return denied
        effort = (body.get("reasoning") or {}).get("effort")
        as_chat = {"model": body.get("model")} | ({"reasoning_effort": effort} if effort else {})
        if (refusal := _first(rule(as_chat) for rule in models.CHAT_RULES)) is not None:
            return self._openai_refusal(refusal)
        reply = self._next("responses")
        if not await self._delay(request, reply):
            return Response(status_code=499)
        return self._finish(reply, self._responses_answer(body, as_chat, reply), openai=True)

    def _responses_answer(
        self, body: Mapping[str, Any], as_chat: Mapping[str, Any], reply: Reply
    ) -> dict[str, Any]:
        """The Responses API (rw §8): reasoning inside ``max_output_tokens``; at the cap the status is
        ``incomplete`` with ``incomplete_details.reason: max_output_tokens`` [DOC via Switchyard#796;
        SDK IncompleteDetails; the body is the reference's RECON]."""
        prompt = max(
            1, len(json.dumps(body.get("input")).split()) + len(str(body.get("instructions") or "").split())
        )
        reasoning = reply.thoughts if reply.thoughts is not None else models.openai_reasoning_spend(as_chat)
        cap = int(body.get("max_output_tokens") or models.DEFAULT_OUTPUT_CAP)
        output: list[dict[str, Any]] = [{"id": "rs_fake", "type": "reasoning", "summary": []}]
        text = (
            reply.text
            if reply.text is not None
            else "A fake designer's answer: warm oak, linen and soft light."
        )
        answer: dict[str, Any] = {"id": "resp_fake", "object": "response", "status": "completed"}
        spent = min(reasoning, cap)
        written, cut = 0, reasoning >= cap
        if not cut:
            text, written, cut = _cut_to(text, cap - reasoning)
            output.append(
                {
                    "id": "msg_fake",
                    "type": "message",
                    "role": "assistant",
                    "status": "incomplete" if cut else "completed",
                    "content": [{"type": "output_text", "text": text, "annotations": []}],
                }
            )
        if cut:
            answer |= {"status": "incomplete", "incomplete_details": {"reason": "max_output_tokens"}}
        return answer | {
            "model": body.get("model"),
            "output": output,
            "usage": {
                "input_tokens": prompt,
                "input_tokens_details": {"cached_tokens": 0},
                "output_tokens": spent + written,
                "output_tokens_details": {"reasoning_tokens": spent},
                "total_tokens": prompt + spent + written,
            },
        }

    def _chat_answer(self, body: Mapping[str, Any], reply: Reply) -> dict[str, Any]:
        response_format = body.get("response_format") or {}
        if reply.text is not None:
            content: str | None = reply.text
        elif reply.json is not None:
            content = json.dumps(reply.json)
        elif reply.tool_calls:
            content = None
        elif response_format.get("type") == "json_schema":
            content = json.dumps(json_for_schema((response_format.get("json_schema") or {}).get("schema")))
        elif response_format.get("type") == "json_object":
            content = "{}"
        else:
            content = "A fake designer's answer: warm oak, linen and soft light."
        message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
        if reply.tool_calls:
            message["tool_calls"] = [
                {
                    "id": f"call_{i}",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(args)},
                }
                for i, (name, args) in enumerate(reply.tool_calls)
            ]
        finish = reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop")
        prompt = [str(w) for m in body.get("messages") or [] for w in json.dumps(m.get("content")).split()]
        cached = reply.cached_tokens
        if cached is None:
            # Prompt caching: prefixes of 1024+ tokens, counted in 128-token steps (estimate of the
            # documented behaviour; the reference gives the field, rw §8).
            shared = self._cached_prefix(f"openai:{body.get('model')}", prompt, 1024)
            cached = shared // 128 * 128
        reasoning = reply.thoughts if reply.thoughts is not None else models.openai_reasoning_spend(body)
        cap = int(body.get("max_completion_tokens") or body.get("max_tokens") or models.DEFAULT_OUTPUT_CAP)
        completion = 0
        if reasoning >= cap:
            # rw §8 [REAL measurements]: 200, finish "length", empty content, all of it reasoning.
            reasoning, content, finish = cap, "", "length"
            message["content"] = content
        elif content is not None:
            content, completion, cut = _cut_to(content, cap - reasoning)
            message["content"] = content
            if cut:
                finish = "length"
        choices = (
            []
            if reply.empty
            else [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}]
        )
        prompt_tokens = max(1, len(prompt))
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model"),
            "choices": choices,
            "usage": reply.usage
            or {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion + reasoning,
                "total_tokens": prompt_tokens + completion + reasoning,
                "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
                "completion_tokens_details": {
                    "reasoning_tokens": reasoning,
                    "audio_tokens": 0,
                    "accepted_prediction_tokens": 0,
                    "rejected_prediction_tokens": 0,
                },
            },
        }


class _ResetResponse(Response):
    """Promise a body, send part of it, and end: the client sees the connection drop mid-response."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"candidates": [', "more_body": True})
        # Returning without finishing the body makes uvicorn close the socket under the client.


@contextlib.contextmanager
def running_server(default_latency: float = 0.0) -> Iterator[FakeProviderServer]:
    server = FakeProviderServer(default_latency).start()
    try:
        yield server
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the fake Gemini/OpenAI provider on loopback.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    args = parser.parse_args(argv)
    server = FakeProviderServer(default_latency=args.latency)
    print(
        f"fake providers on http://127.0.0.1:{args.port} "
        f"(GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:{args.port} OPENAI_BASE_URL=http://127.0.0.1:{args.port}/v1)",
        flush=True,
    )
    uvicorn.run(server.app, host="127.0.0.1", port=args.port, lifespan="off", log_level="warning")


if __name__ == "__main__":
    main()
