"""The app factory every function uses: CORS allow-list, problems, request context, health."""

from __future__ import annotations

import json

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from shatably.errors import ProblemError
from shatably.settings import get_settings
from shatably.web.middleware import RequestContextMiddleware
from shatably.web.openapi import install_openapi
from shatably.web.problems import PROBLEM_JSON, install_problem_handlers

EXPOSED_HEADERS = ["x-request-id", "x-owner-id", "location", "retry-after"]


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, except that a refused preflight is a problem like every other error.

    It still carries no Access-Control-Allow-Origin, so the browser blocks the request."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        problem = ProblemError("cors_rejected", detail=bytes(response.body).decode())
        headers = {
            k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")
        }
        return Response(
            json.dumps(problem.to_body()), status_code=400, media_type=PROBLEM_JSON, headers=headers
        )


def create_app(
    function: str,
    *routers: APIRouter,
    description: str = "",
    extra_models: tuple[type[BaseModel], ...] = (),
    lazy_models: tuple[str, ...] = (),
) -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        title=f"Shatably AI — {function}",
        version="2.0.0",
        description=description,
        # Docs are served once, for the whole API, by the gateway (local) or the OpenAPI export.
        docs_url=None,
        redoc_url=None,
        # Tracing is Lambda's active tracing (DESIGN D14) and the layer ships no OpenTelemetry SDK,
        # so FastAPI's native OpenTelemetry never has a provider; switched off, it stops asking
        # the global providers on every request (~8 µs each).
        telemetry={"tracing": False, "metrics": False, "logs": False},
        # The function's routes are the app's own: an included router is matched through a
        # per-request route context (FastAPI ≥ 0.16x), which costs every request for nothing
        # here (no prefix, no router-level dependencies).
        routes=[route for router in routers for route in router.routes],
    )
    install_problem_handlers(app)
    # Added first, so it sits inside CORS: 413s and 500s still carry CORS headers.
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(
        ProblemCORSMiddleware,
        allow_origins=list(settings.cors_allow_origins),
        allow_credentials=True,
        allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["content-type", "authorization", "idempotency-key", "prefer", "x-owner-id"],
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
    )

    @app.get("/health", tags=["health"], summary="Liveness of this function", operation_id="health")
    async def health() -> dict[str, str]:
        return {"status": "ok", "function": function}

    install_openapi(app, extra_models, lazy_models)
    return app
