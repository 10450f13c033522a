"""Prompt tokens per chat turn over a long conversation, and how much of each prompt a cache can serve.

A 30-turn conversation with three room photos goes through the real chat route (``functions/chat``,
moto for AWS) and the real google-genai SDK to the fake Gemini (``tests/fakes``), which counts
prompt tokens and simulates the implicit cache (provider-realworld.md §5: a repeated prefix of at
least the model's minimum is served from cache, reported as ``cachedContentTokenCount``).

For each turn it records what the fake counted (``promptTokenCount``, ``cachedContentTokenCount``)
and the *stable prefix*: the tokens this prompt shares from its start with the previous one (the
system instruction and the earlier turns sent unchanged), which is what a cache could serve.

Run on its own: ``PYTHONPATH=.:layers/common .venv/bin/python -m bench.prompt_cache`` (prints JSON).
The benchmark table runs it in a child process (it sets environment variables and patches AWS).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from typing import Any

TURNS = 30
# What must be cacheable. Here the uncacheable part is turn 1 (~1,900 tokens), each turn's new message
# (~175 words of turn context and message, plus ~700 on photo turns) and the one block trim (~2,600):
# ~11,700 of ~113,000 tokens, so ~90% is the ceiling. 85% leaves room for wording, yet fails a
# prompt that breaks at each photo turn (~3,000 tokens each) or a window that slides every turn (~70%).
MIN_STABLE_SHARE = 0.85
PHOTO_TURNS = (1, 11, 21)  # three photos of the room, spread over the conversation
# A designer's answer of ~110 words, and a user message of ~25: a conversation that keeps going.
_REPLY = (
    "For a north-facing bedroom of that size, warm the walls with a soft sand emulsion (#d8c3a5) "
    "and keep the ceiling white so the little daylight you have bounces back. Put the bed against "
    "the wall opposite the window, add linen curtains that clear the frame, and light the corners "
    "with two warm 2700 K lamps. Oak or oak-look vinyl on the floor ties it together; a wool rug "
    "under the bed softens the sound. If the budget allows, a hidden LED strip in a gypsum cornice "
    "gives an even glow in the evening without glare. Tell me the ceiling height and I will price "
    "the paint and the flooring for you, turn {turn}."
)
_MESSAGE = "Turn {turn}: thanks! What about the wardrobe, the curtains and the lighting near the window?"


@dataclass
class TurnCost:
    turn: int
    prompt_tokens: int
    cached_tokens: int
    stable_prefix_tokens: int
    prefix_kept: bool  # the whole previous prompt up to its new message is this one's start


def run(turns: int = TURNS) -> list[TurnCost]:
    """The conversation, in this process (it changes the environment: run it in a child)."""
    import boto3
    from fastapi.testclient import TestClient
    from moto import mock_aws

    from tests.fakes.provider_server import Reply, running_server
    from tests.support.images import photo

    with running_server() as fake, mock_aws():
        os.environ |= {
            "TABLE_NAME": "bench-table",
            "BUCKET_NAME": "bench-bucket",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "GEMINI_API_KEY": "fake-bench-key",
            "GOOGLE_GEMINI_BASE_URL": fake.url,
            "CHAT_PROVIDER": "gemini",
        }
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(
            TableName="bench-table",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="bench-bucket")
        from functions.chat.app import app
        from shatably.storage.media import get_media

        client = TestClient(app)
        session: str | None = None
        headers: dict[str, str] = {}
        for turn in range(1, turns + 1):
            reply = {"reply": _REPLY.format(turn=turn), "plan": None, "room": None, "image_request": None}
            fake.script("gemini", Reply(json=reply))
            data = {"message": _MESSAGE.format(turn=turn)} | ({"session_id": session} if session else {})
            files = (
                {"image": ("room.jpg", photo(900 + turn, 600), "image/jpeg")} if turn in PHOTO_TURNS else None
            )
            response = client.post("/chat/", data=data, files=files, headers=headers)
            response.raise_for_status()
            session = response.json()["session_id"]
            if "X-Owner-Id" in response.headers:  # minted on the first turn, sent back after
                headers = {"X-Owner-Id": response.headers["X-Owner-Id"]}
        records = get_media().table.recent_turns(session or "", turns)
        bodies = [r.json or {} for r in fake.requests_for("gemini")]
    sent = [_tokens(body) for body in bodies]
    costs = []
    for index, record in enumerate(records):
        previous = sent[index - 1] if index else []
        before_message = _tokens(bodies[index - 1], last=False) if index else []
        costs.append(
            TurnCost(
                turn=record.index,
                prompt_tokens=int(record.usage.get("input_tokens", 0)),
                cached_tokens=int(record.usage.get("cached_tokens", 0)),
                stable_prefix_tokens=_shared(previous, sent[index]),
                prefix_kept=bool(index) and _shared(before_message, sent[index]) == len(before_message),
            )
        )
    return costs


def _tokens(body: dict[str, Any], *, last: bool = True) -> list[str]:
    """The prompt as the fake counts it (``FakeProviderServer._gemini_prompt_tokens``).

    ``last=False`` leaves out the new message: the part the next turn can repeat.
    """
    from tests.fakes.provider_server import RecordedRequest

    request = RecordedRequest(route="gemini", method="POST", path="", query={}, headers={}, json=body)
    tokens = (request.gemini_system() or "").split()
    contents = request.gemini_contents()
    for content in contents if last else contents[:-1]:
        for part in content.get("parts") or []:
            if "text" in part:
                tokens += str(part["text"]).split()
            elif "inlineData" in part or "inline_data" in part:
                inline = part.get("inlineData") or part.get("inline_data") or {}
                tokens += [f"<image:{hash(inline.get('data'))}>"] * 560  # gemini 3.x (rw §4)
    return tokens


def _shared(before: list[str], after: list[str]) -> int:
    shared = 0
    for a, b in zip(before, after, strict=False):
        if a != b:
            break
        shared += 1
    return shared


def measure(turns: int = TURNS) -> list[TurnCost]:
    """Run the conversation in a child process (it sets environment variables and patches AWS)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GEMINI_", "OPENAI_"))}
    out = subprocess.run(
        [sys.executable, "-m", "bench.prompt_cache", "--turns", str(turns)],
        capture_output=True,
        text=True,
        env=env | {"POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "ERROR"},
        check=True,
    )
    return [TurnCost(**row) for row in json.loads(out.stdout)]


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--turns", type=int, default=TURNS)
    args = parser.parse_args()
    costs = run(args.turns)
    print(json.dumps([asdict(c) for c in costs]))


if __name__ == "__main__":
    main()
