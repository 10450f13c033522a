"""Integration tier: the real apps in-process, AWS as moto's mock_aws, providers offline or faked."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from fastapi.testclient import TestClient
from moto import mock_aws

TABLE = "shatably-test"
BUCKET = "shatably-test-media"
BUS = "shatably-test-bus"


@dataclass
class Aws:
    queue_url: str
    dlq_url: str
    events_queue_url: str

    @property
    def sqs(self) -> Any:
        return boto3.client("sqs", region_name="us-east-1")

    @property
    def s3(self) -> Any:
        return boto3.client("s3", region_name="us-east-1")

    @property
    def ddb(self) -> Any:
        return boto3.client("dynamodb", region_name="us-east-1")

    def queued_messages(self, url: str | None = None) -> list[dict[str, Any]]:
        response = self.sqs.receive_message(QueueUrl=url or self.queue_url, MaxNumberOfMessages=10)
        return list(response.get("Messages", []))

    def published_events(self) -> list[dict[str, Any]]:
        import json

        return [json.loads(m["Body"]) for m in self.queued_messages(self.events_queue_url)]


def provision() -> Aws:
    """The template's data resources, as the functions use them."""
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    ddb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "owner_pk", "owner_sk")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "ByOwner",
                "KeySchema": [
                    {"AttributeName": "owner_pk", "KeyType": "HASH"},
                    {"AttributeName": "owner_sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.update_time_to_live(
        TableName=TABLE, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
    sqs = boto3.client("sqs", region_name="us-east-1")
    dlq_url = sqs.create_queue(QueueName="jobs-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    import json

    queue_url = sqs.create_queue(
        QueueName="jobs",
        Attributes={
            "VisibilityTimeout": "0",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"}),
        },
    )["QueueUrl"]
    events = boto3.client("events", region_name="us-east-1")
    events.create_event_bus(Name=BUS)
    # Capture what the functions publish by routing the bus to a queue.
    events_queue_url = sqs.create_queue(QueueName="published-events")["QueueUrl"]
    events_queue_arn = sqs.get_queue_attributes(QueueUrl=events_queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    events.put_rule(Name="capture", EventBusName=BUS, EventPattern=json.dumps({"source": ["shatably.jobs"]}))
    events.put_targets(Rule="capture", EventBusName=BUS, Targets=[{"Id": "q", "Arn": events_queue_arn}])
    return Aws(queue_url=queue_url, dlq_url=dlq_url, events_queue_url=events_queue_url)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    from shatably.settings import reset_settings
    from shatably.storage.aws import reset_clients

    with mock_aws():
        resources = provision()
        monkeypatch.setenv("TABLE_NAME", TABLE)
        monkeypatch.setenv("BUCKET_NAME", BUCKET)
        monkeypatch.setenv("EVENT_BUS_NAME", BUS)
        monkeypatch.setenv("JOBS_QUEUE_URL", resources.queue_url)
        monkeypatch.setenv("JOB_RETRY_DELAY_SECONDS", "0")  # redeliveries are immediate in tests
        reset_settings()
        reset_clients()
        yield resources
        reset_clients()


def load_app(function: str) -> Any:
    """Import a function's app module fresh, so it is built with this test's settings."""
    name = f"functions.{function}.app"
    module = importlib.import_module(name)
    return importlib.reload(module)


@pytest.fixture
def generate_client(aws: Aws) -> TestClient:
    return TestClient(load_app("generate").app)


@pytest.fixture
def edit_client(aws: Aws) -> TestClient:
    return TestClient(load_app("edit").app)


@pytest.fixture
def history_client(aws: Aws) -> TestClient:
    return TestClient(load_app("history").app)


@pytest.fixture
def chat_client(aws: Aws) -> TestClient:
    return TestClient(load_app("chat").app)
