"""The contract: the fake provider server produces every example of the reference.

``tests/fakes/realworld_examples.json`` copies provider-realworld.md's examples verbatim. Each is
produced here over a socket, from a request the real API would answer that way (or, for a failure
no request can cause, the fake's named shape builder). Errors must match byte for byte as JSON;
successes must match in shape: the same keys at every level, the same enum and text values, and
numbers of the same type (the fake counts tokens its own way; ids, bytes and times are opaque).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.fakes import provider_shapes as shapes
from tests.fakes.provider_server import FakeProviderServer, Reply, make_image

EXAMPLES = {
    e["id"]: e
    for e in json.loads((Path(__file__).parents[1] / "fakes" / "realworld_examples.json").read_text())[
        "examples"
    ]
}
OPAQUE = {"responseId", "data", "b64_json", "thoughtSignature", "id", "created"}
# The SAFETY capture came from gemini-2.0-flash-exp, long retired: its model is not compared.
RETIRED_MODEL = {"gemini-candidate-safety": "modelVersion"}
GEMINI_KEY = {"x-goog-api-key": "fake-gemini-key"}
OPENAI_KEY = {"authorization": "Bearer fake-openai-key"}


def gemini(server: FakeProviderServer, model: str, body: dict[str, Any], *replies: Reply) -> httpx2.Response:
    server.script("gemini", *replies)
    return httpx2.post(f"{server.url}/v1beta/models/{model}:generateContent", json=body, headers=GEMINI_KEY)


def openai(
    server: FakeProviderServer, route: str, path: str, body: dict[str, Any], *replies: Reply
) -> httpx2.Response:
    server.script(route, *replies)  # type: ignore[arg-type]
    return httpx2.post(f"{server.openai_base_url}/{path}", json=body, headers=OPENAI_KEY)


def ask(text: str = "Suggest a colour.", **config: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"contents": [{"role": "user", "parts": [{"text": text}]}]}
    if config:
        body["generationConfig"] = config
    return body


# id -> (how the fake is made to answer, keys the fake may add that the captured example lacks)
PRODUCERS: dict[str, tuple[Callable[[FakeProviderServer], httpx2.Response], set[str]]] = {
    "gemini-429-per-minute-2025": (
        lambda s: gemini(
            s,
            "gemini-2.5-flash",
            ask(),
            shapes.gemini_quota_429(
                "gemini-2.5-flash",
                ("GenerateContentInputTokensPerModelPerMinute-FreeTier",),
                limit=250000,
                retry_in=26,
                style="2025-06",
            ),
        ),
        set(),
    ),
    "gemini-429-per-day-2026": (
        lambda s: gemini(
            s,
            "gemini-3.5-flash",
            ask(),
            shapes.gemini_quota_429("gemini-3.5-flash", (shapes.PER_DAY,), limit=20, retry_in=38.90923309),
        ),
        set(),
    ),
    "gemini-429-bare": (lambda s: gemini(s, "gemini-2.5-flash", ask(), shapes.gemini_bare_429()), set()),
    "gemini-503-overloaded": (
        lambda s: gemini(s, "gemini-2.5-flash", ask(), shapes.gemini_overloaded_503()),
        set(),
    ),
    "gemini-500-internal": (
        lambda s: gemini(s, "gemini-2.5-flash", ask(), shapes.gemini_internal_500()),
        set(),
    ),
    "gemini-400-unknown-field": (
        lambda s: gemini(
            s, "gemini-2.5-flash", ask(), shapes.gemini_unknown_field_400("role", "contents[0].parts")
        ),
        set(),
    ),
    "gemini-400-invalid-key": (
        lambda s: gemini(s, "gemini-2.5-flash", ask(), shapes.gemini_invalid_key_400()),
        set(),
    ),
    # A real request for a model that does not exist: the fake's own rule answers.
    "gemini-404-unknown-model": (lambda s: gemini(s, "gemini-2.0-pro", ask()), set()),
    "gemini-function-call-with-signature": (
        lambda s: gemini(
            s,
            "gemini-2.5-flash",
            ask(),
            Reply(
                tool_calls=(("getTodayStep", {"project_id": "finish first draft"}),),
                finish_message="Model generated function call(s).",
            ),
        ),
        set(),
    ),
    # Thinking (dynamic on 2.5 flash) outruns a 299-token cap.
    "gemini-max-tokens-eaten-by-thinking": (
        lambda s: gemini(s, "gemini-2.5-flash", ask(maxOutputTokens=299)),
        {"responseId", "promptTokensDetails"},  # the captured log line left them out
    ),
    "gemini-image-text-and-image": (
        lambda s: gemini(
            s,
            "gemini-2.5-flash-image",
            ask("A cosy reading nook", responseModalities=["TEXT", "IMAGE"]),
            Reply(text="Here is your image: "),
        ),
        set(),
    ),
    "gemini-image-other": (
        lambda s: gemini(
            s,
            "gemini-3.1-flash-image",
            ask("A room"),
            Reply(
                finish_reason="IMAGE_OTHER",
                no_content=True,
                finish_message="Unable to show the generated image. The model could not generate the image "
                "based on the prompt provided.",
            ),
        ),
        {"index", "usageMetadata", "modelVersion", "responseId"},  # the issue quoted the candidate only
    ),
    "gemini-prompt-blocked": (
        lambda s: gemini(s, "gemini-2.5-flash", ask(), Reply(block_reason="PROHIBITED_CONTENT")),
        set(),
    ),
    "gemini-candidate-safety": (
        lambda s: gemini(
            s,
            "gemini-2.5-flash",
            ask("Suggest a colour.", thinkingConfig={"thinkingBudget": 0}),
            Reply(finish_reason="SAFETY", no_content=True),
        ),
        {"index", "responseId", "promptTokensDetails"},  # a 2024 gemini-2.0 capture
    ),
    "openai-429-rate-limit": (
        lambda s: openai(
            s,
            "chat_completions",
            "chat/completions",
            {"model": "gpt-4o", "messages": []},
            shapes.openai_rate_limit_429("gpt-4o", headers=False),
        ),
        set(),
    ),
    "openai-429-insufficient-quota": (
        lambda s: openai(
            s,
            "chat_completions",
            "chat/completions",
            {"model": "gpt-4o", "messages": []},
            shapes.openai_insufficient_quota_429(),
        ),
        set(),
    ),
    "openai-400-moderation-blocked": (
        lambda s: openai(
            s,
            "images_generate",
            "images/generations",
            {"model": "gpt-image-2", "prompt": "x"},
            shapes.openai_moderation_400(),
        ),
        set(),
    ),
    # A real request at a size gpt-image-1.5 cannot make: the fake's own rule answers.
    "openai-400-invalid-size": (
        lambda s: openai(
            s,
            "images_generate",
            "images/generations",
            {"model": "gpt-image-1.5", "prompt": "x", "size": "512x512"},
        ),
        set(),
    ),
    "openai-400-billing-hard-limit": (
        lambda s: openai(
            s,
            "images_generate",
            "images/generations",
            {"model": "gpt-image-2", "prompt": "x"},
            shapes.openai_billing_limit_400(),
        ),
        set(),
    ),
    # A real request: max_tokens on a reasoning model.
    "openai-400-max-tokens-unsupported": (
        lambda s: openai(
            s, "chat_completions", "chat/completions", {"model": "gpt-5", "messages": [], "max_tokens": 400}
        ),
        set(),
    ),
    "openai-500-server-error": (
        lambda s: openai(
            s,
            "chat_completions",
            "chat/completions",
            {"model": "gpt-4o", "messages": []},
            shapes.openai_server_error_500(),
        ),
        set(),
    ),
    "openai-503-overloaded": (
        lambda s: openai(
            s,
            "chat_completions",
            "chat/completions",
            {"model": "gpt-4o", "messages": []},
            shapes.openai_overloaded_503(),
        ),
        set(),
    ),
    "openai-images-response": (
        lambda s: openai(
            s,
            "images_generate",
            "images/generations",
            {"model": "gpt-image-1.5", "prompt": "A cosy room", "size": "1024x1024", "quality": "high"},
        ),
        set(),
    ),
    # medium effort (the default) spends more than a 400-token cap.
    "openai-responses-incomplete": (
        lambda s: openai(
            s,
            "responses",
            "responses",
            {"model": "gpt-5-2025-08-07", "input": "Plan a room", "max_output_tokens": 400},
        ),
        set(),
    ),
    "openai-chat-length-all-reasoning": (
        lambda s: openai(
            s,
            "chat_completions",
            "chat/completions",
            {
                "model": "gpt-5-mini",
                "messages": [{"role": "user", "content": "Plan a room"}],
                "max_completion_tokens": 400,
            },
        ),
        {"id", "object", "created", "model", "logprobs"},  # the reference's body is a RECON of these fields
    ),
    # Two prompts sharing a long prefix: the second is served from the implicit cache.
    "gemini-implicit-cache-usage": (
        lambda s: (
            gemini(s, "gemini-2.5-flash", ask("oak " * 3000 + "first")),
            gemini(s, "gemini-2.5-flash", ask("oak " * 3000 + "second")),
        )[1],
        set(),
    ),
}


def test_every_example_of_the_reference_has_a_producer() -> None:
    assert set(PRODUCERS) == set(EXAMPLES)


@pytest.mark.parametrize("example_id", sorted(EXAMPLES))
def test_the_fake_produces_the_reference_example(fake_providers: FakeProviderServer, example_id: str) -> None:
    example = EXAMPLES[example_id]
    produce, extra_keys = PRODUCERS[example_id]

    response = produce(fake_providers)

    assert response.status_code == example["status"], response.text
    body = response.json()
    if example["status"] != 200:
        assert body == example["body"]  # errors: exactly the captured body
        return
    if example.get("fragment"):
        key = example["fragment"]
        expected = example["body"][key]
        assert set(expected) <= set(body[key]), sorted(set(expected) - set(body[key]))
        same_shape({k: expected[k] for k in expected}, {k: body[key][k] for k in expected})
        return
    if example_id in RETIRED_MODEL:
        body[RETIRED_MODEL[example_id]] = example["body"][RETIRED_MODEL[example_id]]
    same_shape(example["body"], body, extra_keys)


def test_the_fake_counts_what_the_reference_measured(fake_providers: FakeProviderServer) -> None:
    """Numbers the reference states as rules: all-reasoning "length" uses the whole cap (rw §8),
    gpt-image-1 high at 1024x1024 is 4160 output tokens (rw §7), a 2.5 flash image 1290 (rw §4)."""
    chat = PRODUCERS["openai-chat-length-all-reasoning"][0](fake_providers).json()
    assert (
        chat["usage"]["completion_tokens"]
        == chat["usage"]["completion_tokens_details"]["reasoning_tokens"]
        == 400
    )
    image = PRODUCERS["openai-images-response"][0](fake_providers).json()
    assert image["usage"]["output_tokens"] == image["usage"]["output_tokens_details"]["image_tokens"] == 4160
    gemini_image = PRODUCERS["gemini-image-text-and-image"][0](fake_providers).json()
    assert gemini_image["usageMetadata"]["candidatesTokensDetails"] == [
        {"modality": "IMAGE", "tokenCount": 1290}
    ]
    eaten = PRODUCERS["gemini-max-tokens-eaten-by-thinking"][0](fake_providers).json()["usageMetadata"]
    assert eaten["thoughtsTokenCount"] == 299 and "candidatesTokenCount" not in eaten


@pytest.mark.parametrize(
    ("model", "config", "status", "message"),
    [
        (
            "gemini-2.5-flash",
            {"thinkingConfig": {"thinkingLevel": "low"}},
            400,
            "Thinking level is not supported",
        ),
        ("gemini-3.5-flash", {"thinkingConfig": {"thinkingBudget": 0}}, 400, "Budget 0 is invalid"),
        ("gemini-3-pro", {"thinkingConfig": {"thinkingLevel": "minimal"}}, 400, "Thinking level MINIMAL"),
        ("gemini-2.5-pro", {"thinkingConfig": {"thinkingBudget": 52428}}, 400, "The thinking budget (52428)"),
        ("gemini-2.5-flash-image", {"imageConfig": {"aspectRatio": "4:1"}}, 400, "aspect_ratio"),
        ("gemini-3-pro-image", {"imageConfig": {"imageSize": "1k"}}, 400, "image_size"),
        ("gemini-3.5-flash", {"foo": 1}, 400, 'Unknown name "foo"'),
        ("gemini-3.1-flash-image-preview", {}, 404, "is not found for API version"),
    ],
)
def test_the_fake_refuses_what_gemini_refuses(
    fake_providers: FakeProviderServer, model: str, config: dict[str, Any], status: int, message: str
) -> None:
    response = gemini(fake_providers, model, ask(**config))

    assert response.status_code == status
    assert message in response.json()["error"]["message"]


def test_the_fake_refuses_images_gemini_cannot_read(fake_providers: FakeProviderServer) -> None:
    import base64

    def with_image(data: bytes, mime: str) -> dict[str, Any]:
        inline = {"inlineData": {"mimeType": mime, "data": base64.b64encode(data).decode()}}
        return {"contents": [{"role": "user", "parts": [inline, {"text": "What is this?"}]}]}

    jpg = gemini(fake_providers, "gemini-3.5-flash", with_image(make_image(8, 8, "jpeg"), "image/jpg"))
    broken = gemini(
        fake_providers, "gemini-3.5-flash", with_image(b"\xff\xd8\xff\xe0 not really", "image/jpeg")
    )

    assert jpg.json()["error"]["message"] == "Unsupported MIME type: image/jpg"  # rw §2
    assert broken.json()["error"]["message"].startswith("Unable to process input image.")


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"model": "gpt-image-2", "prompt": "x", "size": "1000x1000"}, "size"),  # not multiples of 16
        ({"model": "gpt-image-2", "prompt": "x", "size": "3840x1024"}, "size"),  # wider than 3:1
        ({"model": "gpt-image-2", "prompt": "x", "size": "512x512"}, "size"),  # under 655,360 pixels
        ({"model": "gpt-image-2", "prompt": "x", "n": 11}, "n"),
        ({"model": "dall-e-3", "prompt": "x"}, None),  # retired: unknown
    ],
)
def test_the_fake_refuses_image_requests_openai_refuses(
    fake_providers: FakeProviderServer, body: dict[str, Any], param: str | None
) -> None:
    response = openai(fake_providers, "images_generate", "images/generations", body)

    assert response.status_code in (400, 404)
    assert response.json()["error"]["param"] == param


def test_the_fake_refuses_a_mask_of_another_size(fake_providers: FakeProviderServer) -> None:
    # rw §7: the mask must have the same dimensions as the (first) image.
    response = httpx2.post(
        f"{fake_providers.openai_base_url}/images/edits",
        data={"model": "gpt-image-2", "prompt": "paint"},
        files={
            "image": ("room.png", make_image(64, 48), "image/png"),
            "mask": ("mask.png", make_image(32, 24), "image/png"),
        },
        headers=OPENAI_KEY,
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "mask"


def test_the_fake_refuses_reasoning_parameters_reasoning_models_refuse(
    fake_providers: FakeProviderServer,
) -> None:
    temperature = openai(
        fake_providers,
        "chat_completions",
        "chat/completions",
        {"model": "gpt-5", "messages": [], "temperature": 0.2},
    )
    effort = openai(
        fake_providers,
        "chat_completions",
        "chat/completions",
        {"model": "gpt-5", "messages": [], "reasoning_effort": "none"},
    )

    # rw §6, verbatim quotes.
    assert temperature.json()["error"]["message"] == (
        "Unsupported value: 'temperature' does not support 0.2 with this model. "
        "Only the default (1) value is supported."
    )
    assert (
        effort.json()["error"]["message"]
        == "Unsupported value: 'reasoning_effort' does not support 'none' with this model."
    )


def same_shape(expected: Any, actual: Any, extra_keys: Collection[str] = (), path: str = "$") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: {actual!r}"
        assert not set(expected) - set(actual), f"{path}: missing {sorted(set(expected) - set(actual))}"
        assert not set(actual) - set(expected) - set(extra_keys), (
            f"{path}: extra {sorted(set(actual) - set(expected))}"
        )
        for key, value in expected.items():
            if key not in OPAQUE:
                same_shape(value, actual[key], extra_keys, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: {actual!r}"
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            same_shape(want, got, extra_keys, f"{path}[{index}]")
    elif isinstance(expected, str) and ("…" in expected or expected.startswith("<")):
        assert isinstance(actual, str), path  # an elided value in the reference
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
    else:
        assert type(actual) is type(expected), f"{path}: {actual!r} is not like {expected!r}"
