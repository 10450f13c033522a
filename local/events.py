"""The wire formats the gateway speaks with its functions: API Gateway REST (v1) proxy events and
Lambda proxy responses, SQS batches and EventBridge events. Pure functions, unit-tested on their own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from local.stack import ACCOUNT_ID, Route

# Headers API Gateway computes itself; a function's values for them never reach the client.
_HOP_BY_HOP = frozenset({"connection", "content-length", "keep-alive", "transfer-encoding"})
_EVENTBRIDGE_KEYS = (
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
)


@dataclass(frozen=True)
class RouteMatch:
    route: Route
    path_parameters: dict[str, str] | None


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class MalformedResponse(ValueError):
    """The function answered with something API Gateway cannot turn into an HTTP response (a 502)."""


def _segments(path: str) -> list[str]:
    # REST APIs ignore one trailing slash: /chat/ is the /chat resource.
    trimmed = path[:-1] if len(path) > 1 and path.endswith("/") else path
    return trimmed.split("/")[1:] if trimmed != "/" else []


def _match_path(template_path: str, request: Sequence[str]) -> tuple[tuple[int, ...], dict[str, str]] | None:
    """Path parameters and a specificity rank (lower wins: literal < {param} < {greedy+}), or None."""
    params: dict[str, str] = {}
    rank: list[int] = []
    pattern = _segments(template_path)
    for index, part in enumerate(pattern):
        if part.startswith("{") and part.endswith("+}"):
            rest = request[index:]
            if not rest or not all(rest):
                return None
            params[part[1:-2]] = unquote("/".join(rest))
            return (*rank, 2), params
        if index >= len(request) or not request[index]:
            return None
        if part.startswith("{") and part.endswith("}"):
            params[part[1:-1]] = unquote(request[index])
            rank.append(1)
        elif part == unquote(request[index]):
            rank.append(0)
        else:
            return None
    return (tuple(rank), params) if len(pattern) == len(request) else None


def _best_resource(routes: Iterable[Route], path: str) -> tuple[list[Route], dict[str, str]]:
    request = _segments(path)
    best: tuple[tuple[int, ...], dict[str, str]] | None = None
    chosen: list[Route] = []
    for route in routes:
        matched = _match_path(route.path, request)
        if matched is None:
            continue
        if best is None or matched[0] < best[0]:
            best, chosen = matched, [route]
        elif matched[0] == best[0]:
            chosen.append(route)
    return chosen, best[1] if best else {}


def match_route(routes: Iterable[Route], method: str, path: str) -> RouteMatch | None:
    """The route API Gateway would pick: the most specific resource, then its method (or ANY)."""
    candidates, params = _best_resource(routes, path)
    for wanted in (method.upper(), "ANY"):
        for route in candidates:
            if route.method == wanted:
                return RouteMatch(route, params or None)
    return None


def allowed_methods(routes: Iterable[Route], path: str) -> list[str]:
    """Methods of the resource a path names; empty when no resource matches at all."""
    candidates, _ = _best_resource(routes, path)
    return sorted({route.method for route in candidates})


def media_type_matches(media_type: str | None, patterns: Iterable[str]) -> bool:
    """Whether a Content-Type or Accept value is one of the API's binary media types (wildcards too)."""
    essence = (media_type or "").split(";")[0].strip().lower()
    kind, _, subtype = essence.partition("/")
    if not kind or not subtype:
        return False
    for pattern in patterns:
        pattern_kind, _, pattern_subtype = pattern.lower().partition("/")
        if pattern_kind in ("*", kind) and pattern_subtype in ("*", subtype):
            return True
    return False


def forwarded_headers(
    headers: Sequence[tuple[str, str]], *, source_ip: str, port: int, trace_id: str
) -> list[tuple[str, str]]:
    """The client's headers plus the ones API Gateway adds before invoking the function."""
    names = {name.lower() for name, _ in headers}
    added = [("X-Amzn-Trace-Id", trace_id), ("X-Forwarded-Port", str(port)), ("X-Forwarded-Proto", "http")]
    forwarded_for = [value for name, value in headers if name.lower() == "x-forwarded-for"]
    kept = [(name, value) for name, value in headers if name.lower() != "x-forwarded-for"]
    kept.append(("X-Forwarded-For", ", ".join([*forwarded_for, source_ip])))
    return kept + [(name, value) for name, value in added if name.lower() not in names]


def new_trace_id(now: float) -> str:
    return f"Root=1-{int(now):08x}-{secrets.token_hex(12)}"


def proxy_event(
    match: RouteMatch,
    *,
    method: str,
    raw_path: str,
    query: str,
    headers: Sequence[tuple[str, str]],
    body: bytes | None,
    source_ip: str,
    request_id: str,
    now: float,
) -> dict[str, Any]:
    """A REST API (v1) Lambda proxy event, field for field as API Gateway builds it.

    ``raw_path`` stays percent-encoded, as REST APIs deliver it; path parameters and query values are
    decoded. The stage appears only in ``requestContext.path``.
    """
    route, api = match.route, match.route.api
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        existing = next((key for key in multi if key.lower() == name.lower()), name)
        multi.setdefault(existing, []).append(value)
        single[existing] = value  # the last value wins in `headers`
    query_single: dict[str, str] = {}
    query_multi: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        query_multi.setdefault(key, []).append(value)
        query_single[key] = value
    host = next((value for key, value in single.items() if key.lower() == "host"), "localhost")
    content_type = next((value for key, value in single.items() if key.lower() == "content-type"), None)
    binary = media_type_matches(content_type, api.binary_media_types)
    encoded_body: str | None = None
    if body:
        # Text bodies are read as UTF-8 by API Gateway: bytes that are not text get mangled, as there.
        encoded_body = base64.b64encode(body).decode() if binary else body.decode("utf-8", errors="replace")
    user_agent = next((value for key, value in single.items() if key.lower() == "user-agent"), None)
    return {
        "resource": route.path,
        "path": raw_path,
        "httpMethod": method,
        "headers": single,
        "multiValueHeaders": multi,
        "queryStringParameters": query_single or None,
        "multiValueQueryStringParameters": query_multi or None,
        "pathParameters": match.path_parameters,
        "stageVariables": api.variables,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": api.api_id,
            "domainName": host,
            "domainPrefix": host.split(".")[0].split(":")[0],
            "extendedRequestId": base64.b64encode(secrets.token_bytes(6)).decode(),
            "httpMethod": method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": source_ip,
                "user": None,
                "userAgent": user_agent,
                "userArn": None,
            },
            "path": f"/{api.stage}{raw_path}",
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "resourceId": hashlib.sha256(f"{api.api_id}{route.path}".encode()).hexdigest()[:6],
            "resourcePath": route.path,
            "stage": api.stage,
        },
        "body": encoded_body,
        "isBase64Encoded": binary and encoded_body is not None,
    }


def http_response(result: Any) -> tuple[HttpResponse, bool]:
    """The HTTP response API Gateway makes of a Lambda proxy result, and whether the body was base64.

    ``headers`` and ``multiValueHeaders`` merge; for a name in both, the multi-value list wins.
    """
    if not isinstance(result, dict):
        raise MalformedResponse("the function returned no object")
    status = result.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode {status!r} is not an HTTP status")
    single: Mapping[str, Any] = result.get("headers") or {}
    multi: Mapping[str, Any] = result.get("multiValueHeaders") or {}
    if not isinstance(single, Mapping) or not isinstance(multi, Mapping):
        raise MalformedResponse("headers and multiValueHeaders must be objects")
    in_multi = {name.lower() for name in multi}
    headers = [(name, str(value)) for name, value in single.items() if name.lower() not in in_multi]
    for name, values in multi.items():
        headers += [(name, str(value)) for value in (values if isinstance(values, list) else [values])]
    headers = [(name, value) for name, value in headers if name.lower() not in _HOP_BY_HOP]
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))  # what API Gateway assumes
    body = result.get("body")
    is_base64 = bool(result.get("isBase64Encoded"))
    if body is None:
        raw = b""
    elif is_base64:
        try:
            raw = base64.b64decode(str(body), validate=True)
        except binascii.Error as exc:
            raise MalformedResponse("isBase64Encoded is true but the body is not base64") from exc
    else:
        raw = str(body).encode()
    return HttpResponse(status=status, headers=headers, body=raw), is_base64


def sqs_event(messages: Sequence[Mapping[str, Any]], *, queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda's SQS poller hands a function: one record per received message."""
    records = []
    for message in messages:
        attributes: dict[str, Any] = {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": _b64(value["BinaryValue"]) if "BinaryValue" in value else None,
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value["DataType"],
            }
            for name, value in (message.get("MessageAttributes") or {}).items()
        }
        record: dict[str, Any] = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": {name: str(value) for name, value in (message.get("Attributes") or {}).items()},
            "messageAttributes": attributes,
            "md5OfBody": message.get("MD5OfBody"),
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": region,
        }
        if "MD5OfMessageAttributes" in message:
            record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
        records.append(record)
    return {"Records": records}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def eventbridge_event(body: str) -> dict[str, Any]:
    """The EventBridge event a rule's SQS target received, as Lambda would get it from the rule."""
    event = json.loads(body)
    if not isinstance(event, dict) or "detail-type" not in event:
        raise ValueError("not an EventBridge event")
    return {key: event.get(key) for key in _EVENTBRIDGE_KEYS} | {"version": str(event.get("version", "0"))}


def failed_message_ids(result: Any, message_ids: Sequence[str], *, report_failures: bool) -> set[str]:
    """Which messages of a successful SQS invocation stay in the queue (partial batch response)."""
    if not report_failures or not isinstance(result, dict):
        return set()
    failures = result.get("batchItemFailures") or []
    if not isinstance(failures, list):
        return set(message_ids)  # Lambda treats a malformed partial response as a failed batch
    failed = {str(item.get("itemIdentifier")) for item in failures if isinstance(item, dict)}
    # An identifier that is not in the batch also fails the whole batch, as in Lambda.
    return set(message_ids) if failed - set(message_ids) else failed
