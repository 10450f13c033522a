"""API Gateway REST (v1) proxy events for calling a function's Lambda handler as API Gateway does."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

from tests.support.lambda_context import FakeContext

EVENTS = Path(__file__).resolve().parents[2] / "events"
_CLIENT_HEADERS = ("X-Owner-Id", "Idempotency-Key", "Content-Type")


def rest_event(
    method: str,
    path: str,
    *,
    body: Any = None,
    raw_body: str | None = None,
    headers: dict[str, str] | None = None,
    authorizer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An event shaped like events/chat_json.json; ``authorizer`` becomes ``requestContext.authorizer``
    (what API Gateway puts there after the authorizer ran; a client cannot set it)."""
    event: dict[str, Any] = copy.deepcopy(json.loads((EVENTS / "chat_json.json").read_text()))
    all_headers = {k: v for k, v in event["headers"].items() if k not in _CLIENT_HEADERS}
    if body is not None or raw_body is not None:
        all_headers["Content-Type"] = "application/json"
    all_headers |= headers or {}
    event.update(
        resource=path,
        path=path,
        httpMethod=method,
        headers=all_headers,
        multiValueHeaders={k: [v] for k, v in all_headers.items()},
        body=raw_body if raw_body is not None else (json.dumps(body) if body is not None else None),
    )
    event["requestContext"].update(
        resourcePath=path, httpMethod=method, path=f"/dev{path}", requestId=str(uuid.uuid4())
    )
    if authorizer is not None:
        event["requestContext"]["authorizer"] = authorizer
    return event


def invoke(handler: Any, event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    """Call a Lambda handler; (status, lower-cased headers, body: parsed when JSON, else text)."""
    result = handler(event, FakeContext())
    headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
    for key, values in (result.get("multiValueHeaders") or {}).items():
        headers.setdefault(key.lower(), ", ".join(values))
    body: Any = result.get("body") or None
    if body is not None and "json" in headers.get("content-type", ""):
        body = json.loads(body)
    return result["statusCode"], headers, body
