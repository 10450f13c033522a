"""The Lambda entry point: API Gateway events go to the FastAPI app, other events to the workers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shatably import snapstart
from shatably.observability import logger, observed_handler

EventHandler = Callable[[dict[str, Any], Any], dict[str, Any] | None]


def is_http_event(event: dict[str, Any]) -> bool:
    return "httpMethod" in event or ("requestContext" in event and "http" in event["requestContext"])


def lambda_entry(
    asgi: Callable[[dict[str, Any], Any], dict[str, Any]], on_event: EventHandler | None = None
) -> Callable[..., Any]:
    snapstart.register()

    def route(event: dict[str, Any], context: Any) -> dict[str, Any] | None:
        if is_http_event(event):
            return asgi(event, context)
        if on_event is None:
            logger.warning("unsupported event", extra={"keys": sorted(event)[:10]})
            raise ValueError("This function accepts only API Gateway events")
        return on_event(event, context)

    return observed_handler(route)
