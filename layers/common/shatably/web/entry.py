"""The Lambda entry point: API Gateway events go to the FastAPI app, other events to the workers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shatably import coldstart, snapstart
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
    coldstart.init_done()

    def route(event: dict[str, Any], context: Any) -> dict[str, Any] | None:
        if is_http_event(event):
            return asgi(event, context)
        if on_event is None:
            logger.warning("unsupported event", extra={"keys": sorted(event)[:10]})
            raise ValueError("This function accepts only API Gateway events")
        return on_event(event, context)

    return coldstart.first_call_paused(observed_handler(route))
