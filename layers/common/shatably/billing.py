"""Billable calls: idempotency and quotas, both failing closed (reliability.md T18, T23, F10).

Order: a replay is answered from the idempotency record before any quota is touched; a new
call reserves quota, runs, and gives the quota back if it failed or was blocked.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from shatably.errors import ProblemError
from shatably.observability import count, logger
from shatably.settings import get_settings
from shatably.storage.aws import client
from shatably.storage.models import now_ms
from shatably.storage.table import get_table

if TYPE_CHECKING:
    from shatably.web.deps import Deadline

_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces: UUIDs and friends


def idempotency_partition(owner: str) -> str:
    """The partition key of an owner's idempotency records: one per owner, so no hot partition,
    and DELETE /me finds them with one Query."""
    return f"IDEMPOTENCY#{owner}"


def _persistence() -> Any:
    settings = get_settings()
    return _persistence_layer(settings.table_name, settings.idempotency_ttl_seconds, client("dynamodb"))


@lru_cache(maxsize=4)
def _persistence_layer(table_name: str, ttl_seconds: int, ddb: Any) -> Any:
    """One layer per process, on the shared DynamoDB client: the idempotency lock gets the same
    bounded timeouts and standard retries as every other call (reliability P7, L-R3), instead of
    boto3's defaults (60 s reads, legacy retries) on a client built for every request. (Each layer
    registers a hook on the client, so there must not be one per owner.)

    Records live under ``IDEMPOTENCY#<owner>`` (sort key: Powertools' hashed key), so each owner's
    records are their own partition instead of one hot partition for the whole service."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

    class PerOwner(DynamoDBPersistenceLayer):
        """Records under ``idempotency_partition(owner)``: the owner travels inside the key."""

        def _get_hashed_idempotency_key(self, data: dict[str, Any]) -> str | None:
            hashed: str | None = super()._get_hashed_idempotency_key(data)
            return None if hashed is None else f"{data['owner']}|{hashed}"

        def _get_key(self, idempotency_key: str) -> dict[str, Any]:
            owner, _, hashed = idempotency_key.partition("|")
            return {"pk": {"S": idempotency_partition(owner)}, "sk": {"S": hashed}}

    layer = PerOwner(
        table_name=table_name,
        key_attr="pk",
        sort_key_attr="sk",
        expiry_attr="expires_at",
        boto3_client=ddb,
    )
    layer.configure(
        IdempotencyConfig(
            event_key_jmespath="[owner, route, key]",
            payload_validation_jmespath="body",
            expires_after_seconds=ttl_seconds,
        ),
        function_name="shatably",
    )
    return layer


async def run_billable(
    *,
    owner: str,
    route: str,
    idempotency_key: str | None,
    body: dict[str, Any],
    images: int,
    deadline: Deadline,
    work: Callable[[], Awaitable[dict[str, Any]]],
) -> tuple[dict[str, Any], bool]:
    """Run ``work`` at most once per idempotency key; returns (result, replayed)."""
    if idempotency_key is not None and not _KEY.match(idempotency_key):
        raise ProblemError("idempotency_key_invalid", detail="Use 1–255 printable characters, e.g. a UUID.")
    if idempotency_key is None:
        return await _metered(owner, images, work), False

    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyItemAlreadyExistsError,
        IdempotencyValidationError,
    )
    from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

    data = {"owner": owner, "route": route, "key": idempotency_key, "body": body}
    started = now_ms()
    layer = _persistence()
    try:
        layer.save_inprogress(data, remaining_time_in_millis=int(deadline.remaining() * 1000))
    except IdempotencyItemAlreadyExistsError as exc:
        record: DataRecord | None = exc.old_data_record or _guard(lambda: layer.get_record(data))
        if record is None:  # expired between our write and read: treat as in progress
            raise ProblemError("idempotency_in_progress", retry_after=2) from exc
        try:
            layer._validate_payload(data, record)
        except IdempotencyValidationError as mismatch:
            raise ProblemError(
                "idempotency_key_reused", detail="This Idempotency-Key was used with a different request."
            ) from mismatch
        if record.status == "COMPLETED":
            count("IdempotentReplay", route=route)
            replay: dict[str, Any] = record.response_json_as_dict() or {}
            return replay, True
        raise ProblemError("idempotency_in_progress", retry_after=2) from exc
    except IdempotencyValidationError as mismatch:
        raise ProblemError(
            "idempotency_key_reused", detail="This Idempotency-Key was used with a different request."
        ) from mismatch
    except ProblemError:
        raise
    except Exception as exc:  # the persistence layer is down: never call a provider unguarded
        logger.warning("idempotency store unavailable", extra={"error": type(exc).__name__})
        raise ProblemError("dependency_unavailable", retry_after=2) from exc

    try:
        result = await _metered(owner, images, work)
    except Exception as exc:
        # Failed work leaves no record, so a retry with the same key runs again.
        failure = exc
        _quietly(lambda: layer.delete_record(data, failure))
        raise
    # If this write fails the result still reaches the caller; the in-progress record then
    # expires with the request deadline and a retry runs the work again.
    _quietly(lambda: layer.save_success(data, result))
    # The record holds the response: if the owner was erased meanwhile, it must not outlive the
    # erase (which reads the records' partition consistently, so an erase begun later finds it).
    try:
        erased = get_table().erased_since(owner, started)
    except ProblemError:
        erased = True  # unknown: dropping the record only means a retry runs the work again
    if erased:
        _quietly(lambda: layer.delete_record(data, ProblemError("owner_erased")))
    return result, False


def _quietly(call: Callable[[], Any]) -> None:
    try:
        call()
    except Exception as exc:
        logger.warning("idempotency store write failed", extra={"error": type(exc).__name__})


def _guard(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as exc:
        logger.warning("idempotency store call failed", extra={"error": type(exc).__name__})
        raise ProblemError("dependency_unavailable", retry_after=2) from exc


async def _metered(owner: str, images: int, work: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    reserve(owner, images)
    try:
        return await work()
    except Exception:
        release(owner, images)
        raise


def reserve(owner: str, images: int, *, requests: int = 1) -> None:
    settings = get_settings()
    get_table().reserve(
        owner,
        requests=requests,
        images=images,
        request_limit=settings.daily_request_quota,
        image_limit=settings.daily_image_quota,
        global_limit=settings.global_daily_image_budget,
    )
    if images:
        count("BudgetImagesReserved", images)  # the "global budget near exhaustion" alarm sums it


def release(owner: str, images: int, *, requests: int = 1) -> None:
    try:
        get_table().release(
            owner, requests=requests, images=images, global_limit=get_settings().global_daily_image_budget
        )
        if images:
            count("BudgetImagesReserved", -images)
    except ProblemError:
        # The work already failed; a counter we could not give back only costs the user one unit.
        logger.warning("quota release failed", extra={"images": images})
