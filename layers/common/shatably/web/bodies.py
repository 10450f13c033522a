"""Reading bodies that may be JSON or multipart."""

from __future__ import annotations

from typing import TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile

from shatably.errors import ProblemError

M = TypeVar("M", bound=BaseModel)


def is_form(request: Request) -> bool:
    """Multipart (the v1 frontend's FormData) or a plain urlencoded form."""
    content_type = request.headers.get("content-type", "").lower()
    return content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded"))


def validate(model: type[M], data: object) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_context=False)) from exc


async def read_json(request: Request, model: type[M]) -> M:
    content_type = request.headers.get("content-type", "application/json").lower()
    if "json" not in content_type:
        raise ProblemError("unsupported_media_type", detail="Send application/json or multipart/form-data.")
    return parse_json(await request.body(), model)


def parse_json(raw: bytes, model: type[M]) -> M:
    """A JSON body as ``model``: malformed JSON and invalid fields become their problems."""
    # Parsed and validated in one pass by pydantic-core: ~5x faster than json.loads + model_validate
    # for a 2 MB body with an inline image (1.0 -> 0.2 ms), and no intermediate dict.
    try:
        return model.model_validate_json(raw or b"null")
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False)
        if any(error["type"] == "json_invalid" for error in errors):
            raise ProblemError("malformed_json", detail="The body could not be parsed as JSON.") from exc
        raise RequestValidationError(errors) from exc


async def read_form(request: Request, max_files: int) -> FormData:
    try:
        return await request.form(max_files=max_files, max_fields=50)
    except Exception as exc:  # python-multipart raises several types for broken bodies
        raise ProblemError("validation_failed", detail="The multipart body could not be parsed.") from exc


async def form_files(form: FormData, name: str) -> list[bytes]:
    """The files sent under ``name``. Text there is refused, not skipped: a mask sent as text must
    not turn a masked edit into a whole-photo one, nor a photo sent as text vanish from a turn."""
    files: list[UploadFile] = []
    for value in form.getlist(name):
        if isinstance(value, UploadFile):
            files.append(value)
        elif value != "":  # an empty text field is an empty form input: nothing was sent
            error = {"loc": (name,), "msg": "Expected a file", "type": "file_expected"}
            raise RequestValidationError([error])
    return [await f.read() for f in files]


def form_text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) and value != "" else None
