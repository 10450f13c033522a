"""The real SAM tools for tests: SAM CLI and its SAM translator live in ``.venv-sam`` (their pins
conflict with the app's pydantic), so tests talk to them through ``sam_probe.py`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from local.cfn_yaml import load_template

ROOT = Path(__file__).resolve().parents[2]
SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"
PROBE = Path(__file__).with_name("sam_probe.py")
# Every function the template declares, so a new one is held to the same rules without editing a test.
FUNCTIONS = tuple(
    name
    for name, resource in load_template(ROOT / "template.yaml")["Resources"].items()
    if resource["Type"] == "AWS::Serverless::Function"
)


def probe(*args: str, stdin: Any = None) -> Any:
    """Run the probe; its JSON answer. Fails (never skips) without .venv-sam: make builds it."""
    assert SAM_PYTHON.exists(), f"no SAM CLI at {SAM_PYTHON.relative_to(ROOT)}: run make .venv-sam/bin/sam"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env |= {"AWS_DEFAULT_REGION": "eu-central-1", "SAM_CLI_TELEMETRY": "0"}
    completed = subprocess.run(  # our own interpreter and script
        [str(SAM_PYTHON), str(PROBE), *args],
        input=None if stdin is None else json.dumps(stdin),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout)


def translate(*templates: dict[str, Any]) -> list[dict[str, Any]]:
    """Each template as CloudFormation's AWS::Serverless transform would hand it on."""
    result: list[dict[str, Any]] = probe("translate", stdin=list(templates))
    return result


def start_api_routes(template: Path, **overrides: str) -> dict[str, Any]:
    """What ``sam local start-api`` collects from the template: routes and their authorizers."""
    result: dict[str, Any] = probe("routes", str(template), *(f"{k}={v}" for k, v in overrides.items()))
    return result


def packaged(layer_key: str, code_keys: dict[str, str] | None = None) -> dict[str, Any]:
    """template.yaml as `sam package` leaves it: local paths become s3://bucket/<content hash>."""
    template = load_template(ROOT / "template.yaml")
    resources = template["Resources"]
    resources["CommonLayer"]["Properties"]["ContentUri"] = f"s3://artefacts/{layer_key}"
    for name in FUNCTIONS:
        key = (code_keys or {}).get(name, f"code-of-{resources[name]['Properties']['CodeUri']}")
        resources[name]["Properties"]["CodeUri"] = f"s3://artefacts/{key.replace('/', '-')}"
    return template
