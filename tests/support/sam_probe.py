"""Runs inside ``.venv-sam`` (SAM CLI and its SAM translator, whose pins conflict with the app's
pydantic): the real tools, offline, answering in JSON on stdout. Standard library otherwise.

    python sam_probe.py translate < [template, ...]      -> [transformed template, ...]
    python sam_probe.py routes TEMPLATE [Key=Value ...]  -> {"routes": [...], "authorizers": [...]}

``translate`` is what CloudFormation's ``AWS::Serverless-2016-10-31`` transform runs;
``routes`` is how ``sam local start-api`` reads a template (SamLocalStackProvider -> ApiProvider,
as in samcli/commands/local/lib/local_api_service.py).
"""

from __future__ import annotations

import json
import sys
from typing import Any


def translate(templates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        """The template names no managed policy, so IAM's list is never needed (or fetched)."""

        def load(self) -> dict[str, str]:
            return {}

    return [transform(t, {}, NoManagedPolicies()) for t in templates]


def routes(template: str, overrides: dict[str, str]) -> dict[str, Any]:
    from samcli.lib.providers.api_provider import ApiProvider
    from samcli.lib.providers.sam_stack_provider import SamLocalStackProvider

    stacks, _ = SamLocalStackProvider.get_stacks(template, parameter_overrides=overrides)
    api = ApiProvider(stacks, cwd=".", disable_authorizer=False).api
    return {
        "routes": sorted(
            (
                {
                    "function": route.function_name,
                    "methods": sorted(route.methods),
                    "path": route.path,
                    "authorizer": route.authorizer_object.authorizer_name
                    if route.authorizer_object
                    else None,
                    "event_type": str(route.event_type),
                }
                for route in api.routes
            ),
            key=lambda r: (r["path"], r["methods"]),
        ),
        "authorizers": {
            route.authorizer_object.authorizer_name: {
                "function": route.authorizer_object.lambda_name,
                "type": route.authorizer_object.type,
                "identity_sources": sorted(
                    str(i.header_name) for i in route.authorizer_object.identity_sources
                ),
            }
            for route in api.routes
            if route.authorizer_object is not None
        },
    }


def main(argv: list[str]) -> int:
    command, *rest = argv
    if command == "translate":
        json.dump(translate(json.load(sys.stdin)), sys.stdout)
    elif command == "routes":
        template, *pairs = rest
        json.dump(routes(template, dict(p.split("=", 1) for p in pairs)), sys.stdout)
    else:
        raise SystemExit(f"unknown command {command!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
