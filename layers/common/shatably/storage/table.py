"""The single DynamoDB table (DESIGN D10): sessions, turns, images, jobs and quota counters.

Item layout (pk / sk):
  SESSION#<id> / META          the session: owner, turn count
  SESSION#<id> / TURN#<00001>  one turn, written with the session's count in one transaction
  IMAGE#<id>   / META          an image record and its lineage (parent_id)
  JOB#<id>     / META          a job
  QUOTA#<owner>#<day> / DAY    per-owner daily counters
  BUDGET#<day> / DAY           the global daily image budget (the kill switch)
Complex values (plans, requests) are stored as JSON strings: they are read whole, never queried.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel

from shatably.errors import ProblemError
from shatably.storage.aws import aws_faults, client
from shatably.storage.models import ImageRecord, JobRecord, SessionRecord, TurnRecord

M = TypeVar("M", bound=BaseModel)
_DEP = "dependency_unavailable"
_JSON_FIELDS = frozenset({"plan", "outcome", "request", "error", "usage"})


def _attribute(value: Any) -> dict[str, Any]:
    """A DynamoDB attribute value for what our records hold (text, whole numbers, flags, lists)."""
    if isinstance(value, bool):  # before int: bool is an int
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if isinstance(value, list):
        return {"L": [_attribute(v) for v in value]}
    if isinstance(value, dict):
        return {"M": {k: _attribute(v) for k, v in value.items()}}
    if value is None:
        return {"NULL": True}
    raise TypeError(f"cannot store {type(value).__name__} in a record; JSON-encode it")


def _value(attribute: dict[str, Any]) -> Any:
    ((kind, raw),) = attribute.items()
    if kind == "S" or kind == "BOOL":
        return raw
    if kind == "N":
        return int(raw)  # we store only whole numbers outside JSON fields
    if kind == "L":
        return [_value(v) for v in raw]
    if kind == "M":
        return {k: _value(v) for k, v in raw.items()}
    if kind == "NULL":
        return None
    raise TypeError(f"unexpected DynamoDB attribute type {kind}")


def _serialize(model: BaseModel) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key, value in model.model_dump().items():
        if value is None or value == []:
            continue
        if key in _JSON_FIELDS:
            value = json.dumps(value, ensure_ascii=False)
        item[key] = _attribute(value)
    return item


def _deserialize(item: dict[str, Any], model: type[M]) -> M:
    data: dict[str, Any] = {}
    for key, raw in item.items():
        if key in ("pk", "sk"):
            continue
        value = _value(raw)
        if key in _JSON_FIELDS and isinstance(value, str):
            value = json.loads(value)
        data[key] = value
    return model.model_validate(data)


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def seconds_until_midnight() -> int:
    now = datetime.now(UTC)
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((tomorrow - now).total_seconds()))


class Table:
    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def _ddb(self) -> Any:
        return client("dynamodb")

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        with aws_faults(_DEP, "read from the table"):
            response = self._ddb.get_item(TableName=self.name, Key=_key(pk, sk), ConsistentRead=True)
        item: dict[str, Any] | None = response.get("Item")
        return item

    # --- sessions and turns -------------------------------------------------------------------

    def get_session(self, session_id: str) -> SessionRecord | None:
        item = self._get(f"SESSION#{session_id}", "META")
        return _deserialize(item, SessionRecord) if item else None

    def recent_turns(self, session_id: str, limit: int) -> list[TurnRecord]:
        """The last ``limit`` turns, oldest first."""
        with aws_faults(_DEP, "read the conversation"):
            response = self._ddb.query(
                TableName=self.name,
                KeyConditionExpression="pk = :pk AND begins_with(sk, :turn)",
                ExpressionAttributeValues={":pk": {"S": f"SESSION#{session_id}"}, ":turn": {"S": "TURN#"}},
                ScanIndexForward=False,
                Limit=limit,
                ConsistentRead=True,
            )
        turns = [_deserialize(item, TurnRecord) for item in response.get("Items", [])]
        return sorted(turns, key=lambda t: t.index)

    def append_turn(self, session: SessionRecord, turn: TurnRecord) -> None:
        """Write a turn and advance the session's count atomically.

        The condition on the count makes concurrent turns on one session fail instead of
        interleaving: the conversation is never reordered, duplicated or left half-written.
        """
        from botocore.exceptions import ClientError

        meta = _serialize(session) | _key(f"SESSION#{session.session_id}", "META")
        turn_item = _serialize(turn) | _key(f"SESSION#{session.session_id}", f"TURN#{turn.index:05d}")
        previous = turn.index - 1
        session_write: dict[str, Any] = {
            "TableName": self.name,
            "Item": meta,
            "ConditionExpression": (
                "attribute_not_exists(pk)" if previous == 0 else "turn_count = :previous"
            ),
        }
        if previous:
            session_write["ExpressionAttributeValues"] = {":previous": {"N": str(previous)}}
        try:
            with aws_faults(_DEP, "save the conversation"):
                try:
                    self._ddb.transact_write_items(
                        TransactItems=[
                            {"Put": session_write},
                            {
                                "Put": {
                                    "TableName": self.name,
                                    "Item": turn_item,
                                    "ConditionExpression": "attribute_not_exists(pk)",
                                }
                            },
                        ]
                    )
                except ClientError as exc:
                    if _conflicted(exc.response):
                        raise _Conflict from exc
                    raise  # throttled or failed: a dependency problem, not a conflict
        except _Conflict as exc:
            raise ProblemError(
                "conversation_conflict",
                detail="Another message in this conversation was answered first; send yours again.",
                retry_after=1,
            ) from exc

    def delete_session(self, session_id: str) -> list[TurnRecord]:
        """Delete the session and all its turns; returns the turns (their images are deleted next)."""
        pk = f"SESSION#{session_id}"
        items: list[dict[str, Any]] = []
        with aws_faults(_DEP, "read the conversation"):
            paginator = self._ddb.get_paginator("query")
            for page in paginator.paginate(
                TableName=self.name,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": pk}},
                ConsistentRead=True,
            ):
                items.extend(page.get("Items", []))
        turns = [_deserialize(i, TurnRecord) for i in items if i["sk"]["S"].startswith("TURN#")]
        with aws_faults(_DEP, "delete the conversation"):
            for start in range(0, len(items), 25):
                batch = [
                    {"DeleteRequest": {"Key": {"pk": i["pk"], "sk": i["sk"]}}}
                    for i in items[start : start + 25]
                ]
                self._batch_write(batch)
        return turns

    def _batch_write(self, requests: list[dict[str, Any]]) -> None:
        pending = {self.name: requests}
        for _ in range(5):
            response = self._ddb.batch_write_item(RequestItems=pending)
            pending = response.get("UnprocessedItems") or {}
            if not pending:
                return
            time.sleep(0.05)
        raise ProblemError(_DEP, detail="Could not finish deleting; please retry.", retry_after=2)

    # --- images -------------------------------------------------------------------------------

    def put_image(self, record: ImageRecord) -> None:
        item = _serialize(record) | _key(f"IMAGE#{record.image_id}", "META")
        with aws_faults(_DEP, "save the image record"):
            self._ddb.put_item(TableName=self.name, Item=item)

    def get_image(self, image_id: str) -> ImageRecord | None:
        item = self._get(f"IMAGE#{image_id}", "META")
        return _deserialize(item, ImageRecord) if item else None

    def delete_images(self, image_ids: list[str]) -> None:
        requests = [{"DeleteRequest": {"Key": _key(f"IMAGE#{i}", "META")}} for i in image_ids]
        with aws_faults(_DEP, "delete image records"):
            for start in range(0, len(requests), 25):
                self._batch_write(requests[start : start + 25])

    # --- jobs ---------------------------------------------------------------------------------

    def create_job(self, job: JobRecord) -> bool:
        """Store a new job; False when a job with this id already exists (duplicate delivery)."""
        from botocore.exceptions import ClientError

        item = _serialize(job) | _key(f"JOB#{job.job_id}", "META")
        with aws_faults(_DEP, "save the job"):
            try:
                self._ddb.put_item(
                    TableName=self.name, Item=item, ConditionExpression="attribute_not_exists(pk)"
                )
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                    return False
                raise
        return True

    def get_job(self, job_id: str) -> JobRecord | None:
        item = self._get(f"JOB#{job_id}", "META")
        return _deserialize(item, JobRecord) if item else None

    def transition_job(self, job: JobRecord, allowed_from: tuple[str, ...]) -> bool:
        """Replace the job if its stored status is one of ``allowed_from``; False if it moved on."""
        from botocore.exceptions import ClientError

        item = _serialize(job) | _key(f"JOB#{job.job_id}", "META")
        names = {f":s{i}": {"S": s} for i, s in enumerate(allowed_from)}
        with aws_faults(_DEP, "update the job"):
            try:
                self._ddb.put_item(
                    TableName=self.name,
                    Item=item,
                    ConditionExpression=f"#st IN ({', '.join(names)})",
                    ExpressionAttributeNames={"#st": "status"},
                    ExpressionAttributeValues=names,
                )
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                    return False
                raise
        return True

    # --- quotas -------------------------------------------------------------------------------

    def reserve(
        self,
        owner: str,
        *,
        requests: int,
        images: int,
        request_limit: int,
        image_limit: int,
        global_limit: int,
    ) -> None:
        """Count a request (and its images) against the owner's day and the global budget, atomically.

        Conditions make concurrent requests unable to overspend: each increment succeeds only if
        the counter stays within its limit after it.
        """
        from botocore.exceptions import ClientError

        day = today()
        expires = str(int(time.time()) + 3 * 86400)
        owner_update = {
            "Update": {
                "TableName": self.name,
                "Key": _key(f"QUOTA#{owner}#{day}", "DAY"),
                "UpdateExpression": "ADD requests :r, images :i SET expires_at = :exp",
                "ConditionExpression": (
                    "(attribute_not_exists(requests) OR requests <= :rmax) "
                    "AND (attribute_not_exists(images) OR images <= :imax)"
                ),
                "ExpressionAttributeValues": {
                    ":r": {"N": str(requests)},
                    ":i": {"N": str(images)},
                    ":rmax": {"N": str(request_limit - requests)},
                    ":imax": {"N": str(image_limit - images)},
                    ":exp": {"N": expires},
                },
            }
        }
        items: list[dict[str, Any]] = [owner_update]
        if images:
            items.append(
                {
                    "Update": {
                        "TableName": self.name,
                        "Key": _key(f"BUDGET#{day}", "DAY"),
                        "UpdateExpression": "ADD images :i SET expires_at = :exp",
                        "ConditionExpression": "attribute_not_exists(images) OR images <= :gmax",
                        "ExpressionAttributeValues": {
                            ":i": {"N": str(images)},
                            ":gmax": {"N": str(global_limit - images)},
                            ":exp": {"N": expires},
                        },
                    }
                }
            )
        if request_limit - requests < 0 or image_limit - images < 0:
            raise ProblemError("quota_exceeded", retry_after=seconds_until_midnight())
        with aws_faults(_DEP, "check your quota"):
            try:
                self._ddb.transact_write_items(TransactItems=items)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    raise ProblemError(
                        "quota_exceeded",
                        detail="You have used today's allowance; it resets at midnight UTC.",
                        retry_after=seconds_until_midnight(),
                    ) from exc
                if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                    raise ProblemError(
                        "service_budget_exhausted", retry_after=seconds_until_midnight()
                    ) from exc
                raise

    def release(self, owner: str, *, requests: int, images: int) -> None:
        """Give back a reservation whose work failed or was blocked: failures are never counted."""
        day = today()
        updates = [
            ("QUOTA#" + owner + "#" + day, "ADD requests :r, images :i", {":r": -requests, ":i": -images})
        ]
        if images:
            updates.append(("BUDGET#" + day, "ADD images :i", {":i": -images}))
        with aws_faults(_DEP, "release your quota"):
            for pk, expression, values in updates:
                self._ddb.update_item(
                    TableName=self.name,
                    Key=_key(pk, "DAY"),
                    UpdateExpression=expression,
                    ExpressionAttributeValues={k: {"N": str(v)} for k, v in values.items()},
                )

    def usage(self, owner: str) -> dict[str, int]:
        item = self._get(f"QUOTA#{owner}#{today()}", "DAY") or {}
        return {k: int(item[k]["N"]) for k in ("requests", "images") if k in item}


class _Conflict(Exception):
    pass


def _conflicted(response: dict[str, Any]) -> bool:
    """A cancelled transaction is a conflict when a condition failed or another transaction won;
    one cancelled only by throttling (``ThrottlingError``, ``ProvisionedThroughputExceeded``) is not."""
    if response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    reasons = [r.get("Code") for r in response.get("CancellationReasons", []) if r.get("Code") != "None"]
    return not reasons or any(r in ("ConditionalCheckFailed", "TransactionConflict") for r in reasons)


def get_table() -> Table:
    from shatably.settings import get_settings

    return Table(get_settings().table_name)
