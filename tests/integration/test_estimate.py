"""POST /estimate through the chat function's Lambda handler, and the operator's price book read
from S3 or SSM (moto)."""

from __future__ import annotations

import csv
import io
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
from tests.support.rest_events import invoke
from tests.support.rest_events import rest_event as support_event

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
    rows = list(csv.reader(io.StringIO(response["body"].removeprefix("\ufeff"))))
    assert rows[0][:3] == ["الأوضة", "الكود", "البند"]  # Arabic headers for an Arabic bill
    assert ["الريسبشن", "floor_tile_boxes", "كراتين بلاط الأرضيات"] in [row[:3] for row in rows]


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


def test_a_broken_upload_over_a_good_book_keeps_the_good_one(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    key = "config/price-book.json"
    aws.s3.put_object(Bucket=BUCKET, Key=key, Body=book_with("2027.03-good").encode())
    monkeypatch.setenv("PRICE_BOOK_SOURCE", f"s3://{BUCKET}/{key}")
    assert Estimate.model_validate_json(post(RECEPTION)["body"]).price_book.version == "2027.03-good"

    broken = json.loads(book_with("2027.04-broken"))
    _without_grout(broken["entries"])
    aws.s3.put_object(Bucket=BUCKET, Key=key, Body=json.dumps(broken).encode())
    monkeypatch.setattr(pricebook, "REFRESH_SECONDS", 0.0)
    caplog.set_level("ERROR")

    # The operator's last good prices stay, not the built-in ones, and the refusal is logged.
    assert Estimate.model_validate_json(post(RECEPTION)["body"]).price_book.version == "2027.03-good"
    assert any(r.getMessage().startswith("price book refused") for r in caplog.records)


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


# ------------------------------------------------------------------------------- about a project

ALICE = {"X-Owner-Id": "anon-alice-0000000000000000"}
BOB = {"X-Owner-Id": "anon-bob-00000000000000000000"}
RECEPTION_ROOM = {
    "name": "Reception",
    "type": "reception",
    "length_m": 6,
    "width_m": 4.5,
    "floor": "porcelain",
}
BEDROOM = {"name": "Master bedroom", "type": "bedroom", "length_m": 4, "width_m": 3.6, "walls": "paint"}
HOME = {
    "name": "شقة التجمع",
    "state": "semi_finished",
    "grade": "super_lux",
    "budget_egp": 400_000,
    "rooms": [RECEPTION_ROOM, BEDROOM],
}


def create_project(owner: dict[str, str], spec: dict[str, Any] = HOME) -> dict[str, Any]:
    status, _, project = invoke(
        load_app("history").handler, support_event("POST", "/projects", body=spec, headers=owner)
    )
    assert status == 201, project
    return dict(project)


def estimate_as(owner: dict[str, str] | None, body: Any) -> tuple[int, dict[str, str], Any]:
    return invoke(load_app("chat").handler, support_event("POST", "/estimate", body=body, headers=owner))


def direct(job: dict[str, Any]) -> dict[str, Any]:
    """What the estimator answers for ``job`` sent in full, with no project."""
    status, _, document = estimate_as(None, job)
    assert status == 200, document
    return dict(document)


def test_a_projects_estimate_is_the_estimator_over_its_rooms_state_grade_and_budget(aws: Aws) -> None:
    project = create_project(ALICE)

    status, _, document = estimate_as(ALICE, {"project_id": project["project_id"]})

    assert status == 200, document
    assert document["project_id"] == project["project_id"] and "room_id" not in document  # all rooms
    assert Estimate.model_validate(document).model_dump(mode="json") == document
    expected = direct(
        {
            "state": "semi_finished",
            "grade": "super_lux",
            "budget_egp": 400_000,
            "rooms": [RECEPTION_ROOM, BEDROOM],
        }
    )
    assert document["items"] == expected["items"] and document["items"]
    assert document["total_egp"] == expected["total_egp"]
    assert document["budget"] == expected["budget"] and document["budget"] is not None
    assert [r["name"] for r in document["rooms"]] == ["Reception", "Master bedroom"]
    # The same as the project's page shows.
    _, _, page = invoke(
        load_app("history").handler, support_event("GET", f"/projects/{project['project_id']}", headers=ALICE)
    )
    assert page["estimate"]["total_egp"] == document["total_egp"]
    # And as CSV for Excel, like any estimate.
    status, headers, sheet = invoke(
        load_app("chat").handler,
        support_event(
            "POST",
            "/estimate",
            body={"project_id": project["project_id"]},
            headers={**ALICE, "accept": "text/csv"},
        ),
    )
    assert status == 200 and headers["content-type"] == "text/csv; charset=utf-8"
    assert "Master bedroom" in sheet


def test_a_room_id_narrows_the_estimate_to_that_room(aws: Aws) -> None:
    project = create_project(ALICE)
    bedroom = project["rooms"][1]["id"]

    status, _, document = estimate_as(ALICE, {"project_id": project["project_id"], "room_id": bedroom})

    assert status == 200, document
    assert document["room_id"] == bedroom
    assert Estimate.model_validate(document).model_dump(mode="json") == document
    assert [r["name"] for r in document["rooms"]] == ["Master bedroom"]
    assert {i["room"] for i in document["items"]} <= {"Master bedroom", "All rooms"}
    # One room is not weighed against the whole flat's budget.
    expected = direct({"state": "semi_finished", "grade": "super_lux", "rooms": [BEDROOM]})
    assert document["items"] == expected["items"] and document["budget"] is None


def test_fields_sent_with_the_project_win_over_the_projects(aws: Aws) -> None:
    project = create_project(ALICE)
    hall = {"name": "Hall", "type": "reception", "area_m2": 20}

    status, _, document = estimate_as(
        ALICE,
        {
            "project_id": project["project_id"],
            "state": "bare",
            "grade": "lux",
            "lang": "ar",
            "budget_egp": 50_000,
        },
    )
    assert status == 200, document
    assert (document["state"], document["grade"], document["lang"]) == ("bare", "lux", "ar")
    expected = direct(
        {
            "state": "bare",
            "grade": "lux",
            "lang": "ar",
            "budget_egp": 50_000,
            "rooms": [RECEPTION_ROOM, BEDROOM],
        }
    )
    assert document["items"] == expected["items"] and document["budget"] == expected["budget"]
    assert any(i["key"] == "plaster" for i in document["items"])  # bare brick is plastered first

    # Rooms sent replace the project's; its state and grade still fill in.
    status, _, document = estimate_as(ALICE, {"project_id": project["project_id"], "rooms": [hall]})
    assert status == 200, document
    assert [r["name"] for r in document["rooms"]] == ["Hall"]
    assert (
        document["items"]
        == direct({"state": "semi_finished", "budget_egp": 400_000, "rooms": [hall]})["items"]
    )


def test_someone_elses_or_an_unknown_project_or_room_is_404(aws: Aws) -> None:
    project = create_project(ALICE)
    other = create_project(ALICE, {"name": "Other", "rooms": [{"name": "Study", "type": "home_office"}]})
    pid = project["project_id"]

    cases = [
        (BOB, {"project_id": pid}, "project_not_found"),
        (ALICE, {"project_id": "f" * 32}, "project_not_found"),
        (ALICE, {"project_id": "not-an-id"}, "project_not_found"),
        (None, {"project_id": pid}, "project_not_found"),  # a new anonymous caller owns nothing
        (ALICE, {"project_id": pid, "room_id": other["rooms"][0]["id"]}, "room_not_found"),
        (BOB, {"project_id": pid, "room_id": project["rooms"][0]["id"]}, "project_not_found"),
    ]
    for owner, body, code in cases:
        status, headers, problem = estimate_as(owner, body)
        assert (status, problem["code"]) == (404, code), (owner, body)
        assert headers["content-type"] == "application/problem+json"
        assert "total_egp" not in problem

    status, _, problem = estimate_as(ALICE, {**RECEPTION, "room_id": project["rooms"][0]["id"]})
    assert status == 422 and problem["errors"][0]["message"].endswith(
        "room_id needs the project_id it belongs to"
    )


def test_a_project_without_a_state_asks_for_one(aws: Aws) -> None:
    project = create_project(ALICE, {"name": "Later", "rooms": [RECEPTION_ROOM]})

    status, _, problem = estimate_as(ALICE, {"project_id": project["project_id"]})
    assert status == 422 and problem["errors"][0]["field"] == "state"

    status, _, document = estimate_as(ALICE, {"project_id": project["project_id"], "state": "finished"})
    assert status == 200 and document["state"] == "finished"


def test_without_a_project_the_answer_is_the_same_for_anyone_and_needs_no_owner(aws: Aws) -> None:
    create_project(ALICE)
    anonymous = post(RECEPTION)
    as_alice = post(RECEPTION, ALICE)

    assert anonymous["statusCode"] == as_alice["statusCode"] == 200
    assert anonymous["body"] == as_alice["body"]
    assert not any(k.lower() == "x-owner-id" for k in anonymous["headers"])  # no identity minted
    assert "project_id" not in json.loads(anonymous["body"])


def test_estimating_without_a_project_does_not_load_the_projects_code() -> None:
    probe = (
        "import sys, functions.chat.app as chat; "
        "from tests.support.lambda_context import FakeContext; "
        "from tests.support.rest_events import rest_event; "
        "body = {'state': 'plastered', 'rooms': [{'name': 'Hall', 'type': 'reception', 'area_m2': 20}]}; "
        "status = chat.handler(rest_event('POST', '/estimate', body=body), FakeContext())['statusCode']; "
        "print(status, sorted(m for m in sys.modules if m.startswith('shatably.projects')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "200 []"


def test_the_openapi_document_describes_estimating_a_project(aws: Aws) -> None:
    from fastapi.testclient import TestClient

    document = TestClient(load_app("chat").app).get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    request = schemas["EstimateRequest"]["properties"]
    assert "GET /projects" in request["project_id"]["description"]
    assert "project_id" in request["room_id"]["description"]
    assert "project" in request["state"]["description"]
    assert {"project_id", "room_id"} <= set(schemas["Estimate"]["properties"])
    operation = document["paths"]["/estimate"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/EstimateRequest"
    )
    assert "404" in operation["responses"]
