"""The local gateway over real sockets.

Two stacks: the project's own template.yaml, run as ``python -m local.gateway`` (the ``gateway``
fixture), and a small echo stack run in-process with ``local.gateway.serve``, whose function shows
exactly what it received (event, context, environment), so the wire format can be checked byte
for byte without depending on the app's routes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import textwrap
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.aws import EmbeddedAws
from local.gateway import Gateway, serve
from local.stack import Stack
from tests.e2e.conftest import ROOT, GatewayFactory, RunningGateway
from tests.support.images import photo

pytestmark = pytest.mark.e2e

POLL_SECONDS = 30.0


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def eventually(probe: Callable[[], Any], what: str) -> Any:
    """Poll until ``probe`` returns something truthy (bounded); for work done by background pollers."""
    deadline = time.monotonic() + POLL_SECONDS
    while time.monotonic() < deadline:
        if result := probe():
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def assert_problem(answer: Answer, status: int, code: str) -> dict[str, Any]:
    assert answer.status == status, answer.body[:500]
    assert answer.headers.get_content_type() == "application/problem+json"
    problem: dict[str, Any] = answer.json()
    assert {"type", "title", "detail", "code"} <= set(problem)
    assert problem["code"] == code
    return problem


def png() -> bytes:
    return photo(64, 48, "PNG")


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x-1", path)


@pytest.fixture(scope="module")
def project() -> Stack:
    return Stack.load(ROOT / "template.yaml", moto_url="http://127.0.0.1:1", region="us-east-1")


# ================================================================ the project's template


def test_health_over_real_sockets(gateway: RunningGateway) -> None:
    answer = call("GET", f"{gateway.url}/health")
    assert answer.status == 200
    assert answer.json()["status"] == "ok"


def test_x_request_id_is_the_api_gateway_request_id(gateway: RunningGateway) -> None:
    answer = call("GET", f"{gateway.url}/health")
    request_id = answer.headers["x-amzn-RequestId"]
    assert uuid.UUID(request_id)
    assert answer.headers["x-request-id"] == request_id, "the app reads requestContext.requestId"


def test_every_request_is_one_log_line(gateway: RunningGateway) -> None:
    call("GET", f"{gateway.url}/health?probe=log")
    call("GET", f"{gateway.url}/no/such/route")
    log = gateway.request_log()
    assert any(re.fullmatch(r"GET /health ChatFunction 200 \d+ms", line) for line in log), log[-5:]
    assert any(re.fullmatch(r"GET /no/such/route - 404 \d+ms", line) for line in log), log[-5:]


def test_unknown_route_is_a_404_problem(gateway: RunningGateway) -> None:
    for method, path in [("GET", "/nope"), ("POST", "/chat/extra/segments"), ("PUT", "/health")]:
        assert_problem(
            call(method, f"{gateway.url}{path}", b"" if method != "GET" else None), 404, "not_found"
        )


def test_trailing_slash_and_stage_prefix_reach_the_route(gateway: RunningGateway, project: Stack) -> None:
    stage = project.routes[0].api.stage
    for path in ("/health/", f"/{stage}/health"):
        answer = call("GET", f"{gateway.url}{path}")
        assert answer.status == 200, path
        assert answer.json()["status"] == "ok"


def test_preflight_allows_only_the_configured_origins(gateway: RunningGateway, project: Stack) -> None:
    preflights = [route for route in project.routes if route.method == "OPTIONS"]
    assert preflights, "every path has an OPTIONS route"
    for route in preflights:
        origins = project.functions[route.function].environment["CORS_ALLOW_ORIGINS"].split(",")
        method = next(r.method for r in project.routes if r.path == route.path and r.method != "OPTIONS")
        url = f"{gateway.url}{concrete(route.path)}"
        request = {"Access-Control-Request-Method": method}
        allowed = call("OPTIONS", url, headers={"Origin": origins[0], **request})
        assert allowed.status == 200, route.path
        assert allowed.headers["Access-Control-Allow-Origin"] == origins[0]
        denied = call("OPTIONS", url, headers={"Origin": "https://evil.example", **request})
        assert denied.headers["Access-Control-Allow-Origin"] is None, route.path


def test_gateway_errors_never_echo_an_origin_outside_the_allow_list(
    gateway: RunningGateway, project: Stack
) -> None:
    """API Gateway's own answers (here an unknown route) cannot check an Origin against a list: they
    name the first allowed origin whoever asks, so a foreign page never reads them."""
    origins = project.functions["ChatFunction"].environment["CORS_ALLOW_ORIGINS"].split(",")
    assert len(origins) > 1, "the default stack allows several origins"
    for origin in (origins[0], origins[1], "https://evil.example", "null"):
        answer = call("GET", f"{gateway.url}/no/such/route", headers={"Origin": origin})
        assert_problem(answer, 404, "not_found")
        assert answer.headers.get_all("Access-Control-Allow-Origin") == [origins[0]], origin
        assert answer.headers["Vary"] == "Origin"
    # The app's own answers echo any allowed origin, and only those.
    for origin in origins:
        answer = call("GET", f"{gateway.url}/health", headers={"Origin": origin})
        assert answer.headers["Access-Control-Allow-Origin"] == origin
    foreign = call("GET", f"{gateway.url}/health", headers={"Origin": "https://evil.example"})
    assert foreign.headers["Access-Control-Allow-Origin"] is None


def test_openapi_lists_every_template_route(gateway: RunningGateway, project: Stack) -> None:
    document = call("GET", f"{gateway.url}/openapi.json").json()
    assert document["info"]["title"] == "Shatably AI API"
    missing = [
        f"{route.method} {route.path}"
        for route in project.routes
        if route.method != "OPTIONS" and route.method.lower() not in document["paths"].get(route.path, {})
    ]
    assert not missing, f"routed by the template, absent from the document: {missing}"
    routed = {(route.path, route.method.lower()) for route in project.routes}
    listed = {(path, method) for path, item in document["paths"].items() for method in item}
    assert listed <= routed, "the document lists only what API Gateway routes"


def test_billable_operations_document_the_headers_they_honour(gateway: RunningGateway) -> None:
    document = call("GET", f"{gateway.url}/openapi.json").json()

    def headers(path: str) -> set[str]:
        parameters = document["paths"][path]["post"].get("parameters", [])
        return {p["name"] for p in parameters if p["in"] == "header"}

    assert headers("/chat") == {"Idempotency-Key"}
    assert headers("/image/generate") == {"Idempotency-Key", "Prefer"}
    assert headers("/edit") == {"Idempotency-Key", "Prefer"}


def test_docs_load_their_assets_from_the_gateway_only(gateway: RunningGateway) -> None:
    page = call("GET", f"{gateway.url}/docs")
    assert page.status == 200 and page.headers.get_content_type() == "text/html"
    html = page.body.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and not re.search(r"https?://", html), "nothing is fetched from outside"
    for asset in assets:
        answer = call("GET", f"{gateway.url}{asset}")
        assert answer.status == 200, asset
        assert len(answer.body) > 100, asset
    assert "/openapi.json" in html


def test_multipart_photo_reaches_the_edit_function(gateway: RunningGateway) -> None:
    boundary = uuid.uuid4().hex
    image = png()
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nmake it calm\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="room.png"\r\n'
            f"Content-Type: image/png\r\n\r\n"
        ).encode()
        + image
        + f"\r\n--{boundary}--\r\n".encode()
    )
    answer = call(
        "POST", f"{gateway.url}/edit", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    # A photo mangled on the way (read as text) would be undecodable: 422 image_undecodable.
    assert answer.status == 200, answer.body[:500]
    assert answer.json()["success"] is True


def test_embedded_aws_is_provisioned_from_the_template(gateway: RunningGateway, project: Stack) -> None:
    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=gateway.moto_url, region_name="us-east-1")

    dynamodb, s3, sqs, events = client("dynamodb"), client("s3"), client("sqs"), client("events")
    for logical_id, props in project.resources_of("AWS::DynamoDB::Table").items():
        name = project.physical_name(logical_id)
        table = dynamodb.describe_table(TableName=name)["Table"]
        assert table["KeySchema"] == project.resolve(props["KeySchema"])
        if "TimeToLiveSpecification" in props:
            ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
            assert ttl["AttributeName"] == props["TimeToLiveSpecification"]["AttributeName"]
    for logical_id, props in project.resources_of("AWS::S3::Bucket").items():
        if "CorsConfiguration" in props:
            (rule,) = s3.get_bucket_cors(Bucket=project.physical_name(logical_id))["CORSRules"]
            template_rule = project.resolve(props["CorsConfiguration"])["CorsRules"][0]
            assert set(template_rule["AllowedOrigins"]) <= set(rule["AllowedOrigins"])
            assert gateway.url in rule["AllowedOrigins"], "the playground served here may upload too"
    for logical_id, props in project.resources_of("AWS::SQS::Queue").items():
        url = sqs.get_queue_url(QueueName=project.physical_name(logical_id))["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        if "RedrivePolicy" in props:
            policy = json.loads(attributes["RedrivePolicy"])
            assert (
                policy["deadLetterTargetArn"]
                == project.resolve(props["RedrivePolicy"])["deadLetterTargetArn"]
            )
    for logical_id in project.resources_of("AWS::Events::EventBus"):
        assert events.describe_event_bus(Name=project.physical_name(logical_id))["Name"]


def test_provider_keys_are_stored_under_their_ssm_names() -> None:
    aws = EmbeddedAws(region="us-east-1")
    try:
        env = {
            "GEMINI_API_KEY": "g-key",
            "GEMINI_API_KEY_PARAM": "/shatably/test/gemini-api-key",
            "OPENAI_API_KEY_PARAM": "/shatably/test/openai-api-key",  # no key for it: nothing stored
        }
        aws.put_secrets({"ChatFunction": env})
        ssm = aws.client("ssm")
        stored = ssm.get_parameter(Name="/shatably/test/gemini-api-key", WithDecryption=True)["Parameter"]
        assert (stored["Type"], stored["Value"]) == ("SecureString", "g-key")
        with pytest.raises(ssm.exceptions.ParameterNotFound):
            ssm.get_parameter(Name="/shatably/test/openai-api-key")
    finally:
        aws.stop()


def test_playground_is_served_and_stays_inside_web(gateway: RunningGateway) -> None:
    if (ROOT / "web" / "index.html").is_file():
        index = call("GET", f"{gateway.url}/")
        assert index.status == 200 and index.headers.get_content_type() == "text/html"
        assert index.body == (ROOT / "web" / "index.html").read_bytes()
    for path in ("/../template.yaml", "/%2e%2e/template.yaml", "/..%2ftemplate.yaml", "/template.yaml"):
        assert_problem(call("GET", f"{gateway.url}{path}"), 404, "not_found")


# ================================================================ the echo stack (wire format)

ECHO_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: test}
Globals:
  Function:
    Handler: app.handler
    Timeout: 2
    MemorySize: 256
    Environment:
      Variables:
        BUCKET_NAME: !Ref Bucket
        ROLE: api
  Api:
    BinaryMediaTypes: ["image~1*", "multipart~1form-data"]
Resources:
  Api: {Type: AWS::Serverless::Api, Properties: {StageName: !Ref Stage}}
  Bucket: {Type: AWS::S3::Bucket}
  DeadLetters: {Type: AWS::SQS::Queue}
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 0
      RedrivePolicy: {deadLetterTargetArn: !GetAtt DeadLetters.Arn, maxReceiveCount: 2}
  Bus: {Type: AWS::Events::EventBus, Properties: {Name: !Sub "${AWS::StackName}-echo-bus"}}
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/echo
      Events:
        Root: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /echo, Method: post}}
        Any: {Type: Api, Properties: {RestApiId: !Ref Api, Path: "/echo/{proxy+}", Method: any}}
  EchoWorker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/echo
      Environment: {Variables: {ROLE: worker}}
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 5
            FunctionResponseTypes: [ReportBatchItemFailures]
        Requested:
          Type: EventBridgeRule
          Properties: {EventBusName: !Ref Bus, Pattern: {source: [echo.client]}}
"""

ECHO_APP = '''
"""Shows a test what it received: the event, the context, its environment."""
import base64, hashlib, json, os, sys, time

import boto3


def _store(key, value):
    boto3.client("s3").put_object(Bucket=os.environ["BUCKET_NAME"], Key=key, Body=json.dumps(value).encode())


def handler(event, context):
    if "Records" in event:
        for record in event["Records"]:
            attempt = record["attributes"]["ApproximateReceiveCount"]
            _store(f"sqs/{record['body']}/{attempt}", {"record": record, "role": os.environ["ROLE"]})
        failed = [r["messageId"] for r in event["Records"] if r["body"].startswith("fail")]
        return {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}
    if "detail-type" in event:
        _store(f"events/{event['id']}", event)
        return None
    action = (event["pathParameters"] or {}).get("proxy", "")
    if action == "sleep":
        time.sleep(float(event["queryStringParameters"]["s"]))
    if action == "crash":
        os._exit(3)
    if action == "raise":
        raise RuntimeError("boom")
    body = base64.b64decode(event["body"]) if event["isBase64Encoded"] else (event["body"] or "").encode()
    if action == "mirror":
        content_type = event["headers"]["Content-Type"]
        return {"statusCode": 200, "headers": {"Content-Type": content_type},
                "body": base64.b64encode(body).decode(), "isBase64Encoded": True}
    answer = {
        "event": {**event, "body": None},
        "sha256": hashlib.sha256(body).hexdigest(),
        "context": {
            "function_name": context.function_name,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "invoked_function_arn": context.invoked_function_arn,
            "aws_request_id": context.aws_request_id,
            "remaining": context.get_remaining_time_in_millis(),
        },
        "env": {k: os.environ.get(k) for k in ("ROLE", "AWS_ENDPOINT_URL", "_X_AMZN_TRACE_ID")},
        "sys_path": sys.path[:2],
        "cwd": os.getcwd(),
        "pid": os.getpid(),
    }
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "multiValueHeaders": {"X-Multi": ["a", "b"]}, "body": json.dumps(answer)}
'''


@pytest.fixture(scope="module")
def echo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("echo")
    (root / "template.yaml").write_text(textwrap.dedent(ECHO_TEMPLATE), encoding="utf-8")
    (root / "functions" / "echo").mkdir(parents=True)
    (root / "functions" / "echo" / "app.py").write_text(ECHO_APP, encoding="utf-8")
    (root / "web" / "static").mkdir(parents=True)
    (root / "web" / "index.html").write_text("<!doctype html><title>play</title>", encoding="utf-8")
    (root / "web" / "static" / "app.js").write_text("console.log(1)", encoding="utf-8")
    (root / "web" / ".env").write_text("SECRET=1", encoding="utf-8")
    (root / "secret.txt").write_text("outside web/", encoding="utf-8")
    (root / "web" / "escape.txt").symlink_to(root / "secret.txt")
    return root


@pytest.fixture(scope="module")
def echo(echo_root: Path) -> Iterator[Gateway]:
    with serve(port=0, template=echo_root / "template.yaml", pool_size=1) as running:
        yield running


def test_binary_body_reaches_the_handler_intact(echo: Gateway) -> None:
    image = png() + os.urandom(2048)  # and bytes that are no UTF-8 at all
    answer = call("POST", f"{echo.url}/echo/upload", image, {"Content-Type": "image/png"})
    assert answer.status == 200
    seen = answer.json()
    assert seen["event"]["isBase64Encoded"] is True
    assert seen["sha256"] == hashlib.sha256(image).hexdigest()
    text = json.dumps({"message": "أهلا"}).encode()
    answer = call("POST", f"{echo.url}/echo", text, {"Content-Type": "application/json"})
    assert answer.json()["event"]["isBase64Encoded"] is False
    assert answer.json()["sha256"] == hashlib.sha256(text).hexdigest()


def test_base64_response_is_decoded_for_the_client(echo: Gateway) -> None:
    image = png()
    answer = call(
        "POST", f"{echo.url}/echo/mirror", image, {"Content-Type": "image/png", "Accept": "image/png"}
    )
    assert answer.status == 200 and answer.headers.get_content_type() == "image/png"
    assert answer.body == image


def test_event_context_and_environment_over_the_wire(echo: Gateway, echo_root: Path) -> None:
    answer = call("GET", f"{echo.url}/echo/info/%20x?a=1&a=2", headers={"User-Agent": "e2e"})
    assert answer.status == 200
    assert answer.headers.get_all("X-Multi") == ["a", "b"], "multiValueHeaders reach the client"
    seen = answer.json()
    event, context = seen["event"], seen["context"]
    assert event["resource"] == "/echo/{proxy+}"
    assert event["path"] == "/echo/info/%20x"
    assert event["pathParameters"] == {"proxy": "info/ x"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"]}
    assert event["requestContext"]["requestId"] == answer.headers["x-amzn-RequestId"]
    assert event["requestContext"]["path"] == "/test/echo/info/%20x"
    assert event["requestContext"]["identity"]["userAgent"] == "e2e"
    assert event["headers"]["X-Forwarded-Proto"] == "http"
    assert context["function_name"] == "shatably-local-EchoFunction"
    assert context["memory_limit_in_mb"] == "256"
    assert context["invoked_function_arn"].endswith(":function:shatably-local-EchoFunction")
    assert 0 < context["remaining"] <= 2000, "the context counts down from the function's Timeout"
    assert seen["env"]["ROLE"] == "api"
    assert seen["env"]["AWS_ENDPOINT_URL"] == echo.moto_url
    assert seen["env"]["_X_AMZN_TRACE_ID"] == event["headers"]["X-Amzn-Trace-Id"]
    assert seen["sys_path"][0] == str(echo_root / "functions" / "echo")
    assert seen["cwd"] == str(echo_root / "functions" / "echo")


def test_stage_prefixed_path_reaches_the_route(echo: Gateway) -> None:
    answer = call("GET", f"{echo.url}/test/echo/info")
    assert answer.status == 200
    event = answer.json()["event"]
    assert event["path"] == "/echo/info" and event["requestContext"]["path"] == "/test/echo/info"


def test_a_function_over_its_timeout_is_a_504_and_is_replaced(echo: Gateway) -> None:
    before = call("GET", f"{echo.url}/echo/info").json()["pid"]
    started = time.monotonic()
    assert_problem(call("GET", f"{echo.url}/echo/sleep?s=30"), 504, "upstream_timeout")
    assert time.monotonic() - started < 10, "cut at the function's 2 s Timeout"
    after = call("GET", f"{echo.url}/echo/info")
    assert after.status == 200 and after.json()["pid"] != before, "a fresh instance"


def test_a_failing_or_dying_function_is_a_502(echo: Gateway) -> None:
    assert_problem(call("GET", f"{echo.url}/echo/raise"), 502, "internal_error")
    assert_problem(call("GET", f"{echo.url}/echo/crash"), 502, "internal_error")
    assert call("GET", f"{echo.url}/echo/info").status == 200


def test_bodies_over_the_limits_are_413(echo: Gateway) -> None:
    too_big = b"x" * (10 * 1024 * 1024 + 1)  # API Gateway's 10 MB
    assert_problem(
        call("POST", f"{echo.url}/echo", too_big, {"Content-Type": "text/plain"}), 413, "payload_too_large"
    )
    over_lambda = b"x" * (7 * 1024 * 1024)  # fits API Gateway, not Lambda's 6 MB event
    assert_problem(
        call("POST", f"{echo.url}/echo", over_lambda, {"Content-Type": "text/plain"}),
        413,
        "payload_too_large",
    )
    assert call("GET", f"{echo.url}/echo/info").status == 200


def test_unknown_routes_are_problems_without_gateway_responses(echo: Gateway) -> None:
    problem = assert_problem(call("GET", f"{echo.url}/elsewhere"), 404, "not_found")
    assert problem["status"] == 404 and problem["title"]


def test_playground_files_and_nothing_else(echo: Gateway) -> None:
    index = call("GET", f"{echo.url}/")
    assert index.status == 200 and index.body == b"<!doctype html><title>play</title>"
    script = call("GET", f"{echo.url}/static/app.js")
    assert script.status == 200 and script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    for path in ("/.env", "/escape.txt", "/../secret.txt", "/%2e%2e/secret.txt", "/static/../../secret.txt"):
        assert call("GET", f"{echo.url}{path}").status == 404, path


def _s3(echo: Gateway) -> Any:
    return boto3.client("s3", endpoint_url=echo.moto_url, region_name="us-east-1")


def _stored(echo: Gateway, prefix: str) -> dict[str, Any]:
    s3, bucket = _s3(echo), "shatably-local-bucket"  # the echo stack's bucket (generated name)
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents") or []
    return {o["Key"]: json.loads(s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()) for o in listed}


def test_sqs_messages_reach_the_worker_and_failures_go_to_the_dlq(echo: Gateway) -> None:
    sqs = boto3.client("sqs", endpoint_url=echo.moto_url, region_name="us-east-1")
    jobs = sqs.get_queue_url(QueueName="shatably-local-Jobs")["QueueUrl"]
    dead = sqs.get_queue_url(QueueName="shatably-local-DeadLetters")["QueueUrl"]
    tag = uuid.uuid4().hex[:8]
    for body in (f"ok-{tag}", f"fail-{tag}"):
        sqs.send_message(QueueUrl=jobs, MessageBody=body)
    stored = eventually(lambda: _stored(echo, f"sqs/ok-{tag}/"), "the successful message")
    (record,) = (value["record"] for value in stored.values())
    assert stored and all(value["role"] == "worker" for value in stored.values())
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:shatably-local-Jobs"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    # The failed one is received again (redelivery), then moto's redrive moves it to the DLQ.
    eventually(lambda: _stored(echo, f"sqs/fail-{tag}/2"), "the second delivery of the failed message")
    moved = eventually(
        lambda: sqs.receive_message(QueueUrl=dead, WaitTimeSeconds=1).get("Messages"), "the dead-letter"
    )
    assert moved[0]["Body"] == f"fail-{tag}"
    assert not _stored(echo, f"sqs/ok-{tag}/2"), "a message that succeeded was deleted"


def test_eventbridge_rule_delivers_events_to_the_worker(echo: Gateway) -> None:
    events = boto3.client("events", endpoint_url=echo.moto_url, region_name="us-east-1")
    entry = {"Source": "echo.client", "DetailType": "Echo Requested", "Detail": json.dumps({"n": 1})}
    result = events.put_events(Entries=[{**entry, "EventBusName": "shatably-local-echo-bus"}])
    event_id = result["Entries"][0]["EventId"]
    stored = eventually(lambda: _stored(echo, f"events/{event_id}"), "the EventBridge event")
    event = stored[f"events/{event_id}"]
    assert set(event) == {
        "version",
        "id",
        "detail-type",
        "source",
        "account",
        "time",
        "region",
        "resources",
        "detail",
    }
    assert event["detail-type"] == "Echo Requested" and event["detail"] == {"n": 1}
    assert event["source"] == "echo.client" and event["version"] == "0"


# ================================================================ process lifecycle


def test_a_taken_moto_port_fails_at_once() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken, pytest.raises(OSError):
        EmbeddedAws(region="us-east-1", port=taken.getsockname()[1])


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_sigterm_stops_the_gateway_and_every_worker(gateway_factory: GatewayFactory, echo_root: Path) -> None:
    with gateway_factory(template=echo_root / "template.yaml", pool_size=1) as running:
        workers = _children(running.process.pid)
        assert len(workers) == 3, "one API instance, one per worker event source"
        assert running.stop() == 0
        assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
        assert "Traceback" not in running.stderr_path.read_text()


def test_sigint_is_a_clean_stop_too(gateway_factory: GatewayFactory, echo_root: Path) -> None:
    with gateway_factory(template=echo_root / "template.yaml", pool_size=1) as running:
        running.process.send_signal(signal.SIGINT)
        assert running.process.wait(timeout=30) == 0
