"""Importing this module pauses the cyclic garbage collector while a function initialises.

A function's INIT creates ~1M objects that live as long as the process (modules, classes, pydantic
validators, FastAPI routes), and its first request adds more of the same kind (AWS clients and
their service models). The collector would walk them again and again while they are being
created, for nothing: ~35 ms of a ~300 ms cold start (``make bench``).

Only a function's ``app.py`` imports this, as its first statement. ``lambda_entry`` (the app's last
statement) freezes what INIT made and turns collection back on (``shatably.web.entry``), pausing it
once more for the first request only when that is an API Gateway request: a job the first call
runs may last minutes and must be collected as it goes.

The cost: whatever garbage cycles INIT leaves (~0.5 MB, measured) are frozen with the rest and
never freed; collecting first would cost more time than the pause saves.
"""

from __future__ import annotations

import gc

gc.disable()
