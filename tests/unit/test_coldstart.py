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


def test_the_first_call_runs_without_collection_and_the_rest_with_it() -> None:
    import gc

    from shatably.coldstart import first_call_paused

    seen: list[bool] = []

    def handler(fail: bool) -> str:
        seen.append(gc.isenabled())
        if fail:
            raise RuntimeError("the first request failed")
        return "ok"

    wrapped = first_call_paused(handler)
    try:
        with pytest.raises(RuntimeError):
            wrapped(True)
        assert gc.isenabled()  # even when the first call fails
        assert wrapped(False) == "ok"
    finally:
        gc.enable()
        gc.unfreeze()
    assert seen == [False, True]
