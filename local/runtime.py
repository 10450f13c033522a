"""The Lambda runtime inside one local worker process, and the pipe protocol it speaks with the gateway.

A worker is what a Lambda execution environment is: one process per function instance, the handler
imported once at start (init), then one invocation at a time. Run as
``python -m local.runtime READ_FD WRITE_FD PATHS_JSON`` by ``local.workers``; it imports only the
standard library before the handler, so the function's ``sys.modules`` holds nothing of the gateway's.

Frames are a 4-byte big-endian length, one kind byte, then a JSON payload.
"""

from __future__ import annotations

import importlib
import json
import os
import select
import struct
import sys
import time
import traceback
from typing import Any

READY = b"Y"  # init finished
INIT_ERROR = b"I"  # init failed: payload is a Lambda error object
INVOKE = b"V"  # gateway -> worker: {"event", "request_id", "deadline_ms", "trace_id"}
OPENAPI = b"O"  # gateway -> worker: the FastAPI app's OpenAPI document, please
RESULT = b"R"  # worker -> gateway: the handler's result
ERROR = b"E"  # worker -> gateway: a Lambda error object

_HEADER = struct.Struct(">I")


def write_frame(fd: int, kind: bytes, payload: bytes) -> None:
    view = memoryview(_HEADER.pack(len(payload) + 1) + kind + payload)
    while view:
        view = view[os.write(fd, view) :]


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes | None:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            return None  # the other side is gone
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, deadline: float | None = None) -> tuple[bytes, bytes] | None:
    """(kind, payload), or None at end of stream; TimeoutError once ``deadline`` (monotonic) passes."""
    header = _read_exact(fd, _HEADER.size, deadline)
    if header is None:
        return None
    body = _read_exact(fd, _HEADER.unpack(header)[0], deadline)
    return None if body is None else (body[:1], body[1:])


class CognitoIdentity:
    cognito_identity_id: str | None = None
    cognito_identity_pool_id: str | None = None


class LambdaContext:
    """The context object of the Python Lambda runtime (awslambdaric), attribute for attribute."""

    def __init__(self, request_id: str, deadline_ms: int) -> None:
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")  # a string there too
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = os.environ.get("_LOCAL_FUNCTION_ARN")
        self.client_context = None
        self.identity = CognitoIdentity()
        self.tenant_id = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)


def lambda_error(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }


def _load_handler(spec: str) -> tuple[Any, Any]:
    module_name, _, attribute = spec.rpartition(".")
    module = importlib.import_module(module_name)
    return module, getattr(module, attribute)


def _openapi(module: Any) -> Any:
    openapi = getattr(getattr(module, "app", None), "openapi", None)
    return openapi() if callable(openapi) else None


def serve(read_fd: int, write_fd: int) -> None:
    try:
        module, handler = _load_handler(os.environ["_HANDLER"])
    except Exception as exc:  # Runtime.ImportModuleError and friends: reported, then this worker ends
        traceback.print_exc()
        write_frame(write_fd, INIT_ERROR, json.dumps(lambda_error(exc, "Runtime.ImportModuleError")).encode())
        return
    write_frame(write_fd, READY, b"{}")
    while (frame := read_frame(read_fd)) is not None:
        kind, payload = frame
        try:
            if kind == OPENAPI:
                output = json.dumps(_openapi(module)).encode()
            else:
                request = json.loads(payload)
                # The runtime exports the trace header of each invocation, as Lambda does.
                os.environ["_X_AMZN_TRACE_ID"] = request["trace_id"]
                context = LambdaContext(request["request_id"], request["deadline_ms"])
                result = handler(request["event"], context)
                try:
                    output = json.dumps(result).encode()
                except (TypeError, ValueError) as exc:
                    raise _MarshalError(str(exc)) from exc
        except Exception as exc:
            traceback.print_exc()
            error = lambda_error(exc, getattr(exc, "error_type", None))
            write_frame(write_fd, ERROR, json.dumps(error).encode())
        else:
            write_frame(write_fd, RESULT, output)


class _MarshalError(Exception):
    error_type = "Runtime.MarshalError"


def main() -> None:
    read_fd, write_fd = int(sys.argv[1]), int(sys.argv[2])
    paths: list[str] = json.loads(sys.argv[3])
    # Lambda's sys.path: the function's code, then its layers; never the gateway's working directory.
    sys.path[:1] = paths
    os.chdir(paths[0])
    serve(read_fd, write_fd)


if __name__ == "__main__":
    main()
