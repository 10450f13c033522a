"""The Docker-free local API Gateway: ``python -m local.gateway`` (what ``make run`` calls).

It reads ``template.yaml``, starts an embedded moto server provisioned from the template's
resources, runs each function in its own warm worker processes, and serves the REST API on
http://127.0.0.1:3000 (``HOST``/``PORT``): requests become genuine API Gateway v1 proxy events,
answers become HTTP responses as API Gateway would make them (its limits and its Gateway Responses
included). SQS and EventBridge event sources are polled and delivered to their worker functions.
Also served: the combined OpenAPI document (/openapi.json), Swagger UI (/docs, local assets only)
and the playground in ``web/``.

From Python (tests, benchmarks)::

    with serve(port=0) as gateway:  # a free port; returns once every function is warm
        urllib.request.urlopen(f"{gateway.url}/health")
        boto3.client("sqs", endpoint_url=gateway.moto_url)  # the embedded AWS
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import logging
import os
import re
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from local.aws import EmbeddedAws
from local.events import (
    HttpResponse,
    MalformedResponse,
    RouteMatch,
    allowed_methods,
    forwarded_headers,
    http_response,
    match_route,
    media_type_matches,
    new_trace_id,
    proxy_event,
)
from local.openapi import TITLE, combine, undocumented
from local.stack import RestApi, Stack, TemplateError
from local.workers import (
    MAX_SYNC_RESPONSE,
    PACKAGE_ROOT,
    POLL_WAIT_SECONDS,
    FunctionPool,
    Outcome,
    QueuePoller,
    RulePoller,
    SqsPoller,
    lambda_environment,
)
from shatably.errors import ProblemError

log = logging.getLogger("local.gateway")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000
DEFAULT_POOL_SIZE = 2  # warm instances per API function: one slow request does not block the next
MAX_REQUEST_BODY = 10 * 1024 * 1024  # API Gateway's payload limit
_DRAIN_LIMIT = 8 * MAX_REQUEST_BODY  # a refused body up to this size is read before answering
OPENAPI_TIMEOUT_SECONDS = 30.0
PROBLEM_JSON = "application/problem+json"

# Gateway Responses: API Gateway's own answers. The template may restyle each one; these are the
# status codes API Gateway uses when it does not, and our problem shape when the template is silent.
_RESPONSE_STATUS = {
    "MISSING_AUTHENTICATION_TOKEN": 403,  # what a REST API answers for a route it does not have
    "REQUEST_TOO_LARGE": 413,
    "THROTTLED": 429,
    "INTEGRATION_TIMEOUT": 504,
}
_FALLBACK_PROBLEMS = {
    "MISSING_AUTHENTICATION_TOKEN": ("not_found", 404),
    "REQUEST_TOO_LARGE": ("payload_too_large", 413),
    "THROTTLED": ("rate_limited", 429),
    "INTEGRATION_TIMEOUT": ("upstream_timeout", 504),
    "DEFAULT_5XX": ("internal_error", 502),
}

_STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".map": "application/json",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
}
# Swagger UI 5 (OpenAPI 3.1) ships inside the fastapi-offline wheel; served from here, never a CDN.
_SWAGGER_ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png")
_DOCS_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="icon" href="/docs/favicon.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
SwaggerUIBundle({{url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null}});
</script>
</body>
</html>
"""


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # as sent, still percent-encoded
    query: str
    headers: list[tuple[str, str]]
    body: bytes | None
    source_ip: str
    request_id: str
    received: float  # epoch seconds

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


class Gateway:
    """A running local gateway. Build it with ``serve``; ``close`` (or leaving ``with``) stops it all."""

    def __init__(
        self,
        *,
        template: Path,
        host: str,
        port: int,
        env_overrides: Mapping[str, str],
        function_env: Mapping[str, Mapping[str, str]],
        pool_size: int,
        moto_port: int,
        host_env: Mapping[str, str],
    ) -> None:
        self._closed = False
        self._stop = threading.Event()
        self._pools: dict[str, FunctionPool] = {}
        self._pollers: list[QueuePoller] = []
        self._serving: threading.Thread | None = None
        self._aws: EmbeddedAws | None = None
        self._log_lock = threading.Lock()
        self._openapi_lock = threading.Lock()
        self._openapi: dict[str, Any] | None = None
        self._warned: set[tuple[str, str]] = set()
        # Bind first: a taken port fails fast, and early clients wait in the backlog until ready.
        self._server = _Server((host, port), _Handler)
        self._server.gateway = self
        try:
            self._start(template, env_overrides, function_env, pool_size, moto_port, host_env)
        except BaseException:
            self.close()
            raise

    def _start(
        self,
        template: Path,
        env_overrides: Mapping[str, str],
        function_env: Mapping[str, Mapping[str, str]],
        pool_size: int,
        moto_port: int,
        host_env: Mapping[str, str],
    ) -> None:
        region = host_env.get("AWS_REGION") or host_env.get("AWS_DEFAULT_REGION") or "us-east-1"
        self._aws = aws = EmbeddedAws(region=region, port=moto_port)
        self.stack = stack = Stack.load(template, moto_url=aws.url, region=region)
        self.routes = stack.routes
        self.web_root = stack.root / "web"
        port = self._server.server_address[1]
        origins = (f"http://127.0.0.1:{port}", f"http://localhost:{port}")
        rule_queues = aws.provision(stack, local_origins=origins)
        environments = {
            name: lambda_environment(
                function,
                region=region,
                moto_url=aws.url,
                host_env=host_env,
                overrides={**env_overrides, **function_env.get(name, {})},
            )
            for name, function in stack.functions.items()
        }
        aws.put_secrets(environments)
        for name, function in stack.functions.items():
            # API functions get a small pool; each event source holds one instance of its own.
            size = (pool_size if function.routes else 0) + len(function.queues) + len(function.rules)
            if size:
                self._pools[name] = FunctionPool(function, environments[name], size)
        for pool in self._pools.values():  # all processes import in parallel; now wait for them
            for error in pool.wait_ready():
                log.error("init failed: %s (its requests will answer 502)", error)
        for name, function in stack.functions.items():
            for source in function.queues:
                self._pollers.append(
                    SqsPoller(
                        source,
                        queue_arn=stack.queue_arn(source.queue),
                        region=region,
                        label=stack.physical_name(source.queue),
                        client=aws.client("sqs"),
                        queue_url=str(stack.resolver.ref(source.queue)),
                        pool=self._pools[name],
                        stop=self._stop,
                        report=self.log,
                    )
                )
            for rule in function.rules:
                self._pollers.append(
                    RulePoller(
                        rule,
                        label=rule.rule_name,
                        client=aws.client("sqs"),
                        queue_url=rule_queues[rule.queue_name],
                        pool=self._pools[name],
                        stop=self._stop,
                        report=self.log,
                    )
                )
        for poller in self._pollers:
            poller.start()
        self._serving = threading.Thread(target=self._server.serve_forever, name="gateway", daemon=True)
        self._serving.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    @property
    def moto_url(self) -> str:
        assert self._aws is not None
        return self._aws.url

    def __enter__(self) -> Gateway:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving, end every worker process and the embedded AWS. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        if self._serving is not None:
            self._server.shutdown()
        self._server.server_close()
        for pool in self._pools.values():
            pool.close()
        for poller in self._pollers:
            poller.join(timeout=POLL_WAIT_SECONDS + 5)
        if self._aws is not None:
            self._aws.stop()

    def log(self, line: str) -> None:
        """One line on stdout: what the gateway did (requests, event deliveries)."""
        with self._log_lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    # ------------------------------------------------------------------ requests

    def handle(self, request: Request) -> tuple[HttpResponse, str]:
        """The response to one request, and what served it (a function's logical id, or "-")."""
        routes = self.routes
        path = request.path
        found = match_route(routes, request.method, path)
        if found is None:
            # The execute-api URL carries the stage (/dev/chat); accept it locally too.
            for api in {route.api.stage: route.api for route in routes}.values():
                if path.startswith(f"/{api.stage}/"):
                    path = path.removeprefix(f"/{api.stage}")
                    found = match_route(routes, request.method, path)
                    break
        if found is not None:
            return self._invoke(found, path, request), found.route.function
        if request.method in ("GET", "HEAD") and not allowed_methods(routes, path):
            local = self._local_resource(request.path)
            if local is not None:
                return local, "-"
        return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", request), "-"

    def _invoke(self, found: RouteMatch, path: str, request: Request) -> HttpResponse:
        route = found.route
        trace_id = new_trace_id(request.received)
        headers = forwarded_headers(
            request.headers,
            source_ip=request.source_ip,
            port=self._server.server_address[1],
            trace_id=trace_id,
        )
        event = proxy_event(
            found,
            method=request.method,
            raw_path=path,
            query=request.query,
            headers=headers,
            body=request.body,
            source_ip=request.source_ip,
            request_id=request.request_id,
            now=request.received,
        )
        pool = self._pools[route.function]
        outcome = pool.invoke(event, timeout=route.timeout_ms / 1000, trace_id=trace_id)
        if outcome.status != "ok":
            return self._failure(outcome, route.api, request)
        try:
            response, was_base64 = http_response(outcome.payload)
        except MalformedResponse as exc:
            log.error("%s: malformed Lambda proxy response: %s", route.function, exc)
            return self.gateway_response("DEFAULT_5XX", request, api=route.api, status=502)
        if outcome.size > MAX_SYNC_RESPONSE:
            log.error("%s: a %d-byte response is over Lambda's limit", route.function, outcome.size)
            return self.gateway_response("DEFAULT_5XX", request, api=route.api, status=502)
        if was_base64:
            self._warn_binary(route.function, route.api, response, request)
        return response

    def _failure(self, outcome: Outcome, api: RestApi, request: Request) -> HttpResponse:
        if outcome.status == "timeout":
            log.warning("%s", outcome.detail)
            return self.gateway_response("INTEGRATION_TIMEOUT", request, api=api)
        if outcome.status == "busy":
            return self.gateway_response("THROTTLED", request, api=api, headers=[("Retry-After", "1")])
        if outcome.status == "too_large":
            return self.gateway_response("REQUEST_TOO_LARGE", request, api=api)
        # The function raised, failed to initialise or died: API Gateway answers 502.
        log.error("function failed: %s", outcome.detail)
        return self.gateway_response("DEFAULT_5XX", request, api=api, status=502)

    def _warn_binary(self, function: str, api: RestApi, response: HttpResponse, request: Request) -> None:
        """Decoding here is kind; a deployed REST API decodes base64 only when the request's first
        Accept type is a binary media type, else the client gets the base64 text. Say so, once."""
        accept = (request.header("Accept") or "").split(",")[0]
        content_type = next((v for k, v in response.headers if k.lower() == "content-type"), "")
        if media_type_matches(accept, api.binary_media_types) or (function, content_type) in self._warned:
            return
        self._warned.add((function, content_type))
        log.warning(
            "%s answered %s as base64: deployed, API Gateway decodes that only for a request whose first "
            "Accept type is a binary media type (this one's: %r); other clients get the base64 text",
            function,
            content_type,
            accept or "(none)",
        )

    def gateway_response(
        self,
        kind: str,
        request: Request,
        *,
        api: RestApi | None = None,
        status: int | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> HttpResponse:
        """An answer of API Gateway itself, as the template's GatewayResponses style it."""
        api = api or next((route.api for route in self.routes), None)
        responses = api.gateway_responses if api else {}
        default_status = status or _RESPONSE_STATUS.get(kind, 500)
        spec = responses.get(kind) or responses.get("DEFAULT_5XX" if default_status >= 500 else "DEFAULT_4XX")
        if spec is None:
            code, fallback_status = _FALLBACK_PROBLEMS[kind]
            return problem_response(
                code, status or fallback_status, request.request_id, request.path, headers
            )
        context = {
            "requestId": request.request_id,
            "error.responseType": kind,
            "error.message": kind.replace("_", " ").capitalize(),
            "httpMethod": request.method,
            "path": request.path,
            "stage": api.stage if api else "",
            "apiId": api.api_id if api else "",
        }
        out_headers: list[tuple[str, str]] = []
        for name, value in ((spec.get("ResponseParameters") or {}).get("Headers") or {}).items():
            resolved = _parameter_value(str(value), request)
            if resolved is not None:
                out_headers.append((name, resolved))
        styled = {name.lower() for name, _ in out_headers}
        out_headers += [(name, value) for name, value in headers or [] if name.lower() not in styled]
        templates = spec.get("ResponseTemplates") or {}
        template = templates.get("application/json", next(iter(templates.values()), ""))
        body = re.sub(r"\$context\.([A-Za-z.]+)", lambda m: context.get(m.group(1), ""), str(template))
        if not any(name.lower() == "content-type" for name, _ in out_headers):
            out_headers.append(("Content-Type", "application/json"))
        return HttpResponse(int(spec.get("StatusCode") or default_status), out_headers, body.encode())

    # ------------------------------------------------------------------ what the gateway serves itself

    def _local_resource(self, raw_path: str) -> HttpResponse | None:
        path = unquote(raw_path)
        if path == "/openapi.json":
            return HttpResponse(
                200, [("Content-Type", "application/json")], json.dumps(self.openapi()).encode()
            )
        if path in ("/docs", "/docs/"):
            html = _DOCS_HTML.format(title=TITLE)
            return HttpResponse(200, [("Content-Type", "text/html; charset=utf-8")], html.encode())
        if path.startswith("/docs/") and path.removeprefix("/docs/") in _SWAGGER_ASSETS:
            assets = _swagger_dir()
            return _file_response(assets / path.removeprefix("/docs/")) if assets else None
        target = _static_file(self.web_root, "/index.html" if path == "/" else path)
        return _file_response(target) if target else None

    def openapi(self) -> dict[str, Any]:
        """The combined document, built from the functions' own documents on first use."""
        with self._openapi_lock:
            if self._openapi is not None:
                return self._openapi
            documents: dict[str, Any] = {}
            for function in dict.fromkeys(route.function for route in self.routes):
                outcome = self._pools[function].openapi(OPENAPI_TIMEOUT_SECONDS)
                if outcome.status == "ok" and isinstance(outcome.payload, dict):
                    documents[function] = outcome.payload
                else:
                    log.warning("no OpenAPI document from %s: %s", function, outcome.detail)
            combined = combine(documents, self.routes)
            if len(documents) == len({route.function for route in self.routes}):
                self._openapi = combined  # complete: keep it (workers never reload their code)
                for route in undocumented(combined, self.routes):
                    log.warning(
                        "%s %s goes to %s, whose app does not document it",
                        route.method,
                        route.path,
                        route.function,
                    )
            return combined


def problem_response(
    code: str, status: int, request_id: str, path: str, headers: list[tuple[str, str]] | None = None
) -> HttpResponse:
    body = ProblemError(code, status=status).to_body(request_id, path)
    return HttpResponse(status, [("Content-Type", PROBLEM_JSON), *(headers or [])], json.dumps(body).encode())


def _parameter_value(value: str, request: Request) -> str | None:
    """A Gateway Response header value: a 'quoted literal' or a method.request.header.X mapping."""
    if len(value) >= 2 and value.startswith("'") and value.endswith("'"):
        return value[1:-1]
    if value.startswith("method.request.header."):
        return request.header(value.removeprefix("method.request.header."))
    return None


def _swagger_dir() -> Path | None:
    spec = importlib.util.find_spec("fastapi_offline")  # located, not imported: it would import FastAPI
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def _static_file(root: Path, path: str) -> Path | None:
    """A file of the playground, or None: no hidden files, no way out of ``root``, known types only."""
    parts = path.split("/")[1:]
    if not parts or any(not part or part.startswith(".") or "\\" in part or "\0" in part for part in parts):
        return None
    candidate = root.joinpath(*parts).resolve()
    if not candidate.is_relative_to(root.resolve()) or not candidate.is_file():
        return None  # a symlink out of web/ is refused too
    return candidate if candidate.suffix.lower() in _STATIC_TYPES else None


def _file_response(path: Path) -> HttpResponse | None:
    if not path.is_file():
        return None
    headers = [
        ("Content-Type", _STATIC_TYPES.get(path.suffix.lower(), "application/octet-stream")),
        ("Cache-Control", "no-cache"),  # a developer's edit shows on the next reload
        ("X-Content-Type-Options", "nosniff"),
    ]
    return HttpResponse(200, headers, path.read_bytes())


class _RequestTooLarge(Exception):
    pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The stdlib default backlog of 5 overflows under a burst of browser or load-test connections.
    request_queue_size = 128
    gateway: Gateway

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client hung up before its answer was written: nothing to report
        log.exception("error serving %s", client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as browsers and benchmarks expect
    server: _Server
    timeout = 120  # a client silent for this long is dropped, freeing its thread
    # Headers and body leave in one write, without waiting on Nagle and delayed ACKs (~40 ms each
    # keep-alive request otherwise). handle_one_request flushes after every request.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def _handle(self) -> None:
        started = time.monotonic()
        gateway = self.server.gateway
        split = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=split.path or "/",
            query=split.query,
            headers=list(self.headers.items()),
            body=None,
            source_ip=self.client_address[0],
            request_id=str(uuid.uuid4()),
            received=time.time(),
        )
        function = "-"
        try:
            body = self._read_body()
        except _RequestTooLarge:
            self._discard_body()
            response = gateway.gateway_response("REQUEST_TOO_LARGE", request)
        except ValueError as exc:  # a Content-Length or chunk size that is not a number
            self.send_error(400, str(exc))
            return
        else:
            try:
                response, function = gateway.handle(replace(request, body=body))
            except Exception:
                log.exception("gateway error on %s %s", request.method, request.path)
                response = gateway.gateway_response("DEFAULT_5XX", request, status=500)
        # Logged before the answer goes out, so a client that has its answer finds the line there.
        elapsed = int((time.monotonic() - started) * 1000)
        gateway.log(f"{request.method} {request.path} {function} {response.status} {elapsed}ms")
        self._write(response, request.request_id)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _handle

    def handle_expect_100(self) -> bool:
        accepted = super().handle_expect_100()
        self.wfile.flush()  # the interim 100 must not wait in the write buffer
        return accepted

    def _discard_body(self) -> None:
        """Read a refused body to its end, so the client gets to read its 413 (one still sending
        when the socket closes sees a reset instead). A chunked or huge one: just hang up."""
        length = self.headers.get("Content-Length")
        if (
            not length
            or "chunked" in self.headers.get("Transfer-Encoding", "").lower()
            or int(length) > _DRAIN_LIMIT
        ):
            self.close_connection = True
            return
        remaining = int(length)
        while remaining > 0 and (chunk := self.rfile.read(min(remaining, 1 << 20))):
            remaining -= len(chunk)

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return None
        size = int(length)
        if size < 0:
            raise ValueError("negative Content-Length")
        if size > MAX_REQUEST_BODY:
            raise _RequestTooLarge
        return self.rfile.read(size)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while size := int(self.rfile.readline(1024).split(b";")[0].strip() or b"0", 16):
            total += size
            if total > MAX_REQUEST_BODY:
                raise _RequestTooLarge
            chunks.append(self.rfile.read(size))
            self.rfile.readline()  # the CRLF closing the chunk
        while self.rfile.readline(1024).strip():
            pass  # trailers
        return b"".join(chunks)

    def _write(self, response: HttpResponse, request_id: str) -> None:
        # send_response_only: API Gateway sends no Server header, and the request log is ours.
        self.send_response_only(response.status)
        self.send_header("Date", self.date_time_string())
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("x-amzn-RequestId", request_id)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Requests too malformed to route (bad request line, unknown method) get a problem too."""
        self.close_connection = True
        request_id, path = str(uuid.uuid4()), urlsplit(getattr(self, "path", "") or "/").path
        problem_code = "method_not_allowed" if code == 501 else "validation_failed"
        self.server.gateway.log(f"{getattr(self, 'command', None) or '-'} {path} - {code} 0ms")
        self._write(problem_response(problem_code, code, request_id, path), request_id)

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the gateway logs one line per request itself."""


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    env_overrides: Mapping[str, str] | None = None,
    *,
    template: Path | None = None,
    function_env: Mapping[str, Mapping[str, str]] | None = None,
    pool_size: int = DEFAULT_POOL_SIZE,
    moto_port: int = 0,
) -> Gateway:
    """Start a gateway (port 0 picks a free one) and return it once every function is warm.

    ``env_overrides`` reach every function; ``function_env`` holds per-function variables by
    logical id. Both win over the template, which wins over the caller's environment except for
    the provider settings (keys, base URLs, ``*_PROVIDER``, ``POWERTOOLS_*``) passed through.
    """
    return Gateway(
        template=template or PACKAGE_ROOT / "template.yaml",
        host=host,
        port=port,
        env_overrides=env_overrides or {},
        function_env=function_env or {},
        pool_size=pool_size,
        moto_port=moto_port,
        host_env=dict(os.environ),
    )


def _env_vars(path: Path | None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """A ``sam local --env-vars`` file: {"Parameters": {...all...}, "<LogicalId>": {...}}."""
    if path is None:
        return {}, {}
    data = json.loads(path.read_text(encoding="utf-8"))
    every = {str(k): str(v) for k, v in (data.pop("Parameters", None) or {}).items()}
    return every, {name: {str(k): str(v) for k, v in values.items()} for name, values in data.items()}


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """SIGTERM ends the gateway like Ctrl-C does, so both shut every worker down."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m local.gateway", description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", type=Path, default=PACKAGE_ROOT / "template.yaml")
    parser.add_argument("--env-vars", type=Path, help="JSON in the sam local --env-vars format")
    parser.add_argument(
        "--pool-size", type=int, default=DEFAULT_POOL_SIZE, help="warm instances per API function"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    every, per_function = _env_vars(args.env_vars)
    with _stop_on_signals():
        try:
            gateway = serve(
                os.environ.get("HOST", DEFAULT_HOST),
                int(os.environ.get("PORT", DEFAULT_PORT)),
                every,
                template=args.template,
                function_env=per_function,
                pool_size=args.pool_size,
                moto_port=int(os.environ.get("MOTO_PORT", "0")),
            )
        except (OSError, TemplateError) as exc:  # a taken port, a missing or unusable template
            log.error("the gateway could not start: %s", exc)
            raise SystemExit(1) from None
        with gateway:
            gateway.log(f"Shatably AI API on {gateway.url} (docs {gateway.url}/docs, AWS {gateway.moto_url})")
            threading.Event().wait()


if __name__ == "__main__":
    main()
