"""The studio over HTTP with the offline provider: the new operations, variations, resolutions,
colours reported back, style previews and the before/after chain."""

from __future__ import annotations

import base64
import itertools
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.conftest import load_app
from tests.support.images import b64, open_image, photo

OWNER = "X-Owner-Id"


def edit(client: TestClient, headers: dict[str, str] | None = None, **body: Any) -> Any:
    payload = {"prompt": "make it lovely", "image": {"data": b64(photo(640, 480))}, **body}
    return client.post("/edit", json=payload, headers=headers or {})


@pytest.mark.parametrize(
    "body",
    [
        {"operation": "finish", "style": "egyptian_contemporary", "grade": "lux", "room_type": "living_room"},
        {"operation": "finish"},  # the default grade
        {"operation": "empty"},
        {"operation": "stage", "room_type": "bedroom", "style": "japandi"},
        {"operation": "render", "style": "scandinavian"},
        {"operation": "restyle", "room_type": "garden", "style": "mediterranean"},
    ],
    ids=lambda b: "-".join(str(v) for v in b.values()),
)
def test_each_new_operation_answers_an_image_that_records_its_source_and_operation(
    edit_client: TestClient, body: dict[str, Any]
) -> None:
    response = edit(edit_client, **body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["operation"] == body["operation"]
    assert answer["image"]["operation"] == body["operation"]
    assert answer["image"]["parent_id"] == answer["source"]["id"]
    assert (answer["image"]["width"], answer["image"]["height"]) == (640, 480)


def test_reference_takes_a_second_photo_and_records_it(edit_client: TestClient) -> None:
    inspiration = photo(300, 400, colour=(30, 90, 160))  # another shape: only its style counts
    response = edit(edit_client, operation="reference", reference={"data": b64(inspiration)})
    assert response.status_code == 200, response.text
    image = response.json()["image"]
    assert image["reference_id"] and image["reference_id"] != image["parent_id"]
    assert (image["width"], image["height"]) == (640, 480)  # the room's shape, not the reference's
    result = open_image(base64.b64decode(response.json()["edited_image"])).convert("RGB")
    pixel = result.getpixel((320, 240))
    assert isinstance(pixel, tuple)
    r, _, b = pixel[:3]
    assert b > r  # the warm beige room took the blue reference's colours


def test_reference_from_the_multipart_form(edit_client: TestClient) -> None:
    response = edit_client.post(
        "/edit/",
        data={"prompt": "like this one", "operation": "reference"},
        files={
            "image": ("room.jpg", photo(400, 300), "image/jpeg"),
            "reference": ("ref.jpg", photo(200, 200, colour=(20, 120, 60)), "image/jpeg"),
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["image"]["reference_id"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"operation": "reference"}, "reference needs the inspiration photo"),
        ({"operation": "restyle", "reference": {"data": b64(photo(64, 64))}}, "only used by the reference"),
        ({"operation": "restyle", "grade": "lux"}, "grade is only used by the finish"),
        ({"operation": "restyle", "n": 5}, "less than or equal to 4"),
        ({"operation": "restyle", "resolution": "8k"}, "'1k', '2k' or '4k'"),
    ],
)
def test_requests_that_cannot_work_are_refused_before_any_spend(
    edit_client: TestClient, body: dict[str, Any], message: str
) -> None:
    response = edit(edit_client, **body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert message in response.text


def test_an_interior_style_on_a_facade_is_refused_with_what_suits(edit_client: TestClient) -> None:
    response = edit(edit_client, room_type="facade", style="japandi")
    assert response.status_code == 422
    assert response.json()["code"] == "style_unsuited"
    assert "mediterranean" in response.json()["suitable_styles"]


def test_n_variations_each_at_the_sources_aspect_and_each_different(edit_client: TestClient) -> None:
    response = edit(edit_client, operation="restyle", style="moroccan", n=3)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert len(answer["images"]) == 3 and answer["images"][0] == answer["image"]
    assert len({i["id"] for i in answer["images"]}) == 3
    assert all(i["parent_id"] == answer["source"]["id"] for i in answer["images"])
    assert all((i["width"], i["height"]) == (640, 480) for i in answer["images"])


@pytest.mark.parametrize(("resolution", "size"), [("1k", (1024, 768)), ("2k", (2048, 1536))])
def test_a_resolution_scales_the_result_keeping_the_sources_aspect(
    edit_client: TestClient, resolution: str, size: tuple[int, int]
) -> None:
    response = edit(edit_client, resolution=resolution)
    assert response.status_code == 200, response.text
    image = response.json()["image"]
    assert (image["width"], image["height"]) == size  # 640x480 is 4:3; so are these


def test_generate_takes_a_resolution_too(generate_client: TestClient) -> None:
    response = generate_client.post(
        "/image/generate", json={"prompt": "a salon", "aspect_ratio": "16:9", "resolution": "2k"}
    )
    assert response.status_code == 200, response.text
    image = response.json()["images"][0]
    assert (image["width"], image["height"]) == (2048, 1152)
    both = generate_client.post(
        "/image/generate", json={"prompt": "x", "size": "1024x1024", "resolution": "2k"}
    )
    assert both.status_code == 422


@pytest.mark.parametrize(
    ("color", "resolved"),
    [("رصاصي", "#7D8285"), ("light gray", "#BDBDBB"), ("بيج فاتح", "#E6DBC6"), ("rose gold shimmer", None)],
)
def test_the_colour_is_reported_as_given_and_as_resolved(
    edit_client: TestClient, color: str, resolved: str | None
) -> None:
    response = edit(edit_client, operation="repaint", color=color, sheen="لامع")
    assert response.status_code == 200, response.text
    assert response.json()["color"] == {"input": color, "resolved_hex": resolved, "sheen": "gloss"}


def test_a_replayed_edit_reports_the_same_colour_and_images(edit_client: TestClient) -> None:
    headers = {"Idempotency-Key": "colour-replay-0001"}
    first = edit(edit_client, headers=headers, operation="repaint", color="بترولي", n=2)
    headers[OWNER] = first.headers[OWNER]
    again = edit(edit_client, headers=headers, operation="repaint", color="بترولي", n=2)
    assert first.status_code == again.status_code == 200
    assert (
        again.json()["color"]
        == first.json()["color"]
        == {
            "input": "بترولي",
            "resolved_hex": "#1F5C6B",
            "sheen": "matte",
        }
    )
    assert [i["id"] for i in again.json()["images"]] == [i["id"] for i in first.json()["images"]]


def test_the_image_chain_gives_before_and_after_for_every_step(edit_client: TestClient) -> None:
    first = edit(edit_client, operation="finish")
    owner = {OWNER: first.headers[OWNER]}
    steps = [("finish", first.json())]
    for body in (
        {"operation": "stage", "room_type": "living_room"},
        {"operation": "repaint", "color": "سماوي"},
    ):
        answer = edit(
            edit_client, headers=owner, image={"image_id": steps[-1][1]["image"]["id"]}, **body
        ).json()
        steps.append((str(body["operation"]), answer))

    detail = TestClient(load_app("generate").app).get(f"/images/{steps[-1][1]['image']['id']}", headers=owner)
    assert detail.status_code == 200
    chain = detail.json()["chain"]
    assert [c["operation"] for c in chain] == ["repaint", "stage", "finish", "upload"]
    for after, before in itertools.pairwise(chain):
        assert after["parent_id"] == before["id"] and before["url"]
    assert detail.json()["ancestors"] == [c["id"] for c in chain[1:]]


def test_styles_list_previews_that_are_served_as_small_images(generate_client: TestClient) -> None:
    styles = generate_client.get("/styles").json()["styles"]
    japandi = next(s for s in styles if s["id"] == "japandi")
    preview = generate_client.get(japandi["preview_url"])
    assert preview.status_code == 200
    assert preview.headers["content-type"] == "image/webp"
    assert "max-age" in preview.headers["cache-control"]
    assert open_image(preview.content).size == (320, 240)
    missing = generate_client.get("/styles/cyberpunk/preview")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
