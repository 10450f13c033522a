"""No hot keys: the global image budget is sharded, and a transaction that lost a race
(DynamoDB's ``TransactionCanceledException`` with a ``TransactionConflict`` reason) is retried
after a jittered pause instead of becoming a 503. Idempotency records live under their owner."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from fastapi.testclient import TestClient

from shatably.errors import ProblemError
from shatably.storage import table as table_module
from shatably.storage.aws import client as app_client
from shatably.storage.table import BUDGET_SHARDS, Table, budget_shards, today
from tests.integration.conftest import TABLE, Aws, load_app
from tests.integration.test_abuse import OWNER, anon, atomic_aws, global_usage, race  # noqa: F401

CONFLICT = {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
LIMITS = {"request_limit": 100, "image_limit": 100, "global_limit": 10_000}


def cancelled(*reasons: dict[str, str]) -> dict[str, Any]:
    return {"CancellationReasons": list(reasons)}


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(table_module, "_sleep", slept.append)
    return slept


def test_budget_shards_sum_to_the_budget() -> None:
    assert budget_shards(10_000) == [1_000] * 10
    assert budget_shards(250) == [125, 125]
    assert budget_shards(101) == [101]
    assert budget_shards(1_005) == [101] * 5 + [100] * 5  # 5 x 101 + 5 x 100 = 1,005
    assert budget_shards(0) == [0]


def test_a_conflicted_transaction_is_retried_with_jitter(aws: Aws, pauses: list[float]) -> None:
    ddb = app_client("dynamodb")
    with Stubber(ddb) as stub:
        for _ in range(2):
            stub.add_client_error(
                "transact_write_items",
                "TransactionCanceledException",
                "Transaction cancelled",
                modeled_fields=cancelled({"Code": "None"}, CONFLICT),
            )
        stub.add_response("transact_write_items", {})
        Table(TABLE).reserve("owner-1", requests=1, images=1, **LIMITS)
        stub.assert_no_pending_responses()
    assert len(pauses) == 2
    # Full jitter: each pause is uniform in [0, min(cap, base x 2^attempt)].
    for attempt, pause in enumerate(pauses, start=1):
        assert 0 <= pause <= min(table_module.CONFLICT_PAUSE_CAP_SECONDS, 0.02 * 2**attempt)


def test_a_conflict_storm_that_never_ends_is_a_bounded_503(aws: Aws, pauses: list[float]) -> None:
    ddb = app_client("dynamodb")
    with Stubber(ddb) as stub:
        for _ in range(table_module.CONFLICT_ATTEMPTS):
            stub.add_client_error(
                "transact_write_items",
                "TransactionCanceledException",
                "Transaction cancelled",
                modeled_fields=cancelled(CONFLICT, {"Code": "None"}),
            )
        with pytest.raises(ProblemError) as refused:
            Table(TABLE).reserve("owner-1", requests=1, images=1, **LIMITS)
        stub.assert_no_pending_responses()
    assert refused.value.code == "dependency_unavailable"
    assert len(pauses) == table_module.CONFLICT_ATTEMPTS - 1


def test_a_full_shard_sends_the_request_to_another(aws: Aws, pauses: list[float]) -> None:
    ddb = app_client("dynamodb")
    with Stubber(ddb) as stub:
        stub.add_client_error(
            "transact_write_items",
            "TransactionCanceledException",
            "Transaction cancelled",
            modeled_fields=cancelled({"Code": "None"}, {"Code": "ConditionalCheckFailed"}),
        )
        stub.add_response("transact_write_items", {})
        Table(TABLE).reserve("owner-1", requests=1, images=1, **LIMITS)
        stub.assert_no_pending_responses()
    assert pauses == []  # a full shard is not a race: no pause


def test_the_sharded_budget_is_exact(aws: Aws) -> None:
    """250 images over two shards of 125: all 250 are granted, the 251st is refused."""
    table = Table(TABLE)
    limits = {"request_limit": 10_000, "image_limit": 10_000, "global_limit": 250}
    for i in range(250):
        table.reserve(f"owner-{i % 50}", requests=1, images=1, **limits)
    with pytest.raises(ProblemError) as refused:
        table.reserve("owner-late", requests=1, images=1, **limits)
    assert refused.value.code == "service_budget_exhausted"
    assert table.budget_used() == 250


def _inject_conflicts(every: int) -> Counter[str]:
    """Answer every ``every``-th TransactWriteItems of the app's client with DynamoDB's conflict
    response, as real DynamoDB does when two transactions touch one item at once (moto never does)."""
    ddb = app_client("dynamodb")
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def maybe_conflict(**_: Any) -> Any:
        with lock:
            seen["calls"] += 1
            if seen["calls"] % every:
                return None
            seen["conflicts"] += 1
        error = {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"}
        meta = {"HTTPStatusCode": 400, "HTTPHeaders": {}}
        reasons = [{"Code": "None"}, CONFLICT]
        parsed = {"Error": error, "CancellationReasons": reasons, "ResponseMetadata": meta}
        return AWSResponse("https://dynamodb.invalid", 400, {}, None), parsed

    ddb.meta.events.register("before-call.dynamodb.TransactWriteItems", maybe_conflict)
    return seen


def test_fifty_concurrent_image_requests_under_contention_get_no_503(
    atomic_aws: Aws,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    pauses: list[float],
) -> None:
    monkeypatch.setenv("GLOBAL_DAILY_IMAGE_BUDGET", "10000")
    app = load_app("generate").app
    owners = [anon() for _ in range(50)]
    seen = _inject_conflicts(every=3)

    def generate(i: int) -> Any:
        with TestClient(app) as client:
            return client.post("/image/generate", json={"prompt": "a hall"}, headers={OWNER: owners[i]})

    responses = race(50, generate)

    assert Counter(r.status_code for r in responses) == {200: 50}, [r.text[:200] for r in responses][:3]
    assert seen["conflicts"] >= 10 and len(pauses) == seen["conflicts"]
    assert global_usage()["images"] == 50
    keys = [{"pk": {"S": f"BUDGET#{today()}#{s}"}, "sk": {"S": "DAY"}} for s in range(BUDGET_SHARDS)]
    used = [atomic_aws.ddb.get_item(TableName=TABLE, Key=key) for key in keys]
    assert sum("Item" in u for u in used) > 1  # spread over shards, not one hot item


def test_idempotency_records_are_partitioned_per_owner(aws: Aws) -> None:
    app = load_app("generate").app
    owner = anon()
    with TestClient(app) as client:
        response = client.post(
            "/image/generate", json={"prompt": "a hall"}, headers={OWNER: owner, "Idempotency-Key": "k-1"}
        )
    assert response.status_code == 200, response.text
    items = aws.ddb.scan(TableName=TABLE)["Items"]
    partitions = {i["pk"]["S"] for i in items if i["pk"]["S"].startswith("IDEMPOTENCY")}
    assert len(partitions) == 1
    (partition,) = partitions
    assert partition.startswith("IDEMPOTENCY#") and partition != "IDEMPOTENCY"
