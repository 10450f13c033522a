"""Property-based requests against the gateway's combined OpenAPI document: whatever a client sends
within (or around) the documented shapes, the API never answers 5xx, and every answer that is not
a success is an RFC 9457 problem. Offline provider and embedded AWS, so side effects stay local.

One test per template route and generation mode. The operations come from the template (static,
known at collection) and their strategies from the served document; schemathesis' own
``from_fixture`` cannot be used with pytest 9 (it sets ``Node._nodeid``, which pytest 9 removed).
"""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis import GenerationMode

from local.stack import Stack
from tests.e2e.conftest import ROOT, RunningGateway

pytestmark = pytest.mark.e2e

OPERATIONS = sorted(
    {
        (route.method, route.path)
        for route in Stack.load(
            ROOT / "template.yaml", moto_url="http://127.0.0.1:1", region="us-east-1"
        ).routes
        if route.method != "OPTIONS"  # CORS preflight is not in the document
    }
)
SETTINGS = hypothesis.settings(
    max_examples=20,
    deadline=None,  # a request crosses processes; its latency is not what is tested here
    derandomize=True,  # the same cases on every run, so a CI failure reproduces
    suppress_health_check=list(hypothesis.HealthCheck),
    database=None,
)


@pytest.fixture(scope="session")
def api_schema(gateway: RunningGateway) -> Any:
    return schemathesis.openapi.from_url(f"{gateway.url}/openapi.json")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_errors_and_problems_for_every_failure(
    api_schema: Any, gateway: RunningGateway, method: str, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]

    @SETTINGS
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        response = case.call(base_url=gateway.url)
        where = f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
        assert response.status_code < 500, where
        if not 200 <= response.status_code < 300:
            content_type = (response.headers.get("content-type") or [""])[0]  # lower-case keys, lists
            assert content_type.startswith("application/problem+json"), where

    try:
        check()
    except hypothesis.errors.Unsatisfiable:
        # E.g. GET /jobs/{job_id}: any string is a valid id, so no invalid request can be written.
        pytest.skip(f"{method} {path} admits no {mode.value} input")
