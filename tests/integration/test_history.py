"""Lists, projects, export, erase and claim (issue 18): owner-scoped, paginated, from the owner index."""

from __future__ import annotations

import importlib
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.conftest import BUCKET, TABLE, Aws, load_app
from tests.support.images import b64, open_image, photo
from tests.support.rest_events import invoke, rest_event

OWNER = "X-Owner-Id"
ALICE = {OWNER: "anon-alice-0000000000000000"}
BOB = {OWNER: "anon-bob-00000000000000000000"}


@pytest.fixture
def apps(aws: Aws) -> dict[str, TestClient]:
    return {name: TestClient(load_app(name).app) for name in ("chat", "generate", "edit", "history")}


def owner_key(headers: dict[str, str]) -> str:
    from shatably.web.deps import Owner

    return Owner(id=headers[OWNER], authenticated=False).key


def run_history_jobs(aws: Aws) -> None:
    """What the history worker does with the queue (SQS → handler), until the queue is empty."""
    from shatably.history.jobs import handle_event

    while messages := [
        m for m in aws.queued_messages() if '"kind":"export"' in m["Body"] or '"kind":"erase"' in m["Body"]
    ]:
        for message in messages:
            records = [{"messageId": message["MessageId"], "body": message["Body"]}]
            assert handle_event({"Records": records}, None) == {"batchItemFailures": []}
            aws.sqs.delete_message(QueueUrl=aws.queue_url, ReceiptHandle=message["ReceiptHandle"])


def all_pages(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = client.get(path, params=query, headers=headers)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


def generate(apps: dict[str, TestClient], headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = apps["generate"].post(
        "/image/generate", json={"prompt": "a calm bedroom", **body}, headers=headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


# ------------------------------------------------------------------------------------------ lists


def test_images_are_listed_newest_first_a_page_at_a_time_and_only_the_owners(
    apps: dict[str, TestClient],
) -> None:
    mine = [generate(apps, ALICE)["images"][0]["id"] for _ in range(3)]
    theirs = generate(apps, BOB)["images"][0]["id"]
    history = apps["history"]

    first = history.get("/images", params={"limit": 2}, headers=ALICE).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = history.get("/images", params={"limit": 2, "cursor": first["next_cursor"]}, headers=ALICE).json()
    assert second["next_cursor"] is None
    listed = [i["id"] for i in first["items"] + second["items"]]
    assert sorted(listed) == sorted(mine) and theirs not in listed
    assert all(i["url"].startswith("http") and i["kind"] == "generated" for i in first["items"])
    created = [i["created_at"] for i in first["items"] + second["items"]]
    assert created == sorted(created, reverse=True)

    # Bob's cursor is not Alice's way into Bob's list, nor is a forged one.
    bobs = history.get("/images", params={"limit": 1}, headers=BOB).json()
    assert bobs["next_cursor"] is None and [i["id"] for i in bobs["items"]] == [theirs]
    for cursor in (first["next_cursor"], "bm90LWEtY3Vyc29y", "!!"):
        refused = history.get("/images", params={"cursor": cursor}, headers=BOB)
        assert refused.status_code == 422 and refused.json()["code"] == "validation_failed"


def test_a_cursor_belongs_to_the_list_it_came_from(apps: dict[str, TestClient]) -> None:
    """Every list pages through one helper that ties the cursor to the list's kind: an owner's own
    images cursor is no position in their conversations, jobs or projects."""
    for _ in range(2):
        generate(apps, ALICE)
    history = apps["history"]
    cursor = history.get("/images", params={"limit": 1}, headers=ALICE).json()["next_cursor"]
    assert cursor
    assert history.get("/images", params={"cursor": cursor}, headers=ALICE).status_code == 200
    for path in ("/chat/sessions", "/jobs", "/projects"):
        refused = history.get(path, params={"cursor": cursor}, headers=ALICE)
        assert refused.status_code == 422 and refused.json()["code"] == "validation_failed", path


@pytest.mark.parametrize("limit", [0, 101, -1])
def test_a_limit_outside_1_to_100_is_422(apps: dict[str, TestClient], limit: int) -> None:
    for path in ("/images", "/chat/sessions", "/jobs", "/projects"):
        response = apps["history"].get(path, params={"limit": limit}, headers=ALICE)
        assert response.status_code == 422, path
        assert response.headers["content-type"] == "application/problem+json"


def test_image_filters_kind_session_parent_and_project(apps: dict[str, TestClient]) -> None:
    generated = generate(apps, ALICE)["images"][0]["id"]
    edited = apps["edit"].post(
        "/edit", json={"prompt": "paint it green", "image": {"image_id": generated}}, headers=ALICE
    )
    assert edited.status_code == 200, edited.text
    edited_id = edited.json()["image"]["id"]
    turn = apps["chat"].post(
        "/chat",
        json={"message": "my living room", "images": [{"data": b64(photo())}]},
        headers=ALICE,
    )
    assert turn.status_code == 200, turn.text
    session_id, upload_id = turn.json()["session_id"], turn.json()["attachments"][0]["id"]
    history = apps["history"]

    def ids(**params: str) -> set[str]:
        return {i["id"] for i in all_pages(history, "/images", ALICE, **params)}

    assert ids(kind="generated") == {generated}
    assert ids(kind="edited") == {edited_id}
    assert upload_id in ids(kind="upload")
    assert ids(parent_id=generated) == {edited_id}
    assert upload_id in ids(session_id=session_id) and generated not in ids(session_id=session_id)
    assert history.get("/images", params={"kind": "drawn"}, headers=ALICE).status_code == 422


def test_sessions_list_has_a_title_last_activity_and_the_latest_image(apps: dict[str, TestClient]) -> None:
    picture = b64(photo())
    first = apps["chat"].post(
        "/chat", json={"message": "عايز أجدد الريسبشن", "images": [{"data": picture}]}, headers=ALICE
    )
    assert first.status_code == 200, first.text
    session_id = first.json()["session_id"]
    again = apps["chat"].post(
        "/chat", json={"message": "and the colours?", "session_id": session_id}, headers=ALICE
    )
    assert again.status_code == 200, again.text
    other = apps["chat"].post("/chat", json={"message": "hello"}, headers=BOB)
    assert other.status_code == 200

    (summary,) = all_pages(apps["history"], "/chat/sessions", ALICE)
    assert summary["session_id"] == session_id
    assert summary["title"] == "عايز أجدد الريسبشن"
    assert summary["turn_count"] == 2
    assert summary["updated_at"] >= summary["created_at"]
    assert summary["thumbnail"]["id"] == first.json()["attachments"][0]["id"]
    assert summary["thumbnail"]["url"].startswith("http")


def test_jobs_are_listed_by_status(apps: dict[str, TestClient]) -> None:
    accepted = apps["generate"].post(
        "/image/generate", json={"prompt": "a hall", "async": True}, headers=ALICE
    )
    assert accepted.status_code == 202
    job_id = accepted.json()["job_id"]
    history = apps["history"]
    assert [j["job_id"] for j in all_pages(history, "/jobs", ALICE, status="queued")] == [job_id]
    assert all_pages(history, "/jobs", ALICE, status="succeeded") == []
    assert all_pages(history, "/jobs", BOB) == []
    assert history.get("/jobs", params={"status": "lost"}, headers=ALICE).status_code == 422


# ------------------------------------------------------------------------------------------ scale


@pytest.fixture
def query_meter(aws: Aws) -> Iterator[dict[str, int]]:
    """Counts what every DynamoDB Query of the app's client read and returned; a Scan fails the test."""
    from shatably.storage.aws import client

    meter = {"queries": 0, "scanned": 0, "returned": 0}

    def after_query(parsed: dict[str, Any], **_: Any) -> None:
        meter["queries"] += 1
        meter["scanned"] += int(parsed.get("ScannedCount", 0))
        meter["returned"] += int(parsed.get("Count", 0))

    def no_scan(**_: Any) -> None:
        raise AssertionError("a list must never Scan the table")

    events = client("dynamodb").meta.events
    events.register("after-call.dynamodb.Query", after_query)
    events.register("before-call.dynamodb.Scan", no_scan)
    yield meter
    events.unregister("after-call.dynamodb.Query", after_query)
    events.unregister("before-call.dynamodb.Scan", no_scan)


def _seed_images(owners: list[str], per_owner: int, start: int = 1_700_000_000) -> dict[str, list[str]]:
    from shatably.storage.models import ImageRecord
    from shatably.storage.table import get_table

    table = get_table()
    made: dict[str, list[str]] = {}
    for n, owner in enumerate(owners):
        for i in range(per_owner):
            record = ImageRecord(
                owner=owner,
                s3_key=f"results/{owner}/{i}.png",
                format="png",
                width=8,
                height=8,
                operation="generate",
                created_at=start + n * per_owner + i,
            )
            table.put_image(record)
            made.setdefault(owner, []).append(record.image_id)
    return made


def test_a_list_reads_only_the_callers_items_among_1000_owners(
    apps: dict[str, TestClient], query_meter: dict[str, int]
) -> None:
    others = [f"{n:032x}" for n in range(1000)]
    _seed_images(others, 2)
    caller = owner_key(ALICE)
    mine = _seed_images([caller], 7)[caller]
    query_meter.update(queries=0, scanned=0, returned=0)

    listed = all_pages(apps["history"], "/images", ALICE, limit=5)

    assert sorted(i["id"] for i in listed) == sorted(mine)
    # Two pages of at most limit + 1 reads each: the 2,000 other images are never read.
    assert query_meter["queries"] == 2
    assert query_meter["scanned"] == query_meter["returned"] <= len(mine) + 1


def test_pages_have_no_duplicates_or_gaps_while_new_items_arrive(apps: dict[str, TestClient]) -> None:
    from shatably.storage.aws import client

    caller = owner_key(ALICE)
    before = _seed_images([caller], 45)[caller]
    client("dynamodb")  # one client for the writer threads too
    stop = threading.Event()

    def write_more() -> None:
        n = 0
        while not stop.is_set() and n < 200:
            _seed_images([caller], 1, start=1_800_000_000 + n)
            n += 1

    writers = [threading.Thread(target=write_more) for _ in range(2)]
    first = apps["history"].get("/images", params={"limit": 10}, headers=ALICE).json()
    for writer in writers:
        writer.start()
    try:
        seen = [i["id"] for i in first["items"]]
        cursor = first["next_cursor"]
        while cursor:
            page = (
                apps["history"].get("/images", params={"limit": 10, "cursor": cursor}, headers=ALICE).json()
            )
            seen += [i["id"] for i in page["items"]]
            cursor = page["next_cursor"]
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    assert len(seen) == len(set(seen))  # no duplicates
    assert set(before) <= set(seen)  # no gaps


# ------------------------------------------------------------------------------------------ projects


HOME: dict[str, Any] = {
    "name": "شقة التجمع",
    "city": "New Cairo",
    "area_m2": 140,
    "state": "semi_finished",
    "grade": "super_lux",
    "budget_egp": 400000,
    "rooms": [
        {"name": "Reception", "type": "reception", "length_m": 6, "width_m": 4.5, "floor": "porcelain"},
        {"name": "Master bedroom", "type": "bedroom", "length_m": 4, "width_m": 3.6, "walls": "paint"},
    ],
}


def create_project(apps: dict[str, TestClient], headers: dict[str, str] = ALICE) -> dict[str, Any]:
    response = apps["history"].post("/projects", json=HOME, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_project_is_created_read_changed_listed_and_private(apps: dict[str, TestClient]) -> None:
    history = apps["history"]
    project = create_project(apps)
    pid = project["project_id"]
    reception, bedroom = (r["id"] for r in project["rooms"])
    assert len({pid, reception, bedroom}) == 3
    assert project["budget_egp"] == 400000 and project["rooms"][0]["length_m"] == 6

    patched = history.patch(
        f"/projects/{pid}",
        json={
            "budget_egp": 500000,
            "rooms": [
                {"id": reception, "name": "Reception", "type": "reception", "area_m2": 27},
                {"name": "Kitchen", "type": "kitchen", "area_m2": 9},
            ],
        },
        headers=ALICE,
    )
    assert patched.status_code == 200, patched.text
    rooms = patched.json()["rooms"]
    assert (
        rooms[0]["id"] == reception
        and rooms[0]["area_m2"] == 27
        and rooms[1]["id"] not in (reception, bedroom)
    )
    assert patched.json()["city"] == "New Cairo" and patched.json()["budget_egp"] == 500000

    foreign_room = history.patch(
        f"/projects/{pid}", json={"rooms": [{"id": "f" * 32, "name": "x", "type": "bedroom"}]}, headers=ALICE
    )
    assert foreign_room.status_code == 422 and foreign_room.json()["code"] == "validation_failed"
    for room in (
        {"name": "x", "type": "garage"},
        {"name": "x", "type": "bedroom", "floor": "lava"},
        {"id": "a" * 32, "name": "x", "type": "bedroom"},
    ):
        refused = history.post("/projects", json={**HOME, "rooms": [room]}, headers=ALICE)
        assert refused.status_code == 422, room

    assert [p["project_id"] for p in all_pages(history, "/projects", ALICE)] == [pid]
    assert all_pages(history, "/projects", BOB) == []
    for method in ("get", "delete"):
        response = getattr(history, method)(f"/projects/{pid}", headers=BOB)
        assert response.status_code == 404 and response.json()["code"] == "project_not_found"
    assert history.patch(f"/projects/{pid}", json={"name": "mine now"}, headers=BOB).status_code == 404


def test_work_attaches_to_a_project_and_room_and_the_project_shows_it(apps: dict[str, TestClient]) -> None:
    project = create_project(apps)
    pid, reception = project["project_id"], project["rooms"][0]["id"]
    render = generate(apps, ALICE, project_id=pid, room_id=reception)["images"][0]["id"]
    generate(apps, ALICE)  # not attached
    turn = apps["chat"].post(
        "/chat",
        json={"message": "ideas for the reception", "project_id": pid, "room_id": reception},
        headers=ALICE,
    )
    assert turn.status_code == 200, turn.text

    detail = apps["history"].get(f"/projects/{pid}", headers=ALICE).json()
    room = detail["rooms"][0]
    assert room["id"] == reception
    assert [r["id"] for r in room["renders"]] == [render]
    assert room["session_ids"] == [turn.json()["session_id"]]
    assert detail["rooms"][1]["renders"] == [] and detail["rooms"][1]["session_ids"] == []
    assert [i["id"] for i in all_pages(apps["history"], "/images", ALICE, project_id=pid)] == [render]
    sessions = all_pages(apps["history"], "/chat/sessions", ALICE, project_id=pid, room_id=reception)
    assert [s["session_id"] for s in sessions] == [turn.json()["session_id"]]

    # Someone else's project, or a room that is not the project's, is refused before any work.
    refused = apps["generate"].post("/image/generate", json={"prompt": "x", "project_id": pid}, headers=BOB)
    assert refused.status_code == 404 and refused.json()["code"] == "project_not_found"
    no_room = apps["generate"].post(
        "/image/generate", json={"prompt": "x", "project_id": pid, "room_id": "a" * 32}, headers=ALICE
    )
    assert no_room.status_code == 404 and no_room.json()["code"] == "room_not_found"


def test_the_project_estimate_is_the_estimator_over_all_its_rooms_with_its_budget_verdict(
    apps: dict[str, TestClient],
) -> None:
    project = create_project(apps)
    detail = apps["history"].get(f"/projects/{project['project_id']}", headers=ALICE).json()
    rooms = [{k: v for k, v in r.items() if k != "id"} for r in HOME["rooms"]]
    job = {k: HOME[k] for k in ("state", "grade", "budget_egp")} | {"rooms": rooms}
    direct = apps["chat"].post("/estimate", json=job)
    assert direct.status_code == 200, direct.text

    assert detail["estimate_note"] is None
    assert detail["estimate"]["total_egp"] == direct.json()["total_egp"]
    assert detail["estimate"]["items"] == direct.json()["items"]
    # Every room of the project is billed (flat-wide materials are one "All rooms" line).
    assert {"Reception", "Master bedroom"} <= {i["room"] for i in detail["estimate"]["items"]}
    assert detail["budget"] == direct.json()["budget"]
    assert isinstance(detail["budget"]["fits"], bool)

    # In Arabic on request; and without a state there is no estimate, only what is missing.
    arabic = apps["history"].get(f"/projects/{project['project_id']}", params={"lang": "ar"}, headers=ALICE)
    assert arabic.json()["estimate"]["total_egp"] == direct.json()["total_egp"]
    bare = apps["history"].post("/projects", json={"name": "Later"}, headers=ALICE).json()
    later = apps["history"].get(f"/projects/{bare['project_id']}", headers=ALICE).json()
    assert later["estimate"] is None and "state" in later["estimate_note"]


def test_the_designer_is_told_the_project(
    apps: dict[str, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    from shatably.chat import service

    seen: list[str] = []
    instructions: set[str] = set()
    original = service.chat_provider  # type: ignore[attr-defined]

    class Recording:
        def __init__(self) -> None:
            self.inner = original()

        async def chat(self, request: Any) -> Any:
            # The project travels in the turn's message; the instruction stays the same (cacheable).
            seen.append(request.message.text)
            instructions.add(request.system)
            return await self.inner.chat(request)

    monkeypatch.setattr(service, "chat_provider", Recording)
    project = create_project(apps)
    turn = apps["chat"].post(
        "/chat",
        json={"message": "hi", "project_id": project["project_id"], "room_id": project["rooms"][1]["id"]},
        headers=ALICE,
    )
    assert turn.status_code == 200, turn.text
    assert "Master bedroom" in seen[0] and "400000" in seen[0] and "semi_finished" in seen[0]
    # A continued conversation keeps its project.
    apps["chat"].post(
        "/chat", json={"message": "and the floor?", "session_id": turn.json()["session_id"]}, headers=ALICE
    )
    assert "Master bedroom" in seen[-1]
    assert len(instructions) == 1 and "Master bedroom" not in next(iter(instructions))


def test_deleting_a_project_removes_what_is_attached_and_nothing_else(
    apps: dict[str, TestClient], aws: Aws
) -> None:
    project = create_project(apps)
    pid = project["project_id"]
    attached = generate(apps, ALICE, project_id=pid)["images"][0]["id"]
    kept = generate(apps, ALICE, prompt="another room")["images"][0]["id"]

    assert apps["history"].delete(f"/projects/{pid}", headers=ALICE).status_code == 204
    assert apps["history"].get(f"/projects/{pid}", headers=ALICE).status_code == 404
    assert apps["generate"].get(f"/images/{attached}", headers=ALICE).status_code == 404
    assert apps["generate"].get(f"/images/{kept}", headers=ALICE).status_code == 200


# ------------------------------------------------------------------------------------------ export


def test_export_is_a_job_whose_link_holds_the_whole_project(apps: dict[str, TestClient], aws: Aws) -> None:
    project = create_project(apps)
    pid, reception = project["project_id"], project["rooms"][0]["id"]
    render = generate(apps, ALICE, project_id=pid, room_id=reception)["images"][0]
    turn = apps["chat"].post(
        "/chat", json={"message": "reception ideas", "project_id": pid, "room_id": reception}, headers=ALICE
    )
    assert turn.status_code == 200

    accepted = apps["history"].post(f"/projects/{pid}/export", headers=ALICE)
    assert (
        accepted.status_code == 202 and accepted.headers["location"] == f"/jobs/{accepted.json()['job_id']}"
    )
    assert apps["history"].post(f"/projects/{pid}/export", headers=BOB).status_code == 404
    run_history_jobs(aws)
    job = apps["generate"].get(f"/jobs/{accepted.json()['job_id']}", headers=ALICE).json()
    assert job["status"] == "succeeded", job
    assert "X-Amz-Expires=" in job["url"] or "Expires=" in job["url"]
    assert apps["generate"].get(f"/jobs/{accepted.json()['job_id']}", headers=BOB).status_code == 404

    key = f"exports/{owner_key(ALICE)}/{accepted.json()['job_id']}.zip"
    assert key.split("/", 2)[2] in job["url"]
    archive = zipfile.ZipFile(io.BytesIO(aws.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))
    names = set(archive.namelist())
    ext = "png" if render["format"] == "png" else "jpg"
    assert {
        "project.json",
        f"images/{render['id']}.{ext}",
        f"conversations/{turn.json()['session_id']}.md",
    } <= names
    stored = archive.read(f"images/{render['id']}.{ext}")
    assert (render["width"], render["height"]) == open_image(stored).size
    assert json.loads(archive.read("project.json"))["name"] == HOME["name"]
    assert archive.read("estimate.csv").startswith("\ufeff".encode())  # Excel reads the Arabic right
    assert json.loads(archive.read("estimate.json"))["total_egp"]["low"] > 0
    assert "reception ideas" in archive.read(f"conversations/{turn.json()['session_id']}.md").decode()


# ------------------------------------------------------------------------------------------ erase


def everything_of(aws: Aws, owner: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Every table item and bucket object that mentions the owner (a test may scan; the app never does)."""
    items = [
        i
        for page in aws.ddb.get_paginator("scan").paginate(TableName=TABLE)
        for i in page.get("Items", [])
        if owner in json.dumps(i)
    ]
    objects = [
        o["Key"]
        for page in aws.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
        for o in page.get("Contents", [])
        if owner in o["Key"]
    ]
    return items, objects


def test_erasing_removes_everything_but_quota_counters_and_reports_counts(
    apps: dict[str, TestClient], aws: Aws
) -> None:
    owner = owner_key(ALICE)
    project = create_project(apps)
    generated = generate(apps, ALICE, project_id=project["project_id"])["images"][0]["id"]
    apps["generate"].post(
        "/image/generate", json={"prompt": "kept by key"}, headers={**ALICE, "Idempotency-Key": "k-1"}
    )
    turn = apps["chat"].post(
        "/chat", json={"message": "my room", "images": [{"data": b64(photo())}]}, headers=ALICE
    )
    ticket = (
        apps["edit"].post("/uploads", json={"content_type": "image/jpeg", "size": 100}, headers=ALICE).json()
    )
    aws.s3.put_object(Bucket=BUCKET, Key=f"uploads/{owner}/{ticket['upload_id']}", Body=photo())
    queued = (
        apps["generate"]
        .post("/image/generate", json={"prompt": "later", "async": True}, headers=ALICE)
        .json()
    )
    apps["history"].post(f"/projects/{project['project_id']}/export", headers=ALICE)
    run_history_jobs(aws)
    bobs = generate(apps, BOB)["images"][0]["id"]

    accepted = apps["history"].delete("/me", headers=ALICE)
    assert accepted.status_code == 202
    run_history_jobs(aws)
    job = apps["generate"].get(f"/jobs/{accepted.json()['job_id']}", headers=ALICE).json()
    assert job["status"] == "succeeded"
    counts = job["counts"]
    assert counts["sessions"] == 1 and counts["turns"] == 1 and counts["projects"] == 1
    assert counts["images"] >= 3 and counts["jobs"] == 2 and counts["uploads"] == 1 and counts["exports"] == 1
    assert counts["idempotency_records"] == 1

    history = apps["history"]
    for path in ("/images", "/chat/sessions", "/jobs", "/projects"):
        assert all_pages(history, path, ALICE) == [], path
    assert apps["generate"].get(f"/images/{generated}", headers=ALICE).status_code == 404
    assert apps["chat"].get(f"/chat/sessions/{turn.json()['session_id']}", headers=ALICE).status_code == 404
    assert apps["generate"].get(f"/jobs/{queued['job_id']}", headers=ALICE).status_code == 404
    assert history.get(f"/projects/{project['project_id']}", headers=ALICE).status_code == 404

    items, objects = everything_of(aws, owner)
    assert objects == []
    left = sorted(i["pk"]["S"].split("#")[0] for i in items)
    # The erase marker, the erase job's counts (it expires) and the quota counter.
    assert left == ["ERASED", "JOB", "QUOTA"], items
    quota = next(i for i in items if i["pk"]["S"].startswith("QUOTA#"))
    assert int(quota["requests"]["N"]) >= 4  # erasing did not reset the day's quota
    assert apps["generate"].get(f"/images/{bobs}", headers=BOB).status_code == 200


def run_image_jobs(aws: Aws, function: str) -> None:
    """Deliver the queued generate or edit jobs to that function's worker, one batch each, as SQS may."""
    from tests.support.lambda_context import FakeContext

    handler = load_app(function).handler
    for message in [m for m in aws.queued_messages() if f'"kind":"{function}"' in m["Body"]]:
        record = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": {"ApproximateReceiveCount": "1"},
        }
        assert handler({"Records": [record]}, FakeContext()) == {"batchItemFailures": []}
        aws.sqs.delete_message(QueueUrl=aws.queue_url, ReceiptHandle=message["ReceiptHandle"])


def erase_alice(apps: dict[str, TestClient]) -> str:
    """DELETE /me for Alice, run to the end by the history worker; returns the erase job's id."""
    from shatably.history.jobs import HistoryMessage, run
    from shatably.storage.media import get_media

    accepted = apps["history"].delete("/me", headers=ALICE)
    assert accepted.status_code == 202
    job_id = str(accepted.json()["job_id"])
    run(get_media(), HistoryMessage(kind="erase", owner=owner_key(ALICE), job_id=job_id))
    return job_id


def erase_during(monkeypatch: pytest.MonkeyPatch, apps: dict[str, TestClient], factory: str) -> list[str]:
    """Make the provider that ``factory`` (a module attribute) returns let DELETE /me run to the end,
    history worker included, while its first call is in flight: the work began before the erase
    and finishes after it. Returns the erase job ids."""
    module, _, name = factory.rpartition(".")
    real = getattr(importlib.import_module(module), name)
    erases: list[str] = []

    class Erasing:
        def __init__(self) -> None:
            self.inner = real()
            self.name, self.model = self.inner.name, self.inner.model

        async def _erase_first(self) -> None:
            if not erases:
                erases.append(erase_alice(apps))

        async def generate(self, request: Any) -> Any:
            await self._erase_first()
            return await self.inner.generate(request)

        async def edit(self, request: Any) -> Any:
            await self._erase_first()
            return await self.inner.edit(request)

        async def chat(self, request: Any) -> Any:
            await self._erase_first()
            return await self.inner.chat(request)

    monkeypatch.setattr(factory, Erasing)
    return erases


def assert_only_counters_and_marker_left(aws: Aws, owner: str) -> None:
    items, objects = everything_of(aws, owner)
    assert objects == []
    kinds = {i["pk"]["S"].split("#")[0] for i in items}
    assert kinds == {"ERASED", "JOB", "QUOTA"}, items
    # The only jobs left are the erase jobs' own records (their counts, for a day).
    assert {i["kind"]["S"] for i in items if i["pk"]["S"].startswith("JOB#")} == {"erase"}


def assert_no_work_stored_for_anyone(aws: Aws) -> None:
    """Not even under another owner id (a job message whose record is gone must not be re-born
    as another service's request)."""
    pages = aws.ddb.get_paginator("scan").paginate(TableName=TABLE)
    kinds = {i["pk"]["S"].split("#")[0] for page in pages for i in page.get("Items", [])}
    assert not kinds & {"IMAGE", "SESSION", "PROJECT"}, kinds
    assert aws.s3.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0


def test_jobs_running_or_queued_when_the_owner_is_erased_store_nothing_after_it(
    apps: dict[str, TestClient], aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = owner_key(ALICE)
    before = generate(apps, ALICE)["images"][0]["id"]
    for prompt in ("running when erased", "still queued when erased"):
        accepted = apps["generate"].post(
            "/image/generate", json={"prompt": prompt, "async": True}, headers=ALICE
        )
        assert accepted.status_code == 202
    edit = apps["edit"].post(
        "/edit",
        json={"image": {"data": b64(photo())}, "prompt": "tidy", "operation": "declutter", "async": True},
        headers=ALICE,
    )
    assert edit.status_code == 202, edit.text

    # One generate job's model call is in flight when the erase runs; the other job's message
    # arrives (in a later batch) after the erase removed its record.
    erased = erase_during(monkeypatch, apps, "shatably.studio.service.image_generator")
    run_image_jobs(aws, "generate")
    assert len(erased) == 1
    assert_only_counters_and_marker_left(aws, owner)
    assert_no_work_stored_for_anyone(aws)

    # An edit job whose model call is in flight during a second erase: its result is not kept.
    apps["edit"].post(
        "/edit",
        json={
            "image": {"data": b64(photo(colour=(90, 120, 150)))},
            "prompt": "tidy",
            "operation": "declutter",
            "async": True,
        },
        headers=ALICE,
    )
    erased = erase_during(monkeypatch, apps, "shatably.studio.service.image_editor")
    run_image_jobs(aws, "edit")
    assert len(erased) == 1
    assert_only_counters_and_marker_left(aws, owner)
    assert apps["generate"].get(f"/images/{before}", headers=ALICE).status_code == 404
    assert all_pages(apps["history"], "/jobs", ALICE) == []
    assert all_pages(apps["history"], "/images", ALICE) == []
    assert_no_work_stored_for_anyone(aws)


def test_requests_in_flight_when_the_owner_is_erased_store_nothing_after_it(
    apps: dict[str, TestClient], aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = owner_key(ALICE)
    # A generation with an Idempotency-Key: neither its images nor the recorded response stay.
    erase_during(monkeypatch, apps, "shatably.studio.service.image_generator")
    drawn = apps["generate"].post(
        "/image/generate", json={"prompt": "a hall"}, headers={**ALICE, "Idempotency-Key": "k-erase"}
    )
    assert drawn.status_code == 409 and drawn.json()["code"] == "owner_erased", drawn.text
    assert_only_counters_and_marker_left(aws, owner)

    # A chat turn starting a conversation with a photo: no session, turn or photo comes back.
    erase_during(monkeypatch, apps, "shatably.chat.service.chat_provider")
    turn = apps["chat"].post(
        "/chat", json={"message": "my living room", "images": [{"data": b64(photo())}]}, headers=ALICE
    )
    assert turn.status_code == 409 and turn.json()["code"] == "owner_erased", turn.text
    assert_only_counters_and_marker_left(aws, owner)
    assert all_pages(apps["history"], "/chat/sessions", ALICE) == []

    # A turn of an existing conversation, with a drawing the designer asks for.
    monkeypatch.undo()
    session = apps["chat"].post("/chat", json={"message": "hello"}, headers=ALICE).json()["session_id"]
    erase_during(monkeypatch, apps, "shatably.chat.service.chat_provider")
    again = apps["chat"].post(
        "/chat", json={"message": "draw me a modern reception", "session_id": session}, headers=ALICE
    )
    assert again.status_code == 409 and again.json()["code"] == "owner_erased", again.text
    assert_only_counters_and_marker_left(aws, owner)


def test_a_response_recorded_for_its_idempotency_key_after_the_erase_is_removed(
    apps: dict[str, TestClient], aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shatably import billing

    real = billing._persistence

    class ErasingBeforeSave:
        """The generation finished before the erase; its response is recorded after it."""

        def __init__(self) -> None:
            self.inner = real()

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        def save_success(self, data: dict[str, Any], result: dict[str, Any]) -> None:
            erase_alice(apps)
            self.inner.save_success(data, result)

    monkeypatch.setattr(billing, "_persistence", ErasingBeforeSave)
    drawn = apps["generate"].post(
        "/image/generate", json={"prompt": "a hall"}, headers={**ALICE, "Idempotency-Key": "k-late"}
    )
    assert drawn.status_code == 200, drawn.text  # made before the erase: the caller still gets it
    assert_only_counters_and_marker_left(aws, owner_key(ALICE))


def test_an_export_finishing_after_the_erase_leaves_no_zip(
    apps: dict[str, TestClient], aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shatably.history import export
    from shatably.storage.bucket import export_key

    project = create_project(apps)
    generate(apps, ALICE, project_id=project["project_id"])
    accepted = apps["history"].post(f"/projects/{project['project_id']}/export", headers=ALICE)
    assert accepted.status_code == 202

    def erasing_key(owner: str, job_id: str) -> str:
        erase_alice(apps)  # the archive is built; the erase runs before it is stored
        return export_key(owner, job_id)

    monkeypatch.setattr(export, "export_key", erasing_key)
    run_history_jobs(aws)
    assert_only_counters_and_marker_left(aws, owner_key(ALICE))
    assert apps["generate"].get(f"/jobs/{accepted.json()['job_id']}", headers=ALICE).status_code == 404


def test_an_owner_who_comes_back_after_an_erase_uses_the_service_as_before(
    apps: dict[str, TestClient], aws: Aws
) -> None:
    generate(apps, ALICE)
    assert apps["history"].delete("/me", headers=ALICE).status_code == 202
    run_history_jobs(aws)

    image = generate(apps, ALICE)["images"][0]["id"]
    job = apps["generate"].post("/image/generate", json={"prompt": "later", "async": True}, headers=ALICE)
    run_image_jobs(aws, "generate")
    turn = apps["chat"].post(
        "/chat", json={"message": "my room", "images": [{"data": b64(photo())}]}, headers=ALICE
    )
    assert turn.status_code == 200, turn.text
    project = create_project(apps)

    finished = apps["generate"].get(f"/jobs/{job.json()['job_id']}", headers=ALICE).json()
    assert finished["status"] == "succeeded", finished
    assert apps["generate"].get(f"/images/{image}", headers=ALICE).status_code == 200
    session = apps["chat"].get(f"/chat/sessions/{turn.json()['session_id']}", headers=ALICE)
    assert session.status_code == 200 and len(session.json()["turns"]) == 1
    projects = all_pages(apps["history"], "/projects", ALICE)
    assert [p["project_id"] for p in projects] == [project["project_id"]]
    assert len(all_pages(apps["history"], "/images", ALICE)) == 3  # one generated, one by the job, the photo


# ------------------------------------------------------------------------------------------ claim


def signed_in(sub: str) -> dict[str, Any]:
    return {"principalId": sub, "sub": sub, "iss": "https://issuer.example", "token_use": "access"}


def test_claim_is_404_without_sign_in(apps: dict[str, TestClient]) -> None:
    response = apps["history"].post("/me/claim", headers=ALICE)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_signed_in_user_claims_their_anonymous_work_once(
    apps: dict[str, TestClient], aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = generate(apps, ALICE)["images"][0]["id"]
    project = create_project(apps)
    session = apps["chat"].post("/chat", json={"message": "hello"}, headers=ALICE).json()["session_id"]

    monkeypatch.setenv("AUTH_ENABLED", "true")
    from shatably.settings import reset_settings

    reset_settings()
    history, generate_fn, chat_fn = (load_app(n).handler for n in ("history", "generate", "chat"))
    alice = signed_in("user-alice")

    status, _, body = invoke(history, rest_event("POST", "/me/claim", headers=ALICE, authorizer=alice))
    assert status == 200, body
    assert body["moved"] == {"sessions": 1, "images": 1, "jobs": 0, "projects": 1}
    assert invoke(generate_fn, rest_event("GET", f"/images/{image}", authorizer=alice))[0] == 200
    assert invoke(chat_fn, rest_event("GET", f"/chat/sessions/{session}", authorizer=alice))[0] == 200
    status, _, listed = invoke(history, rest_event("GET", "/projects", authorizer=alice))
    assert [p["project_id"] for p in listed["items"]] == [project["project_id"]]

    # Again: nothing left to move, same subject; another subject is refused.
    status, _, again = invoke(history, rest_event("POST", "/me/claim", headers=ALICE, authorizer=alice))
    assert status == 200 and again["moved"] == {"sessions": 0, "images": 0, "jobs": 0, "projects": 0}
    status, _, other = invoke(
        history, rest_event("POST", "/me/claim", headers=ALICE, authorizer=signed_in("user-eve"))
    )
    assert status == 409 and other["code"] == "claim_conflict"
    status, _, missing = invoke(history, rest_event("POST", "/me/claim", authorizer=alice))
    assert status == 422 and missing["code"] == "validation_failed"  # which anonymous id?


def test_a_first_time_caller_gets_the_owner_id_of_the_project_they_made(apps: dict[str, TestClient]) -> None:
    # No X-Owner-Id yet: the id minted for this request must come back, or the project is orphaned.
    created = apps["history"].post("/projects", json=HOME)
    assert created.status_code == 201, created.text
    minted = created.headers.get(OWNER)
    assert minted and minted.startswith("anon-")
    again = apps["history"].get(f"/projects/{created.json()['project_id']}", headers={OWNER: minted})
    assert again.status_code == 200 and again.json()["name"] == HOME["name"]
    assert apps["history"].get("/projects").headers.get(OWNER, "").startswith("anon-")
