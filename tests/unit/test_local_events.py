"""The local gateway's pure parts: v1 proxy events, route matching, Lambda proxy responses, SQS and
EventBridge events, the template model, the functions' environment and the merged OpenAPI document."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import textwrap
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from mangum import Mangum

from local import runtime
from local.events import (
    MalformedResponse,
    RouteMatch,
    allowed_methods,
    eventbridge_event,
    failed_message_ids,
    forwarded_headers,
    http_response,
    match_route,
    media_type_matches,
    proxy_event,
    sqs_event,
)
from local.openapi import combine, undocumented
from local.stack import ACCOUNT_ID, RestApi, Route, Stack
from local.workers import lambda_environment

API = RestApi(
    logical_id="Api",
    api_id="abcdef1234",
    stage="dev",
    binary_media_types=("multipart/form-data", "image/*"),
    variables=None,
    gateway_responses={},
)


def route(path: str, method: str = "GET", function: str = "ChatFunction") -> Route:
    return Route(path=path, method=method, function=function, api=API, timeout_ms=29_000)


ROUTES = [
    route("/chat", "POST"),
    route("/chat", "OPTIONS"),
    route("/chat/sessions/{session_id}"),
    route("/chat/sessions/{session_id}", "DELETE"),
    route("/chat/sessions/latest"),
    route("/health"),
    route("/files/{proxy+}", "ANY", "FilesFunction"),
]


def event_for(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: list[tuple[str, str]] | None = None,
    body: bytes | None = None,
) -> dict[str, Any]:
    found = match_route(ROUTES, method, path)
    assert found is not None
    return proxy_event(
        found,
        method=method,
        raw_path=path,
        query=query,
        headers=headers or [("Host", "127.0.0.1:3000")],
        body=body,
        source_ip="127.0.0.1",
        request_id=str(uuid.uuid4()),
        now=1_795_000_000.5,
    )


# ---------------------------------------------------------------- route matching


def test_routes_match_like_a_rest_api() -> None:
    assert match_route(ROUTES, "POST", "/chat") == RouteMatch(ROUTES[0], None)
    assert match_route(ROUTES, "POST", "/chat/") == RouteMatch(ROUTES[0], None), (
        "one trailing slash is ignored"
    )
    assert match_route(ROUTES, "GET", "/chat//") is None
    assert match_route(ROUTES, "PUT", "/chat") is None, "a method the resource lacks is no route"
    assert match_route(ROUTES, "GET", "/nope") is None
    assert allowed_methods(ROUTES, "/chat") == ["OPTIONS", "POST"]
    assert allowed_methods(ROUTES, "/nope") == []


def test_literal_segments_win_over_parameters_and_parameters_are_decoded() -> None:
    latest = match_route(ROUTES, "GET", "/chat/sessions/latest")
    assert (
        latest is not None and latest.route.path == "/chat/sessions/latest" and latest.path_parameters is None
    )
    found = match_route(ROUTES, "GET", "/chat/sessions/a%20b")
    assert found is not None and found.path_parameters == {"session_id": "a b"}
    assert match_route(ROUTES, "GET", "/chat/sessions/") is None, "an empty parameter matches nothing"


def test_greedy_parameter_and_any_method() -> None:
    found = match_route(ROUTES, "PATCH", "/files/a/b/c.png")
    assert found is not None and found.route.function == "FilesFunction"
    assert found.path_parameters == {"proxy": "a/b/c.png"}
    assert match_route(ROUTES, "GET", "/files") is None


# ---------------------------------------------------------------- v1 proxy events


def test_event_is_a_faithful_v1_proxy_event() -> None:
    headers = [
        ("Host", "127.0.0.1:3000"),
        ("User-Agent", "pytest"),
        ("Accept", "application/json"),
        ("X-Tag", "one"),
        ("x-tag", "two"),
        ("Content-Type", "application/json"),
    ]
    event = event_for("GET", "/chat/sessions/s-1", query="a=1&a=2&b=", headers=headers, body=b'{"k":"v"}')
    assert set(event) == {
        "resource",
        "path",
        "httpMethod",
        "headers",
        "multiValueHeaders",
        "queryStringParameters",
        "multiValueQueryStringParameters",
        "pathParameters",
        "stageVariables",
        "requestContext",
        "body",
        "isBase64Encoded",
    }
    assert event["resource"] == "/chat/sessions/{session_id}"
    assert event["path"] == "/chat/sessions/s-1"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"session_id": "s-1"}
    assert event["stageVariables"] is None
    assert event["headers"]["X-Tag"] == "two", "the last value wins in headers"
    assert event["multiValueHeaders"]["X-Tag"] == ["one", "two"]
    assert event["queryStringParameters"] == {"a": "2", "b": ""}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": [""]}
    assert event["body"] == '{"k":"v"}' and event["isBase64Encoded"] is False

    context = event["requestContext"]
    assert context["accountId"] == ACCOUNT_ID
    assert context["apiId"] == "abcdef1234"
    assert context["stage"] == "dev"
    assert context["path"] == "/dev/chat/sessions/s-1", "requestContext.path carries the stage"
    assert context["resourcePath"] == "/chat/sessions/{session_id}"
    assert context["httpMethod"] == "GET"
    assert context["protocol"] == "HTTP/1.1"
    assert context["domainName"] == "127.0.0.1:3000"
    assert context["requestTimeEpoch"] == 1_795_000_000_500
    assert context["requestTime"] == time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(1_795_000_000.5))
    assert uuid.UUID(context["requestId"])
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userAgent"] == "pytest"


def test_no_query_string_and_no_body_are_null() -> None:
    event = event_for("POST", "/chat")
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None
    assert event["body"] is None and event["isBase64Encoded"] is False


@pytest.mark.parametrize(
    ("content_type", "binary"),
    [
        ("image/png", True),
        ("IMAGE/JPEG; q=1", True),
        ("multipart/form-data; boundary=x", True),
        ("application/json", False),
        ("text/plain; charset=utf-8", False),
        (None, False),
    ],
)
def test_binary_media_types_travel_as_base64(content_type: str | None, binary: bool) -> None:
    body = bytes(range(256))
    headers = [("Host", "h")] + ([("Content-Type", content_type)] if content_type else [])
    event = event_for("POST", "/chat", headers=headers, body=body)
    assert event["isBase64Encoded"] is binary
    if binary:
        assert base64.b64decode(event["body"]) == body
    else:
        # As on API Gateway, bytes that are not UTF-8 do not survive a text media type.
        assert event["body"] == body.decode("utf-8", errors="replace")


def test_forwarded_headers_are_added_as_api_gateway_does() -> None:
    headers = forwarded_headers(
        [("Host", "h"), ("X-Forwarded-For", "10.0.0.1")],
        source_ip="127.0.0.1",
        port=3000,
        trace_id="Root=1-x",
    )
    assert ("X-Forwarded-For", "10.0.0.1, 127.0.0.1") in headers
    assert ("X-Forwarded-Port", "3000") in headers
    assert ("X-Forwarded-Proto", "http") in headers
    assert ("X-Amzn-Trace-Id", "Root=1-x") in headers


def in_own_thread(call: Callable[[], Any]) -> Any:
    """Run ``call`` as a Lambda runtime would: a thread whose event loop nothing else is running
    (a browser test in the same process may hold the main thread's loop)."""

    def run() -> Any:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            return call()
        finally:
            loop.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_mangum_reads_the_event_as_a_rest_api_event() -> None:
    app = FastAPI()

    @app.post("/chat/sessions/{session_id}")
    async def echo(session_id: str, request: Request) -> dict[str, Any]:
        return {
            "session_id": session_id,
            "query": request.query_params.getlist("a"),
            "body": base64.b64encode(await request.body()).decode(),
            "request_id": request.scope["aws.event"]["requestContext"]["requestId"],
        }

    found = match_route([route("/chat/sessions/{session_id}", "POST")], "POST", "/chat/sessions/s%201")
    assert found is not None
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
    event = proxy_event(
        found,
        method="POST",
        raw_path="/chat/sessions/s%201",
        query="a=1&a=2",
        headers=[("Host", "127.0.0.1:3000"), ("Content-Type", "image/png")],
        body=png,
        source_ip="127.0.0.1",
        request_id="req-1",
        now=time.time(),
    )
    context: Any = runtime.LambdaContext("lambda-req", 0)  # duck-typed, as the real runtime's is
    result = in_own_thread(lambda: Mangum(app, lifespan="off")(event, context))
    assert result["statusCode"] == 200
    answer = json.loads(result["body"])
    assert answer == {
        "session_id": "s 1",
        "query": ["1", "2"],
        "body": base64.b64encode(png).decode(),
        "request_id": "req-1",
    }


# ---------------------------------------------------------------- Lambda proxy responses


def test_response_headers_merge_with_multi_value_winning() -> None:
    response, was_base64 = http_response(
        {
            "statusCode": 201,
            "headers": {"X-One": "1", "Set-Cookie": "ignored", "Content-Length": "999"},
            "multiValueHeaders": {"set-cookie": ["a=1", "b=2"]},
            "body": "hello",
        }
    )
    assert response.status == 201 and response.body == b"hello" and not was_base64
    assert ("X-One", "1") in response.headers
    assert [v for k, v in response.headers if k.lower() == "set-cookie"] == ["a=1", "b=2"]
    assert not any(k.lower() == "content-length" for k, _ in response.headers), "API Gateway sets its own"
    assert ("Content-Type", "application/json") in response.headers, "the default API Gateway assumes"


def test_base64_bodies_are_decoded() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\xff"
    response, was_base64 = http_response(
        {
            "statusCode": 200,
            "headers": {"content-type": "image/png"},
            "body": base64.b64encode(png).decode(),
            "isBase64Encoded": True,
        }
    )
    assert response.body == png and was_base64


@pytest.mark.parametrize(
    "result",
    [
        None,
        "text",
        {"body": "no status"},
        {"statusCode": 99},
        {"statusCode": True},
        {"statusCode": 200, "headers": ["x"]},
        {"statusCode": 200, "body": "***", "isBase64Encoded": True},
    ],
)
def test_malformed_proxy_responses_are_refused(result: Any) -> None:
    with pytest.raises(MalformedResponse):
        http_response(result)


def test_media_type_matching() -> None:
    assert media_type_matches("image/webp", ["image/*"])
    assert media_type_matches("Multipart/Form-Data; boundary=1", ["multipart/form-data"])
    assert media_type_matches("application/json", ["*/*"])
    assert not media_type_matches("application/problem+json", ["multipart/form-data", "image/*"])
    assert not media_type_matches("", ["*/*"])
    assert not media_type_matches(None, ["image/*"])


# ---------------------------------------------------------------- SQS and EventBridge


def test_sqs_event_has_lambda_record_shape() -> None:
    message = {
        "MessageId": "m-1",
        "ReceiptHandle": "rh-1",
        "Body": '{"job_id": "j"}',
        "MD5OfBody": "md5",
        "Attributes": {"ApproximateReceiveCount": "2", "SentTimestamp": "1795000000000"},
        "MessageAttributes": {"kind": {"StringValue": "generate", "DataType": "String"}},
    }
    event = sqs_event([message], queue_arn="arn:aws:sqs:us-east-1:123456789012:q", region="us-east-1")
    (record,) = event["Records"]
    assert record == {
        "messageId": "m-1",
        "receiptHandle": "rh-1",
        "body": '{"job_id": "j"}',
        "attributes": {"ApproximateReceiveCount": "2", "SentTimestamp": "1795000000000"},
        "messageAttributes": {
            "kind": {
                "stringValue": "generate",
                "binaryValue": None,
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": "String",
            }
        },
        "md5OfBody": "md5",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q",
        "awsRegion": "us-east-1",
    }


def test_partial_batch_responses() -> None:
    ids = ["a", "b", "c"]
    report = {"batchItemFailures": [{"itemIdentifier": "b"}]}
    assert failed_message_ids(report, ids, report_failures=True) == {"b"}
    assert failed_message_ids(report, ids, report_failures=False) == set(), "ignored unless configured"
    assert failed_message_ids(None, ids, report_failures=True) == set()
    assert failed_message_ids({"batchItemFailures": []}, ids, report_failures=True) == set()
    unknown = {"batchItemFailures": [{"itemIdentifier": "zz"}]}
    assert failed_message_ids(unknown, ids, report_failures=True) == set(ids), "as Lambda: all fail"


def test_eventbridge_event_from_a_rule_target_message() -> None:
    body = json.dumps(
        {
            "version": "0",
            "id": "e-1",
            "detail-type": "Generate Requested",
            "source": "shatably.client",
            "account": ACCOUNT_ID,
            "time": "2026-11-25T18:00:00Z",
            "region": "us-east-1",
            "resources": [],
            "detail": {"kind": "generate"},
            "ingestion-time": 1,  # moto's own addition
        }
    )
    assert eventbridge_event(body) == {
        "version": "0",
        "id": "e-1",
        "detail-type": "Generate Requested",
        "source": "shatably.client",
        "account": ACCOUNT_ID,
        "time": "2026-11-25T18:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {"kind": "generate"},
    }
    with pytest.raises(ValueError):
        eventbridge_event('{"not": "an event"}')


# ---------------------------------------------------------------- the template model


TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
  Origins: {Type: String, Default: "http://a.test,http://b.test"}
  Auth: {Type: String, Default: ""}
Conditions:
  AuthOn: !Not [!Equals [!Ref Auth, ""]]
Globals:
  Function:
    Timeout: 28
    MemorySize: 512
    Layers: [!Ref Shared]
    Environment:
      Variables:
        TABLE_NAME: !Ref Table
        FIRST_ORIGIN: !Select [0, !Split [",", !Ref Origins]]
        AUTH_ENABLED: !If [AuthOn, "true", "false"]
        KEY_PARAM: !Sub /app/${Stage}/key
        BUS_ARN: !GetAtt Bus.Arn
        DROPPED: !If [AuthOn, "x", !Ref AWS::NoValue]
  Api:
    BinaryMediaTypes: [image~1*]
Resources:
  Shared: {Type: AWS::Serverless::LayerVersion, Properties: {ContentUri: layers/shared}}
  Table: {Type: AWS::DynamoDB::Table, Properties: {TableName: !Sub "${AWS::StackName}-data"}}
  Jobs: {Type: AWS::SQS::Queue}
  Bus: {Type: AWS::Events::EventBus, Properties: {Name: bus}}
  Api: {Type: AWS::Serverless::Api, Properties: {StageName: !Ref Stage}}
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/api
      Handler: app.handler
      Environment: {Variables: {QUEUE_URL: !Ref Jobs}}
      Events:
        Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: "/items/{id}", Method: get}}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/api
      Handler: app.handler
      Timeout: 300
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 1
            FunctionResponseTypes: [ReportBatchItemFailures]
        Requested:
          Type: EventBridgeRule
          Properties: {EventBusName: !Ref Bus, Pattern: {source: [app.client]}}
  OnlyWithAuth:
    Type: AWS::Serverless::Function
    Condition: AuthOn
    Properties: {CodeUri: functions/auth, Handler: app.handler}
"""


@pytest.fixture
def stack(tmp_path: Path) -> Stack:
    (tmp_path / "layers" / "shared").mkdir(parents=True)
    (tmp_path / "template.yaml").write_text(textwrap.dedent(TEMPLATE), encoding="utf-8")
    return Stack.load(tmp_path / "template.yaml", moto_url="http://127.0.0.1:5000", region="us-east-1")


def test_template_functions_routes_and_sources(stack: Stack) -> None:
    assert set(stack.functions) == {"ApiFunction", "Worker"}, "a resource whose Condition fails is absent"
    api = stack.functions["ApiFunction"]
    assert api.timeout == 28 and api.memory == 512 and api.handler == "app.handler"
    assert api.code_dir == stack.root / "functions" / "api"
    assert api.layer_dirs == (stack.root / "layers" / "shared",)
    (get,) = api.routes
    assert (get.path, get.method, get.api.stage) == ("/items/{id}", "GET", "dev")
    assert get.api.binary_media_types == ("image/*",)
    worker = stack.functions["Worker"]
    assert worker.timeout == 300
    (queue,) = worker.queues
    assert (queue.queue, queue.batch_size, queue.report_failures) == ("Jobs", 1, True)
    (rule,) = worker.rules
    assert (rule.bus, rule.pattern) == ("bus", {"source": ["app.client"]})


def test_template_environment_is_resolved(stack: Stack) -> None:
    env = stack.functions["ApiFunction"].environment
    assert env == {
        "TABLE_NAME": "shatably-local-data",
        "FIRST_ORIGIN": "http://a.test",
        "AUTH_ENABLED": "false",
        "KEY_PARAM": "/app/dev/key",
        "BUS_ARN": f"arn:aws:events:us-east-1:{ACCOUNT_ID}:event-bus/bus",
        "QUEUE_URL": f"http://127.0.0.1:5000/{ACCOUNT_ID}/shatably-local-Jobs",
    }


def test_function_environment(stack: Stack) -> None:
    function = stack.functions["ApiFunction"]
    host = {
        "PATH": "/usr/bin",
        "GEMINI_API_KEY": "g-key",
        "GEMINI_API_KEY_PARAM": "/app/dev/gemini",
        "OPENAI_API_KEY_PARAM": "/app/dev/openai",  # no OpenAI key: this name must not reach the app
        "CHAT_PROVIDER": "gemini",
        "AWS_PROFILE": "someone-real",
        "SECRET_OF_THE_SHELL": "nope",
    }
    env = lambda_environment(
        function, region="us-east-1", moto_url="http://127.0.0.1:5000", host_env=host, overrides={"X": "1"}
    )
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5000"
    assert env["AWS_ACCESS_KEY_ID"] == "testing" and env["AWS_CONFIG_FILE"] == os.devnull
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == function.name
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512"
    assert env["_HANDLER"] == "app.handler"
    assert env["POWERTOOLS_DEV"] == "true" and env["POWERTOOLS_METRICS_DISABLED"] == "true"
    assert env["TABLE_NAME"] == "shatably-local-data"
    assert env["GEMINI_API_KEY"] == "g-key" and env["GEMINI_API_KEY_PARAM"] == "/app/dev/gemini"
    assert "OPENAI_API_KEY_PARAM" not in env
    assert env["CHAT_PROVIDER"] == "gemini" and env["X"] == "1" and env["PATH"] == "/usr/bin"
    assert "AWS_PROFILE" not in env and "SECRET_OF_THE_SHELL" not in env


# ---------------------------------------------------------------- the combined OpenAPI document


def _document(paths: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "x", "version": "2.0.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _operation(operation_id: str, schema: str) -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return {"operationId": operation_id, "responses": {"200": {"description": "ok", "content": content}}}


def test_openapi_documents_merge_by_template_route() -> None:
    chat = _document(
        {
            "/chat/": {"post": _operation("chat", "Answer")},
            "/health": {"get": _operation("health", "Health")},
        },
        {
            "Answer": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/Item"}}},
            "Item": {"type": "string"},
            "Health": {"type": "object"},
        },
    )
    generate = _document(
        {
            "/image/generate": {"post": _operation("generate", "Answer")},
            "/health": {"get": _operation("health", "Health")},
        },
        {
            "Answer": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/Item"}}},
            "Item": {"type": "integer"},
            "Health": {"type": "object"},
        },
    )
    routes = [
        route("/chat", "POST"),
        route("/chat", "OPTIONS"),
        route("/health"),
        route("/image/generate", "POST", "GenerateFunction"),
        route("/missing", "GET", "GenerateFunction"),
    ]
    combined = combine({"ChatFunction": chat, "GenerateFunction": generate}, routes)
    assert combined["info"]["title"] == "Shatably AI API"
    assert {path: sorted(item) for path, item in combined["paths"].items()} == {
        "/chat": ["post"],
        "/health": ["get"],
        "/image/generate": ["post"],
    }, "only what the template routes, under the template's path; /health once, from its function"
    schemas = combined["components"]["schemas"]
    assert schemas["Item"] == {"type": "string"} and schemas["GenerateItem"] == {"type": "integer"}
    # Generate's Answer differs, and so does what it points at: both renamed, references rewritten.
    assert schemas["GenerateAnswer"]["properties"]["b"] == {"$ref": "#/components/schemas/GenerateItem"}
    generate_ref = combined["paths"]["/image/generate"]["post"]["responses"]["200"]["content"]
    assert generate_ref["application/json"]["schema"] == {"$ref": "#/components/schemas/GenerateAnswer"}
    assert "Health" in schemas and "GenerateHealth" not in schemas, "generate's /health is not routed to it"
    assert [(r.method, r.path) for r in undocumented(combined, routes)] == [("GET", "/missing")]


# ---------------------------------------------------------------- the worker runtime


def test_frames_round_trip_and_time_out() -> None:
    read_fd, write_fd = os.pipe()
    try:
        runtime.write_frame(write_fd, runtime.RESULT, b'{"ok": true}')
        assert runtime.read_frame(read_fd, time.monotonic() + 5) == (runtime.RESULT, b'{"ok": true}')
        with pytest.raises(TimeoutError):
            runtime.read_frame(read_fd, time.monotonic() + 0.01)
        os.close(write_fd)
        write_fd = -1
        assert runtime.read_frame(read_fd) is None, "end of stream: the other side is gone"
    finally:
        os.close(read_fd)
        if write_fd >= 0:
            os.close(write_fd)


def test_lambda_context_counts_down_from_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
    deadline = int(time.time() * 1000) + 10_000
    context = runtime.LambdaContext("req", deadline)
    assert context.function_name == "fn" and context.memory_limit_in_mb == "1024"
    assert context.aws_request_id == "req"
    assert 9_000 < context.get_remaining_time_in_millis() <= 10_000
    assert runtime.LambdaContext("req", 0).get_remaining_time_in_millis() == 0
