import time

T0 = time.perf_counter()  # the very first statement: everything after it is this process's INIT + 1st request

# A fresh interpreter for one cold-start sample. Standalone on purpose (run by path, with -P so
# bench/ is not on sys.path): importing the bench package would add its own cost to the sample.
#
#   python -P bench/cold_child.py app <function> <event.json>       the function's real handler
#   python -P bench/cold_child.py floor <sdk[,sdk]> <event.json>    FastAPI + Mangum + SDKs, a trivial app
#   python -P bench/cold_child.py import <module>                   just import (the artefact row)
#   python -P bench/cold_child.py restored <function> <event.json>  INIT, SnapStart's hooks, then time
#                                                                    only the first request (restore excluded)
#
# Prints one line "BENCH-RESULT {json}" with milliseconds since T0: ``import_ms`` (module init),
# ``total_ms`` (init + first response), ``cpu_ms`` (the process's CPU time until then, start-up
# included: not inflated by other load on the machine) and the response's status.
import json  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

SDK_MODULES = {"genai": "google.genai", "openai": "openai"}


class Context:
    function_name = "shatably-bench"
    function_version = "1"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:shatably-bench:live"
    log_group_name = "/aws/lambda/shatably-bench"
    log_stream_name = "bench"
    aws_request_id = "9f1f6f4e-0000-4000-8000-000000000001"

    def __init__(self) -> None:
        self._deadline = time.monotonic() + 28.0

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def floor_handler(sdks: list[str]) -> Any:
    import importlib

    from fastapi import FastAPI, Request
    from mangum import Mangum

    for sdk in sdks:
        importlib.import_module(SDK_MODULES[sdk])
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST"])
    async def echo(path: str, request: Request) -> dict[str, object]:
        body = await request.body()
        return {"path": path, "bytes": len(body)}

    return Mangum(app, lifespan="off")


def main() -> None:
    mode, target = sys.argv[1], sys.argv[2]
    if mode == "import":
        __import__(target)
        result: dict[str, Any] = {
            "import_ms": (time.perf_counter() - T0) * 1000,
            "cpu_ms": time.process_time() * 1000,
        }
        print("BENCH-RESULT " + json.dumps(result), flush=True)
        return
    registered: list[Any] = []
    if mode == "restored":
        # The capabilities the function registers with SnapStart (chat registers all three).
        from shatably import snapstart

        register = snapstart.register

        def remember(capabilities: Any = ()) -> bool:
            registered.extend(capabilities)
            return register(capabilities)

        snapstart.register = remember
    if mode in ("app", "restored"):
        import importlib

        handler = importlib.import_module(f"functions.{target}.app").handler
    else:
        handler = floor_handler([s for s in target.split(",") if s])
    start = T0
    if mode == "restored":
        # What the Lambda runtime does around a snapshot: the before-snapshot hook (imports, parsed
        # models), the snapshot, a restore (not reproducible here), the after-restore hook.
        snapstart.before_snapshot(registered)
        snapstart.after_restore()
        start = time.perf_counter()
    imported = time.perf_counter()
    with open(sys.argv[3], encoding="utf-8") as f:
        event = json.load(f)
    response = handler(event, Context())
    done = time.perf_counter()
    cpu = time.process_time()  # this process's CPU since it started, interpreter start-up included
    result = {
        "cpu_ms": cpu * 1000,
        "import_ms": (imported - T0) * 1000,
        "total_ms": (done - start) * 1000,
        "status": response.get("statusCode"),
        "body": str(response.get("body"))[:300] if response.get("statusCode") != 200 else "",
        "modules": sorted(
            name
            for name in ("openai", "google.genai", "botocore.session", "PIL.Image", "pi_heif")
            if name in sys.modules
        ),
    }
    print("BENCH-RESULT " + json.dumps(result), flush=True)


main()
