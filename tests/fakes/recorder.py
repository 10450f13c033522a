"""Record a few real provider answers as sanitised fixtures the fake can replay (``make record-providers``).

With ``GEMINI_API_KEY`` and/or ``OPENAI_API_KEY`` set (real keys: the calls are billed, a few cents),
this sends a small fixed set of requests to each provider and writes one JSON file per answer to
``tests/fakes/recorded/``. Without keys it says so and does nothing. ``--gemini-base-url`` /
``--openai-base-url`` point it elsewhere (the tests record from the fake itself).

Sanitised: the key never leaves the request headers (no request header is stored); prompts are
stored as a SHA-256 prefix and a length; image bytes, thought signatures and response ids become
``<sha256:… bytes=N WxH>`` placeholders; of the response headers only a short list of names known to
carry no identity is kept. ``replay(path)`` turns a file back into a ``Reply`` for the fake, with a
real image of the recorded size wherever an image was.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
from PIL import Image

from tests.fakes.provider_reply import Reply

RECORDED = Path(__file__).parent / "recorded"
GEMINI_URL = "https://generativelanguage.googleapis.com"
OPENAI_URL = "https://api.openai.com/v1"
_KEPT_HEADERS = ("content-type", "retry-after", "retry-after-ms", "openai-version", "x-should-retry")
_KEPT_HEADER_PREFIXES = ("x-ratelimit-",)
_PLACEHOLDER = re.compile(r"^<sha256:[0-9a-f]{12} bytes=(\d+)(?: (\d+)x(\d+))?>$")
_SIGNATURE_FIELDS = {"thoughtSignature", "thought_signature"}
_OPAQUE_FIELDS = {"responseId", "id"}
_PROMPT_FIELDS = {"text", "prompt", "content", "input", "instructions"}

Call = tuple[str, str, str, dict[str, Any]]  # (name, provider, path, JSON body)


def gemini_calls(chat_model: str, image_model: str) -> list[Call]:
    """What we send and what the issue's failures were made of: an answer, a thinking-eaten cap, a
    refused setting, an unknown model, an image."""
    ask = {
        "contents": [{"role": "user", "parts": [{"text": "Suggest one wall colour for a small bedroom."}]}]
    }
    return [
        ("chat-low-thinking", "gemini", f"v1beta/models/{chat_model}:generateContent",
         ask | {"generationConfig": {"maxOutputTokens": 512, "thinkingConfig": {"thinkingLevel": "LOW"}}}),
        ("chat-cap-eaten", "gemini", f"v1beta/models/{chat_model}:generateContent",
         ask | {"generationConfig": {"maxOutputTokens": 16, "thinkingConfig": {"thinkingLevel": "HIGH"}}}),
        ("chat-budget-zero", "gemini", f"v1beta/models/{chat_model}:generateContent",
         ask | {"generationConfig": {"thinkingConfig": {"thinkingBudget": 0}}}),
        ("unknown-model", "gemini", "v1beta/models/gemini-0-nonexistent:generateContent", ask),
        ("image-16x9", "gemini", f"v1beta/models/{image_model}:generateContent",
         {"contents": [{"role": "user", "parts": [{"text": "A bright living room, Scandinavian style."}]}],
          "generationConfig": {"responseModalities": ["IMAGE"], "imageConfig": {"aspectRatio": "16:9"}}}),
    ]  # fmt: skip


def openai_calls(chat_model: str, image_model: str) -> list[Call]:
    messages = [{"role": "user", "content": "Suggest one wall colour for a small bedroom."}]
    low = {"max_completion_tokens": 600, "reasoning_effort": "low"}
    return [
        ("chat-low-effort", "openai", "chat/completions", {"model": chat_model, "messages": messages} | low),
        ("chat-cap-eaten", "openai", "chat/completions",
         {"model": chat_model, "messages": messages, "max_completion_tokens": 16}),
        ("chat-max-tokens", "openai", "chat/completions",
         {"model": chat_model, "messages": messages, "max_tokens": 16}),
        ("image-invalid-size", "openai", "images/generations",
         {"model": image_model, "prompt": "A bright living room.", "size": "1000x1000"}),
        ("image-low", "openai", "images/generations",
         {"model": image_model, "prompt": "A bright living room.", "size": "1024x1024", "quality": "low"}),
    ]  # fmt: skip


def sanitise(value: Any, key: str | None = None) -> Any:
    """A copy with prompts hashed, image bytes and opaque ids replaced by placeholders."""
    if isinstance(value, dict):
        return {k: sanitise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [sanitise(v, key) for v in value]
    if isinstance(value, str) and value:  # an empty answer stays visibly empty
        if key in ("data", "b64_json"):
            return _image_placeholder(value)
        if key in _SIGNATURE_FIELDS:  # bytes on the wire: the placeholder stays valid base64
            return base64.b64encode(_placeholder(value.encode()).encode()).decode()
        if key in _OPAQUE_FIELDS:
            return _placeholder(value.encode())
        if key in _PROMPT_FIELDS:
            return _placeholder(value.encode())
    return value


def _placeholder(data: bytes, size: tuple[int, int] | None = None) -> str:
    shown = f" {size[0]}x{size[1]}" if size else ""
    return f"<sha256:{hashlib.sha256(data).hexdigest()[:12]} bytes={len(data)}{shown}>"


def _image_placeholder(encoded: str) -> str:
    try:
        data = base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_")
        with Image.open(io.BytesIO(data)) as image:
            return _placeholder(data, image.size)
    except Exception:
        return _placeholder(encoded.encode())


def record(
    calls: list[Call], base_urls: dict[str, str], keys: dict[str, str], out: Path, log: Callable[[str], None]
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with httpx2.Client(timeout=120) as client:
        for name, provider, path, body in calls:
            headers = (
                {"x-goog-api-key": keys[provider]}
                if provider == "gemini"
                else {"authorization": f"Bearer {keys[provider]}"}
            )
            response = client.post(f"{base_urls[provider]}/{path}", json=body, headers=headers)
            try:
                answer: Any = response.json()
            except ValueError:
                answer = {"non_json_body": _placeholder(response.content)}
            kept = {
                k: v
                for k, v in response.headers.items()
                if k.lower() in _KEPT_HEADERS or k.lower().startswith(_KEPT_HEADER_PREFIXES)
            }
            fixture = {
                "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "provider": provider,
                "request": {"path": re.sub(r"key=[^&]+", "key=<redacted>", path), "body": sanitise(body)},
                "status": response.status_code,
                "headers": kept,
                "body": sanitise(answer),
            }
            target = out / f"{provider}-{name}.json"
            text = json.dumps(fixture, indent=1, ensure_ascii=False) + "\n"
            if keys[provider] in text:  # belt and braces: a key must never be written
                raise RuntimeError(f"{target.name}: the API key appeared in the answer; nothing written")
            target.write_text(text)
            written.append(target)
            log(f"{target.name}: {response.status_code}")
    return written


def replay(path: Path) -> Reply:
    """A recorded answer as a ``Reply`` for the fake: real images of the recorded size where images
    were, placeholders elsewhere left as they are (opaque ids and hashed prompts)."""
    fixture = json.loads(path.read_text())
    return Reply(status=fixture["status"], body=_restore(fixture["body"]), headers=dict(fixture["headers"]))


def _restore(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _restore(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v) for v in value]
    if isinstance(value, str):
        match = _PLACEHOLDER.match(value)
        if match and match[2]:
            from tests.fakes.provider_server import make_image

            return base64.b64encode(make_image(int(match[2]), int(match[3]))).decode()
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=RECORDED)
    parser.add_argument("--gemini-base-url", default=GEMINI_URL)
    parser.add_argument("--openai-base-url", default=OPENAI_URL)
    args = parser.parse_args(argv)
    keys = {p: os.environ.get(f"{p.upper()}_API_KEY", "") for p in ("gemini", "openai")}
    if not any(keys.values()):
        print(
            "record-providers: skipped. Set GEMINI_API_KEY and/or OPENAI_API_KEY to real keys to record "
            "fresh fixtures (about ten small calls, billed to those keys).",
            file=sys.stderr,
        )
        return 0
    from shatably.settings import Settings

    settings = Settings.from_environ()
    calls: list[Call] = []
    if keys["gemini"]:
        calls += gemini_calls(settings.gemini_chat_model, settings.gemini_image_model)
    if keys["openai"]:
        calls += openai_calls(settings.openai_chat_model, settings.openai_image_model)
    bases = {"gemini": args.gemini_base_url.rstrip("/"), "openai": args.openai_base_url.rstrip("/")}
    written = record(calls, bases, keys, args.out, lambda line: print(line, file=sys.stderr))
    print(f"record-providers: {len(written)} fixtures in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
