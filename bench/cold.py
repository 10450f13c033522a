"""Cold start: a fresh process imports a function's handler and answers one realistic request.

Each sample is a new interpreter (``bench/cold_child.py``) that takes ``perf_counter`` as its very
first statement, imports ``functions.<name>.app`` and calls ``handler(event, context)`` with a real
API Gateway REST v1 proxy event, offline providers and AWS on the embedded moto server. The
baseline ("floor") is what that route cannot avoid: a fresh process that imports FastAPI + Mangum
and the provider SDK the route needs in production (google.genai for chat and edit, openai for
generate), builds a one-route app + Mangum and answers the same event. Routes that need no SDK
are compared with a process that imports both SDKs (what one undivided function would load).

Everything is interleaved round-robin after one warm-up round (which also writes ``.pyc``), and
medians are compared: the machine is shared and noisy, so only ratios within one run mean much.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.aws import EmbeddedAws, embedded_aws
from bench.events import (
    chat_event,
    edit_event,
    generate_event,
    health_event,
    job_event,
    owner_header,
    owner_key,
    sessions_event,
    small_jpeg,
    styles_event,
)
from bench.stats import REPO, ChildError, Samples, base_env, median, run_child

CHILD = str(REPO / "bench" / "cold_child.py")
SDK_BUDGET = 1.15
NO_SDK_BUDGET = 0.5
JOB_ID = "0123456789abcdef0123456789abcdef"
JOB_OWNER = owner_header("bench-job-owner")


@dataclass
class ColdCase:
    label: str
    function: str
    floor: str  # comma-separated SDK keys the floor imports
    budget: float
    make_event: Callable[[int], dict[str, Any]]
    samples: Samples = field(default_factory=Samples)
    floor_samples: Samples = field(default_factory=Samples)
    # The first request after a SnapStart restore (the POST routes only; informational).
    restored_samples: Samples = field(default_factory=Samples)
    error: str | None = None

    @property
    def ratio(self) -> float:
        """Median of the per-round ratios: each candidate is run back to back with its floor, so a
        burst of load from elsewhere on the machine hits one pair, not one side."""
        return median([c / f for c, f in zip(self.samples.inproc, self.floor_samples.inproc, strict=True)])


@dataclass
class ColdResult:
    cases: list[ColdCase]
    runs: int


def child_env(aws: EmbeddedAws) -> dict[str, str]:
    return base_env(
        PYTHONPATH=f"{REPO}:{REPO / 'layers' / 'common'}",
        **aws.env(),
        CHAT_PROVIDER="offline",
        GENERATE_PROVIDER="offline",
        EDIT_PROVIDER="offline",
        POWERTOOLS_SERVICE_NAME="shatably-bench",
        POWERTOOLS_METRICS_NAMESPACE="Shatably",
        POWERTOOLS_LOG_LEVEL="INFO",
        AWS_LAMBDA_FUNCTION_NAME="shatably-bench",
        LAMBDA_TASK_ROOT=str(REPO),
    )


def build_cases() -> list[ColdCase]:
    jpeg = small_jpeg()
    return [
        ColdCase(
            "chat: POST /chat (JSON)",
            "chat",
            "genai",
            SDK_BUDGET,
            lambda i: chat_event(owner_header(f"c{i}")),
        ),
        ColdCase(
            "generate: POST /image/generate",
            "generate",
            "openai",
            SDK_BUDGET,
            lambda i: generate_event(owner_header(f"g{i}")),
        ),
        ColdCase(
            "edit: POST /edit (inline JPEG)",
            "edit",
            "genai",
            SDK_BUDGET,
            lambda i: edit_event(owner_header(f"e{i}"), jpeg),
        ),
        ColdCase("chat: GET /health", "chat", "genai,openai", NO_SDK_BUDGET, lambda i: health_event()),
        ColdCase(
            "generate: GET /styles", "generate", "genai,openai", NO_SDK_BUDGET, lambda i: styles_event()
        ),
        ColdCase(
            "generate: GET /jobs/{id}",
            "generate",
            "genai,openai",
            NO_SDK_BUDGET,
            lambda i: job_event(JOB_OWNER, JOB_ID),
        ),
        ColdCase(
            "history: GET /chat/sessions",
            "history",
            "genai,openai",
            NO_SDK_BUDGET,
            lambda i: sessions_event(JOB_OWNER),
        ),
    ]


def _write(tmp: Path, name: str, event: dict[str, Any]) -> str:
    path = tmp / f"{name}.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    return str(path)


def measure(runs: int = 7, log: Callable[[str], None] | None = None) -> ColdResult:
    cases = build_cases()
    python = sys.executable
    with embedded_aws() as aws, tempfile.TemporaryDirectory(prefix="shatably-cold-") as tmpdir:
        tmp = Path(tmpdir)
        aws.put_job(JOB_ID, owner_key(JOB_OWNER))
        env = child_env(aws)
        for round_no in range(runs + 1):  # round 0 is the warm-up: .pyc, page cache, moto's own imports
            for index, case in enumerate(cases):
                if case.error:
                    continue
                event_path = _write(tmp, f"case{index}", case.make_event(round_no))
                try:
                    app = run_child([python, "-P", CHILD, "app", case.function, event_path], env)
                    floor = run_child([python, "-P", CHILD, "floor", case.floor, event_path], env)
                    restored = (
                        run_child([python, "-P", CHILD, "restored", case.function, event_path], env)
                        if case.budget == SDK_BUDGET
                        else None
                    )
                except ChildError as exc:
                    case.error = str(exc)[-300:]
                    continue
                if app[2].get("status") != 200:
                    case.error = f"status {app[2].get('status')}: {app[2].get('body')}"
                    continue
                if round_no:
                    runs_of = [(case.samples, app), (case.floor_samples, floor)]
                    if restored is not None:
                        runs_of.append((case.restored_samples, restored))
                    for samples, (inproc, wall, result) in runs_of:
                        samples.inproc.append(inproc)
                        samples.wall.append(wall)
                        samples.cpu.append(float(result["cpu_ms"]))
                        samples.last = result
            if log:
                log(f"cold start: round {round_no}/{runs} done")
    return ColdResult(cases=cases, runs=runs)
