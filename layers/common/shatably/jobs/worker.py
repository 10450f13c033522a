"""The worker entry: SQS batches and EventBridge events become job runs (same code as HTTP)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from pydantic import ValidationError

from shatably.errors import ProblemError
from shatably.jobs import service
from shatably.jobs.models import JobMessage
from shatably.observability import count, logger
from shatably.storage.media import get_media

INBOUND_DETAIL_TYPES = {"Generate Requested": "generate", "Edit Requested": "edit"}


def handle_event(event: dict[str, Any], context: Any) -> dict[str, Any] | None:
    if isinstance(event.get("Records"), list):
        return _sqs_batch(event["Records"])
    if "detail-type" in event:
        _eventbridge(event)
        return None
    raise ValueError("Unsupported event: expected SQS records or an EventBridge event")


def _run(coro: Any) -> None:
    # Mangum keeps one event loop per process; the worker uses the same one.
    loop = asyncio.get_event_loop()
    loop.run_until_complete(coro)


def _sqs_batch(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Partial batch response: only failed records come back (ReportBatchItemFailures)."""
    failures = []
    media = get_media()
    for record in records:
        message_id = record.get("messageId", "")
        try:
            body = json.loads(record.get("body") or "")
            message = JobMessage.model_validate(body)
        except (ValueError, ValidationError):
            # A poison message fails every time; after maxReceiveCount it lands in the DLQ.
            logger.warning("malformed job message", extra={"message_id": message_id})
            count("JobMessagesMalformed")
            failures.append({"itemIdentifier": message_id})
            continue
        if message.job_id is None:
            message = message.model_copy(update={"job_id": service.job_id_for_event(message_id)})
        receives = int((record.get("attributes") or {}).get("ApproximateReceiveCount", "1"))
        try:
            _run(service.run(media, message, receive_count=receives))
        except Exception as exc:
            code = exc.code if isinstance(exc, ProblemError) else type(exc).__name__
            logger.warning("job will be retried", extra={"job_id": message.job_id, "code": code})
            failures.append({"itemIdentifier": message_id})
            _retry_soon(record, receives)
    return {"batchItemFailures": failures}


def _retry_soon(record: dict[str, Any], receives: int) -> None:
    """Bring a transiently failed job back after a short backoff, not the queue's long visibility
    timeout (sized for the worker's 300 s runs): 30 s, 60 s, 120 s ... capped at 15 minutes."""
    from shatably.settings import get_settings
    from shatably.storage.aws import client

    settings = get_settings()
    queue_url = settings.jobs_queue_url
    handle = record.get("receiptHandle")
    if not queue_url or not handle:
        return
    try:
        client("sqs").change_message_visibility(
            QueueUrl=queue_url,
            ReceiptHandle=handle,
            VisibilityTimeout=min(settings.job_retry_delay_seconds * 2 ** (receives - 1), 900),
        )
    except Exception:  # the default visibility timeout still brings it back
        logger.warning("could not shorten the retry delay", extra={"message_id": record.get("messageId")})


def _eventbridge(event: dict[str, Any]) -> None:
    kind = INBOUND_DETAIL_TYPES.get(event.get("detail-type", ""))
    detail = event.get("detail") or {}
    if kind is None or not isinstance(detail, dict):
        raise ValueError("Unsupported EventBridge event")
    payload = {"kind": kind, **{k: v for k, v in detail.items() if k != "kind"}}
    try:
        message = JobMessage.model_validate(payload)
    except ValidationError:
        # Retrying a malformed event cannot help: log it, count it, drop it.
        logger.warning("malformed job event", extra={"event_id": event.get("id")})
        count("JobEventsMalformed")
        return
    if message.job_id is None:
        message = message.model_copy(update={"job_id": service.job_id_for_event(str(event.get("id", "")))})
    _run(service.run(get_media(), message))
