"""The supply-chain step (security/audit.py) and its one policy file, security/accepted-findings.toml.

Offline: pip-audit itself is replaced by a fake that writes the JSON pip-audit writes, so these
tests pin down how results are judged, above all that a package pip-audit could not look up is
never counted as audited ("No known vulnerabilities found" with exit 0 is not a pass).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from security import audit

TODAY = dt.date(2026, 11, 25)


def test_the_policy_file_is_well_formed_and_nothing_in_it_has_expired() -> None:
    policy = audit.load_policy()
    assert policy.errors == []
    for acceptance in [*policy.vulnerabilities.values(), *policy.template.values()]:
        assert acceptance.active(dt.date.today()), f"{acceptance.key}: review it (review_by passed)"


def test_runtime_pins_are_exact_and_meet_the_known_fixed_minimums() -> None:
    pins = audit.pinned()
    policy = audit.load_policy()
    assert "pillow" in policy.minimum  # reliability.md T13
    for name, floor in policy.minimum.items():
        assert pins[name] >= floor, f"{name} {pins[name]} < {floor}"


def test_a_loose_pin_is_refused(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("fastapi>=0.100\n")
    with pytest.raises(ValueError, match="not an exact pin"):
        audit.pinned(requirements)


def test_the_template_passes_the_security_lint() -> None:
    findings, _accepted = audit.lint_template()
    assert findings == []
    assert len(audit.SECURITY_RULES) >= 15


# --------------------------------------------------------------------------- judging pip-audit's output


def fake_pip_audit(
    monkeypatch: pytest.MonkeyPatch, dependencies: list[dict[str, Any]], rc: int = 0
) -> list[list[str]]:
    calls: list[list[str]] = []

    def run(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        output = Path(command[command.index("--output") + 1])
        output.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))
        return subprocess.CompletedProcess(command, rc, "", "")

    monkeypatch.setattr("security.audit.subprocess.run", run)
    return calls


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "accepted-findings.toml"
    path.write_text('[minimum]\npillow = "12.2.0"\n')
    monkeypatch.setattr(audit, "POLICY", path)
    return path


CLOSURE = {"pillow": "13.0.0", "fastapi": "0.165.0"}


def test_packages_pip_audit_could_not_look_up_are_not_audited(monkeypatch, policy_file) -> None:
    skipped = "Dependency not found on PyPI and could not be audited: pillow (13.0.0)"
    fake_pip_audit(
        monkeypatch,
        [{"name": "pillow", "skip_reason": skipped}, {"name": "fastapi", "version": "0.165.0", "vulns": []}],
    )
    result = audit.run_pip_audit(CLOSURE, audit.load_policy(), TODAY)
    assert result.audited == ["fastapi"]
    assert result.not_audited == {"pillow": skipped}
    assert result.findings == []


@pytest.mark.parametrize(("strict", "code"), [(True, 2), (False, 0)])
def test_an_incomplete_audit_says_so_and_fails_when_strict(
    monkeypatch, policy_file, capsys, strict, code
) -> None:
    monkeypatch.setattr(audit, "runtime_closure", lambda pins, layer=None: (CLOSURE, []))
    fake_pip_audit(monkeypatch, [{"name": n, "skip_reason": "Dependency not found on PyPI"} for n in CLOSURE])

    assert audit.audit_deps(strict, TODAY) == code
    out = capsys.readouterr().out
    assert "SUPPLY-CHAIN AUDIT INCOMPLETE" in out
    assert "NOT checked" in out
    assert "RESULT: PASS" not in out


def test_unreachable_vulnerability_data_is_incomplete_not_a_pass(monkeypatch, policy_file, capsys) -> None:
    monkeypatch.setattr(audit, "runtime_closure", lambda pins, layer=None: (CLOSURE, []))

    def offline(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 1, "", "ConnectionError: Max retries exceeded")

    monkeypatch.setattr("security.audit.subprocess.run", offline)
    assert audit.audit_deps(True, TODAY) == 2
    assert "pip-audit failed: ConnectionError" in capsys.readouterr().out


def vulnerable(vuln_id: str) -> list[dict[str, Any]]:
    vuln = {"id": vuln_id, "aliases": ["CVE-2099-0001"], "fix_versions": ["99.0"], "description": "x"}
    return [
        {"name": "pillow", "version": "13.0.0", "vulns": [vuln]},
        {"name": "fastapi", "version": "0.165.0", "vulns": []},
    ]


def test_a_known_vulnerability_fails(monkeypatch, policy_file, capsys) -> None:
    monkeypatch.setattr(audit, "runtime_closure", lambda pins, layer=None: (CLOSURE, []))
    fake_pip_audit(monkeypatch, vulnerable("GHSA-aaaa-bbbb-cccc"), rc=1)
    assert audit.audit_deps(False, TODAY) == 1
    assert "GHSA-aaaa-bbbb-cccc" in capsys.readouterr().out


@pytest.mark.parametrize(("review_by", "code"), [("2027-01-01", 0), ("2026-11-01", 1)])
def test_an_accepted_vulnerability_passes_until_its_review_date(
    monkeypatch, policy_file, capsys, review_by, code
) -> None:
    policy_file.write_text(
        policy_file.read_text()
        + f'\n[[vulnerability]]\nid = "CVE-2099-0001"\npackage = "pillow"\nreason = "not reachable"\n'
        f"review_by = {review_by}\n"
    )
    monkeypatch.setattr(audit, "runtime_closure", lambda pins, layer=None: (CLOSURE, []))
    calls = fake_pip_audit(monkeypatch, vulnerable("GHSA-aaaa-bbbb-cccc"), rc=1)

    assert audit.audit_deps(False, TODAY) == code
    out = capsys.readouterr().out
    assert ("accepted: pillow" in out) == (code == 0)
    assert ("--ignore-vuln" in calls[0]) == (code == 0)  # an expired acceptance is not passed on


def test_an_acceptance_without_reason_or_date_is_a_policy_error(policy_file) -> None:
    policy_file.write_text(policy_file.read_text() + '\n[[vulnerability]]\nid = "CVE-1"\npackage = "x"\n')
    assert audit.load_policy().errors == ["accepted finding CVE-1 lacks reason, review_by"]
