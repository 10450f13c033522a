"""The chat function: a thin FastAPI app from the layer's factory, wrapped by Mangum."""

from __future__ import annotations

from mangum import Mangum

from shatably.web.entry import lambda_entry
from shatably.web.factory import create_app

app = create_app("chat")
handler = lambda_entry(Mangum(app, lifespan="off"))
