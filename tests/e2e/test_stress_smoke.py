"""``make stress`` in small: the same driver (bench/stress.py) for ~10 s with 4 users.

It starts its own fake providers and local gateway on loopback (like ``make stress``), drives mixed
chat / generate / edit / job traffic with provider latency, 429s and 5xx, and must pass every check:
only documented problems, no job left running or queued, no chat turn lost or duplicated.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.stress import StressConfig, run

pytestmark = pytest.mark.e2e


def test_a_short_mixed_load_passes_every_check(tmp_path: Path) -> None:
    config = StressConfig(
        duration=10.0,
        users=4,
        latency_min=0.3,  # shorter than make stress's 1-10 s, so 10 s carries real traffic
        latency_max=2.5,
        rate_429=0.08,
        rate_5xx=0.06,
        pool_size=2,
        drain=60.0,
        visibility_timeout=10,
        workdir=tmp_path,
        verbose=False,
    )
    report = run(config)
    print(report.render())  # shown with -s, and in the failure report

    assert report.passed, report.render()
    routes = {sample.route for sample in report.samples}
    assert {"POST /chat", "GET /jobs/{id}"} <= routes, routes
    assert report.peak_rss_bytes > 0
    assert sum(report.provider_calls.values()) > 0
