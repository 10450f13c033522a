"""One logger and one metrics object for the whole layer (DESIGN D14).

Tracing comes from Lambda's active tracing, not the X-Ray SDK, so no Tracer is created here.
Never log prompts, images, keys or provider messages: log sizes, hashes and codes.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "shatably")

# Requests that emit no metric (health, styles) are normal here, not worth a warning each time.
warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Shatably"), service=SERVICE)


def fingerprint(data: bytes | str) -> str:
    """A short, stable hash for logging content without revealing it."""
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()[:12]


def count(name: str, value: float = 1, **dimensions: str) -> None:
    """Emit one metric; dimensions go into the metadata so cardinality stays bounded."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    for key, val in dimensions.items():
        metrics.add_metadata(key=key, value=val)


def observed_handler(
    route: Callable[[dict[str, Any], Any], dict[str, Any] | None],
) -> Callable[[dict[str, Any], Any], dict[str, Any] | None]:
    """Wrap a Mangum handler with Powertools' Lambda context and EMF flushing.

    The correlation id is the API Gateway request id (REST v1 event shape). It is read from the
    event directly rather than through ``correlation_id_path``, which runs a JMESPath search on
    every invocation for the same ``requestContext.requestId`` (a few µs per request).
    """

    @logger.inject_lambda_context(clear_state=True)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any] | None:
        request_context = event.get("requestContext") if isinstance(event, dict) else None
        logger.set_correlation_id(
            request_context.get("requestId") if isinstance(request_context, dict) else None
        )
        return route(event, context)

    wrapped: Callable[[dict[str, Any], Any], dict[str, Any] | None] = handler
    return wrapped
