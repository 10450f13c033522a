"""Importing this module pauses the cyclic garbage collector until the function has initialised.

A function's INIT creates ~1M objects that live as long as the process (modules, classes, pydantic
validators, FastAPI routes), and its first invocation adds more of the same kind (AWS clients and
their service models, the provider SDK's types). The collector would walk them again and again
while they are being created, for nothing: ~35 ms of a ~300 ms cold start (``make bench``).

Each function's ``app.py`` imports this first; ``lambda_entry`` (its last statement) calls
``init_done`` and wraps the handler in ``first_call_paused``. ``init_done`` moves the survivors into
the permanent generation, so later collections never walk them again either.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

gc.disable()


def init_done() -> None:
    gc.freeze()
    gc.enable()


def first_call_paused(handler: Callable[P, R]) -> Callable[P, R]:
    """``handler``, with the collector paused during its first call (then as ``init_done``)."""
    first = True

    @functools.wraps(handler)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        nonlocal first
        if not first:
            return handler(*args, **kwargs)
        first = False
        gc.disable()
        try:
            return handler(*args, **kwargs)
        finally:
            init_done()

    return call
