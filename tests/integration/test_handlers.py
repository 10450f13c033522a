"""The Lambda handlers themselves, with API Gateway REST v1 proxy events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import Aws, load_app
from tests.support.lambda_context import FakeContext

EVENTS = Path(__file__).resolve().parents[2] / "events"


def rest_event(
    method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    template: dict[str, Any] = json.loads((EVENTS / "generate.json").read_text())
    template.update(
        {
            "httpMethod": method,
            "path": path,
            "resource": path,
            "body": body,
            "isBase64Encoded": False,
            "headers": {"content-type": "application/json", "accept": "application/json", **(headers or {})},
            "multiValueHeaders": {},
        }
    )
    template["requestContext"] = {**template["requestContext"], "httpMethod": method, "path": path}
    return template


@pytest.mark.parametrize("function", ["chat", "generate", "edit"])
def test_problems_come_back_as_plain_json_text_not_base64(aws: Aws, function: str) -> None:
    # API Gateway decodes base64 only for binary Accept types: a base64 problem would reach
    # browsers as gibberish.
    response = load_app(function).handler(rest_event("GET", "/no-such-route"), FakeContext())

    assert response["statusCode"] == 404
    assert response["isBase64Encoded"] is False
    assert json.loads(response["body"])["code"] == "not_found"


def test_the_request_id_is_api_gateways(aws: Aws) -> None:
    event = rest_event("GET", "/health")
    response = load_app("chat").handler(event, FakeContext())

    assert response["statusCode"] == 200
    assert response["headers"]["x-request-id"] == event["requestContext"]["requestId"]


# The authorizer's sample goes to functions/authorizer (tests/unit/test_authorizer.py).
@pytest.mark.parametrize(
    "name", sorted(p.name for p in EVENTS.glob("*.json") if not p.name.startswith("authorizer"))
)
def test_every_sample_event_is_handled(aws: Aws, name: str) -> None:
    event = json.loads((EVENTS / name).read_text())
    function = next((f for f in ("chat", "edit", "history") if f in name), "generate")
    response = load_app(function).handler(event, FakeContext())
    if "httpMethod" in event:
        assert response["statusCode"] < 500, response
    elif "Records" in event:
        assert "batchItemFailures" in response
