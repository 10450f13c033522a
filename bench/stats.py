"""Small statistics and subprocess helpers shared by the benchmarks."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MARKER = "BENCH-RESULT "


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of ``values`` (pct in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Samples:
    """In-process and wall-clock milliseconds of repeated child runs."""

    inproc: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    last: dict[str, Any] = field(default_factory=dict)

    @property
    def inproc_ms(self) -> float:
        return median(self.inproc)

    @property
    def wall_ms(self) -> float:
        return median(self.wall)

    @property
    def cpu_ms(self) -> float:
        return median(self.cpu)


class ChildError(RuntimeError):
    pass


def base_env(**extra: str) -> dict[str, str]:
    """A clean child environment: nothing inherited but PATH/HOME/locale (no POWERTOOLS_DEV etc.)."""
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if k in os.environ}
    return {**keep, **extra}


def run_child(
    argv: list[str], env: dict[str, str], *, key: str = "total_ms"
) -> tuple[float, float, dict[str, Any]]:
    """Run one child; return (in-process ms from its first statement, wall ms, its result dict)."""
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    wall = (time.perf_counter() - start) * 1000
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARKER)]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout)[-1500:]
        raise ChildError(f"{' '.join(argv[-3:])} exited {proc.returncode}: {tail}")
    result: dict[str, Any] = json.loads(lines[-1][len(MARKER) :])
    return float(result[key]), wall, result
