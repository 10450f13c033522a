"""POST /estimate through the chat function's Lambda handler, and the operator's price book read
from S3 or SSM (moto)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from shatably.estimate import pricebook
from shatably.estimate.models import Estimate
from tests.integration.conftest import BUCKET, Aws, load_app
from tests.integration.test_handlers import rest_event
from tests.support.lambda_context import FakeContext

RECEPTION = {
    "state": "plastered",
    "lang": "ar",
    "rooms": [{"name": "الريسبشن", "type": "reception", "length_m": 5, "width_m": 4, "floor": "porcelain"}],
}


@pytest.fixture(autouse=True)
def fresh_book() -> Iterator[None]:
    pricebook.reset()
    yield
    pricebook.reset()


def post(body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    event = rest_event("POST", "/estimate", json.dumps(body, ensure_ascii=False), headers)
    response: dict[str, Any] = load_app("chat").handler(event, FakeContext())
    return response


def test_the_chat_handler_answers_an_estimate(aws: Aws) -> None:
    response = post(RECEPTION)

    assert response["statusCode"] == 200
    assert response["headers"]["content-type"] == "application/json"
    result = Estimate.model_validate_json(response["body"])
    assert result.lang == "ar" and result.items
    assert {i.room for i in result.items} == {"الريسبشن"}
    assert result.total_egp.low == sum(i.total_egp.low for i in result.items)
    assert result.price_book.version == pricebook.built_in().version


def test_the_same_bill_as_csv_for_excel(aws: Aws) -> None:
    response = post(RECEPTION, {"accept": "text/csv"})

    assert response["statusCode"] == 200
    assert response["headers"]["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["headers"]["content-disposition"]
    assert response["isBase64Encoded"] is False  # text: API Gateway passes it through as is
    assert response["body"].startswith("\ufeff")
    assert "بورسلين" in response["body"] or "بلاط" in response["body"]


def test_invalid_input_is_a_problem_naming_the_field_and_the_allowed_values(aws: Aws) -> None:
    response = post(
        {
            "state": "plastered",
            "rooms": [{"name": "Hall", "type": "reception", "area_m2": 20, "ceiling": "tiles"}],
        }
    )

    assert response["statusCode"] == 422
    assert response["headers"]["content-type"] == "application/problem+json"
    problem = json.loads(response["body"])
    assert problem["code"] == "validation_failed"
    [error] = problem["errors"]
    assert error["field"].startswith("rooms.0.ceiling")
    for name in ("paint", "gypsum_full", "gypsum_cove", "gypsum_design", "keep"):
        assert f"'{name}'" in error["message"]


def test_forty_rooms_are_refused_with_the_limit(aws: Aws) -> None:
    rooms = [{"name": f"Room {i}", "type": "bedroom", "area_m2": 10} for i in range(40)]
    response = post({"state": "bare", "rooms": rooms})

    assert response["statusCode"] == 422
    assert "at most 30" in json.loads(response["body"])["detail"]


# --- the operator's price book ------------------------------------------------------------------------


def book_with(version: str, **changes: Any) -> str:
    data = json.loads(pricebook.BUILT_IN.read_text())
    data["version"] = version
    data.update(changes)
    return json.dumps(data, ensure_ascii=False)


def test_a_valid_book_in_s3_replaces_the_built_in_one(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    aws.s3.put_object(
        Bucket=BUCKET, Key="config/price-book.json", Body=book_with("2027.01-operator").encode()
    )
    monkeypatch.setenv("PRICE_BOOK_SOURCE", f"s3://{BUCKET}/config/price-book.json")

    result = Estimate.model_validate_json(post(RECEPTION)["body"])

    assert result.price_book.version == "2027.01-operator"


def test_a_valid_book_in_ssm_replaces_the_built_in_one(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads(book_with("2027.02-ssm"))
    data["entries"]["wall_paint"]["prices"]["super_lux"] = [1000, 1000]
    boto3.client("ssm", region_name="us-east-1").put_parameter(
        Name="/shatably/test/price-book",
        Value=json.dumps(data, ensure_ascii=False),
        Type="String",
        Tier="Advanced",
    )
    monkeypatch.setenv("PRICE_BOOK_SOURCE", "ssm:/shatably/test/price-book")

    result = Estimate.model_validate_json(post(RECEPTION)["body"])

    assert result.price_book.version == "2027.02-ssm"
    paint = next(i for i in result.items if i.key == "wall_paint")
    assert paint.unit_price_egp.low == paint.unit_price_egp.high == 1000


def _without_grout(entries: dict[str, Any]) -> None:
    del entries["grout"]


def _prices_upside_down(entries: dict[str, Any]) -> None:
    entries["plaster"]["prices"]["lux"] = [300, 100]


def _wrong_unit(entries: dict[str, Any]) -> None:
    entries["wall_paint"]["unit"] = "kg"


@pytest.mark.parametrize(
    ("breakage", "reason"),
    [
        (_without_grout, "missing entries: grout"),
        (_prices_upside_down, "lux: low 300 is above high 100"),
        (_wrong_unit, "wall_paint is per kg, not L"),
    ],
)
def test_an_invalid_book_is_refused_with_a_log_line_and_the_built_in_one_stays(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, breakage: Any, reason: str
) -> None:
    data = json.loads(book_with("broken"))
    breakage(data["entries"])
    aws.s3.put_object(Bucket=BUCKET, Key="config/price-book.json", Body=json.dumps(data).encode())
    monkeypatch.setenv("PRICE_BOOK_SOURCE", f"s3://{BUCKET}/config/price-book.json")
    caplog.set_level("ERROR")

    result = Estimate.model_validate_json(post(RECEPTION)["body"])

    assert result.price_book.version == pricebook.built_in().version
    [record] = [r for r in caplog.records if r.getMessage().startswith("price book refused")]
    assert reason in str(getattr(record, "reason", ""))


def test_a_missing_book_keeps_the_built_in_one(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PRICE_BOOK_SOURCE", f"s3://{BUCKET}/config/none.json")
    caplog.set_level("ERROR")

    response = post(RECEPTION)

    assert response["statusCode"] == 200
    assert Estimate.model_validate_json(response["body"]).price_book.version == pricebook.built_in().version
    assert any(r.getMessage().startswith("price book unreadable") for r in caplog.records)


def test_the_book_is_read_once_per_refresh_period(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "config/price-book.json"
    aws.s3.put_object(Bucket=BUCKET, Key=key, Body=book_with("first").encode())
    monkeypatch.setenv("PRICE_BOOK_SOURCE", f"s3://{BUCKET}/{key}")
    assert Estimate.model_validate_json(post(RECEPTION)["body"]).price_book.version == "first"

    aws.s3.put_object(Bucket=BUCKET, Key=key, Body=book_with("second").encode())
    assert Estimate.model_validate_json(post(RECEPTION)["body"]).price_book.version == "first"  # cached

    monkeypatch.setattr(pricebook, "REFRESH_SECONDS", 0.0)
    assert Estimate.model_validate_json(post(RECEPTION)["body"]).price_book.version == "second"


def test_the_chat_functions_cold_start_does_not_load_the_estimator() -> None:
    probe = (
        "import sys, functions.chat.app; "
        "print(sorted(m for m in sys.modules if m.startswith('shatably.estimate')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
