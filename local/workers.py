"""Function instances as worker processes, a small pool per function, and the event-source pollers.

Like SAM's warm containers: each function gets its own processes (all three are ``app.py``, so
``sys.modules`` and ``os.environ`` must not be shared), each process imports its handler once and
then serves one invocation at a time, as a Lambda execution environment does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from local import runtime
from local.aws import FAKE_CREDENTIALS
from local.events import eventbridge_event, failed_message_ids, new_trace_id, sqs_event
from local.stack import Function, QueueSource, RuleSource

log = logging.getLogger("local.workers")

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # where `python -m local.runtime` resolves
INIT_TIMEOUT_SECONDS = 120.0  # imports on a cold, busy machine; Lambda allows 10 s, we only wait longer
MAX_SYNC_PAYLOAD = 6 * 1024 * 1024  # Lambda's synchronous request limit (bytes of the event's JSON)
MAX_SYNC_RESPONSE = MAX_SYNC_PAYLOAD + 100  # and its response limit, 100 bytes larger
POLL_WAIT_SECONDS = 2  # SQS long polling: no busy loop, and a prompt exit on shutdown
ASYNC_ATTEMPTS = 3  # an asynchronous (EventBridge) invocation is tried once and retried twice

# Variables a developer's shell may hand the functions; everything else comes from the template.
PASS_THROUGH_PREFIXES = ("POWERTOOLS_", "GEMINI_", "OPENAI_")
PASS_THROUGH_NAMES = frozenset(
    {"GOOGLE_GEMINI_BASE_URL", "CHAT_PROVIDER", "GENERATE_PROVIDER", "EDIT_PROVIDER", "CORS_ALLOW_ORIGINS"}
)

_BASE_NAMES = ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "HOME")
# Locally nothing ships metrics or traces: Powertools prints them instead.
_POWERTOOLS_LOCAL = {
    "POWERTOOLS_DEV": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_TRACE_DISABLED": "true",
}

Status = Literal["ok", "error", "timeout", "crashed", "busy", "too_large"]


@dataclass(frozen=True)
class Outcome:
    status: Status
    payload: Any = None  # the handler's result (ok), or a Lambda error object (error)
    size: int = 0  # bytes of the serialized result

    @property
    def detail(self) -> str:
        if self.status == "error" and isinstance(self.payload, dict):
            return f"{self.payload.get('errorType')}: {self.payload.get('errorMessage')}"
        return str(self.payload or self.status)


def lambda_environment(
    function: Function,
    *,
    region: str,
    moto_url: str,
    host_env: Mapping[str, str],
    overrides: Mapping[str, str],
) -> dict[str, str]:
    """The environment of one function's processes: a Lambda-like base, the template's variables,
    the pass-through of the developer's provider settings, then explicit overrides."""
    env = {name: host_env[name] for name in _BASE_NAMES if name in host_env}
    env |= {
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": f"local/[$LATEST]{uuid.uuid4().hex}",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "LAMBDA_TASK_ROOT": str(function.code_dir),
        "_HANDLER": function.handler,
        "_LOCAL_FUNCTION_ARN": function.arn,
        # Fake credentials and the embedded moto server for every boto3 client: nothing reaches AWS.
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONUNBUFFERED": "1",
    }
    # An empty template value never blanks the Lambda-like base above: the template declares
    # AWS_ENDPOINT_URL empty only so that `sam local --env-vars` may set it.
    env |= {name: value for name, value in function.environment.items() if value or name not in env}
    env |= _POWERTOOLS_LOCAL
    env |= {
        name: value
        for name, value in host_env.items()
        if value and (name in PASS_THROUGH_NAMES or name.startswith(PASS_THROUGH_PREFIXES))
    }
    env |= overrides
    # A key's SSM name without the key would make the app pick that provider and then fail to read it
    # from the empty local SSM; without a key, the capability must fall back to the offline provider.
    for name in [n for n in env if n.endswith("_API_KEY_PARAM")]:
        if not env.get(name.removesuffix("_PARAM")):
            del env[name]
    return env


class Worker:
    """One process running one function instance."""

    def __init__(self, function: Function, env: Mapping[str, str]) -> None:
        self.function = function
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        paths = [str(function.code_dir), *(str(d) for d in function.layer_dirs), str(PACKAGE_ROOT)]
        command = [
            sys.executable,
            "-m",
            "local.runtime",
            str(to_child_r),
            str(from_child_w),
            json.dumps(paths),
        ]
        try:
            self.process = subprocess.Popen(
                command,
                cwd=PACKAGE_ROOT,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=2,  # function logs go to the gateway's stderr; its stdout is the request log
                pass_fds=(to_child_r, from_child_w),
                # Own process group: Ctrl-C reaches the gateway, which then stops its workers itself.
                start_new_session=True,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.init_error: dict[str, Any] | None = None
        self._pipes_open = True
        self._pipes_lock = threading.Lock()  # the pool's shutdown and a warm-up may close at once

    def wait_ready(self, timeout: float) -> bool:
        try:
            frame = runtime.read_frame(self._from_child, time.monotonic() + timeout)
        except TimeoutError:
            frame = (runtime.INIT_ERROR, _init_error("Runtime.InitTimeout", f"no answer in {timeout:g} s"))
        except OSError:  # closed under us: the pool is shutting down
            frame = None
        if frame is None:
            frame = (runtime.INIT_ERROR, _init_error("Runtime.ExitError", "the runtime exited during init"))
        if frame[0] != runtime.READY:
            self.init_error = json.loads(frame[1])
            self.close()
        return self.init_error is None

    def call(self, kind: bytes, payload: bytes, timeout: float) -> Outcome:
        try:
            runtime.write_frame(self._to_child, kind, payload)
            frame = runtime.read_frame(self._from_child, time.monotonic() + timeout)
        except TimeoutError:
            return Outcome("timeout", f"{self.function.logical_id} did not answer within {timeout:g} s")
        except OSError:
            frame = None
        if frame is None:
            return Outcome("crashed", f"{self.function.logical_id} exited with code {self.process.poll()}")
        if frame[0] == runtime.ERROR:
            return Outcome("error", json.loads(frame[1]))
        return Outcome("ok", json.loads(frame[1]), size=len(frame[1]))

    def close(self, grace: float = 2.0) -> None:
        # The runtime exits at the end of its input; one still busy after the grace is killed.
        self._close_pipes()
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """End the instance and anything it started (its own process group)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._close_pipes()

    def _close_pipes(self) -> None:
        # Exactly once: a descriptor number closed twice may by then belong to another file.
        with self._pipes_lock:
            if self._pipes_open:
                self._pipes_open = False
                os.close(self._to_child)
                os.close(self._from_child)


def _init_error(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


class FunctionPool:
    """A few warm instances of one function; each serves one invocation at a time."""

    def __init__(self, function: Function, env: Mapping[str, str], size: int) -> None:
        self.function = function
        self._env = dict(env)
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._live: set[Worker] = set()
        self._closed = False
        self._starting = [self._spawn() for _ in range(size)]

    def _spawn(self) -> Worker:
        worker = Worker(self.function, self._env)
        with self._lock:
            self._live.add(worker)
        return worker

    def wait_ready(self) -> list[str]:
        """Wait for the first instances' init; returns the init errors (the pool still serves them)."""
        errors = []
        for worker in self._starting:
            if not worker.wait_ready(INIT_TIMEOUT_SECONDS):
                errors.append(f"{self.function.logical_id}: {Outcome('error', worker.init_error).detail}")
            self._idle.put(worker)
        self._starting = []
        return errors

    def invoke(self, event: Any, *, timeout: float | None = None, trace_id: str | None = None) -> Outcome:
        """Invoke the handler with ``event``. ``timeout`` bounds the wait for a free instance plus the
        run (an API's integration timeout); None waits for an instance however long, as an event
        source does. The run never outlasts the function's own Timeout, the context's deadline."""
        started = time.monotonic()
        payload = json.dumps(event).encode()
        if len(payload) > MAX_SYNC_PAYLOAD:
            return Outcome(
                "too_large", f"The event is {len(payload)} bytes; Lambda takes {MAX_SYNC_PAYLOAD}."
            )
        worker = self._acquire(timeout)
        if worker is None:
            return Outcome("busy", f"Every instance of {self.function.logical_id} is busy.")
        if worker.init_error is not None:
            # Lambda initialises again on the next invocation after a failed init; so do we.
            self._replace(worker)
            return Outcome("error", worker.init_error)
        now = time.time()
        request = {
            "request_id": str(uuid.uuid4()),
            "deadline_ms": int((now + self.function.timeout) * 1000),
            "trace_id": trace_id or new_trace_id(now),
        }
        # Splice the already-encoded event in rather than encoding a body of up to 6 MB twice.
        body = json.dumps(request)[:-1].encode() + b', "event": ' + payload + b"}"
        limit = self.function.timeout if timeout is None else timeout - (time.monotonic() - started)
        return self._run(worker, runtime.INVOKE, body, min(limit, self.function.timeout))

    def openapi(self, timeout: float) -> Outcome:
        """The FastAPI app's OpenAPI document, from one of the instances."""
        worker = self._acquire(timeout)
        if worker is None:
            return Outcome("busy", f"Every instance of {self.function.logical_id} is busy.")
        if worker.init_error is not None:
            self._replace(worker)
            return Outcome("error", worker.init_error)
        return self._run(worker, runtime.OPENAPI, b"{}", timeout)

    def _run(self, worker: Worker, kind: bytes, payload: bytes, timeout: float) -> Outcome:
        outcome = worker.call(kind, payload, timeout)
        if outcome.status in ("timeout", "crashed"):
            # A timed-out instance is not reused (Lambda resets the environment): end it, start another.
            worker.kill()
            self._replace(worker)
        else:
            self._idle.put(worker)
        return outcome

    def _acquire(self, timeout: float | None) -> Worker | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._closed:
            wait = 1.0 if deadline is None else min(1.0, deadline - time.monotonic())
            if wait <= 0:
                return None
            try:
                return self._idle.get(timeout=wait)
            except queue.Empty:
                continue  # look at the deadline and at shutdown again
        return None

    def _replace(self, old: Worker) -> None:
        with self._lock:
            self._live.discard(old)
            if self._closed:
                return
        replacement = self._spawn()

        def warm_up() -> None:
            replacement.wait_ready(INIT_TIMEOUT_SECONDS)
            if self._closed:
                replacement.close()
            else:
                self._idle.put(replacement)

        threading.Thread(target=warm_up, name=f"warm-{self.function.logical_id}", daemon=True).start()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._live)
            self._live.clear()
        for worker in workers:
            worker.close()


class QueuePoller(ABC):
    """Long-polls one SQS queue and feeds its messages to a function, as a Lambda event source does."""

    def __init__(
        self,
        *,
        label: str,
        client: Any,
        queue_url: str,
        pool: FunctionPool,
        batch_size: int,
        stop: threading.Event,
        report: Callable[[str], None],
    ) -> None:
        self.label = label
        self._client = client
        self._queue_url = queue_url
        self._pool = pool
        self._batch_size = min(max(batch_size, 1), 10)  # one ReceiveMessage returns at most 10
        self._halt = stop
        self._report = report
        self._thread = threading.Thread(target=self._poll, name=f"poll-{label}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _poll(self) -> None:
        while not self._halt.is_set():
            try:
                response = self._client.receive_message(
                    QueueUrl=self._queue_url,
                    MaxNumberOfMessages=self._batch_size,
                    WaitTimeSeconds=POLL_WAIT_SECONDS,
                    AttributeNames=["All"],
                    MessageAttributeNames=["All"],
                )
                messages = response.get("Messages") or []
                if messages:
                    self.deliver(messages)
            except Exception:
                if self._halt.is_set():
                    return  # the embedded AWS went away during shutdown
                log.exception("%s: polling failed; retrying", self.label)
                self._halt.wait(1.0)

    @abstractmethod
    def deliver(self, messages: list[dict[str, Any]]) -> None:
        """Hand one receive's messages to the function; delete those that are done."""

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        if messages:
            self._client.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
            )

    def _invoke(self, event: Any) -> tuple[Outcome, int]:
        started = time.monotonic()
        outcome = self._pool.invoke(event)
        return outcome, int((time.monotonic() - started) * 1000)


class SqsPoller(QueuePoller):
    """An SQS event source: a batch per invocation; what fails stays for redelivery (then the DLQ)."""

    def __init__(self, source: QueueSource, *, queue_arn: str, region: str, **kwargs: Any) -> None:
        super().__init__(batch_size=source.batch_size, **kwargs)
        self._source = source
        self._queue_arn = queue_arn
        self._region = region

    def deliver(self, messages: list[dict[str, Any]]) -> None:
        ids = [m["MessageId"] for m in messages]
        outcome, elapsed = self._invoke(sqs_event(messages, queue_arn=self._queue_arn, region=self._region))
        if outcome.status == "ok":
            failed = failed_message_ids(outcome.payload, ids, report_failures=self._source.report_failures)
        else:
            failed = set(ids)  # a failed invocation returns the whole batch to the queue
        self._delete([m for m in messages if m["MessageId"] not in failed])
        self._report(
            f"SQS {self.label} {self._source.function} {outcome.status} "
            f"{len(ids) - len(failed)}/{len(ids)} {elapsed}ms"
        )
        if outcome.status != "ok":
            log.warning("%s -> %s: %s", self.label, self._source.function, outcome.detail)


class RulePoller(QueuePoller):
    """An EventBridge rule's target, locally a queue: each event is one asynchronous invocation."""

    def __init__(self, source: RuleSource, **kwargs: Any) -> None:
        super().__init__(batch_size=10, **kwargs)
        self._source = source

    def deliver(self, messages: list[dict[str, Any]]) -> None:
        done = []
        for message in messages:
            try:
                event = eventbridge_event(message["Body"])
            except ValueError:
                log.warning("%s: dropped a message that is not an EventBridge event", self.label)
                done.append(message)
                continue
            outcome, elapsed = self._invoke(event)
            attempt = int((message.get("Attributes") or {}).get("ApproximateReceiveCount", "1"))
            self._report(f"EVENT {event['detail-type']} {self._source.function} {outcome.status} {elapsed}ms")
            if outcome.status == "ok":
                done.append(message)
            elif attempt >= ASYNC_ATTEMPTS:
                log.warning("%s: gave up on event %s after %d attempts", self.label, event["id"], attempt)
                done.append(message)
            else:
                log.warning("%s -> %s: %s", self.label, self._source.function, outcome.detail)
        self._delete(done)
