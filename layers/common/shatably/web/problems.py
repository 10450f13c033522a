"""RFC 9457 problem responses and the exception handlers that produce them."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from shatably.errors import ProblemError

PROBLEM_JSON = "application/problem+json"
# Paths whose v1 callers read {"error": ...}.
LEGACY_PATHS = frozenset({"/chat", "/chat/", "/image/generate", "/image/generate/", "/edit", "/edit/"})


def problem_response(
    problem: ProblemError, *, request_id: str | None, path: str | None, headers: dict[str, str] | None = None
) -> Response:
    body = problem.to_body(request_id=request_id, instance=path, legacy=path in LEGACY_PATHS)
    all_headers = problem.headers() | (headers or {})
    return Response(
        content=json.dumps(body, ensure_ascii=False),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=all_headers,
    )


def request_id_of(request: Request) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        errors.append({"field": ".".join(loc), "message": str(err.get("msg", "")), "type": err.get("type")})
    return errors


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return problem_response(exc, request_id=request_id_of(request), path=request.url.path)


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = _field_errors(exc)
    if any(e["type"] == "json_invalid" for e in errors):
        problem = ProblemError("malformed_json", detail="The body could not be parsed as JSON.")
    else:
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        problem = ProblemError("validation_failed", detail=summary or None, extra={"errors": errors})
    return problem_response(problem, request_id=request_id_of(request), path=request.url.path)


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        problem = ProblemError("not_found", detail=f"No route for {request.method} {request.url.path}.")
    elif exc.status_code == 405:
        problem = ProblemError("method_not_allowed", detail=f"{request.method} is not allowed here.")
    elif exc.status_code == 413:
        problem = ProblemError("payload_too_large")
    elif exc.status_code == 415:
        problem = ProblemError("unsupported_media_type", detail=str(exc.detail))
    elif exc.status_code >= 500:
        problem = ProblemError("internal_error")
    else:
        problem = ProblemError("validation_failed", status=exc.status_code, detail=str(exc.detail))
    return problem_response(
        problem, request_id=request_id_of(request), path=request.url.path, headers=headers
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
