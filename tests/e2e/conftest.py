"""End-to-end fixtures: the local gateway as a subprocess (``python -m local.gateway``), over real
sockets on loopback, with the embedded AWS and the offline provider (no keys are passed)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_SECONDS = 120.0
# Whatever the developer's shell holds, an e2e gateway starts from these: offline, fake AWS.
_NOT_PASSED = ("GEMINI_", "OPENAI_", "GOOGLE_", "CHAT_PROVIDER", "GENERATE_PROVIDER", "EDIT_PROVIDER", "AWS_")


@dataclass
class RunningGateway:
    url: str
    moto_url: str
    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path

    def request_log(self) -> list[str]:
        """The gateway's stdout so far: one line per request or event delivery."""
        return self.stdout_path.read_text(encoding="utf-8").splitlines()

    def stop(self) -> int:
        """SIGTERM, as a service manager would; the gateway must end its workers and exit by itself."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_ready(gateway: RunningGateway) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if gateway.process.poll() is not None:
            raise RuntimeError(f"the gateway exited early:\n{gateway.stderr_path.read_text()[-4000:]}")
        # The gateway serves only once every function is warm: any HTTP answer means ready (a
        # template without /health answers 404).
        try:
            with urllib.request.urlopen(f"{gateway.url}/health", timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)  # polling for readiness, bounded by the deadline
    raise RuntimeError(f"the gateway was not ready in {READY_TIMEOUT_SECONDS:g} s")


@contextlib.contextmanager
def run_gateway(
    workdir: Path,
    extra_env: Mapping[str, str] | None = None,
    *,
    template: Path | None = None,
    pool_size: int = 2,
) -> Iterator[RunningGateway]:
    """Start ``python -m local.gateway`` on free ports; ``extra_env`` reaches every function
    (through a ``--env-vars`` file, so any variable works, not only the passed-through ones)."""
    workdir.mkdir(parents=True, exist_ok=True)
    port, moto_port = free_port(), free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith(_NOT_PASSED)}
    env |= {"HOST": "127.0.0.1", "PORT": str(port), "MOTO_PORT": str(moto_port), "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "layers" / "common")])
    command = [sys.executable, "-m", "local.gateway", "--pool-size", str(pool_size)]
    if template is not None:
        command += ["--template", str(template)]
    if extra_env:
        env_vars = workdir / "env.json"
        env_vars.write_text(json.dumps({"Parameters": dict(extra_env)}), encoding="utf-8")
        command += ["--env-vars", str(env_vars)]
    stdout_path, stderr_path = workdir / "gateway.out", workdir / "gateway.err"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
    gateway = RunningGateway(
        url=f"http://127.0.0.1:{port}",
        moto_url=f"http://127.0.0.1:{moto_port}",
        process=process,
        stdout_path=stdout_path,
        stderr_path=stderr_path,
    )
    try:
        _wait_ready(gateway)
        yield gateway
    finally:
        gateway.stop()


GatewayFactory = Callable[..., contextlib.AbstractContextManager[RunningGateway]]


@pytest.fixture(scope="session")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    """The whole API from template.yaml, offline provider, embedded AWS: base URL and moto URL."""
    with run_gateway(tmp_path_factory.mktemp("gateway")) as running:
        yield running


@pytest.fixture(scope="session")
def gateway_factory(tmp_path_factory: pytest.TempPathFactory) -> GatewayFactory:
    """Start another gateway with extra function env, e.g. provider keys and a fake server's URL:
    ``with gateway_factory({"GEMINI_API_KEY": "k", "GOOGLE_GEMINI_BASE_URL": url}) as gw: ...``"""

    def start(
        extra_env: Mapping[str, str] | None = None, *, template: Path | None = None, pool_size: int = 2
    ) -> contextlib.AbstractContextManager[RunningGateway]:
        return run_gateway(
            tmp_path_factory.mktemp("gateway"), extra_env, template=template, pool_size=pool_size
        )

    return start
