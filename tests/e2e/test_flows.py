"""Whole flows over real sockets: the local gateway, its embedded AWS, and the real SDKs talking to
the fake provider server (or the offline provider)."""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from tests.e2e.conftest import GatewayFactory, RunningGateway
from tests.fakes.provider_server import FakeProviderServer, Reply
from tests.support.images import photo

OWNER = "X-Owner-Id"


def call(
    base: str, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def post_json(
    base: str, path: str, payload: dict[str, Any], headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    status, response_headers, raw = call(
        base,
        "POST",
        path,
        json.dumps(payload).encode(),
        {"content-type": "application/json", **(headers or {})},
    )
    return status, response_headers, json.loads(raw)


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def wait_for_job(base: str, location: str, owner: str, timeout: float = 60) -> dict[str, Any]:
    """Poll like a client would, until the job is final (bounded)."""
    ends = time.monotonic() + timeout
    while True:
        status, _, raw = call(base, "GET", location, headers={OWNER: owner})
        assert status == 200, raw
        job: dict[str, Any] = json.loads(raw)
        if job["status"] not in ("queued", "running") or time.monotonic() > ends:
            return job
        time.sleep(0.25)


def test_async_generation_end_to_end_and_the_url_downloads_a_real_image(gateway: RunningGateway) -> None:
    status, headers, accepted = post_json(
        gateway.url,
        "/image/generate",
        {"prompt": "a bright Scandinavian kids room", "style": "scandinavian"},
        {"Prefer": "respond-async"},
    )
    assert status == 202, accepted
    assert headers["location"] == f"/jobs/{accepted['job_id']}"

    job = wait_for_job(gateway.url, headers["location"], headers["x-owner-id"])

    assert job["status"] == "succeeded", job
    with urllib.request.urlopen(job["images"][0]["url"], timeout=10) as download:
        assert download.headers["Content-Type"] == "image/png"
        image = Image.open(io.BytesIO(download.read()))
        assert image.format == "PNG"
        assert image.size == (job["images"][0]["width"], job["images"][0]["height"])


def test_v1_multipart_chat_over_real_sockets(gateway: RunningGateway) -> None:
    body, content_type = multipart(
        {"message": "عايز أوضة نوم مودرن", "user_id": "default"},
        {"image": ("room.jpg", photo(), "image/jpeg")},
    )
    status, headers, raw = call(gateway.url, "POST", "/chat/", body, {"content-type": content_type})

    assert status == 200, raw
    answer = json.loads(raw)
    assert answer["session_id"] and answer["lang"] == "ar"
    assert headers["x-owner-id"].startswith("anon-")


@pytest.fixture(scope="module")
def real_sdk_gateway(
    gateway_factory: GatewayFactory, provider_server: FakeProviderServer
) -> Iterator[RunningGateway]:
    env = {
        "GEMINI_API_KEY": "AIza-test-key-not-real",
        "OPENAI_API_KEY": "sk-test-key-not-real",
        "GOOGLE_GEMINI_BASE_URL": provider_server.url,
        "OPENAI_BASE_URL": provider_server.openai_base_url,
        "CHAT_PROVIDER": "gemini",
        "GENERATE_PROVIDER": "openai",
        "EDIT_PROVIDER": "gemini",
    }
    with gateway_factory(env, pool_size=1) as running:
        yield running


def test_generate_edit_and_chat_reach_the_providers_through_their_sdks(
    real_sdk_gateway: RunningGateway, fake_providers: FakeProviderServer
) -> None:
    base = real_sdk_gateway.url
    status, headers, generated = post_json(
        base, "/image/generate", {"prompt": "a japandi bedroom", "size": "1536x1024"}
    )
    assert status == 200, generated
    assert generated["provider"] == "openai"
    wire = fake_providers.requests_for("images_generate")[-1].json or {}
    assert wire["size"] == "1536x1024" and wire["n"] == 1 and "dall-e" not in wire["model"]
    assert "japandi bedroom" in wire["prompt"]
    owner = {OWNER: headers["x-owner-id"]}

    body, content_type = multipart(
        {"prompt": "repaint the walls sage green"}, {"image": ("room.jpg", photo(800, 600), "image/jpeg")}
    )
    status, _, raw = call(base, "POST", "/edit/", body, {"content-type": content_type, **owner})
    edited = json.loads(raw)
    assert status == 200, edited
    assert (edited["image"]["width"], edited["image"]["height"]) == (800, 600)
    edit_wire = fake_providers.requests_for("gemini")[-1]
    assert edit_wire.gemini_images(), "the room photo went inline"
    assert any("PRESERVE EXACTLY" in text for text in edit_wire.gemini_texts())

    fake_providers.script(
        "gemini",
        Reply(json={"reply": "Lovely room!", "questions": [], "plan": None, "amend": None, "drawing": None}),
    )
    status, _, chat = post_json(base, "/chat", {"message": "hello"}, owner)
    assert status == 200, chat
    assert chat["response"] == "Lovely room!" and chat["provider"] == "gemini"
    assert "interior designer" in (fake_providers.requests_for("gemini")[-1].gemini_system() or "")


def test_estimate_over_real_sockets_as_json_and_as_csv(gateway: RunningGateway) -> None:
    job = {
        "state": "bare",
        "grade": "lux",
        "lang": "ar",
        "apartment_area_m2": 120,
        "bedrooms": 3,
        "budget_egp": 150_000,
    }
    status, headers, body = call(
        gateway.url, "POST", "/estimate", json.dumps(job).encode(), {"Content-Type": "application/json"}
    )
    assert status == 200, body[:300]
    assert headers["content-type"] == "application/json"
    document = json.loads(body)
    assert sum(room["type"] == "bedroom" for room in document["rooms"]) == 3
    assert document["total_egp"]["high"] == sum(i["total_egp"]["high"] for i in document["items"])
    assert document["budget"]["fits"] is False and document["budget"]["substitutions"]

    status, headers, body = call(
        gateway.url,
        "POST",
        "/estimate",
        json.dumps(job).encode(),
        {"Content-Type": "application/json", "Accept": "text/csv", "Origin": "http://localhost:5173"},
    )
    assert status == 200
    assert headers["content-type"] == "text/csv; charset=utf-8"
    assert headers["access-control-allow-origin"] == "http://localhost:5173"
    assert body.startswith(b"\xef\xbb\xbf") and "محارة".encode() in body

    status, headers, body = call(
        gateway.url,
        "POST",
        "/estimate",
        b'{"state": "bare", "apartment_area_m2": 4000}',
        {"Content-Type": "application/json"},
    )
    assert status == 422 and headers["content-type"] == "application/problem+json"
    assert json.loads(body)["errors"][0]["field"] == "apartment_area_m2"


def test_a_projects_estimate_over_real_sockets_is_its_owners_only(gateway: RunningGateway) -> None:
    home = {
        "name": "Home",
        "state": "plastered",
        "grade": "super_lux",
        "rooms": [
            {"name": "Hall", "type": "reception", "length_m": 5, "width_m": 4},
            {"name": "Bath", "type": "bathroom", "area_m2": 4},
        ],
    }
    owner = {OWNER: f"anon-{uuid.uuid4().hex}"}
    status, _, project = post_json(gateway.url, "/projects", home, owner)
    assert status == 201, project
    bath = project["rooms"][1]["id"]

    status, _, estimate = post_json(
        gateway.url, "/estimate", {"project_id": project["project_id"], "room_id": bath}, owner
    )
    assert status == 200, estimate
    assert (estimate["project_id"], estimate["room_id"]) == (project["project_id"], bath)
    assert [room["name"] for room in estimate["rooms"]] == ["Bath"]
    assert estimate["state"] == "plastered"

    status, _, problem = post_json(gateway.url, "/estimate", {"project_id": project["project_id"]})
    assert (status, problem["code"]) == (404, "project_not_found")  # a new caller owns nothing
