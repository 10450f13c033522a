"""POST /edit/: the v1 multipart contract, JSON references, structure-preserving prompts, lineage."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.integration.conftest import Aws
from tests.support.images import b64, open_image, photo

OWNER = "X-Owner-Id"


def edit_multipart(
    client: TestClient, image: bytes, prompt: str = "make it scandinavian", **fields: str
) -> Any:
    return client.post(
        "/edit/",
        data={"prompt": prompt, **fields},
        files={"image": ("room.jpg", image, "image/jpeg")},
    )


def test_v1_multipart_edit_returns_the_documented_shape_at_the_source_size(edit_client: TestClient) -> None:
    response = edit_multipart(edit_client, photo(800, 600))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    assert body["message"]
    result = open_image(base64.b64decode(body["edited_image"]))
    assert result.size == (body["source"]["width"], body["source"]["height"]) == (800, 600)
    assert body["image"]["parent_id"] == body["source"]["id"]
    assert body["image"]["provider"] == "offline"
    assert body["format"] == "png"


def test_a_chain_of_three_edits_can_be_walked_and_an_ancestor_edited_again(edit_client: TestClient) -> None:
    first = edit_multipart(edit_client, photo())
    owner = {OWNER: first.headers[OWNER]}
    ids = [first.json()["source"]["id"], first.json()["image"]["id"]]
    for prompt in ("repaint the walls sage green", "stage it with a sofa"):
        step = edit_client.post(
            "/edit",
            json={
                "prompt": prompt,
                "image": {"image_id": ids[-1]},
                "operation": "repaint",
                "color": "#9CAF88",
            },
            headers=owner,
        )
        assert step.status_code == 200, step.text
        assert step.json()["image"]["parent_id"] == ids[-1]
        ids.append(step.json()["image"]["id"])

    lineage = edit_client.get(f"/images/{ids[-1]}", headers=owner)
    assert lineage.status_code == 404  # /images lives on the generate function, not here
    from tests.integration.conftest import load_app

    walked = TestClient(load_app("generate").app).get(f"/images/{ids[-1]}", headers=owner).json()
    assert walked["ancestors"] == list(reversed(ids[:-1]))

    again = edit_client.post(
        "/edit",
        json={"prompt": "restyle as japandi", "image": {"image_id": ids[1]}, "style": "japandi"},
        headers=owner,
    )
    assert again.status_code == 200
    assert again.json()["image"]["parent_id"] == ids[1]


def test_repaint_changes_pixels_toward_the_colour(edit_client: TestClient) -> None:
    source = photo(320, 240, colour=(200, 200, 200))
    response = edit_client.post(
        "/edit",
        json={
            "prompt": "paint it navy",
            "image": {"data": b64(source)},
            "operation": "repaint",
            "color": "navy",
        },
    )
    assert response.status_code == 200, response.text
    result = open_image(base64.b64decode(response.json()["edited_image"])).convert("RGB")
    pixel = result.getpixel((160, 120))
    assert isinstance(pixel, tuple)
    r, _, b = pixel[:3]
    assert b > r  # navy is blue-dominant; the grey source was not


def test_a_mask_of_another_shape_is_refused(edit_client: TestClient) -> None:
    mask = io.BytesIO()
    Image.new("RGBA", (100, 400), (0, 0, 0, 0)).save(mask, "PNG")
    response = edit_client.post(
        "/edit",
        json={
            "prompt": "new sofa",
            "image": {"data": b64(photo(400, 300))},
            "mask": {"data": b64(mask.getvalue())},
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "mask_mismatch"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            415,
            "unsupported_media_type",
        ),
        (b"", 422, "image_empty"),
        (b"\xff\xd8\xff\xe0garbage", 422, "image_undecodable"),
    ],
)
def test_hostile_uploads_get_problems_and_the_function_stays_healthy(
    edit_client: TestClient, payload: bytes, status: int, code: str
) -> None:
    response = edit_multipart(edit_client, payload)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert edit_client.get("/health").status_code == 200


def test_missing_prompt_in_multipart_is_a_validation_problem(edit_client: TestClient) -> None:
    response = edit_client.post("/edit/", files={"image": ("room.jpg", photo(), "image/jpeg")})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


def test_large_photos_go_through_a_presigned_upload(edit_client: TestClient, aws: Aws) -> None:
    ticket = edit_client.post(
        "/uploads", json={"content_type": "image/jpeg", "filename": "room.jpg", "size": 50_000}
    )
    assert ticket.status_code == 201
    body = ticket.json()
    assert ["content-length-range", 1, body["max_bytes"]] in _policy_conditions(body["fields"]["policy"])
    owner = {OWNER: ticket.headers[OWNER]}
    # The browser posts straight to S3; here the object is put where the policy says.
    aws.s3.put_object(Bucket="shatably-test-media", Key=body["fields"]["key"], Body=photo(1200, 900))

    edited = edit_client.post(
        "/edit",
        json={"prompt": "declutter", "image": {"upload_id": body["upload_id"]}, "operation": "declutter"},
        headers=owner,
    )
    stolen = edit_client.post(
        "/edit",
        json={"prompt": "declutter", "image": {"upload_id": body["upload_id"]}},
        headers={OWNER: "anon-" + "z" * 32},
    )

    assert edited.status_code == 200, edited.text
    assert stolen.status_code == 404
    assert stolen.json()["code"] == "upload_not_found"


def test_uploads_over_the_cap_are_refused_up_front(edit_client: TestClient) -> None:
    response = edit_client.post("/uploads", json={"content_type": "image/jpeg", "size": 500 * 1024 * 1024})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def _policy_conditions(policy_b64: str) -> list[Any]:
    import json

    conditions: list[Any] = json.loads(base64.b64decode(policy_b64))["conditions"]
    return conditions


def test_async_edit_from_multipart_runs_through_the_edit_worker(edit_client: TestClient, aws: Aws) -> None:
    from tests.integration.test_generate import run_queued_jobs

    accepted = edit_client.post(
        "/edit",
        data={"prompt": "stage it"},
        files={"image": ("r.jpg", photo(), "image/jpeg")},
        headers={"Prefer": "respond-async"},
    )
    assert accepted.status_code == 202, accepted.text
    assert run_queued_jobs(aws, "edit") == {"batchItemFailures": []}
    from tests.integration.conftest import load_app

    job = (
        TestClient(load_app("generate").app)
        .get(accepted.headers["Location"], headers={OWNER: accepted.headers[OWNER]})
        .json()
    )
    assert job["status"] == "succeeded"
    assert job["kind"] == "edit"
