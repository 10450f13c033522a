"""The single DynamoDB table (DESIGN D10): sessions, turns, images, jobs and quota counters.

Item layout (pk / sk):
  SESSION#<id> / META          the session: owner, turn count
  SESSION#<id> / TURN#<00001>  one turn, written with the session's count in one transaction
  IMAGE#<id>   / META          an image record and its lineage (parent_id)
  JOB#<id>     / META          a job
  QUOTA#<owner>#<day> / DAY    per-owner daily counters
  BUDGET#<day>#<shard> / DAY   the global daily image budget (the kill switch), split over shards
                               so no single item takes every image request (``budget_shards``)
  PROJECT#<id> / META          a project (a home) with its rooms
  CLAIM#<anonymous owner> / META  who claimed an anonymous owner's data (POST /me/claim)
  IDEMPOTENCY#<owner> / <hash>    idempotency records (billing.py), one partition per owner
  ERASED#<owner> / META        when DELETE /me last erased the owner (``erased_at``, ms): kept, like
                               the quota counters, so work begun before it stores nothing after it

Owner index (GSI ``ByOwner``, sparse): sessions, images, jobs and projects also carry
  owner_pk = <owner>#<KIND>  (KIND: SESSION, IMAGE, JOB, PROJECT)
  owner_sk = <created_at, 10 digits>#<id>
so every list is a Query on one owner's partition, newest first, never a Scan, and its cost does
not grow with other owners. The sort key never changes after creation, so pages stay stable while
new items arrive (they sort before the first page).
Complex values (plans, requests) are stored as JSON strings: they are read whole, never queried.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel

from shatably.errors import ProblemError
from shatably.storage.aws import aws_faults, client
from shatably.storage.models import ImageRecord, JobRecord, ProjectRecord, SessionRecord, TurnRecord

M = TypeVar("M", bound=BaseModel)
# Enough items that concurrent image requests rarely meet on one (each DynamoDB item takes ~1,000
# writes/s, and a transaction conflicts with any other touching the same item at the same time).
BUDGET_SHARDS = 10
MIN_SHARD_IMAGES = 100
# A transaction that lost a race is tried this many times in all (~0.6 s of pauses at most).
CONFLICT_ATTEMPTS = 5
CONFLICT_PAUSE_BASE_SECONDS = 0.02
CONFLICT_PAUSE_CAP_SECONDS = 0.25
_DEP = "dependency_unavailable"
_JSON_FIELDS = frozenset({"plan", "outcome", "request", "error", "usage", "result", "spec"})
OWNER_INDEX = "ByOwner"
# How long an erase marker stays: longer than work begun before the erase can still try to store
# (a job message may wait in its queue and dead-letter queue, at most 14 days, before a redrive).
ERASE_MARKER_SECONDS = 15 * 86400
OWNED_KINDS = ("SESSION", "IMAGE", "JOB", "PROJECT")


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
        if key in ("pk", "sk", "owner_pk", "owner_sk"):
            continue
        value = _value(raw)
        if key in _JSON_FIELDS and isinstance(value, str):
            value = json.loads(value)
        data[key] = value
    return model.model_validate(data)


def from_item(item: dict[str, Any], model: type[M]) -> M:
    """A record from a raw item (the owner index returns whole items)."""
    return _deserialize(item, model)


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


@dataclass(frozen=True)
class Filter:
    """A DynamoDB filter expression with its names and values."""

    expression: str
    names: dict[str, str]
    values: dict[str, Any]


def owner_partition(owner: str, kind: str) -> str:
    return f"{owner}#{kind}"


def _owned(kind: str, owner: str, created_at: int, item_id: str) -> dict[str, Any]:
    """The owner-index attributes of an item (see the layout above)."""
    return {
        "owner_pk": {"S": owner_partition(owner, kind)},
        "owner_sk": {"S": f"{created_at:010d}#{item_id}"},
    }


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

        meta = (
            _serialize(session)
            | _key(f"SESSION#{session.session_id}", "META")
            | _owned("SESSION", session.owner, session.created_at, session.session_id)
        )
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
        item = (
            _serialize(record)
            | _key(f"IMAGE#{record.image_id}", "META")
            | _owned("IMAGE", record.owner, record.created_at, record.image_id)
        )
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

        item = _job_item(job)
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

        item = _job_item(job)
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

    # --- projects -----------------------------------------------------------------------------

    def put_project(self, project: ProjectRecord, *, new: bool) -> bool:
        """Store a project; a change (``new=False``) only while the project exists, so a change
        racing its deletion (or an erase) cannot bring it back. False if it was gone."""
        from botocore.exceptions import ClientError

        item = (
            _serialize(project)
            | _key(f"PROJECT#{project.project_id}", "META")
            | _owned("PROJECT", project.owner, project.created_at, project.project_id)
        )
        condition = "attribute_not_exists(pk)" if new else "attribute_exists(pk)"
        with aws_faults(_DEP, "save the project"):
            try:
                self._ddb.put_item(TableName=self.name, Item=item, ConditionExpression=condition)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                    return False
                raise
        return True

    def get_project(self, project_id: str) -> ProjectRecord | None:
        item = self._get(f"PROJECT#{project_id}", "META")
        return _deserialize(item, ProjectRecord) if item else None

    # --- the owner index: lists, erase, claim ---------------------------------------------------

    def owned_page(
        self,
        owner: str,
        kind: str,
        *,
        limit: int,
        start: dict[str, str] | None = None,
        where: Filter | None = None,
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        """One page of an owner's items of ``kind``, newest first, and the key to continue after.

        A filter is applied within the owner's partition (DynamoDB applies ``Limit`` before the
        filter, so this reads on until the page is full); the continuation key is the last
        *returned* item's, so nothing read past it and dropped is ever skipped.
        """
        found: list[dict[str, Any]] = []
        exclusive = {k: {"S": v} for k, v in start.items()} if start else None
        values: dict[str, Any] = {":owner": {"S": owner_partition(owner, kind)}}
        request: dict[str, Any] = {
            "TableName": self.name,
            "IndexName": OWNER_INDEX,
            "KeyConditionExpression": "owner_pk = :owner",
            "ScanIndexForward": False,
        }
        if where is not None:
            request["FilterExpression"] = where.expression
            request["ExpressionAttributeNames"] = where.names
            values |= where.values
        request["ExpressionAttributeValues"] = values
        with aws_faults(_DEP, "list your items"):
            while len(found) <= limit:
                page = dict(request, Limit=limit + 1 - len(found) if where is None else 100)
                if exclusive:
                    page["ExclusiveStartKey"] = exclusive
                response = self._ddb.query(**page)
                found.extend(response.get("Items", []))
                exclusive = response.get("LastEvaluatedKey")
                if not exclusive:
                    break
        if len(found) <= limit:
            return found, None
        last = found[limit - 1]
        return found[:limit], {k: last[k]["S"] for k in ("pk", "sk", "owner_pk", "owner_sk")}

    def owned_keys(self, owner: str, kind: str) -> list[dict[str, Any]]:
        """Every item of an owner's ``kind`` (erase and claim), whole."""
        items: list[dict[str, Any]] = []
        with aws_faults(_DEP, "read your items"):
            paginator = self._ddb.get_paginator("query")
            for page in paginator.paginate(
                TableName=self.name,
                IndexName=OWNER_INDEX,
                KeyConditionExpression="owner_pk = :owner",
                ExpressionAttributeValues={":owner": {"S": owner_partition(owner, kind)}},
            ):
                items.extend(page.get("Items", []))
        return items

    def partition_keys(self, pk: str) -> list[dict[str, Any]]:
        """The keys of every item under one partition key (a session and its turns)."""
        keys: list[dict[str, Any]] = []
        with aws_faults(_DEP, "read your items"):
            paginator = self._ddb.get_paginator("query")
            for page in paginator.paginate(
                TableName=self.name,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": pk}},
                ProjectionExpression="pk, sk",
                ConsistentRead=True,
            ):
                keys.extend(page.get("Items", []))
        return keys

    def delete(self, pk: str, sk: str = "META") -> None:
        with aws_faults(_DEP, "delete your items"):
            self._ddb.delete_item(TableName=self.name, Key=_key(pk, sk))

    # --- erasure: DELETE /me ----------------------------------------------------------------

    def mark_erased(self, owner: str, at_ms: int) -> None:
        """Record that the owner's data is being erased as of ``at_ms`` (before anything goes)."""
        expires = int(time.time()) + ERASE_MARKER_SECONDS
        with aws_faults(_DEP, "erase your data"):
            self._ddb.put_item(
                TableName=self.name,
                Item=_key(f"ERASED#{owner}", "META")
                | {"erased_at": {"N": str(at_ms)}, "expires_at": {"N": str(expires)}},
            )

    def erased_since(self, owner: str, started_ms: int) -> bool:
        """Whether an erase of the owner began at or after ``started_ms`` (a consistent read)."""
        item = self._get(f"ERASED#{owner}", "META")
        return item is not None and int(item["erased_at"]["N"]) >= started_ms

    def delete_keys(self, keys: list[dict[str, Any]]) -> None:
        requests = [{"DeleteRequest": {"Key": {"pk": k["pk"], "sk": k["sk"]}}} for k in keys]
        with aws_faults(_DEP, "delete your items"):
            for start in range(0, len(requests), 25):
                self._batch_write(requests[start : start + 25])

    def move_owner(self, item: dict[str, Any], kind: str, old: str, new: str) -> bool:
        """Give one item to another owner, atomically; False if it is no longer ``old``'s."""
        from botocore.exceptions import ClientError

        with aws_faults(_DEP, "move your items"):
            try:
                self._ddb.update_item(
                    TableName=self.name,
                    Key={"pk": item["pk"], "sk": item["sk"]},
                    UpdateExpression="SET #owner = :new, owner_pk = :pk",
                    ConditionExpression="#owner = :old",
                    ExpressionAttributeNames={"#owner": "owner"},
                    ExpressionAttributeValues={
                        ":new": {"S": new},
                        ":old": {"S": old},
                        ":pk": {"S": owner_partition(new, kind)},
                    },
                )
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                    return False
                raise
        return True

    def claim(self, anonymous: str, subject: str) -> bool:
        """Record that ``subject`` claims ``anonymous``'s data; False if someone else did first."""
        from botocore.exceptions import ClientError

        with aws_faults(_DEP, "claim your items"):
            try:
                self._ddb.put_item(
                    TableName=self.name,
                    Item=_key(f"CLAIM#{anonymous}", "META")
                    | {"claimed_by": {"S": subject}, "created_at": {"N": str(int(time.time()))}},
                    ConditionExpression="attribute_not_exists(pk) OR claimed_by = :me",
                    ExpressionAttributeValues={":me": {"S": subject}},
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
        the counter stays within its limit after it. The global budget is split over shards (see
        ``budget_shards``), so concurrent requests rarely touch the same item; a full shard sends
        the request to the next one, and a transaction that lost a race (``TransactionConflict``)
        is retried after a full-jitter pause instead of surfacing as a 503.
        """
        from botocore.exceptions import ClientError

        if request_limit - requests < 0 or image_limit - images < 0:
            raise ProblemError("quota_exceeded", retry_after=seconds_until_midnight())
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
        shards = [(i, limit) for i, limit in enumerate(budget_shards(global_limit)) if limit >= images]
        random.shuffle(shards)  # spreads load; nothing secret depends on it
        if images and not shards:
            raise ProblemError("service_budget_exhausted", retry_after=seconds_until_midnight())
        conflicts = 0
        while True:
            items: list[dict[str, Any]] = [owner_update]
            if images:
                shard, limit = shards[0]
                items.append(self._budget_update(day, shard, images, limit, expires))
            with aws_faults(_DEP, "check your quota"):
                try:
                    self._ddb.transact_write_items(TransactItems=items)
                    return
                except ClientError as exc:
                    reasons = _cancellation_reasons(exc.response)
                    if reasons is None:
                        raise
                    if reasons[0] == "ConditionalCheckFailed":
                        raise ProblemError(
                            "quota_exceeded",
                            detail="You have used today's allowance; it resets at midnight UTC.",
                            retry_after=seconds_until_midnight(),
                        ) from exc
                    if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                        shards.pop(0)  # this shard is spent; the others may not be
                        if not shards:
                            raise ProblemError(
                                "service_budget_exhausted", retry_after=seconds_until_midnight()
                            ) from exc
                        continue
                    conflicts += 1
                    if "TransactionConflict" not in reasons or conflicts >= CONFLICT_ATTEMPTS:
                        raise
            if images:
                shards.append(shards.pop(0))  # the next attempt competes on another shard
            conflict_pause(conflicts)

    def _budget_update(self, day: str, shard: int, images: int, limit: int, expires: str) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.name,
                "Key": _key(f"BUDGET#{day}#{shard}", "DAY"),
                "UpdateExpression": "ADD images :i SET expires_at = :exp",
                "ConditionExpression": "attribute_not_exists(images) OR images <= :gmax",
                "ExpressionAttributeValues": {
                    ":i": {"N": str(images)},
                    ":gmax": {"N": str(limit - images)},
                    ":exp": {"N": expires},
                },
            }
        }

    def release(self, owner: str, *, requests: int, images: int, global_limit: int) -> None:
        """Give back a reservation whose work failed or was blocked: failures are never counted.

        The images go back to any shard: the budget is the sum of the shards, and a shard below
        zero only lends its room to the next request that lands on it.
        """
        day = today()
        updates = [
            ("QUOTA#" + owner + "#" + day, "ADD requests :r, images :i", {":r": -requests, ":i": -images})
        ]
        if images:
            shard = random.randrange(len(budget_shards(global_limit)))  # load spreading
            updates.append((f"BUDGET#{day}#{shard}", "ADD images :i", {":i": -images}))
        with aws_faults(_DEP, "release your quota"):
            for pk, expression, values in updates:
                self._ddb.update_item(
                    TableName=self.name,
                    Key=_key(pk, "DAY"),
                    UpdateExpression=expression,
                    ExpressionAttributeValues={k: {"N": str(v)} for k, v in values.items()},
                )

    def budget_used(self) -> int:
        """Images counted against today's global budget, over all shards."""
        day = today()
        return sum(
            int(item["images"]["N"])
            for shard in range(BUDGET_SHARDS)
            if (item := self._get(f"BUDGET#{day}#{shard}", "DAY")) and "images" in item
        )

    def usage(self, owner: str) -> dict[str, int]:
        item = self._get(f"QUOTA#{owner}#{today()}", "DAY") or {}
        return {k: int(item[k]["N"]) for k in ("requests", "images") if k in item}


def _job_item(job: JobRecord) -> dict[str, Any]:
    item = _serialize(job) | _key(f"JOB#{job.job_id}", "META")
    if job.kind != "erase":
        # An erase job outlives what it erased (its counts, nothing else) and is listed nowhere.
        item |= _owned("JOB", job.owner, job.created_at, job.job_id)
    return item


class _Conflict(Exception):
    pass


def budget_shards(global_limit: int) -> list[int]:
    """The global daily image budget split over up to ``BUDGET_SHARDS`` items; the limits sum to it.

    Each shard keeps at least ``MIN_SHARD_IMAGES``, so a small budget is one item (and a shard is
    never too small for one request), e.g. 10,000 -> 10 x 1,000; 250 -> 2 shards, 125 + 125;
    101 -> 1 x 101.
    """
    count = max(1, min(BUDGET_SHARDS, global_limit // MIN_SHARD_IMAGES))
    base, extra = divmod(max(0, global_limit), count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def _cancellation_reasons(response: dict[str, Any]) -> list[str] | None:
    """Each item's cancellation code of a cancelled transaction ("None" for an innocent item)."""
    if response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return None
    return [str(r.get("Code", "None")) for r in response.get("CancellationReasons", [])]


def conflict_pause(attempt: int) -> None:
    """Full jitter (a uniform pause up to an exponentially growing cap): racing requests spread
    out instead of colliding again in step.

    Source: aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter
    """
    cap = min(CONFLICT_PAUSE_CAP_SECONDS, CONFLICT_PAUSE_BASE_SECONDS * 2**attempt)
    _sleep(random.uniform(0, cap))  # spreading retries, not a secret


_sleep = time.sleep


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
