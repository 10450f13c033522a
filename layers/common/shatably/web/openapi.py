"""OpenAPI helpers: problem responses and routes that take JSON or multipart bodies."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from shatably.web.problems import PROBLEM_JSON


class Problem(BaseModel):
    """RFC 9457 problem details, with our stable ``code``."""

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description="Stable machine-readable error code")
    instance: str | None = None
    request_id: str | None = None


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:  # FastAPI's `responses` type
    """Document the problem statuses a route can answer with."""
    described = {
        400: "Malformed request",
        404: "Not found (or not yours)",
        409: "Conflict; retry after the Retry-After delay",
        413: "Too large",
        415: "Unsupported media type",
        422: "Invalid input or blocked content",
        429: "Quota exceeded",
        500: "Internal error",
        502: "The AI provider failed",
        503: "A dependency is unavailable",
        504: "The AI provider timed out",
    }
    return {
        status: {
            "description": described.get(status, "Problem"),
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


def link(
    operation_id: str,
    description: str,
    *,
    parameters: dict[str, str] | None = None,
    request_body: Any = None,
) -> dict[str, Any]:
    """An OpenAPI link to another operation of the API, by ``operationId`` (which may live in
    another function's app: the combined document resolves it). ``request_body`` may hold runtime
    expressions; a client merges it into the body it sends."""
    definition: dict[str, Any] = {"operationId": operation_id, "description": description}
    if parameters:
        definition["parameters"] = parameters
    if request_body is not None:
        definition["requestBody"] = request_body
    return definition


def linked(status: int, description: str, **links: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """A success response's description and the links a client can follow from it."""
    return {status: {"description": description, "links": links}}


def accepted(**links: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """202 for a request run as a job, with links (e.g. to GET /jobs/{job_id})."""
    response: dict[str, Any] = {
        "description": "Accepted as a job: poll the Location",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobAccepted"}}},
    }
    if links:
        response["links"] = links
    return {202: response}


ACCEPTED = accepted()
JOB_LINK = link("getJob", "Poll the job", parameters={"job_id": "$response.body#/job_id"})


def call_headers(*, prefer: bool = True) -> dict[str, Any]:
    """``openapi_extra`` documenting the headers ``CurrentCall`` reads from the request itself."""
    parameters = [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": "Retries with the same key return the first result",
            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        }
    ]
    if prefer:
        parameters.append(
            {
                "name": "Prefer",
                "in": "header",
                "required": False,
                "description": "`respond-async` runs the request as a job (202)",
                "schema": {"type": "string"},
            }
        )
    return {"parameters": parameters}


def json_or_multipart(model: type[BaseModel], form: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads either a JSON body or a multipart form."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}},
                "multipart/form-data": {"schema": form},
            },
        }
    }


def install_openapi(
    app: FastAPI, extra_models: tuple[type[BaseModel], ...], lazy_models: tuple[str, ...] = ()
) -> None:
    """Add models that routes read by hand (and Problem) to the generated components.

    ``lazy_models`` ("package.module:Model") are imported only when the document is built, for
    routes whose models stay out of the function's cold start until the route is used.
    """

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        models: list[type[BaseModel]] = [Problem, *extra_models, *map(_import_model, lazy_models)]
        _, defs = models_json_schema(
            [(m, "validation") for m in models],
            ref_template="#/components/schemas/{model}",
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in defs.get("$defs", {}).items():
            components.setdefault(name, definition)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _import_model(path: str) -> type[BaseModel]:
    import importlib

    module, _, name = path.partition(":")
    model: type[BaseModel] = getattr(importlib.import_module(module), name)
    return model
