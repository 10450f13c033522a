"""What ships is what was tested: checks on the `sam build` output (``.aws-sam/build``).

``make test`` builds the artefact first and sets ARTEFACT_REQUIRED=1, so a missing build fails
there; a targeted pytest run without a build skips these. The default build is arm64.
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".aws-sam" / "build"
LAYER = BUILD / "CommonLayer" / "python"
# Lambda's budget for us; the hard limit is 250 MB unzipped for a function and its layers.
LAYER_BUDGET_BYTES = 105_000_000
# Amazon Linux 2023 (python3.13's base image) ships glibc 2.34.
RUNTIME_GLIBC = (2, 34)
ELF_MACHINE = {"arm64": 0xB7, "x86_64": 0x3E}  # EM_AARCH64, EM_X86_64 (ELF specification)
PYC_UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, source not checked
DEV_ONLY = {
    "pytest", "pytest-xdist", "hypothesis", "schemathesis", "moto", "mypy", "ruff", "cfn-lint",
    "pip-audit", "playwright", "uvicorn", "pip", "setuptools", "wheel", "aws-sam-translator",
    "pillow-heif-stubs", "responses", "boto3", "botocore", "s3transfer",
}  # fmt: skip
FUNCTIONS = ("ChatFunction", "GenerateFunction", "EditFunction", "GenerateWorker", "EditWorker")

pytestmark = pytest.mark.skipif(
    not LAYER.is_dir() and not os.environ.get("ARTEFACT_REQUIRED"),
    reason="no sam build output (make build); make test requires it",
)


def constraints() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.split("#", 1)[0].strip().partition("==")
        if sep:
            pins[str(canonicalize_name(name))] = version.strip()
    return pins


def shipped() -> dict[str, str]:
    """name -> version of every distribution in the layer."""
    found: dict[str, str] = {}
    for dist_info in LAYER.glob("*.dist-info"):
        headers = (dist_info / "METADATA").read_text(encoding="utf-8", errors="replace").split("\n\n", 1)[0]
        fields: dict[str, str] = {}
        for line in headers.splitlines():
            name, sep, value = line.partition(": ")
            if sep and not line.startswith(" "):
                fields.setdefault(name, value)
        found[str(canonicalize_name(fields["Name"]))] = fields["Version"]
    return found


def tree_bytes(root: Path) -> int:
    return sum(p.lstat().st_size for p in root.rglob("*") if p.is_file() or p.is_symlink())


def shared_objects() -> list[Path]:
    return [p for p in LAYER.rglob("*") if p.is_file() and re.search(r"\.so(\.\d+)*$", p.name)]


def test_the_layer_is_built_and_within_budget() -> None:
    assert LAYER.is_dir(), "run make build"
    size = tree_bytes(LAYER.parent)
    assert size <= LAYER_BUDGET_BYTES, f"layer is {size / 1e6:.1f} MB unzipped"
    for function in FUNCTIONS:
        assert (BUILD / function / "app.py").is_file(), function


def test_every_package_is_the_version_the_tests_ran_on() -> None:
    pins, layer = constraints(), shipped()
    assert layer, "no packages in the layer"
    unpinned = sorted(set(layer) - set(pins))
    assert not unpinned, f"shipped but not in constraints.txt: {unpinned}"
    drift = {name: (version, pins[name]) for name, version in layer.items() if pins[name] != version}
    assert not drift, f"shipped version != constraints.txt: {drift}"


def test_no_development_packages_ship() -> None:
    assert not set(shipped()) & DEV_ONLY
    assert not list(LAYER.glob("**/tests/conftest.py"))


def test_every_module_ships_an_unchecked_cpython_313_pyc() -> None:
    missing, wrong = [], []
    for source in LAYER.rglob("*.py"):
        pyc = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
        if not pyc.exists():
            missing.append(str(source.relative_to(LAYER)))
            continue
        (flags,) = struct.unpack("<I", pyc.read_bytes()[4:8])
        if flags != PYC_UNCHECKED_HASH:
            wrong.append(str(pyc.relative_to(LAYER)))
    assert not missing[:5] and not wrong[:5], (len(missing), missing[:5], len(wrong), wrong[:5])


def test_native_code_is_for_the_target_architecture_and_glibc() -> None:
    architecture = os.environ.get("ARCHITECTURE", "arm64")
    objects = shared_objects()
    assert objects, "the layer has native extensions (pydantic-core, pillow)"
    newest_glibc = (0, 0)
    for path in objects:
        data = path.read_bytes()
        assert data[:4] == b"\x7fELF", path
        (machine,) = struct.unpack("<H", data[18:20])
        assert machine == ELF_MACHINE[architecture], f"{path.relative_to(LAYER)}: e_machine {machine:#x}"
        for major, minor in re.findall(rb"GLIBC_(\d+)\.(\d+)", data):
            newest_glibc = max(newest_glibc, (int(major), int(minor)))
    assert newest_glibc <= RUNTIME_GLIBC, f"needs glibc {newest_glibc}, Lambda has {RUNTIME_GLIBC}"
