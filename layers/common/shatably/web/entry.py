"""The Lambda entry point: API Gateway events go to the FastAPI app, other events to the workers."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import Any

from shatably import snapstart
from shatably.observability import logger, observed_handler
from shatably.settings import Capability

EventHandler = Callable[[dict[str, Any], Any], dict[str, Any] | None]

# Mangum base64-encodes any type it does not know as text, and API Gateway only decodes base64
# for clients whose Accept is a binary media type: problem+json must be declared text.
TEXT_MIME_TYPES = [
    "text/",
    "application/json",
    "application/problem+json",
    "application/javascript",
    "application/xml",
    "application/vnd.api+json",
    "application/vnd.oai.openapi",
]


def is_http_event(event: dict[str, Any]) -> bool:
    return "httpMethod" in event or ("requestContext" in event and "http" in event["requestContext"])


def lambda_entry(
    asgi: Callable[[dict[str, Any], Any], dict[str, Any]],
    on_event: EventHandler | None = None,
    *,
    capabilities: tuple[Capability, ...] = (),
) -> Callable[..., Any]:
    """The Lambda handler; ``capabilities`` name the providers this function calls (SnapStart preload)."""
    snapstart.register(capabilities)
    gc.freeze()  # INIT's objects live as long as the process: later collections skip them
    gc.enable()  # paused by shatably.coldstart, the app's first import

    def route(event: dict[str, Any], context: Any) -> dict[str, Any] | None:
        if is_http_event(event):
            return asgi(event, context)
        if on_event is None:
            logger.warning("unsupported event", extra={"keys": sorted(event)[:10]})
            raise ValueError("This function accepts only API Gateway events")
        return on_event(event, context)

    return first_request_uncollected(observed_handler(route))


def first_request_uncollected(handler: EventHandler) -> EventHandler:
    """``handler``, with garbage collection paused during the first call if it is an API request.

    The first request creates the AWS clients and loads their models, more long-lived objects
    like INIT's (see ``shatably.coldstart``); a worker event may run a job for minutes, so it is
    collected as usual. Afterwards nothing is frozen: garbage from the first request is freed.
    """
    first = True

    @functools.wraps(handler)
    def call(event: dict[str, Any], context: Any) -> dict[str, Any] | None:
        nonlocal first
        if not first:
            return handler(event, context)
        first = False
        if not (isinstance(event, dict) and is_http_event(event)) or not gc.isenabled():
            return handler(event, context)
        gc.disable()
        try:
            return handler(event, context)
        finally:
            gc.enable()

    return call
