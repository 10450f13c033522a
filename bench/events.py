"""Genuine API Gateway REST (v1) proxy events for the benchmark's requests.

Shaped like ``events/*.json`` (what API Gateway sends a Lambda proxy integration): headers and
multiValueHeaders, requestContext with identity, the body as a string.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import uuid
from dataclasses import dataclass
from typing import Any

HOST = "abcde12345.execute-api.us-east-1.amazonaws.com"
CHAT_MESSAGE = "I want to refresh my living room in a warm modern style; it is 4 x 5 m."


def owner_header(tag: str) -> str:
    """A valid anonymous owner id (``anon-`` + 16..64 url-safe chars), unique per ``tag``."""
    return "anon-bench" + hashlib.sha256(tag.encode()).hexdigest()[:24]


def owner_key(owner_id: str) -> str:
    """The storage key the app derives from an owner id (``shatably.web.deps.Owner.key``)."""
    return hashlib.sha256(owner_id.encode()).hexdigest()[:32]


def rest_event(
    method: str,
    path: str,
    *,
    resource: str | None = None,
    body: str | None = None,
    content_type: str | None = None,
    owner: str | None = None,
    path_parameters: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    extra_headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    headers = {
        "Accept": "application/json",
        "Accept-Encoding": "gzip, deflate, br",
        "Accept-Language": "ar-EG,ar;q=0.9,en;q=0.8",
        "CloudFront-Forwarded-Proto": "https",
        "CloudFront-Viewer-Country": "EG",
        "Host": HOST,
        "Origin": "http://localhost:5173",
        "Referer": "http://localhost:5173/",
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0",
        "X-Amzn-Trace-Id": "Root=1-67891233-abcdef012345678912345678",
        "X-Forwarded-For": "203.0.113.10",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }
    if owner:
        headers["X-Owner-Id"] = owner
    if content_type:
        headers["Content-Type"] = content_type
    if body is not None:
        headers["Content-Length"] = str(len(body.encode()))
    headers.update(extra_headers or {})
    request_id = str(uuid.uuid4())
    return {
        "resource": resource or path,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "a1b2c3",
            "resourcePath": resource or path,
            "httpMethod": method,
            "extendedRequestId": "Xyz1AbCdIAMEbcQ=",
            "requestTime": "25/Nov/2026:18:00:00 +0000",
            "path": f"/dev{path}",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "dev",
            "domainPrefix": "abcde12345",
            "requestTimeEpoch": 1795629600000,
            "requestId": request_id,
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": "203.0.113.10",
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": headers["User-Agent"],
                "user": None,
            },
            "domainName": HOST,
            "apiId": "abcde12345",
        },
        "body": body,
        "isBase64Encoded": False,
    }


def small_jpeg(size: tuple[int, int] = (640, 480)) -> bytes:
    """A small photo-like JPEG (gradients + noise, ~30-60 KB), made with Pillow."""
    from PIL import Image

    ramp = Image.linear_gradient("L")
    bands = [ramp.rotate(90).resize(size), ramp.resize(size), Image.radial_gradient("L").resize(size)]
    image = Image.merge("RGB", [Image.blend(b, Image.effect_noise(size, 30), 0.25) for b in bands])
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=85)
    return buf.getvalue()


@dataclass(frozen=True)
class Case:
    """One cold-start request: which function answers it, and the event."""

    name: str
    function: str
    event: dict[str, Any]
    sdk: tuple[str, ...]  # what the route truly needs from the provider SDKs (the floor imports these)


def chat_event(owner: str, message: str = CHAT_MESSAGE) -> dict[str, Any]:
    body = json.dumps({"message": message})
    return rest_event("POST", "/chat", body=body, content_type="application/json", owner=owner)


# A typical POST /estimate: a reception in large porcelain with a cove ceiling and a bathroom tiled
# to the ceiling, answered in Arabic (what the playground and the chat plan send).
ESTIMATE_JOB: dict[str, Any] = {
    "state": "plastered",
    "grade": "super_lux",
    "lang": "ar",
    "rooms": [
        {
            "name": "الريسبشن",
            "type": "reception",
            "length_m": 5,
            "width_m": 4,
            "floor": {"type": "porcelain", "tile_cm": [60, 120]},
            "ceiling": {"type": "gypsum_cove", "band_m": 0.6},
        },
        {"name": "الحمام", "type": "bathroom", "length_m": 2, "width_m": 1.8},
    ],
}


def new_estimate_jobs(count: int) -> list[dict[str, Any]]:
    """``count`` different jobs: both rooms change size on every one, so no two answers are alike."""
    reception, bathroom = ESTIMATE_JOB["rooms"]
    return [
        {
            **ESTIMATE_JOB,
            "rooms": [
                {**reception, "length_m": 4 + i / 100, "width_m": 3 + (i % 97) / 50},
                {**bathroom, "length_m": 1.5 + (i % 89) / 50, "width_m": 1.2 + (i % 83) / 50},
            ],
        }
        for i in range(count)
    ]


def estimate_event(job: dict[str, Any] = ESTIMATE_JOB) -> dict[str, Any]:
    body = json.dumps(job, ensure_ascii=False)
    return rest_event("POST", "/estimate", body=body, content_type="application/json")


def generate_event(owner: str) -> dict[str, Any]:
    body = json.dumps({"prompt": "a calm modern living room with warm light"})
    return rest_event("POST", "/image/generate", body=body, content_type="application/json", owner=owner)


def edit_event(owner: str, jpeg: bytes) -> dict[str, Any]:
    body = json.dumps(
        {
            "prompt": "repaint the walls a warm sand colour",
            "image": {"data": base64.b64encode(jpeg).decode("ascii")},
            "operation": "repaint",
        }
    )
    return rest_event("POST", "/edit", body=body, content_type="application/json", owner=owner)


def health_event() -> dict[str, Any]:
    return rest_event("GET", "/health")


def styles_event() -> dict[str, Any]:
    return rest_event("GET", "/styles", query={"lang": "ar"})


def job_event(owner: str, job_id: str) -> dict[str, Any]:
    return rest_event(
        "GET", f"/jobs/{job_id}", resource="/jobs/{job_id}", owner=owner, path_parameters={"job_id": job_id}
    )
