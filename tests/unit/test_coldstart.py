"""A function pauses garbage collection while it initialises, and only then."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import gc, sys
import functions.{name}.app
assert gc.isenabled(), "collection must be running again once INIT is over"
assert gc.get_freeze_count() > 50_000, gc.get_freeze_count()  # INIT's objects are never walked again

class Node:
    pass

node = Node()
node.self = node  # a cycle: only the cyclic collector can free it
import weakref
ref = weakref.ref(node)
del node
gc.collect()
assert ref() is None, "garbage made after INIT is collected as usual"
print("ok")
"""


@pytest.mark.parametrize("name", ["chat", "generate", "edit"])
def test_collection_runs_normally_once_the_function_has_initialised(name: str) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'layers' / 'common'}",
        "CHAT_PROVIDER": "offline",
        "GENERATE_PROVIDER": "offline",
        "EDIT_PROVIDER": "offline",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(name=name)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")


HTTP_EVENT = {"httpMethod": "POST", "path": "/chat", "requestContext": {"requestId": "r1"}}
SQS_EVENT = {"Records": [{"eventSource": "aws:sqs", "body": "{}"}]}


def test_the_first_api_request_runs_without_collection_and_the_rest_with_it() -> None:
    import gc

    from shatably.web.entry import first_request_uncollected

    seen: list[bool] = []

    def handler(event: dict[str, object], context: object) -> dict[str, object]:
        seen.append(gc.isenabled())
        if context == "fail":
            raise RuntimeError("the first request failed")
        return {"statusCode": 200}

    wrapped = first_request_uncollected(handler)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        wrapped(HTTP_EVENT, "fail")
    assert gc.isenabled()  # even when the first request fails
    wrapped(HTTP_EVENT, None)
    assert seen == [False, True]


def test_a_first_worker_event_is_collected_as_usual() -> None:
    import gc

    from shatably.web.entry import first_request_uncollected

    seen: list[bool] = []

    def handler(event: dict[str, object], context: object) -> None:
        seen.append(gc.isenabled())

    first_request_uncollected(handler)(SQS_EVENT, None)  # a job may run for minutes
    assert seen == [True]


def test_only_a_function_module_pauses_collection() -> None:
    """Tools and tests that import the layer's entry helpers keep a collecting process."""
    result = subprocess.run(
        [sys.executable, "-c", "import gc, shatably.web.entry; print(gc.isenabled())"],
        env={**os.environ, "PYTHONPATH": str(REPO / "layers" / "common")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "True"
