"""Supply chain and infrastructure checks, with one policy file: ``security/accepted-findings.toml``.

``python -m security.audit deps [--strict] [--layer .aws-sam/build/CommonLayer/python]``
    The runtime dependencies (the pins in ``layers/common/requirements.txt`` plus everything they
    pull in, as installed in this environment, or with ``--layer`` as shipped in the built layer:
    ``make test`` audits the artefact) against known vulnerabilities:

    1. offline: every pin meets the ``[minimum]`` versions of the policy (known-fixed CVEs);
    2. ``pip-audit`` (PyPI's vulnerability data) over the exact versions, ``--no-deps --disable-pip``;
       ids accepted in the policy (and not past ``review_by``) are ignored.

    A package pip-audit could not look up is NOT AUDITED, and is reported as such (pip-audit itself
    then prints "No known vulnerabilities found" and exits 0, which must not count as a pass). If the
    vulnerability data cannot be read, the result is INCOMPLETE: exit 2 with ``--strict`` (or
    ``AUDIT_STRICT=1``), else a loud warning and exit 0 so an offline ``make test`` still runs.
    A known vulnerability that is not accepted always fails (exit 1).

``python -m security.audit template``
    cfn-lint on ``template.yaml`` with its informational rules and the security-relevant rules made
    mandatory (a template-level ``Metadata`` exclusion cannot switch them off); findings fail unless
    accepted in the policy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "security" / "accepted-findings.toml"
REQUIREMENTS = ROOT / "layers" / "common" / "requirements.txt"
TEMPLATE = ROOT / "template.yaml"
AUDIT_TIMEOUT_SECONDS = 300
# In Lambda's python runtimes, not in our layer (layers/common/requirements.txt says why).
RUNTIME_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"}
)

# cfn-lint rules that bear on security, run as mandatory: IAM policy validity and scope, secrets in
# parameters and dynamic references, Lambda permissions, S3 access, retention of stateful data and
# logs, end-of-life runtimes. (E/W rules also run in `make cfn-lint`; "I" rules only here.)
SECURITY_RULES = (
    "E1027",  # secure-string dynamic references only where supported
    "E1051",  # Secrets Manager dynamic references only in resource properties
    "E3510",  # identity-based IAM policies are valid
    "E3512",  # resource-based IAM policies are valid
    "E3514",  # resource policy ARNs are valid
    "E3530",  # trust policies are valid
    "W1011",  # secrets come from dynamic references, not parameters
    "W2010",  # NoEcho parameters are not echoed
    "W2501",  # password properties are not plain strings
    "W2511",  # IAM resource policy syntax
    "W2531",  # no end-of-life Lambda runtime
    "W3037",  # IAM permissions exist for the service
    "W3045",  # S3 access through bucket policies, not ACLs
    "W3663",  # Lambda permissions carry SourceAccount
    "W3664",  # Lambda permission principal matches SourceArn
    "I3011",  # stateful resources have explicit DeletionPolicy/UpdateReplacePolicy
    "I3013",  # auto-expiring content has an explicit retention
    "I3042",  # ARNs use pseudo parameters (no hard-coded partition/region/account)
    "I3510",  # statement resources match the actions
)


# --------------------------------------------------------------------------- the policy


@dataclass(frozen=True)
class Acceptance:
    key: str  # vulnerability id, or "rule@resource"
    reason: str
    review_by: dt.date

    def active(self, today: dt.date) -> bool:
        return today <= self.review_by


@dataclass
class Policy:
    minimum: dict[str, Version] = field(default_factory=dict)
    vulnerabilities: dict[str, Acceptance] = field(default_factory=dict)
    template: dict[str, Acceptance] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def load_policy(path: Path | None = None) -> Policy:
    data = tomllib.loads((path or POLICY).read_text(encoding="utf-8"))
    policy = Policy(
        minimum={canonicalize_name(k): Version(str(v)) for k, v in data.get("minimum", {}).items()}
    )
    for entry in data.get("vulnerability", []):
        acceptance = _acceptance(entry, str(entry.get("id", "")), ("id", "package"), policy.errors)
        if acceptance:
            policy.vulnerabilities[acceptance.key.upper()] = acceptance
    for entry in data.get("template", []):
        key = f"{entry.get('rule', '')}@{entry.get('resource', '')}"
        acceptance = _acceptance(entry, key, ("rule", "resource"), policy.errors)
        if acceptance:
            policy.template[key] = acceptance
    return policy


def _acceptance(
    entry: dict[str, Any], key: str, required: tuple[str, ...], errors: list[str]
) -> Acceptance | None:
    missing = [name for name in (*required, "reason", "review_by") if not entry.get(name)]
    if missing:
        errors.append(f"accepted finding {key or repr(entry)} lacks {', '.join(missing)}")
        return None
    review_by = entry["review_by"]
    if not isinstance(review_by, dt.date):
        errors.append(f"accepted finding {key}: review_by must be a TOML date (YYYY-MM-DD)")
        return None
    return Acceptance(key=key, reason=str(entry["reason"]), review_by=review_by)


# --------------------------------------------------------------------------- the runtime closure


def pinned(requirements: Path = REQUIREMENTS) -> dict[str, Version]:
    """``name==version`` lines of a requirements file (anything else is refused: pins only)."""
    pins: dict[str, Version] = {}
    for raw in requirements.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)\s*==\s*([A-Za-z0-9.+!-]+)", line)
        if not match:
            raise ValueError(f"{requirements.name}: not an exact pin: {line!r}")
        pins[canonicalize_name(match[1])] = Version(match[2])
    return pins


def runtime_closure(pins: dict[str, Version], layer: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """The pins and everything they require, at the versions installed here (or, with ``layer``,
    in the built layer's ``python/`` directory: what ships); plus problems found (a pin installed
    at another version, a requirement that is not installed)."""
    environment = {k: str(v) for k, v in default_environment().items()}
    environment |= {"python_version": "3.13", "python_full_version": "3.13.0"} if layer else {}
    if layer is not None and not layer.is_dir():
        return {}, [f"no built layer at {layer} (run make build)"]
    shipped = (
        {str(canonicalize_name(d.metadata["Name"])): d for d in metadata.distributions(path=[str(layer)])}
        if layer is not None
        else None
    )
    found: dict[str, str] = {}
    problems: list[str] = []
    todo: list[tuple[str, str | None]] = [(name, None) for name in pins]
    while todo:
        name, via = todo.pop()
        if name in found:
            continue
        try:
            dist = metadata.distribution(name) if shipped is None else shipped[name]
        except (metadata.PackageNotFoundError, KeyError):
            if shipped is not None and name in RUNTIME_PROVIDED:
                continue  # Lambda's python3.13 runtime provides it; the layer must not
            problems.append(f"{name} (required by {via or 'requirements.txt'}) is not installed")
            continue
        found[name] = dist.version
        if name in pins and Version(dist.version) != pins[name]:
            problems.append(f"{name}: pinned {pins[name]} but {dist.version} is installed (run make install)")
        for spec in dist.requires or []:
            requirement = Requirement(spec)
            if requirement.marker is not None and not requirement.marker.evaluate(
                {**environment, "extra": ""}
            ):
                continue
            todo.append((str(canonicalize_name(requirement.name)), name))
    return dict(sorted(found.items())), problems


# --------------------------------------------------------------------------- deps


@dataclass
class AuditResult:
    audited: list[str] = field(default_factory=list)
    not_audited: dict[str, str] = field(default_factory=dict)  # package -> why
    findings: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    unreachable: str | None = None


def run_pip_audit(closure: dict[str, str], policy: Policy, today: dt.date) -> AuditResult:
    result = AuditResult()
    ignores = [key for key, acceptance in policy.vulnerabilities.items() if acceptance.active(today)]
    with tempfile.TemporaryDirectory(prefix="audit-") as scratch:
        requirements = Path(scratch) / "runtime.txt"
        requirements.write_text("".join(f"{n}=={v}\n" for n, v in closure.items()), encoding="utf-8")
        output = Path(scratch) / "audit.json"
        command = [
            sys.executable, "-m", "pip_audit", "-r", str(requirements), "--no-deps", "--disable-pip",
            "--progress-spinner", "off", "--format", "json", "--output", str(output),
            *[flag for vuln in ignores for flag in ("--ignore-vuln", vuln)],
        ]  # fmt: skip
        try:
            completed = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
                command, capture_output=True, text=True, timeout=AUDIT_TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            result.unreachable = f"pip-audit did not finish within {AUDIT_TIMEOUT_SECONDS} s"
            return result
        if not output.exists() or completed.returncode not in (0, 1):
            tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
            result.unreachable = "pip-audit failed: " + " | ".join(tail)
            return result
        report = json.loads(output.read_text(encoding="utf-8"))
    for dependency in report.get("dependencies", []):
        name = canonicalize_name(str(dependency.get("name", "")))
        if dependency.get("skip_reason"):
            result.not_audited[name] = str(dependency["skip_reason"])
            continue
        result.audited.append(name)
        for vuln in dependency.get("vulns", []):
            ids = [str(vuln.get("id", "")), *map(str, vuln.get("aliases", []))]
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version"
            line = f"{name} {dependency.get('version')}: {ids[0]} (fixed in: {fixes})"
            acceptance = next(
                (policy.vulnerabilities[i.upper()] for i in ids if i.upper() in policy.vulnerabilities), None
            )
            if acceptance and acceptance.active(today):
                result.accepted.append(f"{line} - accepted: {acceptance.reason}")
            elif acceptance:
                result.findings.append(f"{line} - acceptance expired on {acceptance.review_by}")
            else:
                result.findings.append(line)
    return result


def audit_deps(strict: bool, today: dt.date | None = None, layer: Path | None = None) -> int:
    today = today or dt.date.today()
    policy = load_policy()
    pins = pinned()
    closure, problems = runtime_closure(pins, layer)
    print(
        f"supply chain: {len(closure)} runtime packages ({len(pins)} pinned in "
        f"{REQUIREMENTS.relative_to(ROOT)}, {len(closure) - len(pins)} pulled in), read from "
        + (f"the built layer {layer}" if layer else "this environment")
    )
    failures = [f"policy: {e}" for e in policy.errors] + [f"environment: {p}" for p in problems]
    for name, floor in sorted(policy.minimum.items()):
        version = pins.get(name)
        if version is None:
            failures.append(f"minimum: {name} is not pinned in requirements.txt")
        elif version < floor:
            failures.append(f"minimum: {name} {version} is below {floor} (known vulnerabilities)")
        else:
            print(f"  minimum version (offline): {name} {version} >= {floor}  ok")

    audit = run_pip_audit(closure, policy, today)
    failures += [f"vulnerability: {f}" for f in audit.findings]
    for line in audit.accepted:
        print(f"  accepted: {line}")
    incomplete: list[str] = []
    if audit.unreachable:
        incomplete.append(audit.unreachable)
    elif audit.not_audited:
        reasons = sorted(set(audit.not_audited.values()))
        incomplete.append(
            f"{len(audit.not_audited)} of {len(closure)} packages could not be looked up in PyPI's "
            f"vulnerability data, e.g. {reasons[0]}"
        )
    print(f"  pip-audit: {len(audit.audited)} audited, {len(audit.not_audited)} NOT audited")
    for line in failures:
        print(f"  FAIL {line}")
    if failures:
        print("RESULT: FAIL (fix the pin, or accept in security/accepted-findings.toml with a reason)")
        return 1
    if incomplete:
        banner = "!" * 78
        print(banner)
        print(f"SUPPLY-CHAIN AUDIT INCOMPLETE: {incomplete[0]}")
        print("The packages above were NOT checked for known vulnerabilities; this is not a pass.")
        if audit.not_audited:
            print("Not audited: " + ", ".join(sorted(audit.not_audited)))
        print(banner)
        if strict:
            print("RESULT: INCOMPLETE (strict: failing)")
            return 2
        print("RESULT: INCOMPLETE (not strict: continuing; make audit or AUDIT_STRICT=1 fails here)")
        return 0
    print("RESULT: PASS (no known vulnerabilities)")
    return 0


# --------------------------------------------------------------------------- template


def lint_template(today: dt.date | None = None) -> tuple[list[str], list[str]]:
    """(findings, accepted) of the security cfn-lint run."""
    from cfnlint.api import ManualArgs, lint_file  # type: ignore[import-untyped]

    today = today or dt.date.today()
    policy = load_policy()
    matches = lint_file(
        TEMPLATE,
        ManualArgs(regions=["us-east-1"], include_checks=["I"], mandatory_checks=list(SECURITY_RULES)),
    )
    findings = [f"policy: {e}" for e in policy.errors]
    accepted = []
    for match in matches:
        path = list(getattr(match, "path", None) or [])
        resource = str(path[1]) if len(path) > 1 and path[0] == "Resources" else "*"
        rule = str(match.rule.id)
        line = f"{rule} {resource} (template.yaml:{match.linenumber}): {match.message}"
        acceptance = policy.template.get(f"{rule}@{resource}") or policy.template.get(f"{rule}@*")
        if acceptance and acceptance.active(today):
            accepted.append(f"{line} - accepted: {acceptance.reason}")
        elif acceptance:
            findings.append(f"{line} - acceptance expired on {acceptance.review_by}")
        else:
            findings.append(line)
    return findings, accepted


def audit_template() -> int:
    findings, accepted = lint_template()
    print(f"template: cfn-lint informational rules + {len(SECURITY_RULES)} mandatory security rules")
    for line in accepted:
        print(f"  accepted: {line}")
    for line in findings:
        print(f"  FAIL {line}")
    print("RESULT: " + ("FAIL" if findings else "PASS"))
    return 1 if findings else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m security.audit", description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["deps", "template"])
    parser.add_argument("--strict", action="store_true", help="fail (exit 2) when the audit is incomplete")
    parser.add_argument(
        "--layer",
        type=Path,
        help="audit the packages of a built layer (its python/ directory), not this venv",
    )
    args = parser.parse_args(argv)
    if args.what == "template":
        return audit_template()
    strict = args.strict or os.environ.get("AUDIT_STRICT", "") not in ("", "0", "false")
    return audit_deps(strict, layer=args.layer)


if __name__ == "__main__":
    sys.exit(main())
