"""The layer's lock (layers/common/requirements.lock, `make lock`) is what the tests run on.

The layer build installs the lock with ``--require-hashes --no-deps``: a package missing from it
would be missing from the layer, and a version other than constraints.txt's would ship untested.
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.utils import canonicalize_name

from security.audit import pinned, runtime_closure
from tests.unit.test_artefact import constraints

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "layers" / "common" / "requirements.lock"
REQUIREMENTS = ROOT / "layers" / "common" / "requirements.txt"
PIN = re.compile(r"([A-Za-z0-9._-]+)==(\S+)")
HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def locked() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, sha256 digests) of every requirement in the lock."""
    entries: dict[str, tuple[str, list[str]]] = {}
    text = LOCK.read_text(encoding="utf-8").replace("\\\n", " ")  # pip joins continuations
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split()
        match = PIN.fullmatch(requirement)
        assert match, f"not an exact pin: {line!r}"
        digests = [m[1] for option in options if (m := HASH.fullmatch(option))]
        assert len(digests) == len(options), f"an option other than --hash=sha256: {line!r}"
        name = str(canonicalize_name(match[1]))
        assert name not in entries, f"{name} locked twice"
        entries[name] = (match[2], digests)
    return entries


def test_every_locked_package_has_a_sha256_hash() -> None:
    entries = locked()
    assert entries, "the lock is empty"
    unhashed = sorted(name for name, (_, digests) in entries.items() if not digests)
    assert not unhashed, f"no --hash for {unhashed}: run make lock"


def test_the_lock_is_the_layers_closure_at_the_constraints_versions() -> None:
    # The closure of requirements.txt as installed in the venv the tests run on (its versions
    # are constraints.txt's: make install).
    closure, problems = runtime_closure(pinned(REQUIREMENTS))
    assert not problems, problems
    pins, entries = constraints(), locked()
    assert sorted(entries) == sorted(closure), "the lock is stale: run make lock"
    versions = {name: version for name, (version, _) in entries.items()}
    drift = {name: (v, pins.get(name)) for name, v in versions.items() if pins.get(name) != v}
    assert not drift, f"locked version != constraints.txt (run make lock): {drift}"
