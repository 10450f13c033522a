"""The embedded AWS: a moto server on loopback, provisioned from the template's resources.

Functions reach it through ``AWS_ENDPOINT_URL`` (boto3 honours it for every client), so presigned
URLs point at an address a browser on this machine can open; the bucket gets the template's CORS
rules so the browser's presigned POST and GET work too.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Mapping
from typing import Any

import boto3
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from local.stack import RuleSource, Stack

log = logging.getLogger("local.aws")

# SQS attributes a queue's CloudFormation properties set under the same names.
_QUEUE_ATTRIBUTES = (
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "DelaySeconds",
    "FifoQueue",
    "FifoThroughputLimit",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "VisibilityTimeout",
)
# Fake on purpose: neither the gateway nor a function may ever sign a request for a real account.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
_TABLE_PROPERTIES = (
    "AttributeDefinitions",
    "BillingMode",
    "GlobalSecondaryIndexes",
    "KeySchema",
    "LocalSecondaryIndexes",
    "ProvisionedThroughput",
    "StreamSpecification",
    "TimeToLiveSpecification",
)
_INDEX_KEYS = ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput", "OnDemandThroughput")


class _SerialDynamoDb:
    """moto's DynamoDB is not thread-safe: concurrent transactions can corrupt its state. Real
    DynamoDB applies each conditional write atomically, so serialising moto's answers is faithful.
    Other services stay concurrent (SQS long polls must not block each other)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith("DynamoDB"):
            with self.lock:
                return list(self.app(environ, start_response))
        return self.app(environ, start_response)


class EmbeddedAws:
    """A moto server in a thread of this process, for DynamoDB, S3, SQS, EventBridge and SSM.

    What moto's ThreadedMotoServer does, except that the port is bound here, in the caller's thread:
    ThreadedMotoServer binds in its own thread and, when the port is taken, waits forever."""

    def __init__(self, *, region: str, port: int = 0) -> None:
        self.region = region
        # Werkzeug would log every request moto serves, pollers' long polls included.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        with socket.create_server(("127.0.0.1", port)) as listener:  # OSError if the port is taken
            app = _SerialDynamoDb(DomainDispatcherApplication(create_backend_app))
            # Werkzeug serves a duplicate of the bound socket.
            self._server = make_server(
                "127.0.0.1",
                port,
                app,
                threaded=True,
                request_handler=MotoRequestHandler,
                fd=listener.fileno(),
            )
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def client(self, service: str) -> Any:
        # Explicit credentials, so the developer's own AWS profile is never picked up by mistake.
        credentials = {name.lower(): value for name, value in FAKE_CREDENTIALS.items()}
        return boto3.client(service, endpoint_url=self.url, region_name=self.region, **credentials)

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()

    def provision(self, stack: Stack, *, local_origins: tuple[str, ...] = ()) -> dict[str, str]:
        """Create the template's tables, buckets, queues and buses, and the local rule targets.
        ``local_origins`` (the gateway's own) join each bucket CORS rule, so the playground it serves
        can upload by presigned POST whatever port it runs on.

        Returns the URL of each rule's local target queue, by queue name."""
        self._tables(stack)
        self._buckets(stack, local_origins)
        self._queues(stack)
        buses = self.client("events")
        for logical_id in stack.resources_of("AWS::Events::EventBus"):
            name = stack.physical_name(logical_id)
            if name != "default":
                buses.create_event_bus(Name=name)
        return {
            rule.queue_name: self._rule_target(rule, visibility_timeout=function.timeout)
            for function in stack.functions.values()
            for rule in function.rules
        }

    def _rule_target(self, rule: RuleSource, *, visibility_timeout: int) -> str:
        """The local stand-in for a rule's Lambda target: a queue the gateway polls."""
        sqs = self.client("sqs")
        # A failed event comes back after the function's timeout, like an async retry.
        url: str = sqs.create_queue(
            QueueName=rule.queue_name, Attributes={"VisibilityTimeout": str(visibility_timeout)}
        )["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events = self.client("events")
        events.put_rule(
            Name=rule.rule_name, EventBusName=rule.bus, EventPattern=json.dumps(rule.pattern), State="ENABLED"
        )
        events.put_targets(Rule=rule.rule_name, EventBusName=rule.bus, Targets=[{"Id": "local", "Arn": arn}])
        return url

    def put_secrets(self, environments: Mapping[str, Mapping[str, str]]) -> None:
        """Store provider keys under the SSM names the functions are configured with, when the key is
        known here too, so the SSM path (``*_API_KEY_PARAM``) works locally as it does deployed."""
        ssm = self.client("ssm")
        stored: set[str] = set()
        for env in environments.values():
            for name, parameter in env.items():
                key = env.get(name.removesuffix("_PARAM"))
                if name.endswith("_API_KEY_PARAM") and key and parameter not in stored:
                    ssm.put_parameter(Name=parameter, Value=key, Type="SecureString", Overwrite=True)
                    stored.add(parameter)

    def _tables(self, stack: Stack) -> None:
        dynamodb = self.client("dynamodb")
        for logical_id, raw in stack.resources_of("AWS::DynamoDB::Table").items():
            props = _resolved(stack, raw, _TABLE_PROPERTIES)
            name = stack.physical_name(logical_id)
            request: dict[str, Any] = {
                "TableName": name,
                "BillingMode": props.pop("BillingMode", "PROVISIONED"),
                **{
                    key: props[key]
                    for key in ("AttributeDefinitions", "KeySchema", "ProvisionedThroughput")
                    if key in props
                },
            }
            for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
                if key in props:
                    request[key] = _only(props[key], _INDEX_KEYS)
            if "StreamSpecification" in props:
                request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
            dynamodb.create_table(**request)
            ttl = props.get("TimeToLiveSpecification")
            if ttl and ttl.get("Enabled") in (True, "true"):
                dynamodb.update_time_to_live(
                    TableName=name,
                    TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
                )

    def _buckets(self, stack: Stack, local_origins: tuple[str, ...]) -> None:
        s3 = self.client("s3")
        for logical_id, raw in stack.resources_of("AWS::S3::Bucket").items():
            name = stack.physical_name(logical_id)
            if self.region == "us-east-1":
                s3.create_bucket(Bucket=name)
            else:
                s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.region})
            rules = (stack.resolve(raw.get("CorsConfiguration")) or {}).get("CorsRules")
            if rules:
                cors = [_cors_rule(rule, local_origins) for rule in rules]
                s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": cors})

    def _queues(self, stack: Stack) -> None:
        sqs = self.client("sqs")
        queues = stack.resources_of("AWS::SQS::Queue")
        # Dead-letter queues first: a redrive policy may only name a queue that exists.
        for logical_id, raw in sorted(queues.items(), key=lambda item: "RedrivePolicy" in item[1]):
            attributes = {
                key: json.dumps(value) if isinstance(value, dict) else _attribute(value)
                for key, value in _resolved(stack, raw, _QUEUE_ATTRIBUTES).items()
            }
            sqs.create_queue(QueueName=stack.physical_name(logical_id), Attributes=attributes)


def _resolved(stack: Stack, props: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Only the properties the local stand-in uses, resolved (the others may name what has none)."""
    return {key: stack.resolve(props[key]) for key in keys if key in props}


def _only(items: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{key: value for key, value in item.items() if key in keys} for item in items]


def _attribute(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cors_rule(rule: Mapping[str, Any], extra_origins: tuple[str, ...]) -> dict[str, Any]:
    """A CloudFormation CorsRule in the S3 API's spelling, allowing ``extra_origins`` too."""
    renamed = {"ExposedHeaders": "ExposeHeaders", "Id": "ID", "MaxAge": "MaxAgeSeconds"}
    converted = {renamed.get(key, key): value for key, value in rule.items()}
    origins = list(converted.get("AllowedOrigins") or [])
    if "*" not in origins:
        converted["AllowedOrigins"] = origins + [o for o in extra_origins if o not in origins]
    return converted
