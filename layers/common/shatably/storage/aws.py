"""boto3 clients, created once per process, with timeouts that fit a request deadline.

Clients are built lazily so a route that never touches AWS never imports boto3's client machinery.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from shatably.errors import ProblemError
from shatably.observability import logger
from shatably.settings import get_settings


@lru_cache(maxsize=8)
def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    settings = get_settings()
    config = Config(
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=2,
        read_timeout=5,
        signature_version="s3v4" if service == "s3" else None,
        s3={"addressing_style": "path"} if service == "s3" else None,
    )
    # AWS_ENDPOINT_URL (boto3's own variable) points every client at the local moto server.
    return boto3.client(
        service, region_name=settings.region, config=config, endpoint_url=settings.aws_endpoint_url
    )


def reset_clients() -> None:
    client.cache_clear()


@contextmanager
def aws_faults(code: str, action: str) -> Iterator[None]:
    """Turn AWS failures into one problem code; lookups that miss are the caller's business."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        error_code = exc.response.get("Error", {}).get("Code", "")
        logger.warning("aws call failed", extra={"action": action, "aws_code": error_code})
        raise ProblemError(code, detail=f"Could not {action}; please retry.", retry_after=2) from exc
    except BotoCoreError as exc:
        logger.warning("aws call failed", extra={"action": action, "aws_error": type(exc).__name__})
        raise ProblemError(code, detail=f"Could not {action}; please retry.", retry_after=2) from exc
