"""In-process fakes for the warm benchmark: the table, the bucket and an instant chat provider.

``FakeTable`` and ``FakeBucket`` have the public methods of ``shatably.storage.table.Table`` and
``shatably.storage.bucket.Bucket`` with the same signatures and the same observable rules (quota
limits, conditional turn writes, job transitions, missing objects), keeping items as models in
dicts. ``install()`` swaps them in where the layer looks them up, so the apps run unchanged.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from shatably.errors import ProblemError
from shatably.providers.base import ChatRequest, ChatResult, Usage
from shatably.storage.models import ImageRecord, JobRecord, SessionRecord, TurnRecord


class FakeTable:
    def __init__(self, name: str = "shatably-fake") -> None:
        self.name = name
        self.sessions: dict[str, SessionRecord] = {}
        self.turns: dict[str, dict[int, TurnRecord]] = {}
        self.images: dict[str, ImageRecord] = {}
        self.jobs: dict[str, JobRecord] = {}
        self.counters: dict[tuple[str, str], dict[str, int]] = {}
        self.erased: dict[str, int] = {}  # owner -> when an erase began (ms); the bench erases no one
        self._lock = threading.Lock()

    # --- sessions and turns
    def get_session(self, session_id: str) -> SessionRecord | None:
        return self.sessions.get(session_id)

    def recent_turns(self, session_id: str, limit: int) -> list[TurnRecord]:
        turns = self.turns.get(session_id, {})
        return [turns[i] for i in sorted(turns)[-limit:]] if limit > 0 else []

    def append_turn(self, session: SessionRecord, turn: TurnRecord) -> None:
        with self._lock:
            stored = self.sessions.get(session.session_id)
            if (stored is None) != (turn.index == 1) or (stored and stored.turn_count != turn.index - 1):
                raise ProblemError("conversation_conflict", retry_after=1)
            self.sessions[session.session_id] = session
            self.turns.setdefault(session.session_id, {})[turn.index] = turn

    # --- erasure (DELETE /me): the work a request stores reads it once, after storing
    def erased_since(self, owner: str, started_ms: int) -> bool:
        erased = self.erased.get(owner)
        return erased is not None and erased >= started_ms

    def delete_session(self, session_id: str) -> list[TurnRecord]:
        self.sessions.pop(session_id, None)
        return list(self.turns.pop(session_id, {}).values())

    # --- images
    def put_image(self, record: ImageRecord) -> None:
        self.images[record.image_id] = record

    def get_image(self, image_id: str) -> ImageRecord | None:
        return self.images.get(image_id)

    def delete_images(self, image_ids: list[str]) -> None:
        for image_id in image_ids:
            self.images.pop(image_id, None)

    # --- jobs
    def create_job(self, job: JobRecord) -> bool:
        with self._lock:
            if job.job_id in self.jobs:
                return False
            self.jobs[job.job_id] = job.model_copy(deep=True)
            return True

    def get_job(self, job_id: str) -> JobRecord | None:
        job = self.jobs.get(job_id)
        return job.model_copy(deep=True) if job else None

    def transition_job(self, job: JobRecord, allowed_from: tuple[str, ...]) -> bool:
        with self._lock:
            stored = self.jobs.get(job.job_id)
            if stored is None or stored.status not in allowed_from:
                return False
            self.jobs[job.job_id] = job.model_copy(deep=True)
            return True

    # --- quotas
    def reserve(
        self,
        owner: str,
        *,
        requests: int,
        images: int,
        request_limit: int,
        image_limit: int,
        global_limit: int,
    ) -> None:
        from shatably.storage.table import seconds_until_midnight, today

        day = today()
        with self._lock:
            mine = self.counters.setdefault((owner, day), {"requests": 0, "images": 0})
            budget = self.counters.setdefault(("*", day), {"requests": 0, "images": 0})
            if mine["requests"] + requests > request_limit or mine["images"] + images > image_limit:
                raise ProblemError("quota_exceeded", retry_after=seconds_until_midnight())
            if images and budget["images"] + images > global_limit:
                raise ProblemError("service_budget_exhausted", retry_after=seconds_until_midnight())
            mine["requests"] += requests
            mine["images"] += images
            budget["images"] += images

    def release(self, owner: str, *, requests: int, images: int, global_limit: int = 0) -> None:
        from shatably.storage.table import today

        with self._lock:
            mine = self.counters.setdefault((owner, today()), {"requests": 0, "images": 0})
            mine["requests"] -= requests
            mine["images"] -= images
            if images:
                self.counters.setdefault(("*", today()), {"requests": 0, "images": 0})["images"] -= images

    def usage(self, owner: str) -> dict[str, int]:
        from shatably.storage.table import today

        return dict(self.counters.get((owner, today()), {}))


class FakeBucket:
    def __init__(self, name: str = "shatably-fake") -> None:
        self.name = name
        self.objects: dict[str, tuple[bytes, str]] = {}

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.objects[key] = (data, content_type)

    def get(self, key: str, *, max_bytes: int, missing: str = "image_not_found") -> bytes:
        if key not in self.objects:
            raise ProblemError(missing)
        data = self.objects[key][0]
        if len(data) > max_bytes:
            raise ProblemError("payload_too_large", detail=f"The image exceeds {max_bytes} bytes.")
        return data

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            self.objects.pop(key, None)

    def presign_get(self, key: str, content_type: str, filename: str) -> str:
        return f"https://{self.name}.s3.amazonaws.com/{key}?X-Amz-Signature=fake&filename={filename}"

    def presign_post(self, key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
        return {
            "url": f"https://{self.name}.s3.amazonaws.com/",
            "fields": {"key": key, "Content-Type": content_type},
        }


_NO_OPTIONS: dict[str, Any] = {"tile_cm": None, "height_m": None, "band_m": None, "finish": None}

DESIGNER_REPLY: dict[str, Any] = {
    "reply": "A warm modern living room: sand walls, oak floor, a linen sofa and hidden LED light.",
    "questions": [],
    "plan": {
        "style": "modern",
        "summary": "Warm neutrals, natural wood and soft indirect light keep the room calm and bright.",
        "state": "plastered",
        "grade": "super_lux",
        "budget_egp": None,
        "rooms": [
            {
                "name": "living room",
                "type": "living_room",
                "length_m": 4,
                "width_m": 5,
                "area_m2": None,
                "height_m": None,
                "doors": None,
                "windows": None,
                "walls": {"type": "paint", **_NO_OPTIONS},
                "floor": {**_NO_OPTIONS, "type": "porcelain", "tile_cm": [60, 120]},
                "ceiling": {**_NO_OPTIONS, "type": "gypsum_cove", "band_m": 0.6},
            }
        ],
        "palette": [
            {"name": "Sand", "hex": "#D8C3A5", "role": "wall"},
            {"name": "Terracotta", "hex": "#C06C48", "role": "accent"},
            {"name": "Oak", "hex": "#A47148", "role": "wood"},
            {"name": "Linen", "hex": "#EDE6DB", "role": "textile"},
            {"name": "Brass", "hex": "#B08D57", "role": "metal"},
        ],
        "furniture": [
            {
                "item": "three-seat linen sofa",
                "qty": 1,
                "dims_cm": {"w": 220, "d": 95, "h": 80},
                "est_price_egp": {"min": 28000, "max": 45000},
            },
            {
                "item": "oak coffee table",
                "qty": 1,
                "dims_cm": None,
                "est_price_egp": {"min": 6000, "max": 9000},
            },
        ],
        "steps": [
            "Putty and prime the walls",
            "Lay the floor",
            "Fit the ceiling and lights",
            "Paint",
            "Furnish",
        ],
        "lang": "en",
    },
    "amend": None,
    "drawing": None,
}


# A first turn: the designer asks for what it needs before proposing a plan (no plan).
QUESTION_REPLY: dict[str, Any] = {
    "reply": "Lovely! How long and wide is the room, how high is the ceiling, and what budget do you have?",
    "questions": ["How long and wide is the room?", "What budget do you have?"],
    "plan": None,
    "amend": None,
    "drawing": None,
}


@dataclass
class InstantChatProvider:
    """Answers every chat at once with a valid structured designer reply (``reply``)."""

    name: str = "fake"
    reply: dict[str, Any] = field(default_factory=lambda: DESIGNER_REPLY)

    async def chat(self, request: ChatRequest) -> ChatResult:
        return ChatResult(
            text=self.reply["reply"],
            provider=self.name,
            model="instant-1",
            structured=self.reply,
            finish_reason="STOP",
            usage=Usage(input_tokens=900, output_tokens=240),
        )


@dataclass
class Installed:
    table: FakeTable
    bucket: FakeBucket
    provider: InstantChatProvider


def install() -> Installed:
    """Swap the fakes in where the layer looks up its table, bucket and chat provider."""
    import shatably.billing
    import shatably.providers.registry
    import shatably.storage.media

    fakes = Installed(FakeTable(), FakeBucket(), InstantChatProvider())
    original = shatably.providers.registry._provider_for

    def provider_for(capability: Any) -> Any:
        return fakes.provider if capability == "chat" else original(capability)

    swaps: list[tuple[object, str, object]] = [
        (shatably.storage.media, "get_table", lambda: fakes.table),
        (shatably.storage.media, "get_bucket", lambda: fakes.bucket),
        (shatably.billing, "get_table", lambda: fakes.table),
        (shatably.providers.registry, "_provider_for", provider_for),
    ]
    for module, name, value in swaps:
        assert hasattr(module, name), f"{module!r} has no {name}: update bench/fakes.py"
        setattr(module, name, value)
    return fakes
