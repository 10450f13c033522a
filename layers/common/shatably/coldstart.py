"""Importing this module pauses the cyclic garbage collector until the function has initialised.

A function's INIT creates ~1M objects that live as long as the process (modules, classes, pydantic
validators, FastAPI routes). The collector would walk them again and again while they are being
created, for nothing: ~30 ms of a ~250 ms cold start (``make bench``). Each function's ``app.py``
imports this first; ``lambda_entry`` (its last statement) calls ``init_done``, which moves the
survivors into the permanent generation, so later collections never walk them again either.
"""

from __future__ import annotations

import gc

gc.disable()


def init_done() -> None:
    gc.freeze()
    gc.enable()
