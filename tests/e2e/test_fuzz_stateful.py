"""Stateful fuzzing over the combined OpenAPI document (reliability.md V1): schemathesis follows the
document's links through the local gateway over real sockets, with the offline provider and the
embedded AWS, so a scenario is a real user's journey with fuzzed data at every step:

  POST /uploads -> POST /edit (upload_id, as a job) -> GET /jobs/{job_id} -> GET /images/{image_id}
  POST /image/generate -> GET /images/{image_id} | POST /edit (image_id) | POST /chat (the image)
                       | 202 -> GET /jobs/{job_id}
  POST /chat -> POST /chat (same session) | GET /chat/sessions/{id} | DELETE /chat/sessions/{id}

Every step must answer without a 5xx, with a status the document lists for that operation, and
every non-2xx answer must be an RFC 9457 problem (``application/problem+json`` with a ``code``).
schemathesis' own checks run too (status/content-type/schema conformance, use after free, resource
availability, negative data rejection...), except where noted below (``EXCLUDED_CHECKS``;
negative data rejection is skipped only for a body a link rewrote, and for a form whose only
invalid values are empty fields, which the API reads as fields not sent).

The state machine is ``schema.as_state_machine()``, run with ``.run(settings=...)`` (what its
``.TestCase`` runs) from a test function, so the session's gateway fixture supplies the URL and a
run cut short by nondeterminism can be resumed (see ``run_stateful``). Then every link of the
document is followed once by hand, deterministically, and the asynchronous journey end to end.

Identity: one scenario is one anonymous user, so every request of a scenario carries the same
``X-Owner-Id`` (without it, what one step creates is someone else's — a 404 — in the next). Each
scenario gets a fresh id, so per-owner daily quotas never run out across the run.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import jsonschema
import pytest
import requests
import schemathesis
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tests.e2e.conftest import RunningGateway
from tests.support.images import photo

pytestmark = pytest.mark.e2e

OWNER_HEADER = "X-Owner-Id"
SETTINGS = hypothesis.settings(
    max_examples=30,
    stateful_step_count=6,
    deadline=None,  # a request crosses processes; its latency is not what is tested here
    suppress_health_check=list(hypothesis.HealthCheck),
    database=None,
    phases=[hypothesis.Phase.generate],  # like schemathesis' default: a failure is reported as found
)
# Schema-valid is not always acceptable here: image bytes that do not decode, an unknown style id,
# an ImageRef naming two sources, a size past the configured cap are refused with a documented
# 4xx problem, and no schema can say so. Every other schemathesis check stays on.
EXCLUDED_CHECKS = (positive_data_acceptance,)


def new_owner() -> str:
    return "anon-" + uuid.uuid4().hex  # the format the API mints for anonymous users


@dataclass
class RunStats:
    """What the run did, for the assertions on coverage and for the README figures."""

    steps: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    linked: Counter[str] = field(default_factory=Counter)  # "source -> target status" followed by a link
    owners: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    restarts: int = 0  # hypothesis runs cut short by nondeterminism (see run_stateful)

    def summary(self) -> str:
        return json.dumps(
            {
                "steps": self.steps,
                "scenarios": len(self.owners),
                "restarts": self.restarts,
                "statuses": dict(sorted(self.statuses.items())),
                "linked": dict(sorted(self.linked.items())),
            },
            indent=1,
        )


def documented_statuses(operation: Any) -> set[int]:
    """The statuses an operation documents (``2XX`` ranges expanded; no ``default`` here)."""
    statuses: set[int] = set()
    for key in operation.definition.raw.get("responses", {}):
        text = str(key).upper()
        if text.isdigit():
            statuses.add(int(text))
        elif len(text) == 3 and text.endswith("XX") and text[0].isdigit():
            statuses.update(range(int(text[0]) * 100, int(text[0]) * 100 + 100))
    return statuses


def problem_failures(status: int, headers: Mapping[str, Any], body: bytes, documented: set[int]) -> list[str]:
    """Our own contract on top of schemathesis' checks: never 5xx, only documented statuses,
    and every failure a problem document with a stable code."""
    failures = []
    if status >= 500:
        failures.append(f"server error {status}")
    if status not in documented:
        failures.append(f"status {status} is not documented (documented: {sorted(documented)})")
    if not 200 <= status < 300:
        content_type = headers.get("content-type") or ""
        if isinstance(content_type, list):
            content_type = content_type[0] if content_type else ""
        if not content_type.startswith("application/problem+json"):
            failures.append(f"status {status} answered with {content_type!r}, not problem+json")
        else:
            try:
                problem = json.loads(body)
            except ValueError:
                problem = None
            if not isinstance(problem, dict) or not isinstance(problem.get("code"), str):
                failures.append(f"status {status}: the problem has no code")
            elif problem.get("status") != status:
                failures.append(f"status {status}: the problem says {problem.get('status')}")
    return failures


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def valid_once_empty_fields_dropped(case: Any) -> bool:
    """Forms follow the HTML convention the API honours (the v1 frontend's FormData relies on it):
    an empty field is a field not sent. A negative form whose only invalid values are empty (``""``,
    or ``[]``, which puts no part on the wire) is a valid request, not one wrongly accepted."""
    media_type = (case.media_type or "").split(";")[0]
    if media_type not in FORM_TYPES or not isinstance(case.body, dict):
        return False
    content = case.operation.definition.raw.get("requestBody", {}).get("content", {})
    schema = (content.get(media_type) or {}).get("schema")
    if not isinstance(schema, dict) or "$ref" in json.dumps(schema):
        return False
    sent = {name: value for name, value in case.body.items() if value not in ("", [])}
    return bool(jsonschema.Draft202012Validator(schema).is_valid(sent))


def run_stateful(
    base_url: str,
    settings: hypothesis.settings = SETTINGS,
    *,
    excluded: tuple[Any, ...] = EXCLUDED_CHECKS,
    max_restarts: int = 20,
) -> RunStats:
    """Run ``settings.max_examples`` scenarios; returns what happened (failures included).

    The API is stateful and partly asynchronous (a job may or may not have finished when it is
    polled), so the same draws can lead to different responses and so to different later draws.
    Hypothesis reports that as ``Flaky``; like schemathesis' own runner, we then start a fresh
    run for the scenarios still owed. Failures are recorded as they happen, so a ``Flaky`` raised
    while hypothesis replays a failure never hides it.
    """
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    stats = RunStats()

    def fail(message: str) -> None:
        stats.failures.append(message)
        raise AssertionError(message)

    class Journey(schema.as_state_machine()):  # type: ignore[misc]
        owner: str
        body_from_link = False

        def setup(self) -> None:
            self.owner = new_owner()
            stats.owners.add(self.owner)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": base_url, "headers": {OWNER_HEADER: self.owner}, "timeout": 60}

        def step(self, input: Any) -> Any:
            # A link's body fields are merged over a generated body; when that body was a negative
            # case, the merge can overwrite the very value that made it invalid, and schemathesis
            # would then call the (now valid) request's acceptance a failure.
            self.body_from_link = any(
                location == ParameterLocation.BODY for location, _ in input.applied_parameters
            )
            output = super().step(input)
            if input.transition is not None and input.is_applied:
                source = input.transition.id.split(" -> ")[0]
                target = f"{input.case.method.upper()} {input.case.operation.path}"
                stats.linked[f"{source} -> {target} {output.response.status_code}"] += 1
            return output

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            where = f"{case.method.upper()} {case.operation.path}"
            stats.steps += 1
            stats.statuses[f"{where} {response.status_code}"] += 1
            if response.headers.get(OWNER_HEADER.lower()) or response.headers.get(OWNER_HEADER):
                # The API echoes an owner id only when it minted one: ours was not accepted.
                fail(f"{where}: the owner header was not accepted")

        def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
            where = f"{case.method.upper()} {case.formatted_path} -> {response.status_code}"
            failures = problem_failures(
                response.status_code,
                {k.lower(): v for k, v in response.headers.items()},
                response.content,
                documented_statuses(case.operation),
            )
            if failures:
                fail(f"{where}: {failures}\nbody sent: {str(case.body)[:300]}\nanswer: {response.text[:500]}")
            lenient = self.body_from_link or valid_once_empty_fields_dropped(case)
            try:
                case.validate_response(
                    response,
                    excluded_checks=[*excluded, negative_data_rejection] if lenient else excluded,
                    transport_kwargs=kwargs or None,
                    recorder=self.recorder,
                )
            except FailureGroup as exc:
                fail(f"{where}: schemathesis checks failed: {exc}\nbody sent: {str(case.body)[:300]}")

    while len(stats.owners) < settings.max_examples and not stats.failures:
        remaining = settings.max_examples - len(stats.owners)
        try:
            Journey.run(settings=hypothesis.settings(settings, max_examples=remaining))
        except hypothesis.errors.Flaky:
            if stats.failures or stats.restarts >= max_restarts:
                break
            stats.restarts += 1
        except (Exception, FailureGroup):
            if not stats.failures:
                raise
        else:
            break
    return stats


def test_stateful_journeys_never_fail_undocumented(gateway: RunningGateway) -> None:
    stats = run_stateful(gateway.url)
    print(stats.summary())

    assert not stats.failures, "\n\n".join(stats.failures)
    assert len(stats.owners) >= SETTINGS.max_examples, stats.summary()
    # The run really walked the links (which ones varies from run to run; every one of them is
    # followed deterministically by the test below).
    assert sum(n for k, n in stats.linked.items() if k.rsplit(" ", 1)[1].startswith("2")) > 0, stats.summary()


# --------------------------------------------------------------------------- every link, once, by hand

PNG = base64.b64encode(photo(320, 240, "PNG")).decode()
CHAT = {"message": "A calm bedroom, please", "lang": "en"}
GENERATE = {"prompt": "a bright living room"}
HOME = {
    "name": "Flat in Nasr City",
    "state": "semi_finished",
    "grade": "super_lux",
    "budget_egp": 300000,
    "rooms": [{"name": "Reception", "type": "reception", "length_m": 5, "width_m": 4}],
}
# A request known to succeed with the status a link starts from, per (operationId, status).
SOURCES: dict[tuple[str, str], dict[str, Any]] = {
    ("chat", "200"): {"body": {"message": "A calm bedroom, please", "lang": "en"}},
    ("generateImage", "200"): {"body": {"prompt": "a bright living room"}},
    ("generateImage", "202"): {"body": {"prompt": "a bright living room", "async": True}},
    ("editPhoto", "200"): {"body": {"prompt": "warmer walls", "image": {"data": PNG}}},
    ("editPhoto", "202"): {"body": {"prompt": "warmer walls", "image": {"data": PNG}, "async": True}},
    ("createUpload", "201"): {"body": {"content_type": "image/png", "size": len(base64.b64decode(PNG))}},
    ("getJob", "200"): {"after": ("generateImage", "202", "GetJob"), "until_images": True},
    # History and projects (issue 18): lists need something to list, and two of it for a next page.
    ("listSessions", "200"): {"before": [("chat", CHAT)] * 2, "query": {"limit": 1}},
    ("listImages", "200"): {"before": [("generateImage", GENERATE)] * 2, "query": {"limit": 1}},
    ("listJobs", "200"): {
        "before": [("generateImage", {**GENERATE, "async": True})] * 2,
        "query": {"limit": 1},
    },
    ("listProjects", "200"): {"before": [("createProject", HOME)] * 2, "query": {"limit": 1}},
    ("createProject", "201"): {"body": HOME},
    ("getProject", "200"): {"after": ("createProject", "201", "GetProject")},
    ("updateProject", "200"): {
        "after": ("createProject", "201", "UpdateProject"),
        "body": {"name": "Renamed"},
    },
    ("exportProject", "202"): {"after": ("createProject", "201", "ExportProject")},
    # Erasing runs as an owner of its own: the other links still need this one's things.
    ("eraseMe", "202"): {"fresh_owner": True},
}
# What a link's body is merged into: the target's required fields.
TARGET_BODIES = {
    "chat": {"message": "What do you think of this?"},
    "editPhoto": {"prompt": "add plants"},
    "updateProject": {"budget_egp": 350000},
}
JOB_POLL_SECONDS = 60.0


def evaluate(expression: Any, body: Any) -> Any:
    """OpenAPI runtime expressions, the subset our links use: ``$response.body#/json/pointer``."""
    if isinstance(expression, dict):
        return {key: evaluate(value, body) for key, value in expression.items()}
    if isinstance(expression, list):
        return [evaluate(value, body) for value in expression]
    if isinstance(expression, str) and expression.startswith("$response.body#"):
        node = body
        for part in expression.removeprefix("$response.body#").strip("/").split("/"):
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node
    assert not (isinstance(expression, str) and expression.startswith("$")), expression
    return expression


def merge(base: Any, linked: Any) -> Any:
    if isinstance(base, dict) and isinstance(linked, dict):
        return {**base, **{k: merge(base.get(k), v) for k, v in linked.items()}}
    return linked


@dataclass
class Api:
    url: str
    document: dict[str, Any]
    session: requests.Session

    def operation(self, operation_id: str) -> tuple[str, str]:
        for path, item in self.document["paths"].items():
            for method, operation in item.items():
                if operation.get("operationId") == operation_id:
                    return method.upper(), path
        raise AssertionError(f"no operation {operation_id!r} in the document")

    def call(
        self,
        operation_id: str,
        *,
        path_parameters: Mapping[str, Any] | None = None,
        body: Any = None,
        owner: str | None = None,
    ) -> requests.Response:
        """Parameters named in the path go there; the others (a link's ``cursor``, ``project_id``)
        go in the query."""
        method, path = self.operation(operation_id)
        query = {}
        for name, value in (path_parameters or {}).items():
            if "{" + name + "}" in path:
                path = path.replace("{" + name + "}", str(value))
            else:
                query[name] = value
        headers = {OWNER_HEADER: owner} if owner else None
        return self.session.request(
            method, self.url + path, params=query, json=body, headers=headers, timeout=60
        )

    def links(self) -> list[tuple[str, str, str, dict[str, Any]]]:
        """(source operationId, status, link name, link) for every link in the document."""
        found = []
        for item in self.document["paths"].values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    for name, definition in (response.get("links") or {}).items():
                        found.append((operation["operationId"], str(status), name, definition))
        return sorted(found, key=lambda link: link[:3])


def source_response(api: Api, operation_id: str, status: str) -> requests.Response:
    recipe = SOURCES[(operation_id, status)]
    for before, body in recipe.get("before", []):
        made = api.call(before, body=body)
        assert made.status_code < 300, made.text[:300]
    if "after" in recipe:  # reached by following another link (a job to poll)
        first, first_status, link_name = recipe["after"]
        link = next(d for s, st, n, d in api.links() if (s, st, n) == (first, first_status, link_name))
        parent = source_response(api, first, first_status).json()
        parameters = {k: evaluate(v, parent) for k, v in link.get("parameters", {}).items()}
        deadline = time.monotonic() + JOB_POLL_SECONDS
        while True:
            response = api.call(operation_id, path_parameters=parameters, body=recipe.get("body"))
            done = not recipe.get("until_images") or response.json().get("images")
            if done or time.monotonic() > deadline:
                return response
            time.sleep(0.2)  # the local worker picks the job from the queue
    response = api.call(
        operation_id,
        path_parameters=recipe.get("query"),
        body=recipe.get("body"),
        owner=new_owner() if recipe.get("fresh_owner") else None,
    )
    if operation_id == "createUpload" and response.status_code == 201:
        # The client's half of an upload: POST the photo to the presigned form.
        ticket = response.json()
        stored = requests.post(
            ticket["url"],
            data=ticket["fields"],
            files={"file": ("room.png", base64.b64decode(PNG), "image/png")},
            timeout=60,
        )
        assert stored.status_code in (200, 201, 204), stored.text[:300]
    return response


def follow(api: Api, source: str, status: str, name: str, response: requests.Response) -> requests.Response:
    link = next(d for s, st, n, d in api.links() if (s, st, n) == (source, status, name))
    body = response.json()
    parameters = {k: evaluate(v, body) for k, v in link.get("parameters", {}).items()}
    target_body = TARGET_BODIES.get(link["operationId"])
    if "requestBody" in link:
        target_body = merge(target_body or {}, evaluate(link["requestBody"], body))
    owner = response.request.headers.get(OWNER_HEADER)
    return api.call(link["operationId"], path_parameters=parameters, body=target_body, owner=str(owner))


@pytest.fixture(scope="module")
def api(gateway: RunningGateway) -> Iterator[Api]:
    with requests.Session() as session:
        session.headers[OWNER_HEADER] = new_owner()
        document = session.get(f"{gateway.url}/openapi.json", timeout=60).json()
        yield Api(url=gateway.url, document=document, session=session)


def test_the_document_has_the_journeys_links(api: Api) -> None:
    links = {(source, status, name): link["operationId"] for source, status, name, link in api.links()}
    for source, status, name in links:
        assert (source, status) in SOURCES, f"add a source request for {source} {status} (link {name})"
    journeys = {
        ("createUpload", "201", "EditUpload"): "editPhoto",
        ("editPhoto", "202", "GetJob"): "getJob",
        ("generateImage", "202", "GetJob"): "getJob",
        ("getJob", "200", "GetImage"): "getImage",
        ("generateImage", "200", "GetImage"): "getImage",
        ("chat", "200", "ContinueSession"): "chat",
        ("chat", "200", "GetSession"): "getChatSession",
        ("chat", "200", "DeleteSession"): "deleteChatSession",
        # list -> item; project -> rooms -> sessions
        ("listSessions", "200", "GetSession"): "getChatSession",
        ("listImages", "200", "GetImage"): "getImage",
        ("listJobs", "200", "GetJob"): "getJob",
        ("listProjects", "200", "GetProject"): "getProject",
        ("createProject", "201", "GetProject"): "getProject",
        ("getProject", "200", "RoomSessions"): "listSessions",
        ("getProject", "200", "ChatAboutRoom"): "chat",
        ("exportProject", "202", "GetJob"): "getJob",
        ("eraseMe", "202", "GetJob"): "getJob",
    }
    for key, target in journeys.items():
        assert links.get(key) == target, key


def test_every_link_leads_to_a_success(api: Api) -> None:
    """Follow each link of the document once from a request known to succeed: the expressions
    resolve on real answers and the target accepts what they give (upload -> edit job -> poll ->
    image; generate -> image / edit / chat; chat -> next turn / history / delete)."""
    failures = []
    links = api.links()
    for source, status, name, _ in links:
        response = source_response(api, source, status)
        if str(response.status_code) != status:
            failures.append(f"{source} answered {response.status_code}, not {status}: {response.text[:300]}")
            continue
        followed = follow(api, source, status, name, response)
        if not 200 <= followed.status_code < 300:
            failures.append(f"{source} {status} -{name}-> {followed.status_code}: {followed.text[:300]}")
    assert len(links) >= 10
    assert not failures, "\n".join(failures)


def test_upload_edit_job_poll_journey_by_links_alone(api: Api) -> None:
    """The whole asynchronous journey, each step reached only through the previous answer's link."""
    uploaded = source_response(api, "createUpload", "201")
    accepted = follow(api, "createUpload", "201", "EditUpload", uploaded)
    assert accepted.status_code == 202, accepted.text[:300]
    deadline = time.monotonic() + JOB_POLL_SECONDS
    while True:
        job = follow(api, "editPhoto", "202", "GetJob", accepted)
        assert job.status_code == 200, job.text[:300]
        if job.json()["status"] not in ("queued", "running") or time.monotonic() > deadline:
            break
        time.sleep(0.2)  # the local worker picks the job from the queue
    assert job.json()["status"] == "succeeded", job.text[:500]
    image = follow(api, "getJob", "200", "GetImage", job)
    assert image.status_code == 200, image.text[:300]
    assert image.json()["ancestors"], "an edit's result points at its source"
