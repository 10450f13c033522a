"""POST /image/generate: the v1 contract, options, ownership, jobs, idempotency and quotas."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.conftest import Aws, load_app
from tests.support.images import open_image
from tests.support.lambda_context import FakeContext

OWNER = "X-Owner-Id"


def test_v1_prompt_only_returns_a_real_png_the_old_frontend_can_show(generate_client: TestClient) -> None:
    response = generate_client.post("/image/generate", json={"prompt": "a cozy living room"})

    assert response.status_code == 200
    body = response.json()
    assert body["format"] == "png"  # data:image/png;base64,... works in the old frontend
    image = open_image(base64.b64decode(body["image_data"]))
    assert image.format == "PNG"
    record = body["images"][0]
    assert (record["width"], record["height"]) == image.size
    assert record["provider"] == body["provider"] == "offline"
    assert record["url"].startswith("http")
    assert response.headers[OWNER].startswith("anon-")


def test_v1_path_with_trailing_slash_still_works(generate_client: TestClient) -> None:
    response = generate_client.post("/image/generate/", json={"prompt": "a kitchen"})
    assert response.status_code == 200
    assert response.json()["format"] == "png"


def test_style_room_type_size_count_and_format_are_honoured(generate_client: TestClient) -> None:
    response = generate_client.post(
        "/image/generate",
        json={
            "prompt": "family reception",
            "style": "japandi",
            "room_type": "bedroom",
            "size": "1536x1024",
            "n": 2,
            "output_format": "jpeg",
        },
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["format"] == "jpeg"
    assert len(body["images"]) == 2
    assert {(i["width"], i["height"]) for i in body["images"]} == {(1536, 1024)}
    assert open_image(base64.b64decode(body["image_data"])).format == "JPEG"


def test_unknown_style_is_a_clear_problem(generate_client: TestClient) -> None:
    response = generate_client.post("/image/generate", json={"prompt": "x", "style": "no-such-style"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unknown_style"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"prompt": ""}, 422, "validation_failed"),
        ({"prompt": "x", "size": "999x999"}, 422, "validation_failed"),
        ({"prompt": "x", "n": 9}, 422, "validation_failed"),
        ({}, 422, "validation_failed"),
    ],
)
def test_invalid_requests_get_field_errors(
    generate_client: TestClient, payload: dict[str, Any], status: int, code: str
) -> None:
    response = generate_client.post("/image/generate", json=payload)
    assert response.status_code == status
    problem = response.json()
    assert problem["code"] == code
    assert problem["errors"]


def test_malformed_json_is_400(generate_client: TestClient) -> None:
    response = generate_client.post(
        "/image/generate", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


def test_images_belong_to_their_owner(generate_client: TestClient) -> None:
    first = generate_client.post("/image/generate", json={"prompt": "a study"})
    owner = first.headers[OWNER]
    image_id = first.json()["images"][0]["id"]

    mine = generate_client.get(f"/images/{image_id}", headers={OWNER: owner})
    theirs = generate_client.get(f"/images/{image_id}", headers={OWNER: "anon-" + "x" * 32})

    assert mine.status_code == 200
    assert mine.json()["image"]["id"] == image_id
    assert theirs.status_code == 404
    assert theirs.json()["code"] == "image_not_found"


def run_queued_jobs(aws: Aws, function: str = "generate") -> dict[str, Any]:
    """Deliver the queue's messages to the worker through the Lambda handler, as SQS would."""
    module = load_app(function)
    messages = aws.queued_messages()
    records = [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": {"ApproximateReceiveCount": "1"},
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:jobs",
        }
        for m in messages
    ]
    result: dict[str, Any] = module.handler({"Records": records}, FakeContext())
    return result


def test_async_generation_runs_as_a_job_and_announces_itself(generate_client: TestClient, aws: Aws) -> None:
    accepted = generate_client.post(
        "/image/generate", json={"prompt": "a balcony garden"}, headers={"Prefer": "respond-async"}
    )
    assert accepted.status_code == 202
    job_id = accepted.json()["job_id"]
    assert accepted.headers["Location"] == f"/jobs/{job_id}"
    owner = {OWNER: accepted.headers[OWNER]}
    assert generate_client.get(f"/jobs/{job_id}", headers=owner).json()["status"] == "queued"

    assert run_queued_jobs(aws) == {"batchItemFailures": []}

    job = generate_client.get(f"/jobs/{job_id}", headers=owner).json()
    assert job["status"] == "succeeded"
    assert job["images"][0]["url"].startswith("http")
    events = aws.published_events()
    assert [e["detail-type"] for e in events] == ["Job Succeeded"]
    assert events[0]["detail"]["job_id"] == job_id
    assert events[0]["detail"]["image_ids"] == [job["images"][0]["id"]]
    assert generate_client.get(f"/jobs/{job_id}", headers={OWNER: "anon-" + "y" * 32}).status_code == 404


def test_a_duplicate_delivery_runs_the_job_once(generate_client: TestClient, aws: Aws) -> None:
    accepted = generate_client.post("/image/generate", json={"prompt": "x", "async": True})
    job_id = accepted.json()["job_id"]
    message = aws.queued_messages()[0]
    module = load_app("generate")
    record = {"messageId": message["MessageId"], "body": message["Body"], "attributes": {}}

    module.handler({"Records": [record]}, FakeContext())
    first = generate_client.get(f"/jobs/{job_id}", headers={OWNER: accepted.headers[OWNER]}).json()
    module.handler({"Records": [record]}, FakeContext())
    second = generate_client.get(f"/jobs/{job_id}", headers={OWNER: accepted.headers[OWNER]}).json()

    assert first["status"] == second["status"] == "succeeded"
    assert first["images"][0]["id"] == second["images"][0]["id"]


def test_a_poison_message_is_reported_failed_for_the_dlq(aws: Aws) -> None:
    module = load_app("generate")
    result = module.handler({"Records": [{"messageId": "m1", "body": "not json"}]}, FakeContext())
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}


def test_an_eventbridge_request_from_another_service_becomes_a_job(aws: Aws) -> None:
    module = load_app("generate")
    event = {
        "version": "0",
        "id": "evt-1",
        "detail-type": "Generate Requested",
        "source": "shatably.client",
        "account": "123456789012",
        "time": "2026-11-25T00:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {"request": {"prompt": "a mediterranean kitchen"}, "owner": "service:crm"},
    }
    module.handler(event, FakeContext())
    module.handler(event, FakeContext())  # redelivered: the same job, processed once

    events = aws.published_events()
    assert [e["detail-type"] for e in events] == ["Job Succeeded"]
    assert len(events[0]["detail"]["image_ids"]) == 1


def test_idempotency_key_replays_the_first_result(
    generate_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_generations(monkeypatch)
    headers = {"Idempotency-Key": "0b6f4b8e-9a39-4b53-8f6c-0f6b2b0d9d11"}
    first = generate_client.post("/image/generate", json={"prompt": "a hall"}, headers=headers)
    headers[OWNER] = first.headers[OWNER]
    again = generate_client.post("/image/generate", json={"prompt": "a hall"}, headers=headers)
    other = generate_client.post("/image/generate", json={"prompt": "a different hall"}, headers=headers)

    assert first.status_code == again.status_code == 200
    assert again.json()["images"][0]["id"] == first.json()["images"][0]["id"]
    assert again.json()["image_data"] == first.json()["image_data"]
    assert calls == [1]
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def count_generations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from shatably.providers import registry

    calls: list[int] = []
    real = registry.image_generator()

    class Counting:
        name = real.name
        model = real.model

        async def generate(self, request: Any) -> Any:
            calls.append(1)
            return await real.generate(request)

    monkeypatch.setattr("shatably.studio.service.image_generator", lambda: Counting())
    return calls


def test_daily_image_quota_holds_and_failures_are_not_counted(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAILY_IMAGE_QUOTA", "2")
    client = TestClient(load_app("generate").app)
    owner = {OWNER: "anon-" + "q" * 32}

    blocked = fail_generations(monkeypatch, "content_blocked")
    assert client.post("/image/generate", json={"prompt": "x"}, headers=owner).status_code == 422
    blocked.undo()

    assert client.post("/image/generate", json={"prompt": "x"}, headers=owner).status_code == 200
    assert client.post("/image/generate", json={"prompt": "x"}, headers=owner).status_code == 200
    third = client.post("/image/generate", json={"prompt": "x"}, headers=owner)

    assert third.status_code == 429
    assert third.json()["code"] == "quota_exceeded"
    assert int(third.headers["Retry-After"]) > 0


def fail_generations(monkeypatch: pytest.MonkeyPatch, code: str) -> pytest.MonkeyPatch:
    from shatably.errors import ProblemError

    class Failing:
        name = "offline"
        model = "failing"

        async def generate(self, request: Any) -> Any:
            raise ProblemError(code, extra={"stage": "input"} if code == "content_blocked" else None)

    patcher = pytest.MonkeyPatch()
    patcher.setattr("shatably.studio.service.image_generator", lambda: Failing())
    return patcher


def test_storage_outage_fails_closed_before_any_provider_call(
    generate_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.stub import Stubber

    from shatably.storage.aws import client

    calls = count_generations(monkeypatch)
    with Stubber(client("dynamodb")) as stub:
        stub.add_client_error(
            "transact_write_items", "ProvisionedThroughputExceededException", http_status_code=400
        )
        response = generate_client.post("/image/generate", json={"prompt": "x"})

    assert response.status_code == 503
    assert response.json()["code"] == "dependency_unavailable"
    assert calls == []


def test_problem_bodies_never_leak_internals(
    generate_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail sk-canary")

    monkeypatch.setattr("shatably.studio.service.generation_prompt", boom)
    response = generate_client.post("/image/generate", json={"prompt": "x"})

    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "internal_error"
    assert body["request_id"] == response.headers["x-request-id"]
    assert "canary" not in json.dumps(body)


def test_a_transient_failure_brings_the_job_back_after_a_short_backoff(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not after the queue's 1800 s visibility timeout: the worker shortens it to the backoff."""
    monkeypatch.setenv("JOB_RETRY_DELAY_SECONDS", "30")
    client = TestClient(load_app("generate").app)
    client.post("/image/generate", json={"prompt": "x", "async": True})
    patcher = fail_generations(monkeypatch, "upstream_error")
    message = aws.queued_messages()[0]
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {"ApproximateReceiveCount": "1"},
    }
    changed: list[dict[str, Any]] = []
    from shatably.storage.aws import client as aws_client

    sqs = aws_client("sqs")
    monkeypatch.setattr(sqs, "change_message_visibility", lambda **kwargs: changed.append(kwargs))

    result = load_app("generate").handler({"Records": [record]}, FakeContext())
    patcher.undo()

    assert result == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}
    assert changed == [
        {"QueueUrl": aws.queue_url, "ReceiptHandle": message["ReceiptHandle"], "VisibilityTimeout": 30}
    ]


def test_a_retry_while_the_first_call_is_in_flight_gets_409_with_retry_after(
    generate_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import threading

    from shatably.providers import registry

    real = registry.image_generator()
    entered, release = threading.Event(), threading.Event()

    class Slow:
        name = real.name
        model = real.model

        async def generate(self, request: Any) -> Any:
            entered.set()
            await asyncio.to_thread(release.wait, 10)
            return await real.generate(request)

    monkeypatch.setattr("shatably.studio.service.image_generator", lambda: Slow())
    headers = {"Idempotency-Key": "in-flight-1", OWNER: "anon-" + "i" * 32}
    results: list[Any] = []
    first = threading.Thread(
        target=lambda: results.append(
            generate_client.post("/image/generate", json={"prompt": "x"}, headers=headers)
        )
    )
    first.start()
    assert entered.wait(10)

    retry = generate_client.post("/image/generate", json={"prompt": "x"}, headers=headers)
    release.set()
    first.join(10)

    assert retry.status_code == 409
    assert retry.json()["code"] == "idempotency_in_progress"
    assert int(retry.headers["Retry-After"]) > 0
    assert results[0].status_code == 200
