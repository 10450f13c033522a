"""The built artefact (``sam build``): size, shipped ``.pyc``, and initialising from it.

* size: apparent (unzipped) bytes of the arm64 layer (``.aws-sam/build/CommonLayer``) plus each
  API function's directory, against Lambda's budget for us (105 MB; the hard limit is 250 MB);
* ``.pyc``: every ``.py`` in the layer should have a ``cpython-313`` ``.pyc`` beside it, compiled
  as unchecked-hash (a timestamp ``.pyc`` would be judged stale after zip/unzip and recompiled on
  every cold start, because ``/opt`` is read-only);
* init: python3.13 imports the chat handler from the x86_64 copy of the artefact
  (``make build-x86``; arm64 binaries cannot run here) with ``PYTHONDONTWRITEBYTECODE=1``, as
  Lambda would, against the same import from a copy of the same artefact whose ``.pyc`` were
  deleted and rewritten by Python itself (a *warm cache*: the best case, every module compiled and
  checked against its source). Ratio ~1.0 means the shipped ``.pyc`` are used; ~2.4 would mean
  they are ignored and everything is recompiled (the "no .pyc" column shows that case).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.stats import REPO, ChildError, Samples, base_env, run_child

BUILD = REPO / ".aws-sam" / "build"
BUILD_X86 = REPO / ".aws-sam" / "build-x86_64"
SAM = REPO / ".venv-sam" / "bin" / "sam"
FUNCTIONS = ("ChatFunction", "GenerateFunction", "EditFunction")
SIZE_BUDGET_MB = 105.0
INIT_BUDGET = 1.1
CHILD = str(REPO / "bench" / "cold_child.py")


@dataclass
class ArtefactResult:
    skipped: str | None = None
    notes: list[str] = field(default_factory=list)
    layer_bytes: int = 0
    function_bytes: dict[str, int] = field(default_factory=dict)
    py_files: int = 0
    pyc_files: int = 0
    unchecked_pyc: int = 0
    missing_pyc: list[str] = field(default_factory=list)
    init_skipped: str | None = None
    artefact: Samples = field(default_factory=Samples)
    warm_cache: Samples = field(default_factory=Samples)
    no_pyc: Samples = field(default_factory=Samples)
    runs: int = 0

    @property
    def largest_mb(self) -> float:
        return (self.layer_bytes + max(self.function_bytes.values(), default=0)) / 1e6


def apparent_bytes(root: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(root):
        for name in files:
            total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


def python313() -> str | None:
    found = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.13*/bin/python3.13")))
    return found[-1] if found else shutil.which("python3.13")


def _make(target: str, log: Callable[[str], None] | None) -> str | None:
    """Run ``make <target>``; the reason it could not, or None."""
    if not SAM.exists():
        return f"no SAM CLI at {SAM.relative_to(REPO)} (make .venv-sam/bin/sam)"
    if log:
        log(f"artefact: make {target} ...")
    proc = subprocess.run(["make", target], cwd=REPO, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return f"make {target} failed: {(proc.stderr or proc.stdout).strip().splitlines()[-1:]}"
    return None


def stale(build_dir: Path) -> bool:
    """True when the layer's or the functions' sources changed after ``build_dir`` was built."""
    built = build_dir / "CommonLayer" / "python"
    if not built.exists():
        return True
    sources = [
        REPO / "template.yaml",
        *(REPO / "layers" / "common").rglob("*"),
        *(REPO / "functions").rglob("*.py"),
    ]
    newest = max(p.stat().st_mtime for p in sources if p.is_file() and "__pycache__" not in p.parts)
    return newest > built.stat().st_mtime


def pyc_census(site: Path) -> tuple[int, int, int, list[str]]:
    """(.py files, cpython-313 .pyc files, of which unchecked-hash, .py files without a .pyc)."""
    py_files = pyc = unchecked = 0
    missing: list[str] = []
    for dirpath, dirnames, files in os.walk(site):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        cache = Path(dirpath) / "__pycache__"
        for name in files:
            if not name.endswith(".py"):
                continue
            py_files += 1
            compiled = cache / f"{name[:-3]}.cpython-313.pyc"
            if not compiled.exists():
                missing.append(str(Path(dirpath, name).relative_to(site)))
                continue
            pyc += 1
            with compiled.open("rb") as f:
                header = f.read(8)
            flags = int.from_bytes(header[4:8], "little")
            unchecked += flags == 0b01  # hash-based, check_source off (PEP 552)
    return py_files, pyc, unchecked, missing


def _init_samples(result: ArtefactResult, runs: int, log: Callable[[str], None] | None) -> None:
    python = python313()
    if python is None:
        result.init_skipped = "no python3.13 found (pyenv or PATH)"
        return
    layer, function = BUILD_X86 / "CommonLayer" / "python", BUILD_X86 / "ChatFunction"
    env_common = base_env(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        POWERTOOLS_SERVICE_NAME="shatably-bench",
        POWERTOOLS_METRICS_NAMESPACE="Shatably",
    )
    with tempfile.TemporaryDirectory(prefix="shatably-artefact-") as tmpdir:
        copies = {}
        for name in ("warm", "nopyc"):
            root = Path(tmpdir) / name
            shutil.copytree(layer, root / "python", symlinks=True)
            shutil.copytree(function, root / "fn", symlinks=True)
            for cache in list(root.rglob("__pycache__")):
                shutil.rmtree(cache)
            copies[name] = root
        variants = {
            "artefact": {
                **env_common,
                "PYTHONPATH": f"{layer}:{function}",
                "PYTHONDONTWRITEBYTECODE": "1",
            },
            # Python writes ordinary (timestamp) .pyc here on the warm-up run, then reads them.
            "warm_cache": {
                **env_common,
                "PYTHONPATH": f"{copies['warm'] / 'python'}:{copies['warm'] / 'fn'}",
            },
            "no_pyc": {
                **env_common,
                "PYTHONPATH": f"{copies['nopyc'] / 'python'}:{copies['nopyc'] / 'fn'}",
                "PYTHONDONTWRITEBYTECODE": "1",
            },
        }
        argv = [python, "-P", CHILD, "import", "app"]
        for round_no in range(runs + 1):
            for key, env in variants.items():
                if key == "no_pyc" and round_no > 3:
                    continue  # ~2 s each and only there for scale: three samples are enough
                inproc, wall, _ = run_child(argv, env, key="import_ms")
                if round_no:
                    samples: Samples = getattr(result, key)
                    samples.inproc.append(inproc)
                    samples.wall.append(wall)
            if log:
                log(f"artefact init: round {round_no}/{runs} done")


def measure(runs: int = 7, build: bool = False, log: Callable[[str], None] | None = None) -> ArtefactResult:
    result = ArtefactResult(runs=runs)
    if build or stale(BUILD):
        reason = _make("build", log)
        if reason and not (BUILD / "CommonLayer").exists():
            result.skipped = f"skipped: {reason}"
            return result
        if reason:
            result.notes.append(f"measured an older arm64 build: {reason}")
    site = BUILD / "CommonLayer" / "python"
    result.layer_bytes = apparent_bytes(BUILD / "CommonLayer")
    result.function_bytes = {
        name: apparent_bytes(BUILD / name) for name in FUNCTIONS if (BUILD / name).exists()
    }
    result.py_files, result.pyc_files, result.unchecked_pyc, result.missing_pyc = pyc_census(site)
    if build or stale(BUILD_X86):
        reason = _make("build-x86", log)
        if reason and not (BUILD_X86 / "CommonLayer").exists():
            result.init_skipped = f"skipped: {reason}"
            return result
        if reason:
            result.notes.append(f"measured an older x86_64 build: {reason}")
    try:
        _init_samples(result, runs, log)
    except ChildError as exc:
        result.init_skipped = f"skipped: the import failed: {str(exc)[-200:]}"
    return result
