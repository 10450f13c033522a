"""Request context as a pure ASGI middleware: request id, body cap before parsing, last-resort 500."""

from __future__ import annotations

import json
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shatably.errors import ProblemError
from shatably.observability import logger
from shatably.web.problems import LEGACY_PATHS, PROBLEM_JSON


class _BodyTooLarge(Exception):
    pass


def _request_id(scope: Scope) -> str:
    event = scope.get("aws.event") or {}
    request_id = (event.get("requestContext") or {}).get("requestId")
    if isinstance(request_id, str) and request_id:
        return request_id
    return str(uuid.uuid4())


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        path = scope.get("path", "")
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message).append("x-request-id", request_id)
            await send(message)

        async def reply(problem: ProblemError) -> None:
            body = json.dumps(problem.to_body(request_id, path, legacy=path in LEGACY_PATHS)).encode()
            headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
            headers += [(k.lower().encode(), v.encode()) for k, v in problem.headers().items()]
            await send_with_id({"type": "http.response.start", "status": problem.status, "headers": headers})
            await send_with_id({"type": "http.response.body", "body": body})

        def too_large() -> ProblemError:  # built only when needed, not on every request
            return ProblemError("payload_too_large", detail=f"The body exceeds {self.max_body_bytes} bytes.")

        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await reply(too_large())
            return

        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, capped_receive, send_with_id)
        except _BodyTooLarge:
            if not started:
                await reply(too_large())
        except Exception:
            # The trace goes to the log with the request id; the caller gets only the id.
            logger.exception("unhandled error", extra={"request_id": request_id, "path": path})
            if not started:
                await reply(ProblemError("internal_error", detail="An unexpected error occurred."))


def header(scope: Scope, name: str) -> str | None:
    wanted = name.lower().encode()
    for key, value in scope.get("headers", ()):
        if key == wanted:
            decoded: str = value.decode("latin-1")
            return decoded
    return None


def aws_event(scope: Scope) -> dict[str, Any]:
    event = scope.get("aws.event")
    return event if isinstance(event, dict) else {}
