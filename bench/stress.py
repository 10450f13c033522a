"""Load test of the whole local stack: ``make stress`` (``python -m bench.stress``).

Starts, on loopback only, the fake Gemini/OpenAI server (``tests.fakes.provider_server``) scripted
with seeded random latency (1-10 s by default) and some 429s and 5xx, and the local gateway
(``python -m local.gateway``) with chat -> Gemini, generate -> OpenAI and edit -> Gemini pointed at it.
Then ``--users`` simulated people drive a mix of multi-turn chat sessions, synchronous generate and
edit, and jobs (``Prefer: respond-async`` + polling) for ``--duration`` seconds; each POST carries an
``Idempotency-Key`` and is retried with the same key on a retryable answer, as a careful client does.

It reports throughput, p50/p95/p99 latency per route, the error codes seen and the peak RSS of the
gateway's process tree, and checks (PASS/FAIL, exit status 1 on any FAIL):

1. every failure was a documented problem: ``application/problem+json`` whose ``code`` is in
   ``shatably.errors.CATALOGUE`` and whose ``status`` is the HTTP status; 429/503 carry Retry-After;
2. after the drain period no job is left ``running`` (every job id is polled), none is still
   ``queued``, and no job is ``succeeded`` without images;
3. no chat session lost or duplicated a turn: turns are 1..n, every message the client saw succeed is
   there exactly once at the index it was told, no message is there twice, none that was definitely
   refused (4xx) is there, and nothing the client never sent is there.

Everything is bounded: the load stops at ``--duration``, each request times out after 40 s, retries
are capped, job polling and the drain stop after ``--drain`` seconds, and the processes started here
are stopped (by pid) on the way out.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import concurrent.futures
import contextlib
import io
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx2

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only, always
REQUEST_TIMEOUT_SECONDS = 40.0  # above API Gateway's 29 s, so the gateway answers first
MAX_RETRIES = 2  # per logical request, same Idempotency-Key
MAX_RETRY_WAIT_SECONDS = 3.0
JOB_POLL_SECONDS = 1.0
MAX_TURNS_PER_TEST_SESSION = 6
FINAL_JOB_STATUSES = frozenset({"succeeded", "failed", "blocked"})
RETRYABLE_STATUSES = frozenset({409, 429, 502, 503, 504})
# Variables of the caller's shell that must not reach the gateway: it gets exactly ours.
_NOT_PASSED = ("GEMINI_", "OPENAI_", "GOOGLE_", "CHAT_PROVIDER", "GENERATE_PROVIDER", "EDIT_PROVIDER", "AWS_")

ROUTES = (
    "POST /chat",
    "POST /image/generate",
    "POST /image/generate (async)",
    "POST /edit",
    "POST /edit (async)",
    "GET /jobs/{id}",
    "GET /chat/sessions/{id}",
)
# The traffic mix: (action, weight).
MIX = (
    ("chat", 45),
    ("generate", 12),
    ("edit", 10),
    ("generate_job", 13),
    ("edit_job", 10),
    ("read_session", 10),
)
FIRST_ACTIONS = ("chat", "generate_job", "edit_job", "edit", "generate", "chat")


@dataclass
class StressConfig:
    duration: float = 60.0
    users: int = 8
    seed: int = 20261125
    latency_min: float = 1.0
    latency_max: float = 10.0
    rate_429: float = 0.05  # share of provider answers that are 429
    rate_5xx: float = 0.04  # share that are 500/503
    pool_size: int = 4  # warm instances per API function in the gateway
    drain: float = 90.0  # seconds allowed for jobs to finish after the load stops
    # The template's 1800 s visibility timeout (6 x the worker timeout) would hold a retried job
    # for 30 minutes; the run shortens it so SQS redelivery happens, and is checked, within the drain.
    visibility_timeout: int = 20
    startup_timeout: float = 180.0
    workdir: Path | None = None
    verbose: bool = True


# --------------------------------------------------------------------------- results


@dataclass
class Sample:
    route: str
    status: int  # 0 = no HTTP answer (transport error)
    code: str | None  # problem code, or "transport:<Error>"
    seconds: float
    documented: bool
    problem: str | None = None  # why an error answer is not a documented problem


@dataclass
class Message:
    """One chat message as the client experienced it."""

    text: str
    outcome: str  # "ok" | "refused" (a 4xx: not applied) | "uncertain" (5xx, transport, 409 in progress)
    turn: int | None = None


@dataclass
class Session:
    owner: str
    session_id: str
    messages: list[Message] = field(default_factory=list)


@dataclass
class Job:
    owner: str
    job_id: str
    kind: str
    status: str = "queued"
    images: int = 0
    error_code: str | None = None


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class Report:
    config: StressConfig
    load_seconds: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    peak_rss_bytes: int = 0
    peak_processes: int = 0
    provider_calls: dict[str, int] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def render(self) -> str:
        return render(self)


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_NOT_PASSED)}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "layers" / "common")])
    env["PYTHONUNBUFFERED"] = "1"
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env | extra


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with opener.open(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer: it is serving
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)  # readiness poll, bounded by the deadline
    raise RuntimeError(f"{what} was not ready within {timeout:g} s")


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc), for RSS and for cleanup."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces or parentheses: fields start after the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        children[int(fields[1])].append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class RssSampler:
    """Samples the summed RSS of a process tree twice a second; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self.peak_processes = 0
        self.last_tree: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def start(self) -> RssSampler:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            tree = _descendants(self.pid)
            self.last_tree = tree
            total = sum(_rss_bytes(p) for p in tree)
            self.peak = max(self.peak, total)
            self.peak_processes = max(self.peak_processes, len(tree))
            self._stop.wait(0.5)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _stop_process(process: subprocess.Popen[bytes], tree: list[int], grace: float = 30.0) -> None:
    """SIGTERM (the gateway ends its workers itself); if that fails, SIGKILL what we started."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for pid in tree:
        if pid != process.pid:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, 0)
                os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------- the fake providers' script


def designer_reply(rng: random.Random) -> dict[str, Any]:
    """A valid structured designer answer (chat.plan.DesignerReply), sometimes asking for a drawing."""
    plan = None
    if rng.random() < 0.5:
        no_options = {"tile_cm": None, "height_m": None, "band_m": None, "finish": None}
        plan = {
            "style": "modern",
            "summary": "Warm modern living room with oak and linen.",
            "state": "plastered",
            "grade": None,
            "budget_egp": None,
            "rooms": [
                {
                    "name": "living room", "type": "living_room", "length_m": 4.0, "width_m": 5.0,
                    "area_m2": None, "height_m": 2.8, "doors": 1, "windows": 1, "walls": None,
                    "floor": {**no_options, "type": "parquet"}, "ceiling": None,
                }
            ],
            "palette": [{"name": "Sand", "hex": "#D6CCBA", "role": "wall"}],
            "furniture": [
                {"item": "sofa", "qty": 1, "dims_cm": None, "est_price_egp": {"min": 9000, "max": 15000}}
            ],
            "steps": ["Paint the walls", "Lay the floor"],
            "lang": "en",
        }  # fmt: skip
    drawing: dict[str, Any] | None = None
    if rng.random() < 0.1:
        drawing = {
            "operation": "generate", "prompt": "a warm modern living room", "style": None, "room_type": None,
            "regions": [], "colour": None, "material": None, "room_photo": None, "reference_photo": None,
        }  # fmt: skip
    return {
        "reply": "Let us go for warm oak, linen and soft light.",
        "questions": [],
        "plan": plan,
        "amend": None,
        "drawing": drawing,
    }


def provider_script(config: StressConfig, route: str, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` replies for one fake route: seeded latency, some 429s, some 5xx."""
    replies: list[dict[str, Any]] = []
    for _ in range(count):
        roll = rng.random()
        latency = round(rng.uniform(config.latency_min, config.latency_max), 3)
        if roll < config.rate_429:
            wait = rng.choice((1, 2))
            if route == "gemini":
                body = {
                    "error": {
                        "code": 429,
                        "message": "Resource has been exhausted (e.g. check quota).",
                        "status": "RESOURCE_EXHAUSTED",
                        "details": [
                            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{wait}s"}
                        ],
                    }
                }
                replies.append({"status": 429, "body": body, "latency": min(latency, 0.5)})
            else:
                body = {
                    "error": {
                        "message": "Rate limit reached.",
                        "type": "requests",
                        "param": None,
                        "code": "rate_limit_exceeded",
                    }
                }
                replies.append(
                    {"status": 429, "body": body, "headers": {"retry-after": str(wait)}, "latency": 0.2}
                )
        elif roll < config.rate_429 + config.rate_5xx:
            status = rng.choice((500, 503))
            if route == "gemini":
                body = {
                    "error": {
                        "code": status,
                        "message": "Internal error encountered.",
                        "status": "INTERNAL" if status == 500 else "UNAVAILABLE",
                    }
                }
            else:
                body = {
                    "error": {
                        "message": "The server had an error.",
                        "type": "server_error",
                        "param": None,
                        "code": None,
                    }
                }
            replies.append({"status": status, "body": body, "latency": min(latency, 2.0)})
        elif route == "gemini":
            # The same queue serves chat (text model: the JSON text) and edit (image model: text + image).
            replies.append({"latency": latency, "json": designer_reply(rng)})
        else:
            replies.append({"latency": latency})
    return replies


def _post_json(url: str, payload: Any) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(  # loopback, the fake's control API
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with opener.open(request, timeout=30) as response:
        response.read()


def script_fake(config: StressConfig, fake_url: str) -> int:
    """Queue enough replies for the whole run; an exhausted queue would answer instantly."""
    per_route = min(
        6000, math.ceil(config.users * 3 * (config.duration + config.drain) / max(config.latency_min, 0.2))
    )
    rng = random.Random(config.seed)
    for route in ("gemini", "images_generate"):
        replies = provider_script(config, route, per_route, rng)
        for start in range(0, len(replies), 500):
            _post_json(f"{fake_url}/__fake__/script/{route}", replies[start : start + 500])
    return per_route


# --------------------------------------------------------------------------- the client


def _edit_photo() -> str:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (205, 195, 180))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 320, 640, 480), fill=(120, 95, 70))
    draw.rectangle((420, 90, 560, 260), fill=(170, 200, 220))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return base64.b64encode(buffer.getvalue()).decode()


def _catalogue() -> dict[str, tuple[int, str]]:
    layer = str(ROOT / "layers" / "common")
    if layer not in sys.path:  # `make` sets PYTHONPATH; a bare `python -m bench.stress` may not
        sys.path.append(layer)
    from shatably.errors import CATALOGUE

    return CATALOGUE


def classify(response: httpx2.Response) -> tuple[str | None, bool, str | None]:
    """(problem code, documented?, why not) for an answer; 2xx are fine by definition."""
    catalogue = _catalogue()

    if response.status_code < 400:
        return None, True, None
    content_type = response.headers.get("content-type", "")
    try:
        body = response.json()
    except ValueError:
        return f"http{response.status_code}", False, f"{response.status_code} with a non-JSON body"
    code = body.get("code") if isinstance(body, dict) else None
    if not content_type.startswith("application/problem+json"):
        return code or f"http{response.status_code}", False, f"{response.status_code} as {content_type!r}"
    if code not in catalogue:
        return str(code), False, f"{response.status_code} with an undocumented code {code!r}"
    if body.get("status") not in (None, response.status_code):
        return code, False, f"{code}: body status {body.get('status')} != HTTP {response.status_code}"
    if response.status_code in (429, 503) and "retry-after" not in response.headers:
        return code, False, f"{code}: {response.status_code} without Retry-After"
    return code, True, None


class User:
    def __init__(self, index: int, client: httpx2.AsyncClient, run: Run) -> None:
        self.index = index
        self.client = client
        self.run = run
        self.rng = random.Random(run.config.seed * 1000 + index)
        self.owner = f"anon-stress{run.tag}u{index:03d}"
        self.session: Session | None = None
        self.counter = 0

    def headers(self, **extra: str) -> dict[str, str]:
        return {"X-Owner-Id": self.owner, **extra}

    async def request(
        self, method: str, path: str, route: str, *, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[httpx2.Response | None, Sample]:
        started = time.monotonic()
        try:
            response = await self.client.request(method, path, json=body, headers=headers or self.headers())
        except httpx2.HTTPError as exc:
            sample = Sample(
                route,
                0,
                f"transport:{type(exc).__name__}",
                time.monotonic() - started,
                False,
                f"no answer: {type(exc).__name__}",
            )
            self.run.samples.append(sample)
            return None, sample
        elapsed = time.monotonic() - started
        code, documented, why = classify(response)
        sample = Sample(route, response.status_code, code, elapsed, documented, why)
        self.run.samples.append(sample)
        return response, sample

    async def billable(
        self, path: str, route: str, body: dict[str, Any], *, prefer_async: bool = False
    ) -> tuple[httpx2.Response | None, Sample]:
        """A POST with an Idempotency-Key, retried with the same key while the answer says so."""
        extra = {"Idempotency-Key": str(uuid.uuid4())}
        if prefer_async:
            extra["Prefer"] = "respond-async"
        attempt = 0
        while True:
            response, sample = await self.request(
                "POST", path, route, body=body, headers=self.headers(**extra)
            )
            retryable = sample.status == 0 or sample.status in RETRYABLE_STATUSES
            # quota/budget answers mean "tomorrow": retrying them now only adds load.
            if sample.code in ("quota_exceeded", "service_budget_exhausted", "conversation_conflict"):
                retryable = False
            if not retryable or attempt >= MAX_RETRIES:
                return response, sample
            attempt += 1
            wait = 1.0
            if response is not None:
                with contextlib.suppress(ValueError):
                    wait = float(response.headers.get("retry-after", "1"))
            await asyncio.sleep(min(max(wait, 0.2), MAX_RETRY_WAIT_SECONDS) * (0.5 + self.rng.random()))

    # -- actions

    async def chat(self) -> None:
        if self.session is None or len(self.session.messages) >= MAX_TURNS_PER_TEST_SESSION:
            self.session = None
        self.counter += 1
        text = f"Ideas for my living room, please [{self.owner}#{self.counter}]"
        body: dict[str, Any] = {"message": text}
        if self.session is not None:
            body["session_id"] = self.session.session_id
        response, sample = await self.billable("/chat", "POST /chat", body)
        if response is not None and response.status_code == 200:
            data = response.json()
            if self.session is None:
                self.session = Session(self.owner, data["session_id"])
                self.run.sessions.append(self.session)
            self.session.messages.append(Message(text, "ok", int(data["turn"])))
            for job in data.get("jobs") or []:
                self.run.jobs.append(Job(self.owner, job["job_id"], "chat-drawing"))
            return
        # 4xx means not applied, except "still in progress": the first attempt may yet finish.
        refused = 400 <= sample.status < 500 and sample.code != "idempotency_in_progress"
        outcome = "refused" if refused else "uncertain"
        if self.session is not None:
            self.session.messages.append(Message(text, outcome))
        else:
            self.run.orphan_messages.append((self.owner, Message(text, outcome)))
        if sample.code in ("conversation_too_long", "session_not_found"):
            self.session = None

    async def generate(self, *, as_job: bool) -> None:
        body = {"prompt": f"A calm modern living room, variation {self.rng.randrange(1000)}"}
        route = "POST /image/generate" + (" (async)" if as_job else "")
        response, _ = await self.billable("/image/generate", route, body, prefer_async=as_job)
        await self._after_post(response, as_job, "generate")

    async def edit(self, *, as_job: bool) -> None:
        body = {
            "prompt": "Restyle this room in warm modern tones",
            "operation": "restyle",
            "image": {"data": self.run.photo},
        }
        route = "POST /edit" + (" (async)" if as_job else "")
        response, _ = await self.billable("/edit", route, body, prefer_async=as_job)
        await self._after_post(response, as_job, "edit")

    async def _after_post(self, response: httpx2.Response | None, as_job: bool, kind: str) -> None:
        if response is None:
            return
        if response.status_code == 200 and not as_job:
            data = response.json()
            if not (data.get("images") or data.get("image")):
                self.run.notes.append(f"{kind}: a 200 without images")
                self.run.empty_successes += 1
            return
        if response.status_code == 202:
            job = Job(self.owner, response.json()["job_id"], kind)
            self.run.jobs.append(job)
            await self.poll(job, until=min(self.run.load_end + 30.0, time.monotonic() + 90.0))

    async def poll(self, job: Job, *, until: float) -> None:
        while time.monotonic() < until:
            await asyncio.sleep(JOB_POLL_SECONDS)
            response, _ = await self.request("GET", f"/jobs/{job.job_id}", "GET /jobs/{id}")
            if response is not None and response.status_code == 200:
                data = response.json()
                job.status = data["status"]
                job.images = len(data.get("images") or [])
                job.error_code = (data.get("error") or {}).get("code")
                if job.status in FINAL_JOB_STATUSES:
                    return

    async def read_session(self) -> None:
        if self.session is None:
            await self.chat()
            return
        await self.request("GET", f"/chat/sessions/{self.session.session_id}", "GET /chat/sessions/{id}")

    async def loop(self) -> None:
        actions = [name for name, _ in MIX]
        weights = [weight for _, weight in MIX]
        first = True
        while time.monotonic() < self.run.load_end:
            # Each user opens with a different action, so even a short run covers every path.
            action = (
                FIRST_ACTIONS[self.index % len(FIRST_ACTIONS)]
                if first
                else self.rng.choices(actions, weights)[0]
            )
            first = False
            if action == "chat":
                await self.chat()
            elif action == "generate":
                await self.generate(as_job=False)
            elif action == "generate_job":
                await self.generate(as_job=True)
            elif action == "edit":
                await self.edit(as_job=False)
            elif action == "edit_job":
                await self.edit(as_job=True)
            else:
                await self.read_session()
            await asyncio.sleep(self.rng.uniform(0.0, 0.5))  # think time


@dataclass
class Run:
    config: StressConfig
    base_url: str
    photo: str
    tag: str
    load_end: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    orphan_messages: list[tuple[str, Message]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    empty_successes: int = 0


def _client(base_url: str, users: int) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        base_url=base_url,
        timeout=httpx2.Timeout(REQUEST_TIMEOUT_SECONDS),
        # Long-lived keep-alive connections: a browser-like client, and few new connections for the
        # local gateway's small listen backlog (see the ListenOverflows note in the report).
        limits=httpx2.Limits(
            max_connections=users * 2 + 4, max_keepalive_connections=users * 2 + 4, keepalive_expiry=60.0
        ),
        trust_env=False,  # never a proxy: loopback only
    )


async def drive(run: Run) -> float:
    """The load phase; returns its length in seconds (in-flight requests included)."""
    started = time.monotonic()
    run.load_end = started + run.config.duration
    async with _client(run.base_url, run.config.users) as client:
        users = [User(i, client, run) for i in range(run.config.users)]
        await asyncio.gather(*(user.loop() for user in users))
    return time.monotonic() - started


async def drain_jobs(run: Run) -> None:
    """Poll every job until none is queued/running, or the drain period ends."""
    deadline = time.monotonic() + run.config.drain
    async with _client(run.base_url, 2) as client:
        while True:
            pending = [job for job in run.jobs if job.status not in FINAL_JOB_STATUSES]
            for job in pending:
                try:
                    response = await client.get(f"/jobs/{job.job_id}", headers={"X-Owner-Id": job.owner})
                except httpx2.HTTPError:
                    continue
                if response.status_code == 200:
                    data = response.json()
                    job.status = data["status"]
                    job.images = len(data.get("images") or [])
                    job.error_code = (data.get("error") or {}).get("code")
            if not any(job.status not in FINAL_JOB_STATUSES for job in run.jobs):
                return
            if time.monotonic() >= deadline:
                return
            await asyncio.sleep(JOB_POLL_SECONDS)


async def fetch_sessions(run: Run) -> dict[str, dict[str, Any] | str]:
    out: dict[str, dict[str, Any] | str] = {}
    async with _client(run.base_url, 2) as client:
        for session in run.sessions:
            try:
                response = await client.get(
                    f"/chat/sessions/{session.session_id}", headers={"X-Owner-Id": session.owner}
                )
            except httpx2.HTTPError as exc:
                out[session.session_id] = f"transport error {type(exc).__name__}"
                continue
            if response.status_code != 200:
                out[session.session_id] = f"HTTP {response.status_code}"
            else:
                out[session.session_id] = response.json()
    return out


# --------------------------------------------------------------------------- checks


def check_sessions(run: Run, stored: dict[str, dict[str, Any] | str]) -> Check:
    problems: list[str] = []
    turns_total = uncertain_present = uncertain_absent = 0
    for session in run.sessions:
        view = stored.get(session.session_id)
        if not isinstance(view, dict):
            problems.append(f"{session.session_id}: could not be read ({view})")
            continue
        turns = view.get("turns") or []
        turns_total += len(turns)
        indexes = [t["index"] for t in turns]
        if indexes != list(range(1, len(turns) + 1)):
            problems.append(f"{session.session_id}: turns {indexes} are not 1..{len(turns)}")
        by_text: dict[str, list[int]] = defaultdict(list)
        for turn in turns:
            by_text[turn["message"]].append(turn["index"])
        sent = {m.text: m for m in session.messages}
        for text, where in by_text.items():
            if len(where) > 1:
                problems.append(
                    f"{session.session_id}: a message is stored {len(where)} times (turns {where})"
                )
            message = sent.get(text)
            if message is None:
                problems.append(f"{session.session_id}: turn {where} holds a message this session never sent")
            elif message.outcome == "refused":
                problems.append(f"{session.session_id}: a refused (4xx) message is stored at turn {where}")
        for message in session.messages:
            where = by_text.get(message.text, [])
            if message.outcome == "ok":
                if where != [message.turn]:
                    problems.append(
                        f"{session.session_id}: answered as turn {message.turn}, stored at {where}"
                    )
            elif message.outcome == "uncertain":
                if where:
                    uncertain_present += 1
                else:
                    uncertain_absent += 1
    ok_messages = sum(1 for s in run.sessions for m in s.messages if m.outcome == "ok")
    detail = (
        f"{len(run.sessions)} sessions, {turns_total} stored turns, {ok_messages} answered messages; "
        f"uncertain outcomes: {uncertain_present} stored, {uncertain_absent} not stored"
    )
    if problems:
        detail += "\n      " + "\n      ".join(problems[:20])
    return Check("chat sessions: no lost, duplicated or phantom turn", not problems, detail)


def check_problems(run: Run) -> Check:
    bad = [s for s in run.samples if s.status >= 400 or s.status == 0]
    undocumented = [s for s in bad if not s.documented]
    why = Counter(f"{s.route}: {s.problem}" for s in undocumented)
    detail = f"{len(bad)} error answers, {len(undocumented)} undocumented"
    if why:
        detail += "\n      " + "\n      ".join(f"{n} x {reason}" for reason, n in why.most_common(15))
    return Check(
        "every failure is a documented problem (+json, CATALOGUE code, Retry-After)", not undocumented, detail
    )


def check_jobs(run: Run) -> list[Check]:
    statuses = Counter(job.status for job in run.jobs)
    running = [j.job_id for j in run.jobs if j.status == "running"]
    queued = [j.job_id for j in run.jobs if j.status == "queued"]
    imageless = [j.job_id for j in run.jobs if j.status == "succeeded" and j.images == 0]
    summary = ", ".join(f"{status} {n}" for status, n in sorted(statuses.items())) or "no jobs"
    errors = Counter(j.error_code for j in run.jobs if j.error_code and j.status != "succeeded")
    if errors:
        summary += "; failure codes: " + ", ".join(f"{c} {n}" for c, n in errors.most_common())
    return [
        Check(
            f"no job left running after the drain ({len(run.jobs)} jobs)",
            not running,
            summary + (f"; running: {running[:5]}" if running else ""),
        ),
        Check(
            "no job left queued after the drain (redelivery finished them)",
            not queued,
            f"{len(queued)} queued" + (f": {queued[:5]}" if queued else ""),
        ),
        Check("no job succeeded without its images", not imageless, f"{len(imageless)} imageless successes"),
        Check("no synchronous 200 without images", run.empty_successes == 0, f"{run.empty_successes} found"),
    ]


# --------------------------------------------------------------------------- the report


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[rank]


def render(report: Report) -> str:
    config = report.config
    samples = report.samples
    lines = [
        "== make stress: the local gateway under mixed load (loopback, fake providers) ==",
        f"users {config.users}, duration {config.duration:g} s (load phase incl. in-flight: "
        f"{report.load_seconds:.1f} s), seed {config.seed}, provider latency "
        f"{config.latency_min:g}-{config.latency_max:g} s, provider 429 {config.rate_429:.0%} / "
        f"5xx {config.rate_5xx:.0%}, pool {config.pool_size}/function, SQS visibility "
        f"{config.visibility_timeout} s",
    ]
    ok = sum(1 for s in samples if 200 <= s.status < 300)
    seconds = max(report.load_seconds, 1e-9)
    lines.append(
        f"throughput: {len(samples)} requests in {report.load_seconds:.1f} s = "
        f"{len(samples) / seconds:.2f} req/s ({ok / seconds:.2f} 2xx/s)"
    )
    lines.append("")
    lines.append(
        f"{'route':32} {'n':>5} {'2xx':>5} {'err':>5} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7} {'max s':>7}"
    )
    by_route: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_route[sample.route].append(sample)
    for route in ROUTES:
        group = by_route.get(route, [])
        if not group:
            continue
        times = [s.seconds for s in group]
        good = sum(1 for s in group if 200 <= s.status < 300)
        lines.append(
            f"{route:32} {len(group):>5} {good:>5} {len(group) - good:>5} {percentile(times, 50):>7.2f} "
            f"{percentile(times, 95):>7.2f} {percentile(times, 99):>7.2f} {max(times):>7.2f}"
        )
    lines.append("")
    codes = Counter((s.status, s.code) for s in samples if s.status >= 400 or s.status == 0)
    lines.append("error codes seen (HTTP status, code: count):")
    if not codes:
        lines.append("  none")
    for (status, code), n in sorted(codes.items(), key=lambda item: (-item[1], str(item[0]))):
        lines.append(f"  {status} {code}: {n}")
    if report.provider_calls:
        calls = ", ".join(f"{route} {n}" for route, n in sorted(report.provider_calls.items()))
        lines.append(f"provider calls (fake server): {calls}")
    lines.append(
        f"peak RSS of the gateway process tree: {report.peak_rss_bytes / 2**20:.0f} MiB "
        f"({report.peak_processes} processes)"
    )
    lines.extend(f"note: {note}" for note in dict.fromkeys(report.notes))
    lines.append("")
    for check in report.checks:
        lines.append(f"{'PASS' if check.passed else 'FAIL'}  {check.name}: {check.detail}")
    lines.append("")
    lines.append("RESULT: " + ("PASS" if report.passed else "FAIL"))
    return "\n".join(lines)


# --------------------------------------------------------------------------- orchestration


@contextlib.contextmanager
def _fake_providers(config: StressConfig, workdir: Path) -> Iterator[str]:
    port = free_port()
    log = workdir / "fake-providers.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.provider_server", "--port", str(port)],
            cwd=ROOT,
            env=_child_env({}),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://{HOST}:{port}"
    try:
        _wait_http(f"{url}/__fake__/requests", process, 60, "the fake provider server", log)
        yield url
    finally:
        _stop_process(process, [process.pid], grace=10)


@contextlib.contextmanager
def _gateway(config: StressConfig, workdir: Path, fake_url: str) -> Iterator[tuple[str, str, RssSampler]]:
    port, moto_port = free_port(), free_port()
    env = _child_env(
        {
            "HOST": HOST,
            "PORT": str(port),
            "MOTO_PORT": str(moto_port),
            "GEMINI_API_KEY": "fake-gemini-key-stress",
            "OPENAI_API_KEY": "fake-openai-key-stress",
            "GOOGLE_GEMINI_BASE_URL": fake_url,
            "OPENAI_BASE_URL": f"{fake_url}/v1",
            "CHAT_PROVIDER": "gemini",
            "GENERATE_PROVIDER": "openai",
            "EDIT_PROVIDER": "gemini",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
    )
    stdout, stderr = workdir / "gateway.out", workdir / "gateway.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "local.gateway", "--pool-size", str(config.pool_size)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
        )
    sampler = RssSampler(process.pid).start()
    url, moto_url = f"http://{HOST}:{port}", f"http://{HOST}:{moto_port}"
    try:
        _wait_http(f"{url}/health", process, config.startup_timeout, "the local gateway", stderr)
        yield url, moto_url, sampler
    finally:
        sampler.stop()
        tree = _descendants(process.pid) if process.poll() is None else sampler.last_tree
        _stop_process(process, tree)


def _shorten_visibility(moto_url: str, seconds: int) -> list[str]:
    """Shorten the job queues' visibility timeout in the embedded AWS (see StressConfig)."""
    import boto3

    sqs = boto3.client(
        "sqs",
        endpoint_url=moto_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # moto's fake credentials
    )
    changed = []
    for url in sqs.list_queues().get("QueueUrls", []):
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])
        if "RedrivePolicy" in attributes.get("Attributes", {}):  # the job queues (not the DLQ)
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": str(seconds)})
            changed.append(url.rsplit("/", 1)[-1])
    return changed


def listen_overflows() -> int | None:
    """The host's TCP listen-queue overflow counter (system-wide, so only a hint), or None."""
    try:
        header, values = [
            line.split()
            for line in Path("/proc/net/netstat").read_text().splitlines()
            if line.startswith("TcpExt:")
        ][:2]
        return int(values[header.index("ListenOverflows")])
    except (OSError, ValueError, IndexError):
        return None


def _provider_calls(fake_url: str) -> dict[str, int]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{fake_url}/__fake__/requests", timeout=30) as response:
        records = json.loads(response.read())
    return dict(Counter(str(r["route"]) for r in records))


T = TypeVar("T")


def run_coroutine(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run``, also when this thread already runs a loop (Playwright's sync API does, in
    a test process that ran the browser tests first): then the load runs on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def run(config: StressConfig) -> Report:
    """Start everything, drive the load, drain, check; always stops what it started."""
    report = Report(config=config)

    def say(message: str) -> None:
        if config.verbose:
            print(message, flush=True)

    with contextlib.ExitStack() as stack:
        workdir = config.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="stress-")))
        workdir.mkdir(parents=True, exist_ok=True)
        say(f"starting the fake providers and the gateway (logs in {workdir}) ...")
        fake_url = stack.enter_context(_fake_providers(config, workdir))
        scripted = script_fake(config, fake_url)
        url, moto_url, sampler = stack.enter_context(_gateway(config, workdir, fake_url))
        queues = _shorten_visibility(moto_url, config.visibility_timeout)
        report.notes.append(
            f"{scripted} scripted provider replies per route; visibility timeout "
            f"{config.visibility_timeout} s on {', '.join(queues)}"
        )
        run_state = Run(config=config, base_url=url, photo=_edit_photo(), tag=uuid.uuid4().hex[:10])
        say(f"gateway {url} ready; {config.users} users for {config.duration:g} s ...")
        overflows_before = listen_overflows()
        report.load_seconds = run_coroutine(drive(run_state))
        overflows_after = listen_overflows()
        if overflows_before is not None and overflows_after is not None:
            overflowed = overflows_after - overflows_before
            report.notes.append(f"TCP listen-queue overflows on this host during the load: {overflowed}")
        say(f"load done; draining jobs (up to {config.drain:g} s) ...")
        run_coroutine(drain_jobs(run_state))
        stored = run_coroutine(fetch_sessions(run_state))
        report.provider_calls = _provider_calls(fake_url)
        base64_warnings = [
            line.split("local.gateway: ", 1)[-1].split(" as base64")[0] + " as base64"
            for line in (workdir / "gateway.err").read_text(errors="replace").splitlines()
            if "as base64" in line
        ]
        report.peak_rss_bytes, report.peak_processes = sampler.peak, sampler.peak_processes
    report.samples, report.sessions, report.jobs = run_state.samples, run_state.sessions, run_state.jobs
    report.notes.extend(run_state.notes)
    if run_state.orphan_messages:
        report.notes.append(
            f"{len(run_state.orphan_messages)} first messages of a session failed (no session)"
        )
    report.checks = [
        check_problems(run_state),
        Check(
            "no text answer went out base64-encoded (deployed, API Gateway would pass the base64 on)",
            not base64_warnings,
            f"{len(base64_warnings)} found" + "".join(f"\n      {w}" for w in base64_warnings),
        ),
        *check_jobs(run_state),
        check_sessions(run_state, stored),
    ]
    if not run_state.samples:
        report.checks.append(Check("the load ran", False, "no request was made"))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stress", description=__doc__.split("\n\n")[0])
    defaults = StressConfig()
    parser.add_argument("--duration", type=float, default=defaults.duration, help="seconds of load")
    parser.add_argument("--users", type=int, default=defaults.users, help="concurrent simulated users")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--latency-min", type=float, default=defaults.latency_min)
    parser.add_argument("--latency-max", type=float, default=defaults.latency_max)
    parser.add_argument("--rate-429", type=float, default=defaults.rate_429)
    parser.add_argument("--rate-5xx", type=float, default=defaults.rate_5xx)
    parser.add_argument("--pool-size", type=int, default=defaults.pool_size)
    parser.add_argument("--drain", type=float, default=defaults.drain)
    parser.add_argument("--visibility-timeout", type=int, default=defaults.visibility_timeout)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the logs here")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 64 or not 1 <= args.duration <= 900:
        parser.error("--users must be 1..64 and --duration 1..900 s (the run is bounded)")
    config = StressConfig(
        duration=args.duration,
        users=args.users,
        seed=args.seed,
        latency_min=args.latency_min,
        latency_max=max(args.latency_max, args.latency_min),
        rate_429=args.rate_429,
        rate_5xx=args.rate_5xx,
        pool_size=args.pool_size,
        drain=args.drain,
        visibility_timeout=args.visibility_timeout,
        workdir=args.workdir,
    )
    report = run(config)
    print(report.render(), flush=True)
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
