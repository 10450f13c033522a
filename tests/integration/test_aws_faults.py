"""AWS faults (reliability.md F9-F11, F15, V4): each maps to its documented problem, billable calls fail
closed, and a job whose result could not be stored is retried by SQS and never reported done without it.

AWS is moto's ``mock_aws``; faults are injected on the very boto3 clients the app uses, either with
botocore's ``Stubber`` (when the failing call is the first one on that client) or with ``AwsFaults``
below, which short-circuits chosen operations the same way the Stubber does (a ``before-call``
handler answering with the service's error) and lets every other call through to moto. An injected
error is what the SDK raises after its own retries. Provider calls are counted on the wire, at the
fake Gemini/OpenAI server the real SDKs talk to.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber
from fastapi.testclient import TestClient

from tests.fakes.provider_server import FakeProviderServer, Reply
from tests.integration.conftest import Aws, load_app
from tests.support.images import b64, photo
from tests.support.lambda_context import FakeContext

OWNER_ID = "anon-" + "faults" * 5
OWNER = {"X-Owner-Id": OWNER_ID}
THROTTLES = ("ProvisionedThroughputExceededException", "ThrottlingException")


# --------------------------------------------------------------------------- fault injection


@dataclass
class _Rule:
    operation: str
    code: str
    status: int
    remaining: int | None
    when: Callable[[dict[str, Any]], bool] | None
    extra: dict[str, Any]
    raises: Exception | None


@dataclass
class AwsFaults:
    """Selected operations of one boto3 client fail; the rest reach moto. ``calls`` counts them all."""

    client: Any
    rules: list[_Rule] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)

    def fail(
        self,
        operation: str,
        code: str = "ThrottlingException",
        *,
        status: int = 400,
        times: int | None = None,
        when: Callable[[dict[str, Any]], bool] | None = None,
        extra: dict[str, Any] | None = None,
        raises: Exception | None = None,
    ) -> AwsFaults:
        self.rules.append(_Rule(operation, code, status, times, when, extra or {}, raises))
        return self

    def clear(self) -> None:
        self.rules.clear()

    def _decide(self, model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        """On ``before-parameter-build``: the call's own parameters pick the rule."""
        self.calls[model.name] += 1
        for rule in self.rules:
            if rule.operation != model.name or rule.remaining == 0:
                continue
            if rule.when is not None and not rule.when(params):
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
            context[_CONTEXT_KEY] = rule
            return

    def _answer(self, model: Any, context: dict[str, Any], **_: Any) -> Any:
        """On ``before-call`` (where the Stubber answers too): the error instead of the HTTP request."""
        rule: _Rule | None = context.pop(_CONTEXT_KEY, None)
        if rule is None:
            return None
        self.failed[model.name] += 1
        if rule.raises is not None:
            raise rule.raises
        parsed = {
            "Error": {"Code": rule.code, "Message": "injected fault"},
            "ResponseMetadata": {"HTTPStatusCode": rule.status},
            **rule.extra,
        }
        return AWSResponse("https://injected.invalid", rule.status, {}, None), parsed


_CONTEXT_KEY = "tests.aws_faults.rule"


@contextmanager
def aws_faults(client: Any) -> Iterator[AwsFaults]:
    faults = AwsFaults(client)
    handler_id = f"aws-faults-{uuid.uuid4().hex}"
    events = client.meta.events
    events.register_first("before-parameter-build.*.*", faults._decide, unique_id=f"{handler_id}-decide")
    events.register_first("before-call.*.*", faults._answer, unique_id=f"{handler_id}-answer")
    try:
        yield faults
    finally:
        events.unregister("before-parameter-build.*.*", unique_id=f"{handler_id}-decide")
        events.unregister("before-call.*.*", unique_id=f"{handler_id}-answer")


def app_client(service: str) -> Any:
    """The process-wide boto3 client the layer itself uses (``shatably.storage.aws.client``)."""
    from shatably.storage.aws import client

    return client(service)


# --------------------------------------------------------------------------- helpers


def owner_key() -> str:
    from shatably.web.deps import Owner

    return Owner(id=OWNER_ID, authenticated=False).key


def usage() -> dict[str, int]:
    from shatably.storage.table import get_table

    return get_table().usage(owner_key())


def designer(text: str = "Warm oak and linen.") -> Reply:
    return Reply(json={"reply": text, "questions": [], "plan": None, "amend": None, "drawing": None})


def assert_problem(response: Any, status: int, code: str, *, retry_after: bool = True) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code
    assert body["status"] == status
    if retry_after:
        assert int(response.headers["Retry-After"]) > 0
    text = json.dumps(body)
    assert "Exception" not in text and "injected" not in text  # no AWS internals reach the caller


def billable_post(kind: str, client: TestClient, **headers: str) -> Any:
    if kind == "chat":
        return client.post("/chat", json={"message": "A warm living room, please"}, headers=OWNER | headers)
    if kind == "generate":
        return client.post("/image/generate", json={"prompt": "a calm bedroom"}, headers=OWNER | headers)
    body = {"prompt": "Restyle in warm tones", "operation": "restyle", "image": {"data": b64(photo())}}
    return client.post("/edit", json=body, headers=OWNER | headers)


@pytest.fixture
def wired(aws: Aws, provider_env: Any, fake_providers: FakeProviderServer) -> FakeProviderServer:
    """moto + the fake providers (chat/edit: Gemini, generate: OpenAI); returns the fake server."""
    return fake_providers


def apps(*names: str) -> dict[str, TestClient]:
    return {name: TestClient(load_app(name).app) for name in names}


# --------------------------------------------------------------------------- DynamoDB (F10)


@pytest.mark.parametrize("error", THROTTLES)
@pytest.mark.parametrize("kind", ["chat", "generate", "edit"])
def test_throttled_quota_write_is_503_and_no_provider_is_called(
    wired: FakeProviderServer, kind: str, error: str
) -> None:
    client = apps(kind)[kind]
    with Stubber(app_client("dynamodb")) as stub:
        # The quota reservation is the route's first DynamoDB call.
        stub.add_client_error("transact_write_items", error, http_status_code=400)
        response = billable_post(kind, client)
        stub.assert_no_pending_responses()

    assert_problem(response, 503, "dependency_unavailable")
    assert wired.requests == []
    assert usage() == {}


def test_a_transaction_cancelled_by_throttling_is_503_not_a_quota_answer(wired: FakeProviderServer) -> None:
    client = apps("generate")["generate"]
    with aws_faults(app_client("dynamodb")) as faults:
        faults.fail(
            "TransactWriteItems",
            "TransactionCanceledException",
            extra={"CancellationReasons": [{"Code": "ThrottlingError"}, {"Code": "None"}]},
        )
        response = billable_post("generate", client)

    assert_problem(response, 503, "dependency_unavailable")
    assert wired.requests == []


@pytest.mark.parametrize("kind", ["chat", "generate", "edit"])
def test_idempotency_store_outage_fails_closed(wired: FakeProviderServer, kind: str) -> None:
    """The Idempotency-Key lock is written before anything else; without it nothing is billed."""
    client = apps(kind)[kind]
    key = str(uuid.uuid4())
    with aws_faults(app_client("dynamodb")) as faults:
        faults.fail("PutItem", "ProvisionedThroughputExceededException", when=lambda p: _is_idempotency(p))
        response = billable_post(kind, client, **{"Idempotency-Key": key})

    assert faults.failed["PutItem"] == 1
    assert_problem(response, 503, "dependency_unavailable")
    assert wired.requests == []
    assert usage() == {}
    assert faults.calls["TransactWriteItems"] == 0  # not even the quota was touched

    wired.script("gemini", designer())
    again = billable_post(kind, client, **{"Idempotency-Key": key})  # the outage is over
    assert again.status_code == 200, again.text


def _is_idempotency(params: dict[str, Any]) -> bool:
    return str(params.get("Item", {}).get("pk", {}).get("S", "")).startswith("IDEMPOTENCY")


def test_the_idempotency_store_uses_the_configured_client() -> None:
    """reliability P7/L-R3: bounded timeouts and standard retries for every DynamoDB call, the lock too;
    and one persistence layer per process (each new one would add a hook to the shared client)."""
    from shatably import billing

    layer = billing._persistence()
    assert layer.client is app_client("dynamodb")
    assert layer.client.meta.config.retries["mode"] == "standard"
    assert layer.client.meta.config.read_timeout <= 5
    assert billing._persistence() is layer


def test_a_throttled_turn_write_is_503_loses_nothing_and_the_retry_saves_it_once(
    wired: FakeProviderServer,
) -> None:
    client = apps("chat")["chat"]
    wired.script("gemini", designer("First answer."), designer("Second answer."))
    key = {"Idempotency-Key": str(uuid.uuid4())}
    with aws_faults(app_client("dynamodb")) as faults:
        # The turn is written in one transaction with the session's count (Put items, not quota Updates).
        faults.fail(
            "TransactWriteItems",
            "TransactionCanceledException",
            when=lambda p: "Put" in p["TransactItems"][0],
            extra={"CancellationReasons": [{"Code": "ThrottlingError"}, {"Code": "None"}]},
        )
        failed = billable_post("chat", client, **key)

    assert_problem(failed, 503, "dependency_unavailable")
    assert len(wired.requests) == 1  # the provider answered; storing the answer failed
    assert usage().get("requests", 0) == 0  # a failed turn is not counted

    retried = billable_post("chat", client, **key)
    assert retried.status_code == 200, retried.text
    session = client.get(f"/chat/sessions/{retried.json()['session_id']}", headers=OWNER).json()
    assert [(t["index"], t["response"]) for t in session["turns"]] == [(1, "Second answer.")]
    assert usage()["requests"] == 1


@pytest.mark.parametrize("error", THROTTLES)
def test_a_throttled_session_read_is_503(wired: FakeProviderServer, error: str) -> None:
    client = apps("chat")["chat"]
    wired.script("gemini", designer())
    session_id = billable_post("chat", client).json()["session_id"]
    with aws_faults(app_client("dynamodb")) as faults:
        faults.fail("GetItem", error)
        read = client.get(f"/chat/sessions/{session_id}", headers=OWNER)
        follow_up = client.post(
            "/chat", json={"message": "And the floor?", "session_id": session_id}, headers=OWNER
        )

    assert_problem(read, 503, "dependency_unavailable")
    assert_problem(follow_up, 503, "dependency_unavailable")
    assert len(wired.requests) == 1  # only the first turn reached the provider


# --------------------------------------------------------------------------- S3 (F11)


def test_s3_slowdown_storing_the_input_photo_fails_closed(wired: FakeProviderServer) -> None:
    client = apps("edit")["edit"]
    with Stubber(app_client("s3")) as stub:
        stub.add_client_error("put_object", "SlowDown", http_status_code=503)
        response = billable_post("edit", client)
        stub.assert_no_pending_responses()

    assert_problem(response, 503, "storage_unavailable")
    assert wired.requests == []
    assert usage() == {"requests": 0, "images": 0}  # reserved, then given back


def test_s3_slowdown_storing_a_result_is_503_and_not_counted(wired: FakeProviderServer) -> None:
    client = apps("generate")["generate"]
    with aws_faults(app_client("s3")) as faults:
        faults.fail("PutObject", "SlowDown", status=503)
        response = billable_post("generate", client)

    assert_problem(response, 503, "storage_unavailable")
    assert len(wired.requests_for("images_generate")) == 1
    assert usage() == {"requests": 0, "images": 0}


@pytest.mark.parametrize(("error", "status"), [("SlowDown", 503), ("503", 503), ("InternalError", 500)])
def test_s3_failing_to_read_an_upload_is_503_and_a_missing_upload_is_404(
    wired: FakeProviderServer, error: str, status: int
) -> None:
    client = apps("edit")["edit"]
    ticket = client.post("/uploads", json={"content_type": "image/jpeg", "size": 1000}, headers=OWNER)
    assert ticket.status_code == 201, ticket.text
    body = {"prompt": "Restyle", "image": {"upload_id": ticket.json()["upload_id"]}}

    missing = client.post("/edit", json=body, headers=OWNER)  # never uploaded
    with aws_faults(app_client("s3")) as faults:
        faults.fail("HeadObject", error, status=status)
        slow = client.post("/edit", json=body, headers=OWNER)

    assert_problem(missing, 404, "upload_not_found", retry_after=False)
    assert_problem(slow, 503, "storage_unavailable")
    assert wired.requests == []


# --------------------------------------------------------------------------- SQS


def test_sqs_send_failure_is_503_nothing_is_queued_or_billed_and_a_retry_works(
    wired: FakeProviderServer, aws: Aws
) -> None:
    client = apps("generate")["generate"]
    key = {"Idempotency-Key": str(uuid.uuid4()), "Prefer": "respond-async"}
    with Stubber(app_client("sqs")) as stub:
        stub.add_client_error(
            "send_message", "AWS.SimpleQueueService.ServiceUnavailable", http_status_code=503
        )
        failed = billable_post("generate", client, **key)
        stub.assert_no_pending_responses()

    assert_problem(failed, 503, "dependency_unavailable")
    assert aws.queued_messages() == []
    assert usage() == {"requests": 0, "images": 0}
    orphans = [job for job in _jobs(aws) if job["status"]["S"] != "failed"]
    assert orphans == []  # the job that could not be queued is marked failed, not left queued

    accepted = billable_post("generate", client, **key)  # same key: the failure left no record
    assert accepted.status_code == 202, accepted.text
    assert len(aws.queued_messages()) == 1
    assert wired.requests == []


def test_sqs_unreachable_is_503_too(wired: FakeProviderServer, aws: Aws) -> None:
    client = apps("edit")["edit"]
    with aws_faults(app_client("sqs")) as faults:
        faults.fail("SendMessage", raises=EndpointConnectionError(endpoint_url="https://sqs.invalid"))
        response = billable_post("edit", client, Prefer="respond-async")

    assert_problem(response, 503, "dependency_unavailable")
    assert usage() == {"requests": 0, "images": 0}


def _jobs(aws: Aws) -> list[dict[str, Any]]:
    items = aws.ddb.scan(TableName="shatably-test")["Items"]
    return [item for item in items if item["pk"]["S"].startswith("JOB#")]


# --------------------------------------------------------------------------- SSM (F9)

PARAM = "/shatably/test/gemini-api-key"


@pytest.fixture
def ssm_key(wired: FakeProviderServer, monkeypatch: pytest.MonkeyPatch, provider_env: Any) -> Any:
    """The Gemini key comes from SSM only; returns the layer's SSM client that Powertools reads it with."""
    monkeypatch.delenv("GEMINI_API_KEY")
    monkeypatch.setenv("GEMINI_API_KEY_PARAM", PARAM)
    provider_env.use()  # forget settings and providers
    return app_client("ssm")


# (the error, its HTTP status, whether a later attempt can succeed): SSM throttled or failing passes;
# a parameter that does not exist, or a policy that denies it, stays so until someone fixes it.
SSM_ERRORS = {
    "ThrottlingException": (400, True),
    "InternalServerError": (500, True),
    "AccessDeniedException": (400, False),
    "ParameterNotFound": (400, False),
}


@pytest.mark.parametrize("error", sorted(SSM_ERRORS))
def test_ssm_unavailable_is_config_unavailable_and_no_provider_call(
    wired: FakeProviderServer, ssm_key: Any, error: str
) -> None:
    status, transient = SSM_ERRORS[error]
    client = apps("chat")["chat"]
    with Stubber(ssm_key) as stub:
        stub.add_client_error("get_parameter", error, http_status_code=status)
        response = billable_post("chat", client)

    # Retry-After only where coming back can help: a missing key stays missing.
    assert_problem(response, 503, "config_unavailable", retry_after=transient)
    assert ("Retry-After" in response.headers) is transient
    assert "sk-" not in response.text and PARAM not in response.text
    assert wired.requests == []
    assert usage() == {"requests": 0, "images": 0}


def test_ssm_unreachable_is_transient_and_a_missing_parameter_is_not(
    wired: FakeProviderServer, ssm_key: Any
) -> None:
    client = apps("chat")["chat"]
    missing = billable_post("chat", client)  # moto has no such parameter: its own ParameterNotFound
    with aws_faults(ssm_key) as faults:
        faults.fail("GetParameter", raises=EndpointConnectionError(endpoint_url="https://ssm.invalid"))
        unreachable = billable_post("chat", client)

    assert_problem(missing, 503, "config_unavailable", retry_after=False)
    assert "Retry-After" not in missing.headers
    assert_problem(unreachable, 503, "config_unavailable")
    assert wired.requests == []


def test_a_key_read_from_ssm_is_used_and_cached_through_an_ssm_outage(
    wired: FakeProviderServer, ssm_key: Any
) -> None:
    ssm_key.put_parameter(Name=PARAM, Value="ssm-gemini-key", Type="SecureString")
    client = apps("chat")["chat"]
    wired.script("gemini", designer("From SSM."), designer("Still cached."))

    first = billable_post("chat", client)
    with aws_faults(ssm_key) as faults:
        faults.fail("GetParameter", "ThrottlingException")
        second = billable_post("chat", client)

    assert first.status_code == second.status_code == 200, second.text
    assert faults.calls["GetParameter"] == 0  # served from the 300 s cache
    assert [r.headers.get("x-goog-api-key") for r in wired.requests] == ["ssm-gemini-key"] * 2


def test_the_key_is_read_with_the_layers_own_bounded_ssm_client(
    wired: FakeProviderServer, ssm_key: Any
) -> None:
    client = apps("chat")["chat"]
    wired.script("gemini", designer("From the layer's client."))
    parameter = {"Name": PARAM, "Type": "SecureString", "Value": "stubbed-key", "Version": 1}
    with Stubber(ssm_key) as stub:
        stub.add_response("get_parameter", {"Parameter": parameter}, {"Name": PARAM, "WithDecryption": True})
        response = billable_post("chat", client)

    assert response.status_code == 200, response.text
    assert [r.headers.get("x-goog-api-key") for r in wired.requests] == ["stubbed-key"]
    assert ssm_key.meta.config.read_timeout == 5  # not boto3's default 60 s


# --------------------------------------------------------------------------- the job worker (F15)


def deliver(aws: Aws, function: str = "generate") -> tuple[dict[str, Any], int]:
    """One SQS delivery, as the event source mapping makes it: receive (moto counts the receives),
    invoke the handler, delete unless the handler reported the message failed."""
    received = aws.sqs.receive_message(
        QueueUrl=aws.queue_url, MaxNumberOfMessages=1, AttributeNames=["All"]
    ).get("Messages", [])
    assert len(received) == 1, "expected one job message"
    message = received[0]
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message["Attributes"],
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:jobs",
    }
    result: dict[str, Any] = load_app(function).handler({"Records": [record]}, FakeContext())
    if message["MessageId"] not in {f["itemIdentifier"] for f in result["batchItemFailures"]}:
        aws.sqs.delete_message(QueueUrl=aws.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return result, int(message["Attributes"]["ApproximateReceiveCount"])


def submit_job(client: TestClient) -> str:
    accepted = billable_post("generate", client, Prefer="respond-async")
    assert accepted.status_code == 202, accepted.text
    job_id: str = accepted.json()["job_id"]
    return job_id


def is_image_record(params: dict[str, Any]) -> bool:
    return str(params.get("Item", {}).get("pk", {}).get("S", "")).startswith("IMAGE#")


STORE_FAULTS = {
    "s3-slowdown": ("s3", "PutObject", "SlowDown", 503, None),
    "dynamodb-throttled": (
        "dynamodb",
        "PutItem",
        "ProvisionedThroughputExceededException",
        400,
        is_image_record,
    ),
}


@pytest.mark.parametrize("fault", sorted(STORE_FAULTS))
def test_a_job_whose_result_could_not_be_stored_is_retried_then_completes(
    wired: FakeProviderServer, aws: Aws, fault: str
) -> None:
    service, operation, code, status, when = STORE_FAULTS[fault]
    client = apps("generate")["generate"]
    job_id = submit_job(client)

    with aws_faults(app_client(service)) as faults:
        faults.fail(operation, code, status=status, when=when)
        result, receives = deliver(aws)
    assert faults.failed[operation] == 1
    job = client.get(f"/jobs/{job_id}", headers=OWNER).json()

    assert receives == 1
    assert len(result["batchItemFailures"]) == 1  # SQS keeps the message for redelivery
    assert job["status"] == "queued"  # back in the queue: never "succeeded" without its image
    assert job["images"] == []
    assert job["error"]["code"] in ("storage_unavailable", "dependency_unavailable")
    assert aws.published_events() == []

    result, receives = deliver(aws)  # the fault has cleared: the redelivery completes it
    job = client.get(f"/jobs/{job_id}", headers=OWNER).json()

    assert receives == 2
    assert result == {"batchItemFailures": []}
    assert job["status"] == "succeeded"
    assert len(job["images"]) == 1
    stored = aws.s3.list_objects_v2(Bucket="shatably-test-media", Prefix="results/")["Contents"]
    assert len(stored) == 1
    assert len(wired.requests_for("images_generate")) == 2  # the lost result was made again
    assert [e["detail-type"] for e in aws.published_events()] == ["Job Succeeded"]
    assert usage()["images"] == 1
    assert aws.queued_messages() == []


def test_a_job_failing_to_store_on_every_delivery_ends_failed_and_released(
    wired: FakeProviderServer, aws: Aws
) -> None:
    client = apps("generate")["generate"]
    job_id = submit_job(client)
    with aws_faults(app_client("s3")) as faults:
        faults.fail("PutObject", "SlowDown", status=503)
        outcomes = [deliver(aws) for _ in range(3)]

    job = client.get(f"/jobs/{job_id}", headers=OWNER).json()
    assert [receives for _, receives in outcomes] == [1, 2, 3]
    assert [len(result["batchItemFailures"]) for result, _ in outcomes] == [1, 1, 0]
    assert job["status"] == "failed"
    assert job["images"] == []
    assert job["error"]["code"] == "storage_unavailable"
    assert usage() == {"requests": 0, "images": 0}  # a failed job is not counted
    assert [e["detail-type"] for e in aws.published_events()] == ["Job Failed"]
    assert aws.queued_messages() == []


def test_a_job_whose_key_parameter_is_missing_fails_on_its_first_delivery(
    wired: FakeProviderServer, aws: Aws, ssm_key: Any, provider_env: Any
) -> None:
    """A missing SSM parameter is configuration, not weather: no redelivery, no provider call."""
    provider_env.use(generate="gemini")  # its key comes from SSM only (``ssm_key``); moto has none
    client = apps("generate")["generate"]
    job_id = submit_job(client)

    result, receives = deliver(aws)
    job = client.get(f"/jobs/{job_id}", headers=OWNER).json()

    assert receives == 1
    assert result == {"batchItemFailures": []}  # the message is done with, not handed back
    assert job["status"] == "failed"
    assert job["error"]["code"] == "config_unavailable"
    assert PARAM not in json.dumps(job)
    assert wired.requests == []
    assert usage() == {"requests": 0, "images": 0}  # a failed job is not counted
    assert [e["detail-type"] for e in aws.published_events()] == ["Job Failed"]
    assert aws.queued_messages() == []


def test_a_job_retries_a_throttled_ssm_and_then_completes(
    wired: FakeProviderServer, aws: Aws, ssm_key: Any, provider_env: Any
) -> None:
    provider_env.use(generate="gemini")
    ssm_key.put_parameter(Name=PARAM, Value="ssm-gemini-key", Type="SecureString")
    client = apps("generate")["generate"]
    job_id = submit_job(client)

    with aws_faults(ssm_key) as faults:
        faults.fail("GetParameter", "ThrottlingException")
        first, _ = deliver(aws)
    queued = client.get(f"/jobs/{job_id}", headers=OWNER).json()
    second, receives = deliver(aws)  # SSM answers again
    job = client.get(f"/jobs/{job_id}", headers=OWNER).json()

    assert faults.failed["GetParameter"] == 1
    assert len(first["batchItemFailures"]) == 1  # back to the queue
    assert queued["status"] == "queued" and queued["error"]["code"] == "config_unavailable"
    assert receives == 2 and second == {"batchItemFailures": []}
    assert job["status"] == "succeeded" and len(job["images"]) == 1
    assert [r.headers.get("x-goog-api-key") for r in wired.requests] == ["ssm-gemini-key"]


def test_a_job_whose_final_status_could_not_be_written_is_never_reported_done(
    wired: FakeProviderServer, aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The result is stored but writing "succeeded" fails: the message comes back; the job stays
    "running" (not succeeded, not lost) until its deadline, after which the redelivery runs it again."""
    from shatably.storage import models

    client = apps("generate")["generate"]
    job_id = submit_job(client)
    with aws_faults(app_client("dynamodb")) as faults:
        faults.fail(
            "PutItem",
            "ProvisionedThroughputExceededException",
            when=lambda p: '"succeeded"' in json.dumps(p.get("Item", {}).get("status", {})),
        )
        first, _ = deliver(aws)

    assert len(first["batchItemFailures"]) == 1
    assert client.get(f"/jobs/{job_id}", headers=OWNER).json()["status"] == "running"

    later = models.now() + 3600  # the redelivery arrives after the visibility timeout (1800 s)
    monkeypatch.setattr("shatably.jobs.service.now", lambda: later)
    second, _ = deliver(aws)
    job = client.get(f"/jobs/{job_id}", headers=OWNER).json()

    assert second == {"batchItemFailures": []}
    assert job["status"] == "succeeded"
    assert len(job["images"]) == 1


def test_a_lost_job_event_does_not_fail_the_job(wired: FakeProviderServer, aws: Aws) -> None:
    client = apps("generate")["generate"]
    job_id = submit_job(client)
    with aws_faults(app_client("events")) as faults:
        faults.fail("PutEvents", "ThrottlingException")
        result, _ = deliver(aws)

    assert faults.failed["PutEvents"] == 1
    assert result == {"batchItemFailures": []}
    assert client.get(f"/jobs/{job_id}", headers=OWNER).json()["status"] == "succeeded"
