"""Abuse: nobody spends past a limit by racing, nobody reads what is not theirs, no origin or
client-chosen identity is trusted (reliability.md T11, T18, T20-T22, P2, P4).

In-process with moto's ``mock_aws`` (the ``aws`` fixture). DynamoDB applies each write, conditions
included, atomically; moto does not lock its backends, so the race tests serialise moto's request
handling (``atomic_aws``) exactly as DynamoDB serialises writes. What is left to race is our code:
the time between any read and the write that depends on it. A negative control shows the harness
does expose such a window.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import boto3
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from shatably.web.deps import Deadline
from tests.integration.conftest import BUCKET, TABLE, Aws, load_app
from tests.support.images import b64, photo
from tests.support.rest_events import EVENTS, invoke, rest_event

OWNER = "X-Owner-Id"
PROBLEM_JSON = "application/problem+json"
T = TypeVar("T")


def anon() -> str:
    return "anon-" + uuid.uuid4().hex


def storage_key(owner_id: str) -> str:
    from shatably.web.deps import Owner

    return Owner(id=owner_id, authenticated=not owner_id.startswith("anon-")).key


def race(n: int, call: Callable[[int], T]) -> list[T]:
    """Run ``call(i)`` for i in 0..n-1 on n threads released at the same instant."""
    start = threading.Barrier(n)

    def run(i: int) -> T:
        start.wait(timeout=30)
        return call(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def counter(pk: str) -> dict[str, int]:
    item = (
        boto3.client("dynamodb", region_name="us-east-1")
        .get_item(TableName=TABLE, Key={"pk": {"S": pk}, "sk": {"S": "DAY"}}, ConsistentRead=True)
        .get("Item", {})
    )
    return {k: int(v["N"]) for k, v in item.items() if k in ("requests", "images")}


def owner_usage(owner_id: str) -> dict[str, int]:
    from shatably.storage.table import today

    return counter(f"QUOTA#{storage_key(owner_id)}#{today()}")


def global_usage() -> dict[str, int]:
    from shatably.storage.table import BUDGET_SHARDS, today

    shards = [counter(f"BUDGET#{today()}#{shard}") for shard in range(BUDGET_SHARDS)]
    return {"images": sum(s.get("images", 0) for s in shards)}


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


@pytest.fixture
def atomic_aws(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> Aws:
    """moto with DynamoDB's guarantee: one request is applied at a time, conditions and all."""
    from moto.core.botocore_stubber import BotocoreStubber

    lock = threading.Lock()
    real = BotocoreStubber.process_request

    def serialised(self: Any, request: Any) -> Any:
        with lock:
            return real(self, request)

    monkeypatch.setattr(BotocoreStubber, "process_request", serialised)
    return aws


# --------------------------------------------------------------------------- quotas under a race

RACERS = 20
LIMIT = 5


def test_owner_daily_image_quota_holds_when_requests_race(
    atomic_aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAILY_IMAGE_QUOTA", str(LIMIT))
    app = load_app("generate").app
    owner = anon()

    def generate(i: int) -> Any:
        with TestClient(app) as client:
            return client.post("/image/generate", json={"prompt": f"room {i}"}, headers={OWNER: owner})

    responses = race(RACERS, generate)

    assert Counter(r.status_code for r in responses) == {200: LIMIT, 429: RACERS - LIMIT}
    for refused in (r for r in responses if r.status_code == 429):
        assert_problem(refused, 429, "quota_exceeded")
        assert int(refused.headers["Retry-After"]) > 0
    assert owner_usage(owner)["images"] == LIMIT
    assert global_usage()["images"] == LIMIT


def test_owner_daily_request_quota_holds_when_chat_turns_race(
    atomic_aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAILY_REQUEST_QUOTA", str(LIMIT))
    app = load_app("chat").app
    owner = anon()

    def turn(i: int) -> Any:
        with TestClient(app) as client:
            return client.post("/chat", json={"message": f"idea {i}"}, headers={OWNER: owner})

    responses = race(RACERS, turn)

    assert Counter(r.status_code for r in responses) == {200: LIMIT, 429: RACERS - LIMIT}
    assert {r.json()["code"] for r in responses if r.status_code == 429} == {"quota_exceeded"}
    assert owner_usage(owner)["requests"] == LIMIT


def test_global_image_budget_is_a_kill_switch_under_a_race(
    atomic_aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOBAL_DAILY_IMAGE_BUDGET", str(LIMIT))
    app = load_app("generate").app
    owners = [anon() for _ in range(RACERS)]  # nobody is over their own quota

    def generate(i: int) -> Any:
        with TestClient(app) as client:
            return client.post("/image/generate", json={"prompt": "a hall"}, headers={OWNER: owners[i]})

    responses = race(RACERS, generate)

    assert Counter(r.status_code for r in responses) == {200: LIMIT, 503: RACERS - LIMIT}
    for refused in (r for r in responses if r.status_code == 503):
        assert_problem(refused, 503, "service_budget_exhausted")
        assert int(refused.headers["Retry-After"]) > 0
    assert global_usage()["images"] == LIMIT
    # A refused request leaves the owner's own counters as they were.
    granted = {owners[i] for i, r in enumerate(responses) if r.status_code == 200}
    for owner in owners:
        assert owner_usage(owner).get("images", 0) == (1 if owner in granted else 0)


def test_counters_stay_exact_when_reservations_and_releases_race(
    atomic_aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the billing layer: mixed sizes, half the work failing (its quota given back)."""
    import asyncio

    from shatably import billing
    from shatably.errors import ProblemError

    monkeypatch.setenv("DAILY_IMAGE_QUOTA", "10")
    monkeypatch.setenv("GLOBAL_DAILY_IMAGE_BUDGET", "1000")
    owner = storage_key(anon())
    sizes = [1 + i % 3 for i in range(40)]

    def bill(i: int) -> tuple[int, str]:
        async def work() -> dict[str, Any]:
            if i % 2:
                raise ProblemError("upstream_error")
            return {"ok": i}

        try:
            asyncio.run(
                billing.run_billable(
                    owner=owner,
                    route="generate",
                    idempotency_key=None,
                    body={"i": i},
                    images=sizes[i],
                    deadline=Deadline(budget_seconds=10),
                    work=work,
                )
            )
        except ProblemError as problem:
            return sizes[i], problem.code
        return sizes[i], "ok"

    outcomes = race(len(sizes), bill)

    spent = sum(size for size, code in outcomes if code == "ok")
    assert {code for _, code in outcomes} <= {"ok", "upstream_error", "quota_exceeded"}
    assert 0 < spent <= 10
    from shatably.storage.table import today

    assert counter(f"QUOTA#{owner}#{today()}")["images"] == spent  # failures gave theirs back
    assert global_usage()["images"] == spent


def test_the_race_harness_would_expose_a_check_then_write(
    atomic_aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Negative control: a read-then-write quota (what the conditional write avoids) overspends here."""
    from shatably.storage.table import Table

    monkeypatch.setenv("DAILY_IMAGE_QUOTA", str(LIMIT))
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    everyone_read = threading.Barrier(RACERS)

    def naive_reserve(self: Table, owner: str, *, images: int, image_limit: int, **_: Any) -> None:
        from shatably.errors import ProblemError
        from shatably.storage.table import today

        key = {"pk": {"S": f"QUOTA#{owner}#{today()}"}, "sk": {"S": "DAY"}}
        used = int(ddb.get_item(TableName=TABLE, Key=key).get("Item", {}).get("images", {"N": "0"})["N"])
        everyone_read.wait(timeout=30)  # the window a real deployment leaves open by chance
        if used + images > image_limit:
            raise ProblemError("quota_exceeded")
        ddb.update_item(
            TableName=TABLE,
            Key=key,
            UpdateExpression="ADD images :i",
            ExpressionAttributeValues={":i": {"N": str(images)}},
        )

    monkeypatch.setattr(Table, "reserve", naive_reserve)
    app = load_app("generate").app
    owner = anon()

    def generate(i: int) -> int:
        with TestClient(app) as client:
            return client.post("/image/generate", json={"prompt": "x"}, headers={OWNER: owner}).status_code

    statuses = race(RACERS, generate)

    assert statuses.count(200) > LIMIT
    assert owner_usage(owner)["images"] > LIMIT


def test_parallel_retries_with_one_idempotency_key_run_the_work_once(
    atomic_aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.integration.test_generate import count_generations

    app = load_app("generate").app
    calls = count_generations(monkeypatch)
    headers = {OWNER: anon(), "Idempotency-Key": str(uuid.uuid4())}

    def generate(_: int) -> Any:
        with TestClient(app) as client:
            return client.post("/image/generate", json={"prompt": "one hall"}, headers=headers)

    responses = race(10, generate)

    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {200, 409}, statuses
    assert statuses[200] >= 1
    assert calls == [1]
    assert len({r.json()["images"][0]["id"] for r in responses if r.status_code == 200}) == 1
    for busy in (r for r in responses if r.status_code == 409):
        assert_problem(busy, 409, "idempotency_in_progress")
        assert busy.headers["Retry-After"]
    assert owner_usage(headers[OWNER])["images"] == 1


# --------------------------------------------------------------------------- other people's things


class Clients:
    def __init__(self) -> None:
        self.chat = TestClient(load_app("chat").app)
        self.generate = TestClient(load_app("generate").app)
        self.edit = TestClient(load_app("edit").app)

    def client(self, function: str) -> TestClient:
        client: TestClient = getattr(self, function)
        return client


@pytest.fixture
def clients(aws: Aws) -> Clients:
    return Clients()


@pytest.fixture
def alices_things(clients: Clients, aws: Aws) -> dict[str, str]:
    """Alice's session (with a photo), image, job and an upload she really made."""
    alice = {OWNER: anon()}
    turn = clients.chat.post(
        "/chat", json={"message": "my living room", "images": [{"data": b64(photo())}]}, headers=alice
    )
    assert turn.status_code == 200, turn.text
    generated = clients.generate.post("/image/generate", json={"prompt": "a hall"}, headers=alice)
    job = clients.generate.post("/image/generate", json={"prompt": "a hall", "async": True}, headers=alice)
    ticket = clients.edit.post("/uploads", json={"content_type": "image/jpeg", "size": 1000}, headers=alice)
    assert (generated.status_code, job.status_code, ticket.status_code) == (200, 202, 201)
    upload_id = ticket.json()["upload_id"]
    aws.s3.put_object(Bucket=BUCKET, Key=ticket.json()["fields"]["key"], Body=photo())
    things = {
        "owner": alice[OWNER],
        "session_id": turn.json()["session_id"],
        "photo_id": turn.json()["attachments"][0]["id"],
        "image_id": generated.json()["images"][0]["id"],
        "job_id": job.json()["job_id"],
        "upload_id": upload_id,
    }
    # Alice herself can use every one of them.
    assert clients.chat.get(f"/chat/sessions/{things['session_id']}", headers=alice).status_code == 200
    assert clients.generate.get(f"/images/{things['image_id']}", headers=alice).status_code == 200
    assert clients.generate.get(f"/jobs/{things['job_id']}", headers=alice).status_code == 200
    return things


# (function, method, path, JSON body); {id} is Alice's resource, or a well-formed id nobody has.
FOREIGN_REQUESTS = [
    ("chat", "GET", "/chat/sessions/{session_id}", None),
    ("chat", "DELETE", "/chat/sessions/{session_id}", None),
    ("chat", "POST", "/chat", {"message": "hi", "session_id": "{session_id}"}),
    ("chat", "POST", "/chat", {"message": "hi", "images": [{"image_id": "{image_id}"}]}),
    ("chat", "POST", "/chat", {"message": "hi", "images": [{"image_id": "{photo_id}"}]}),
    ("chat", "POST", "/chat", {"message": "hi", "images": [{"upload_id": "{upload_id}"}]}),
    ("generate", "GET", "/jobs/{job_id}", None),
    ("generate", "GET", "/images/{image_id}", None),
    ("generate", "GET", "/images/{photo_id}", None),
    ("edit", "POST", "/edit", {"prompt": "paint it", "image": {"image_id": "{image_id}"}}),
    ("edit", "POST", "/edit", {"prompt": "paint it", "image": {"upload_id": "{upload_id}"}}),
    (
        "edit",
        "POST",
        "/edit",
        {"prompt": "x", "image": {"data": "{png}"}, "mask": {"image_id": "{image_id}"}},
    ),
]


def fill(template: Any, values: dict[str, str]) -> Any:
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, values) for v in template]
    return template


def comparable(response: Any) -> tuple[int, str, dict[str, Any]]:
    body = response.json()
    body.pop("request_id", None)
    return response.status_code, response.headers["content-type"], body


@pytest.mark.parametrize(("function", "method", "path", "body"), FOREIGN_REQUESTS)
def test_someone_elses_things_are_indistinguishable_from_missing_ones(
    clients: Clients, alices_things: dict[str, str], function: str, method: str, path: str, body: Any
) -> None:
    mallory = {OWNER: anon()}
    nobodys = {key: uuid.uuid4().hex for key in alices_things} | {"png": b64(photo(64, 48, "PNG"))}
    theirs = alices_things | {"png": nobodys["png"]}
    client = clients.client(function)

    foreign = client.request(method, fill(path, theirs), json=fill(body, theirs), headers=mallory)
    missing = client.request(method, fill(path, nobodys), json=fill(body, nobodys), headers=mallory)

    assert foreign.status_code == 404, foreign.text
    status, content_type, foreign_body = comparable(foreign)
    _, _, missing_body = comparable(missing)
    assert content_type.startswith(PROBLEM_JSON)
    assert foreign_body["code"].endswith("_not_found")
    # Same answer, byte for byte but for the path (which holds the id the caller sent anyway).
    foreign_body.pop("instance"), missing_body.pop("instance")
    assert foreign_body == missing_body
    assert comparable(missing)[:2] == (status, content_type)


def test_a_foreign_delete_or_turn_leaves_the_conversation_untouched(
    clients: Clients, alices_things: dict[str, str]
) -> None:
    session = alices_things["session_id"]
    mallory = {OWNER: anon()}
    clients.chat.delete(f"/chat/sessions/{session}", headers=mallory)
    clients.chat.post("/chat", json={"message": "hijack", "session_id": session}, headers=mallory)

    mine = clients.chat.get(f"/chat/sessions/{session}", headers={OWNER: alices_things["owner"]})
    assert mine.status_code == 200
    assert [t["message"] for t in mine.json()["turns"]] == ["my living room"]


def test_a_malformed_owner_header_is_never_trusted(clients: Clients, alices_things: dict[str, str]) -> None:
    """Only ids of the shape the API mints are accepted; anything else is a new anonymous caller."""
    alice = alices_things["owner"]
    for forged in (alice + " ", alice.upper(), "sub:someone", storage_key(alice), "anon-short"):
        answer = clients.chat.get(f"/chat/sessions/{alices_things['session_id']}", headers={OWNER: forged})
        assert answer.status_code == 404
        fresh = clients.chat.post("/chat", json={"message": "hi"}, headers={OWNER: forged})
        assert fresh.status_code == 200
        assert fresh.headers[OWNER].startswith("anon-")
        assert fresh.headers[OWNER] not in (forged, alice)


@pytest.mark.parametrize(
    ("function", "path", "fields", "field"),
    [
        ("edit", "/edit", {"prompt": "paint the walls only", "mask": "all of it"}, "mask"),
        ("chat", "/chat", {"message": "look at my room", "image": "room.jpg"}, "image"),
    ],
)
def test_a_file_field_sent_as_text_is_refused_not_ignored(
    clients: Clients, function: str, path: str, fields: dict[str, str], field: str
) -> None:
    """Found by the stateful fuzzer: a mask sent as text was dropped, so a masked edit silently
    became a whole-photo one (and a chat photo sent as text silently vanished)."""
    files = {"image": ("room.png", photo(64, 48, "PNG"), "image/png")} if function == "edit" else None
    answer = clients.client(function).post(path, data=fields, files=files, headers={OWNER: anon()})
    problem = assert_problem(answer, 422, "validation_failed")
    assert problem["errors"][0]["field"] == field


# --------------------------------------------------------------------------- CORS allow-list

ALLOWED = "https://app.shatably.example"
ALSO_ALLOWED = "http://localhost:5173"
DISALLOWED = [
    "https://evil.example",
    "https://app.shatably.example.evil.example",  # suffix trick
    "https://evilapp.shatably.example",
    "http://app.shatably.example",  # scheme
    "https://app.shatably.example:8443",  # port
    "null",  # sandboxed iframes, file://
    "*",
]


@pytest.fixture
def cors_apps(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> dict[str, TestClient]:
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", f"{ALLOWED}, {ALSO_ALLOWED}")
    from shatably.settings import reset_settings

    reset_settings()
    return {name: TestClient(load_app(name).app) for name in ("chat", "generate", "edit")}


def preflight(client: TestClient, path: str, origin: str) -> Any:
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, idempotency-key, x-owner-id",
        },
    )


def assert_allowed(response: Any, origin: str) -> None:
    assert response.headers.get("access-control-allow-origin") == origin
    assert response.headers.get("access-control-allow-credentials") == "true"
    assert "origin" in {v.strip().lower() for v in response.headers.get("vary", "").split(",")}


@pytest.mark.parametrize("origin", [ALLOWED, ALSO_ALLOWED])
@pytest.mark.parametrize(
    ("function", "path"), [("chat", "/chat"), ("generate", "/image/generate"), ("edit", "/edit")]
)
def test_preflight_from_an_allowed_origin_is_answered_for_that_origin(
    cors_apps: dict[str, TestClient], function: str, path: str, origin: str
) -> None:
    response = preflight(cors_apps[function], path, origin)
    assert response.status_code == 200
    assert_allowed(response, origin)
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert {"content-type", "idempotency-key", "x-owner-id"} <= {
        h.strip() for h in allowed_headers.split(",")
    }
    assert "*" not in response.headers["access-control-allow-methods"]


def test_answers_and_problems_to_an_allowed_origin_carry_cors(cors_apps: dict[str, TestClient]) -> None:
    headers = {"Origin": ALLOWED}
    answers = [
        cors_apps["generate"].post("/image/generate", json={"prompt": "a hall"}, headers=headers),  # 200
        cors_apps["generate"].get(f"/jobs/{uuid.uuid4().hex}", headers=headers),  # 404 problem
        cors_apps["generate"].post("/image/generate", json={}, headers=headers),  # 422 problem
        cors_apps["chat"].post(
            "/chat", content=b"{", headers=headers | {"content-type": "application/json"}
        ),  # 400 problem
        cors_apps["edit"].post(  # 413 from the body cap, before any route runs
            "/uploads",
            content=b"x" * (7 * 1024 * 1024),
            headers=headers | {"content-type": "application/json"},
        ),
    ]
    assert [a.status_code for a in answers] == [200, 404, 422, 400, 413]
    for answer in answers:
        assert_allowed(answer, ALLOWED)
        # Readable by the page: request id, owner id, job location.
        exposed = {h.strip().lower() for h in answer.headers["access-control-expose-headers"].split(",")}
        assert {"x-request-id", "x-owner-id", "location", "retry-after"} <= exposed


@pytest.mark.parametrize("origin", DISALLOWED)
def test_a_disallowed_origin_gets_no_allow_origin_at_all(
    cors_apps: dict[str, TestClient], origin: str
) -> None:
    client = cors_apps["generate"]
    answers = [
        preflight(client, "/image/generate", origin),
        client.post("/image/generate", json={"prompt": "a hall"}, headers={"Origin": origin}),
        client.get(f"/images/{uuid.uuid4().hex}", headers={"Origin": origin, "Cookie": "session=1"}),
    ]
    assert answers[1].status_code == 200  # served (CORS is the browser's to enforce) ...
    for answer in answers:
        assert "access-control-allow-origin" not in answer.headers  # ... but no browser may read it
    assert answers[0].status_code == 400
    assert answers[0].headers["content-type"] == "application/problem+json"  # like every other error
    assert answers[0].json()["code"] == "cors_rejected"


def test_the_wildcard_is_never_emitted(cors_apps: dict[str, TestClient]) -> None:
    client = cors_apps["chat"]
    seen = []
    for origin in [ALLOWED, *DISALLOWED]:
        seen.append(preflight(client, "/chat", origin))
        seen.append(client.post("/chat", json={"message": "hi"}, headers={"Origin": origin}))
        seen.append(client.get("/health", headers={"Origin": origin}))
    for answer in seen:
        for name, value in answer.headers.items():
            if name.lower().startswith("access-control-"):
                assert value.strip() != "*", (name, value)


@pytest.mark.parametrize(("origin", "allowed"), [(ALLOWED, True), ("https://evil.example", False)])
def test_cors_holds_through_the_lambda_handler_too(
    cors_apps: dict[str, TestClient], origin: str, allowed: bool
) -> None:
    """The sample preflight event (events/chat_options.json) as API Gateway delivers it."""
    event = json.loads((EVENTS / "chat_options.json").read_text())
    event["headers"]["Origin"] = origin
    event["multiValueHeaders"]["Origin"] = [origin]

    status, headers, _ = invoke(load_app("chat").handler, event)

    if allowed:
        assert status == 200
        assert headers["access-control-allow-origin"] == origin
        assert headers["access-control-allow-credentials"] == "true"
        assert "origin" in headers["vary"].lower()
    else:
        assert "access-control-allow-origin" not in headers


@pytest.mark.parametrize("value", ["*", "https://a.example,*", " * ", f"{ALLOWED}, *"])
def test_a_wildcard_allow_list_is_refused_by_settings(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    from shatably.settings import Settings

    monkeypatch.setenv("CORS_ALLOW_ORIGINS", value)
    with pytest.raises(ValidationError, match="refused"):
        Settings.from_environ()


# --------------------------------------------------------------------------- the authorizer's word only


class Lambdas:
    """The API functions' handlers, called as Lambda calls them."""

    def __init__(self) -> None:
        self.handlers = {name: load_app(name).handler for name in ("chat", "generate", "edit", "history")}

    def __call__(self, function: str, event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        return invoke(self.handlers[function], event)


def lambda_authorizer(sub: str) -> dict[str, Any]:
    """What our REQUEST authorizer's context becomes in the event (functions/authorizer)."""
    return {"principalId": sub, "sub": sub, "iss": "https://issuer.example", "token_use": "access"}


def cognito_authorizer(sub: str) -> dict[str, Any]:
    return {"claims": {"sub": sub, "token_use": "access", "scope": "shatably/api"}}


@pytest.fixture
def authed(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lambdas]:
    monkeypatch.setenv("AUTH_ENABLED", "true")
    from shatably.settings import reset_settings

    reset_settings()
    yield Lambdas()


ROUTES = [
    ("chat", "POST", "/chat", {"message": "hi", "user_id": "someone"}),
    ("chat", "GET", f"/chat/sessions/{'a' * 32}", None),
    ("chat", "DELETE", f"/chat/sessions/{'a' * 32}", None),
    ("generate", "POST", "/image/generate", {"prompt": "a hall"}),
    ("generate", "GET", f"/jobs/{'a' * 32}", None),
    ("generate", "GET", f"/images/{'a' * 32}", None),
    ("edit", "POST", "/edit", {"prompt": "x", "image": {"image_id": "a" * 32}}),
    ("edit", "POST", "/uploads", {"content_type": "image/png", "size": 10}),
    ("history", "GET", "/chat/sessions", None),
    ("history", "GET", "/images", None),
    ("history", "GET", "/jobs", None),
    ("history", "GET", "/projects", None),
    ("history", "POST", "/projects", {"name": "Home"}),
    ("history", "GET", f"/projects/{'a' * 32}", None),
    ("history", "PATCH", f"/projects/{'a' * 32}", {"name": "Home"}),
    ("history", "DELETE", f"/projects/{'a' * 32}", None),
    ("history", "POST", f"/projects/{'a' * 32}/export", None),
    ("history", "DELETE", "/me", None),
    ("history", "POST", "/me/claim", None),
    # With auth on, estimates sit behind the authorizer too: one may read the caller's project.
    ("chat", "POST", "/estimate", {"state": "bare", "apartment_area_m2": 100}),
    ("chat", "POST", "/estimate", {"project_id": "a" * 32}),
]


@pytest.mark.parametrize(("function", "method", "path", "body"), ROUTES)
@pytest.mark.parametrize(
    "authorizer",
    [None, {}, {"principalId": "user-a"}, {"sub": ""}, {"claims": {"sub": 42}}, {"claims": {}}],
    ids=["no-authorizer", "empty", "no-sub", "empty-sub", "non-string-sub", "no-claims"],
)
def test_without_a_subject_from_the_authorizer_every_route_is_401(
    authed: Lambdas,
    function: str,
    method: str,
    path: str,
    body: Any,
    authorizer: dict[str, Any] | None,
) -> None:
    # Whatever the client claims about itself: an anonymous id, a user id, a bearer token.
    headers = {OWNER: anon(), "Authorization": "Bearer forged.jwt.token", "X-User-Id": "user-a"}
    event = rest_event(method, path, body=body, headers=headers, authorizer=authorizer)

    status, response_headers, problem = authed(function, event)

    assert status == 401
    assert response_headers["content-type"].startswith(PROBLEM_JSON)
    assert problem["code"] == "unauthenticated"
    assert "x-owner-id" not in response_headers  # no anonymous identity is minted either


@pytest.mark.parametrize("shape", [lambda_authorizer, cognito_authorizer], ids=["lambda", "cognito"])
def test_identity_is_the_authorizers_subject_and_nothing_the_client_sends(
    authed: Lambdas, shape: Callable[[str], dict[str, Any]]
) -> None:
    alice, bob = shape("user-alice"), shape("user-bob")
    event = rest_event(
        "POST",
        "/chat",
        body={"message": "hello", "user_id": "user-bob"},
        headers={OWNER: anon()},
        authorizer=alice,
    )
    status, headers, turn = authed("chat", event)
    assert status == 200, turn
    assert "x-owner-id" not in headers
    session = f"/chat/sessions/{turn['session_id']}"

    assert authed("chat", rest_event("GET", session, authorizer=alice))[0] == 200
    # Neither the body's user_id nor the header made it Bob's (or the anonymous caller's).
    assert authed("chat", rest_event("GET", session, authorizer=bob))[0] == 404
    assert authed("chat", rest_event("GET", session, headers={OWNER: event["headers"][OWNER]}))[0] == 401


def test_a_header_naming_someones_anonymous_id_does_not_grant_their_data(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data Bob made anonymously (before sign-in was switched on) stays out of Alice's reach."""
    from shatably.settings import reset_settings

    bob = anon()
    before = Lambdas()
    _, _, turn = before("chat", rest_event("POST", "/chat", body={"message": "hi"}, headers={OWNER: bob}))
    _, _, image = before(
        "generate", rest_event("POST", "/image/generate", body={"prompt": "x"}, headers={OWNER: bob})
    )
    things = [f"/chat/sessions/{turn['session_id']}", f"/images/{image['images'][0]['id']}"]
    assert [
        before(f, rest_event("GET", p, headers={OWNER: bob}))[0]
        for f, p in zip(["chat", "generate"], things, strict=True)
    ] == [200, 200]

    monkeypatch.setenv("AUTH_ENABLED", "true")
    reset_settings()
    after = Lambdas()
    for function, path in zip(["chat", "generate"], things, strict=True):
        status, _, problem = after(
            function,
            rest_event("GET", path, headers={OWNER: bob}, authorizer=lambda_authorizer("user-alice")),
        )
        assert status == 404, problem
        status, _, problem = after(function, rest_event("GET", path, headers={OWNER: bob}))
        assert (status, problem["code"]) == (401, "unauthenticated")


def test_signed_in_users_cannot_reach_each_others_sessions_jobs_or_images(authed: Lambdas) -> None:
    alice, bob = lambda_authorizer("user-alice"), lambda_authorizer("user-bob")
    _, _, turn = authed("chat", rest_event("POST", "/chat", body={"message": "hi"}, authorizer=bob))
    _, _, image = authed(
        "generate", rest_event("POST", "/image/generate", body={"prompt": "x"}, authorizer=bob)
    )
    _, _, job = authed(
        "generate", rest_event("POST", "/image/generate", body={"prompt": "x", "async": True}, authorizer=bob)
    )
    bobs = [
        ("chat", "GET", f"/chat/sessions/{turn['session_id']}", None),
        ("generate", "GET", f"/images/{image['images'][0]['id']}", None),
        ("generate", "GET", f"/jobs/{job['job_id']}", None),
        ("edit", "POST", "/edit", {"prompt": "x", "image": {"image_id": image["images"][0]["id"]}}),
        ("chat", "DELETE", f"/chat/sessions/{turn['session_id']}", None),
    ]
    for function, method, path, body in bobs:
        assert authed(function, rest_event(method, path, body=body, authorizer=bob))[0] in (200, 202, 204)
        if method == "DELETE":
            continue
        status, _, problem = authed(function, rest_event(method, path, body=body, authorizer=alice))
        assert status == 404 and problem["code"].endswith("_not_found"), (path, problem)


def test_a_signed_in_users_project_estimate_is_theirs_alone(authed: Lambdas) -> None:
    alice, bob = lambda_authorizer("user-alice"), lambda_authorizer("user-bob")
    home = {
        "name": "Home",
        "state": "plastered",
        "rooms": [{"name": "Hall", "type": "reception", "area_m2": 20}],
    }
    status, _, project = authed("history", rest_event("POST", "/projects", body=home, authorizer=bob))
    assert status == 201, project
    ask = {"project_id": project["project_id"]}

    status, _, estimate = authed("chat", rest_event("POST", "/estimate", body=ask, authorizer=bob))
    assert status == 200 and estimate["project_id"] == project["project_id"], estimate
    assert [room["name"] for room in estimate["rooms"]] == ["Hall"]
    # Alice's token finds nothing, whatever X-Owner-Id she adds.
    status, _, problem = authed(
        "chat", rest_event("POST", "/estimate", body=ask, headers={OWNER: anon()}, authorizer=alice)
    )
    assert (status, problem["code"]) == (404, "project_not_found")
