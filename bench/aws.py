"""Embedded AWS for the cold-start benchmark: one moto server in this process, shared by children.

The children get ``AWS_ENDPOINT_URL`` and fake credentials, so they run the same boto3 code path
as in Lambda (client creation, service-model loading, signing, HTTP) against a local socket.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

REGION = "us-east-1"
TABLE = "shatably-bench"
BUCKET = "shatably-bench-media"
BUS = "shatably-bench-bus"
QUEUE = "shatably-bench-jobs"

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@dataclass(frozen=True)
class EmbeddedAws:
    endpoint: str
    queue_url: str

    def env(self) -> dict[str, str]:
        """What a child needs to reach these resources (and nothing real)."""
        return {
            **FAKE_CREDENTIALS,
            "AWS_ENDPOINT_URL": self.endpoint,
            "TABLE_NAME": TABLE,
            "BUCKET_NAME": BUCKET,
            "JOBS_QUEUE_URL": self.queue_url,
            "EVENT_BUS_NAME": BUS,
        }

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            aws_session_token="testing",
        )

    def put_job(self, job_id: str, owner_key: str) -> None:
        """A finished-looking job record, so GET /jobs/{id} reads a real item (not a 404)."""
        now = int(time.time())
        self.client("dynamodb").put_item(
            TableName=TABLE,
            Item={
                "pk": {"S": f"JOB#{job_id}"},
                "sk": {"S": "META"},
                "job_id": {"S": job_id},
                "owner": {"S": owner_key},
                "kind": {"S": "generate"},
                "status": {"S": "queued"},
                "request": {"S": json.dumps({"prompt": "a calm living room", "n": 1})},
                "attempts": {"N": "0"},
                "created_at": {"N": str(now)},
                "updated_at": {"N": str(now)},
                "deadline_at": {"N": str(now + 3600)},
                "expires_at": {"N": str(now + 86400)},
            },
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _provision(aws: EmbeddedAws) -> str:
    ddb = aws.client("dynamodb")
    ddb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "owner_pk", "owner_sk")
        ],
        # The template's owner index: lists (GET /chat/sessions, ...) query it.
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
    aws.client("s3").create_bucket(Bucket=BUCKET)
    aws.client("events").create_event_bus(Name=BUS)
    url: str = aws.client("sqs").create_queue(QueueName=QUEUE)["QueueUrl"]
    return url


@contextmanager
def embedded_aws() -> Iterator[EmbeddedAws]:
    """Start moto on a free loopback port, provision the template's data resources, stop at exit."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log line per request
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        queue_url = _provision(EmbeddedAws(endpoint=endpoint, queue_url=""))
        yield EmbeddedAws(endpoint=endpoint, queue_url=queue_url)
    finally:
        server.stop()
