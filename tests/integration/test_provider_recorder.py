"""``make record-providers``: recorded against the fake here (no real keys in tests), then replayed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from shatably.errors import ProblemError
from shatably.providers.base import ChatMessage, ChatRequest, GenerateRequest
from shatably.providers.gemini import GeminiProvider
from shatably.settings import get_settings
from tests.fakes import recorder
from tests.fakes.provider_server import FakeProviderServer
from tests.support.images import open_image

KEY = "rec-key-7d1c0b"


def test_without_keys_it_says_how_and_records_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)

    assert recorder.main(["--out", str(tmp_path)]) == 0

    assert "skipped. Set GEMINI_API_KEY and/or OPENAI_API_KEY" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_recordings_keep_no_key_prompt_or_image_and_replay_through_the_sdk(
    provider_env: Any, fake_providers: FakeProviderServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    args = ["--out", str(tmp_path), "--gemini-base-url", fake_providers.url]
    assert recorder.main([*args, "--openai-base-url", fake_providers.openai_base_url]) == 0

    files = {p.name: p for p in tmp_path.iterdir()}
    assert len(files) == 10
    everything = "".join(p.read_text() for p in files.values())
    assert KEY not in everything
    assert "Suggest one wall colour" not in everything and "bright living room" not in everything
    assert "iVBORw0KGgo" not in everything  # no PNG bytes
    recorded = json.loads(files["gemini-chat-budget-zero.json"].read_text())
    assert (recorded["status"], recorded["body"]["error"]["message"]) == (
        400,
        "Budget 0 is invalid. This model only works in thinking mode.",
    )
    image = json.loads(files["gemini-image-16x9.json"].read_text())
    data = image["body"]["candidates"][0]["content"]["parts"][-1]["inlineData"]["data"]
    assert data.startswith("<sha256:") and data.endswith(" 1376x768>")  # 16:9 at 1K (rw §4)

    # Replayed: the SDK reads the recorded answers as it read the originals.
    gemini = GeminiProvider(get_settings())
    fake_providers.script("gemini", recorder.replay(files["gemini-image-16x9.json"]))
    result = asyncio.run(gemini.generate(GenerateRequest(prompt="x", width=1376, height=768, timeout=20)))
    assert isinstance(result.images[0].data, bytes)
    assert open_image(result.images[0].data).size == (1376, 768)
    fake_providers.script("gemini", recorder.replay(files["gemini-chat-cap-eaten.json"]))
    request = ChatRequest(system="", history=(), message=ChatMessage("user", "hi"), timeout=20)
    with pytest.raises(ProblemError) as info:
        asyncio.run(gemini.chat(request))
    assert info.value.code == "upstream_truncated"
