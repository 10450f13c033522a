"""What a deployer relies on in template.yaml (and samconfig.toml, events/, the layer build).

The template is read with ``local.cfn_yaml`` (CloudFormation tags in their long forms) and checked
as written; cfn-lint runs on it at the end. ``make validate`` adds the SAM translator check.
"""

from __future__ import annotations

import base64
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local.cfn_yaml import load_template, loads

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"

API_FUNCTIONS = {
    "ChatFunction": "functions/chat",
    "GenerateFunction": "functions/generate",
    "EditFunction": "functions/edit",
    "HistoryFunction": "functions/history",
}
WORKERS = {
    "GenerateWorker": "GenerateFunction",
    "EditWorker": "EditFunction",
    "HistoryWorker": "HistoryFunction",
}
ROUTES = {
    "ChatFunction": {
        ("POST", "/chat"),
        ("GET", "/chat/sessions/{session_id}"),
        ("DELETE", "/chat/sessions/{session_id}"),
        ("POST", "/estimate"),
        ("GET", "/health"),
    },
    "GenerateFunction": {
        ("POST", "/image/generate"),
        ("GET", "/styles"),
        ("GET", "/styles/{style_id}/preview"),
        ("GET", "/jobs/{job_id}"),
        ("GET", "/images/{image_id}"),
    },
    "EditFunction": {("POST", "/edit"), ("POST", "/uploads")},
    "HistoryFunction": {
        ("GET", "/chat/sessions"),
        ("GET", "/images"),
        ("GET", "/jobs"),
        ("GET", "/projects"),
        ("POST", "/projects"),
        ("GET", "/projects/{project_id}"),
        ("PATCH", "/projects/{project_id}"),
        ("DELETE", "/projects/{project_id}"),
        ("POST", "/projects/{project_id}/export"),
        ("DELETE", "/me"),
        ("POST", "/me/claim"),
    },
}
# Public: they read nothing of anyone's. POST /estimate may read the caller's project, so with auth
# on it needs a token like every owner route (without auth it stays open to anyone).
PUBLIC_ROUTES = {
    ("GET", "/health"),
    ("GET", "/styles"),
    ("GET", "/styles/{style_id}/preview"),
}
GATEWAY_LIMIT_SECONDS = 29
SERVICE_NAMES = {
    "ChatFunction": "shatably-chat",
    "GenerateFunction": "shatably-generate",
    "EditFunction": "shatably-edit",
    "GenerateWorker": "shatably-generate-worker",
    "EditWorker": "shatably-edit-worker",
    "HistoryFunction": "shatably-history",
    "HistoryWorker": "shatably-history-worker",
}
QUEUES = {
    "ChatFunction": "GenerateJobsQueue",
    "GenerateFunction": "GenerateJobsQueue",
    "GenerateWorker": "GenerateJobsQueue",
    "EditFunction": "EditJobsQueue",
    "EditWorker": "EditJobsQueue",
    "HistoryFunction": "HistoryJobsQueue",
    "HistoryWorker": "HistoryJobsQueue",
}
# Functions that call no provider read no provider key: no SSM policy at all.
NO_PROVIDER = {"HistoryFunction", "HistoryWorker"}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(TEMPLATE)


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    res: dict[str, Any] = template["Resources"]
    return res


@pytest.fixture(scope="module")
def globals_fn(template: dict[str, Any]) -> dict[str, Any]:
    g: dict[str, Any] = template["Globals"]["Function"]
    return g


def every_function(resources: dict[str, Any]) -> list[str]:
    """Every function the template declares (a new one meets the conventions without a list edit)."""
    return [n for n, r in resources.items() if r["Type"] == "AWS::Serverless::Function"]


def props(resources: dict[str, Any], name: str) -> dict[str, Any]:
    p: dict[str, Any] = resources[name]["Properties"]
    return p


def default(template: dict[str, Any], parameter: str) -> Any:
    return template["Parameters"][parameter]["Default"]


def api_events(resource: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for event in resource["Properties"].get("Events", {}).values():
        if event["Type"] == "Api":
            yield event["Properties"]


def statements(resource: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for policy in resource["Properties"].get("Policies", []):
        if isinstance(policy, dict) and "Statement" in policy:
            out.extend(policy["Statement"])
    return out


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def sub_text(value: Any) -> str:
    """The string of a ``Fn::Sub``; plain strings pass through."""
    if isinstance(value, dict) and "Fn::Sub" in value:
        text = value["Fn::Sub"]
        return text if isinstance(text, str) else text[0]
    assert isinstance(value, str), value
    return value


# ---------------------------------------------------------------- the loader


def test_loader_turns_short_tags_into_long_forms() -> None:
    data = loads(
        """
AWSTemplateFormatVersion: 2010-09-09
Conditions:
  Enabled: !And [!Not [!Equals [!Ref P, ""]], !Or [!Condition C, !Equals [a, b]]]
Outputs:
  A: {Value: !GetAtt Bucket.Arn}
  B: {Value: !GetAtt [Db, Endpoint.Address]}
  C: {Value: !Sub "${AWS::Region}-x"}
  D: {Value: !Select [0, !Split [",", !Join [",", [a, b]]]]}
  E: {Value: !If [Enabled, !FindInMap [M, k, v], !ImportValue other]}
  F: {Value: !Base64 hi}
  G: {Value: !GetAZs ""}
  H: {Value: !Cidr [10.0.0.0/16, 2, 8]}
"""
    )
    assert data["AWSTemplateFormatVersion"] == "2010-09-09"
    assert data["Conditions"]["Enabled"] == {
        "Fn::And": [
            {"Fn::Not": [{"Fn::Equals": [{"Ref": "P"}, ""]}]},
            {"Fn::Or": [{"Condition": "C"}, {"Fn::Equals": ["a", "b"]}]},
        ]
    }
    out = {k: v["Value"] for k, v in data["Outputs"].items()}
    assert out["A"] == {"Fn::GetAtt": ["Bucket", "Arn"]}
    assert out["B"] == {"Fn::GetAtt": ["Db", "Endpoint.Address"]}
    assert out["C"] == {"Fn::Sub": "${AWS::Region}-x"}
    assert out["D"] == {"Fn::Select": [0, {"Fn::Split": [",", {"Fn::Join": [",", ["a", "b"]]}]}]}
    assert out["E"] == {
        "Fn::If": ["Enabled", {"Fn::FindInMap": ["M", "k", "v"]}, {"Fn::ImportValue": "other"}]
    }
    assert out["F"] == {"Fn::Base64": "hi"}
    assert out["G"] == {"Fn::GetAZs": ""}
    assert out["H"] == {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}


def test_loader_rejects_a_non_mapping() -> None:
    with pytest.raises(ValueError, match="mapping"):
        loads("- just a list")


# ---------------------------------------------------------------- functions and layer


def test_globals_runtime_arch_layer_tracing_logging(template, globals_fn) -> None:
    assert globals_fn["Runtime"] == "python3.13"
    assert globals_fn["Architectures"] == [{"Ref": "Architecture"}]
    assert default(template, "Architecture") == "arm64"
    assert template["Parameters"]["Architecture"]["AllowedValues"] == ["arm64", "x86_64"]
    assert globals_fn["Layers"] == [{"Ref": "CommonLayer"}]
    assert globals_fn["Tracing"] == "Active"
    assert globals_fn["LoggingConfig"]["LogFormat"] == "JSON"


def test_snapstart_on_published_versions(globals_fn, resources) -> None:
    assert globals_fn["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert globals_fn["AutoPublishAlias"] == "live"  # SnapStart only applies to versions
    assert set(every_function(resources)) == {*API_FUNCTIONS, *WORKERS, "AuthorizerFunction"}
    for name in every_function(resources):
        assert "SnapStart" not in props(resources, name)
        assert "AutoPublishAlias" not in props(resources, name)
        assert props(resources, name)["AutoPublishAliasAllProperties"] is True  # test_versions.py


def test_api_functions_and_workers_share_code_and_the_layer(resources) -> None:
    for name, code_uri in API_FUNCTIONS.items():
        assert resources[name]["Type"] == "AWS::Serverless::Function"
        assert props(resources, name)["CodeUri"] == code_uri
        assert props(resources, name)["Handler"] == "app.handler"
    for worker, api in WORKERS.items():
        assert props(resources, worker)["CodeUri"] == props(resources, api)["CodeUri"]
        assert props(resources, worker)["Handler"] == "app.handler"
    for name in [*API_FUNCTIONS, *WORKERS]:
        for key in ("Layers", "Runtime", "Architectures"):  # all from Globals
            assert key not in props(resources, name), (name, key)


def test_timeouts(globals_fn, resources) -> None:
    assert globals_fn["Timeout"] < GATEWAY_LIMIT_SECONDS
    for name in API_FUNCTIONS:
        assert props(resources, name).get("Timeout", globals_fn["Timeout"]) < GATEWAY_LIMIT_SECONDS
    for name in WORKERS:
        assert props(resources, name)["Timeout"] == 300


def test_common_layer_build(resources) -> None:
    layer = resources["CommonLayer"]
    assert layer["Type"] == "AWS::Serverless::LayerVersion"
    assert layer["Properties"]["ContentUri"] == "layers/common"
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
    assert layer["Properties"]["CompatibleArchitectures"] == [{"Ref": "Architecture"}]
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    assert layer["Metadata"]["BuildArchitecture"] == {"Ref": "Architecture"}  # keys SAM's build cache
    makefile = (ROOT / "layers/common/Makefile").read_text()
    assert re.search(r"^build-CommonLayer:", makefile, re.M)
    assert "--invalidation-mode unchecked-hash" in makefile
    assert "--only-binary=:all:" in makefile
    assert "--python-version 3.13" in makefile
    assert "--implementation cp" in makefile
    assert "$(ARTIFACTS_DIR)/python" in makefile
    assert not (ROOT / "layers/common/python").exists()  # the Makefile adds python/ itself


def test_layer_requirements_leave_boto_to_the_runtime() -> None:
    names = {
        re.split(r"[=<>!~\[; ]", line, maxsplit=1)[0].lower()
        for line in (ROOT / "layers/common/requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert not names & {"boto3", "botocore", "s3transfer", "aws-xray-sdk"}


# ---------------------------------------------------------------- API


def test_every_contract_route_is_wired_with_its_options_twin(resources) -> None:
    for name, routes in ROUTES.items():
        events = list(api_events(resources[name]))
        for event in events:
            assert event["RestApiId"] == {"Ref": "ShatablyApi"}
            assert "Auth" not in event  # auth is declared in the API's DefinitionBody
        wired = {(e["Method"].upper(), e["Path"]) for e in events}
        expected = routes | {("OPTIONS", path) for _, path in routes}
        assert wired == expected, name
    for worker in WORKERS:
        assert not list(api_events(resources[worker]))


def test_api_is_regional_rest_with_narrow_binary_types(resources) -> None:
    api = resources["ShatablyApi"]
    assert api["Type"] == "AWS::Serverless::Api"
    p = api["Properties"]
    assert p["EndpointConfiguration"] == {"Type": "REGIONAL"}
    assert p["BinaryMediaTypes"] == ["multipart~1form-data", "image~1*"]
    assert "Cors" not in p  # CORS is the app's allow-list
    assert p["StageName"] == {"Ref": "Stage"}


def test_protected_routes_get_the_authorizer_only_when_enabled(template, resources) -> None:
    """The DefinitionBody lists exactly the non-public routes, each with security chosen by AuthEnabled."""
    p = props(resources, "ShatablyApi")
    assert p["MergeDefinitions"] is True
    assert p["AlwaysDeploy"] is True  # the !If does not change the body's hash
    body_routes = {
        (method.upper(), path): spec
        for path, item in p["DefinitionBody"]["paths"].items()
        for method, spec in item.items()
    }
    all_routes = set().union(*ROUTES.values())
    assert set(body_routes) == all_routes - PUBLIC_ROUTES
    protected = {"Fn::If": ["AuthEnabled", [{"ShatablyJwt": []}], []]}
    for spec in body_routes.values():
        assert spec == {"security": protected}
    # MergeDefinitions matches an event to its body entry by the literal method key.
    for name in ROUTES:
        for event in api_events(resources[name]):
            assert event["Method"] == event["Method"].lower()
    # The !If sits on the scheme: SAM CLI reads securitySchemes as a map (sam local start-api).
    schemes = p["DefinitionBody"]["components"]["securitySchemes"]["ShatablyJwt"]["Fn::If"]
    assert schemes[0] == "AuthEnabled"
    assert schemes[2] == {"Ref": "AWS::NoValue"}
    authorizer = schemes[1]["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "token"
    assert "AuthorizerFunctionAliaslive" in sub_text(authorizer["authorizerUri"])
    assert template["Conditions"]["AuthEnabled"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "JwtIssuer"}, ""]}]}
    assert default(template, "JwtIssuer") == default(template, "JwtAudience") == ""
    for name in ("AuthorizerFunction", "AuthorizerInvokePermission"):
        assert resources[name]["Condition"] == "AuthEnabled"


def test_auth_enabled_flag_follows_the_issuer(globals_fn) -> None:
    assert globals_fn["Environment"]["Variables"]["AUTH_ENABLED"] == {
        "Fn::If": ["AuthEnabled", "true", "false"]
    }


GATEWAY_RESPONSES = {
    "DEFAULT_4XX": (None, "request_rejected"),
    "DEFAULT_5XX": (None, "internal_error"),
    "REQUEST_TOO_LARGE": ("413", "payload_too_large"),
    "INTEGRATION_TIMEOUT": ("504", "upstream_timeout"),
    "THROTTLED": ("429", "rate_limited"),
    "UNAUTHORIZED": ("401", "unauthenticated"),
    "ACCESS_DENIED": ("403", "forbidden"),
}


def test_gateway_responses_are_problem_json(resources) -> None:
    responses = props(resources, "ShatablyApi")["GatewayResponses"]
    assert set(GATEWAY_RESPONSES) <= set(responses)
    for kind, response in responses.items():
        headers = response["ResponseParameters"]["Headers"]
        assert headers["Content-Type"] == "'application/problem+json'", kind
        # Readable by the browser app: the first allowed origin, never the caller's (see template
        # and test_gateway_responses_never_name_the_callers_origin).
        assert headers["Access-Control-Allow-Origin"] == {
            "Fn::Sub": [
                "'${First}'",
                {"First": {"Fn::Select": [0, {"Fn::Split": [",", {"Ref": "AllowedOrigins"}]}]}},
            ]
        }, kind
        assert headers["Vary"] == "'Origin'"
        assert "Retry-After" in headers["Access-Control-Expose-Headers"]
        assert "Access-Control-Allow-Credentials" not in headers
        # VTL variables are the only non-JSON part of the templates.
        text = re.sub(r"\$context\.[A-Za-z.]+", "x", response["ResponseTemplates"]["application/json"])
        body = json.loads(text)
        assert body["type"] == f"/problems/{body['code']}"
        assert "$context.requestId" in response["ResponseTemplates"]["application/json"]
        assert body["request_id"] == "x"
        if kind in GATEWAY_RESPONSES:
            status, code = GATEWAY_RESPONSES[kind]
            assert response.get("StatusCode") == status, kind
            assert body["code"] == code, kind
            if status:
                assert body["status"] == int(status)


def test_gateway_responses_never_name_the_callers_origin() -> None:
    """What CloudFormation receives (the real SAM translator's output), evaluated for one and for
    several allowed origins: every gateway response's Access-Control-Allow-Origin is a fixed text
    ('quoted') naming the first allowed origin, never a mapping of the request's Origin header,
    which API Gateway would echo for any origin (it cannot check a list in a gateway response)."""
    from local.stack import Resolver
    from tests.support.sam_tools import packaged, translate

    [translated] = translate(packaged("layer"))
    body = translated["Resources"]["ShatablyApi"]["Properties"]["Body"]
    responses = body["x-amazon-apigateway-gateway-responses"]
    assert set(GATEWAY_RESPONSES) <= set(responses)
    for origins in ("https://shatably.example", "http://localhost:5173,https://second.example"):
        resolver = Resolver(translated, moto_url="http://127.0.0.1:1", region="eu-central-1")
        resolver.parameters["AllowedOrigins"] = origins
        first = origins.split(",")[0]
        for kind, response in responses.items():
            parameters = resolver.resolve(response["responseParameters"])
            assert parameters["gatewayresponse.header.Access-Control-Allow-Origin"] == f"'{first}'", kind
            assert not any(str(v).startswith("method.request") for v in parameters.values()), kind


def test_stage_throttles_sit_below_reserved_concurrency(template, resources) -> None:
    settings = props(resources, "ShatablyApi")["MethodSettings"]
    stage_wide = next(s for s in settings if s["ResourcePath"] == "/*" and s["HttpMethod"] == "*")
    assert stage_wide["ThrottlingRateLimit"] == {"Ref": "ApiRateLimit"}
    billable = {(s["ResourcePath"], s["HttpMethod"]) for s in settings if s is not stage_wide}
    assert billable == {("/~1chat", "POST"), ("/~1image~1generate", "POST"), ("/~1edit", "POST")}
    # Checked against production's reservations (the template's default is none: new accounts).
    prod = dict(
        o.split("=", 1)
        for o in tomllib.loads((ROOT / "samconfig.toml").read_text())["prod"]["global"]["parameters"][
            "parameter_overrides"
        ]
    )
    smallest = min(
        int(prod[p])
        for p in ("ChatReservedConcurrency", "GenerateReservedConcurrency", "EditReservedConcurrency")
    )
    assert default(template, "BillableBurstLimit") <= smallest
    assert default(template, "BillableRateLimit") * 10 <= smallest  # ~10 s per billable call
    assert int(prod["WorkerReservedConcurrency"]) >= 2  # the SQS event source's minimum


def test_reserved_concurrency_only_when_positive(template, resources) -> None:
    for name, (condition, parameter) in {
        "ChatFunction": ("ChatReserved", "ChatReservedConcurrency"),
        "GenerateFunction": ("GenerateReserved", "GenerateReservedConcurrency"),
        "EditFunction": ("EditReserved", "EditReservedConcurrency"),
        "HistoryFunction": ("HistoryReserved", "HistoryReservedConcurrency"),
        "GenerateWorker": ("WorkerReserved", "WorkerReservedConcurrency"),
        "EditWorker": ("WorkerReserved", "WorkerReservedConcurrency"),
        "HistoryWorker": ("WorkerReserved", "WorkerReservedConcurrency"),
    }.items():
        assert props(resources, name)["ReservedConcurrentExecutions"] == {
            "Fn::If": [condition, {"Ref": parameter}, {"Ref": "AWS::NoValue"}]
        }
        assert template["Conditions"][condition] == {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, "0"]}]}
    # 1 would pass as a reservation but fail the SQS event source (minimum 2) mid-deploy.
    (rule,) = template["Rules"]["WorkerConcurrencyNotOne"]["Assertions"]
    assert rule["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "WorkerReservedConcurrency"}, "1"]}]}
    reserved = (
        "ChatReservedConcurrency",
        "GenerateReservedConcurrency",
        "EditReservedConcurrency",
        "HistoryReservedConcurrency",
        "WorkerReservedConcurrency",
    )
    assert [default(template, p) for p in reserved] == [0] * len(reserved)
    # Each worker's SQS event source waits at the reservation instead of throttling into the DLQ.
    for worker in WORKERS:
        (sqs,) = [e["Properties"] for e in props(resources, worker)["Events"].values() if e["Type"] == "SQS"]
        assert sqs["ScalingConfig"] == {
            "Fn::If": [
                "WorkerReserved",
                {"MaximumConcurrency": {"Ref": "WorkerReservedConcurrency"}},
                {"Ref": "AWS::NoValue"},
            ]
        }, worker


# ---------------------------------------------------------------- configuration


CONTRACT_ENV = {
    "STAGE",
    "TABLE_NAME",
    "BUCKET_NAME",
    "EVENT_BUS_NAME",
    "CORS_ALLOW_ORIGINS",
    "AUTH_ENABLED",
    "CHAT_PROVIDER",
    "GENERATE_PROVIDER",
    "EDIT_PROVIDER",
    "GEMINI_CHAT_MODEL",
    "GEMINI_IMAGE_MODEL",
    "OPENAI_IMAGE_MODEL",
    "OPENAI_CHAT_MODEL",
    "GEMINI_API_KEY_PARAM",
    "OPENAI_API_KEY_PARAM",
    "DAILY_REQUEST_QUOTA",
    "DAILY_IMAGE_QUOTA",
    "GLOBAL_DAILY_IMAGE_BUDGET",
    "POWERTOOLS_METRICS_NAMESPACE",
    "POWERTOOLS_LOG_LEVEL",
    "POWERTOOLS_PARAMETERS_MAX_AGE",
}


def test_environment_contract(template, globals_fn, resources) -> None:
    env = globals_fn["Environment"]["Variables"]
    assert set(env) >= CONTRACT_ENV
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "Shatably"
    assert env["POWERTOOLS_PARAMETERS_MAX_AGE"] == "300"
    assert env["CORS_ALLOW_ORIGINS"] == {"Ref": "AllowedOrigins"}
    assert (
        default(template, "AllowedOrigins")
        == "http://localhost:5173,http://localhost:3000,http://127.0.0.1:3000"
    )
    for name, service in SERVICE_NAMES.items():
        own = props(resources, name)["Environment"]["Variables"]
        assert own["POWERTOOLS_SERVICE_NAME"] == service
        assert own["JOBS_QUEUE_URL"] == {"Ref": QUEUES[name]}


def test_provider_keys_are_ssm_names_never_values(globals_fn, resources) -> None:
    env = globals_fn["Environment"]["Variables"]
    assert sub_text(env["GEMINI_API_KEY_PARAM"]) == "/shatably/${Stage}/gemini-api-key"
    assert sub_text(env["OPENAI_API_KEY_PARAM"]) == "/shatably/${Stage}/openai-api-key"
    every_env = [env] + [
        r["Properties"].get("Environment", {}).get("Variables", {})
        for r in resources.values()
        if "Properties" in r
    ]
    for variables in every_env:
        assert not {"GEMINI_API_KEY", "OPENAI_API_KEY", "GOOGLE_API_KEY"} & set(variables)
    assert "resolve:ssm" not in TEMPLATE.read_text()  # would put a value into the configuration


# ---------------------------------------------------------------- IAM


ALLOWED_S3 = {
    "ChatFunction": {
        "s3:GetObject": {"uploads", "clean", "results", "config"},  # config/: an operator's price book
        "s3:PutObject": {"clean", "results"},
        "s3:DeleteObject": {"clean", "results"},
    },
    # Image writers may delete what they stored when DELETE /me began meanwhile (MediaStore.kept).
    "GenerateFunction": {
        "s3:GetObject": {"results", "exports"},
        "s3:PutObject": {"results"},
        "s3:DeleteObject": {"results"},
    },
    "GenerateWorker": {
        "s3:GetObject": {"results"},
        "s3:PutObject": {"results"},
        "s3:DeleteObject": {"results"},
    },
    "EditFunction": {
        "s3:GetObject": {"uploads", "clean", "results"},
        "s3:PutObject": {"uploads", "clean", "results"},
        "s3:DeleteObject": {"clean", "results"},
    },
    "EditWorker": {
        "s3:GetObject": {"uploads", "clean", "results"},
        "s3:PutObject": {"clean", "results"},
        "s3:DeleteObject": {"clean", "results"},
    },
    "HistoryFunction": {
        "s3:GetObject": {"clean", "results"},
        "s3:DeleteObject": {"clean", "results", "exports"},
    },
    "HistoryWorker": {
        "s3:GetObject": {"uploads", "clean", "results"},
        "s3:PutObject": {"exports"},
        "s3:DeleteObject": {"uploads", "clean", "results", "exports"},
        "s3:ListBucket": {"the bucket, by owner prefix"},
    },
}
OWNER_INDEX_ARN = {"Fn::Sub": "${DataTable.Arn}/index/ByOwner"}
BATCH_DELETERS = {"ChatFunction", "HistoryFunction", "HistoryWorker"}
TABLE_ACTIONS = {
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
}


def test_policies_are_least_privilege(resources) -> None:
    for name in [*API_FUNCTIONS, *WORKERS]:
        policies = props(resources, name)["Policies"]
        templates = [next(iter(p)) for p in policies if isinstance(p, dict) and "Statement" not in p]
        if name in NO_PROVIDER:
            assert templates == [], name
        else:
            assert templates == ["SSMParameterReadPolicy"], name  # never S3Crud/DynamoDBCrud/...
            ssm = next(p for p in policies if "SSMParameterReadPolicy" in p)["SSMParameterReadPolicy"]
            assert (
                sub_text(ssm["ParameterName"]) == "shatably/${Stage}/*"
            )  # no leading slash in SAM's template
        s3: dict[str, set[str]] = {}
        for statement in statements(resources[name]):
            assert statement["Effect"] == "Allow"
            actions = as_list(statement["Action"])
            resources_ = as_list(statement["Resource"])
            assert "*" not in resources_, (name, statement)
            assert all(":" in a and not a.endswith("*") for a in actions), (name, actions)
            for action in actions:
                service = action.split(":")[0]
                if service == "dynamodb" and resources_ == [OWNER_INDEX_ARN]:
                    # Lists, erase and claim: a Query on the owner index, nothing else.
                    assert action == "dynamodb:Query" and name in NO_PROVIDER, (name, action)
                elif service == "dynamodb":
                    assert resources_ == [{"Fn::GetAtt": ["DataTable", "Arn"]}]
                    assert action in TABLE_ACTIONS or (
                        name in BATCH_DELETERS and action == "dynamodb:BatchWriteItem"
                    )
                elif action == "s3:ListBucket":
                    # Erase lists one owner's folders: the bucket ARN, narrowed by prefix.
                    assert resources_ == [{"Fn::GetAtt": ["MediaBucket", "Arn"]}], name
                    assert statement["Condition"] == {
                        "StringLike": {"s3:prefix": ["uploads/*", "clean/*", "results/*", "exports/*"]}
                    }
                    s3.setdefault(action, set()).add("the bucket, by owner prefix")
                elif service == "s3":
                    for resource in resources_:
                        match = re.fullmatch(
                            r"\$\{MediaBucket\.Arn\}/(uploads|clean|results|exports|config)/\*",
                            sub_text(resource),
                        )
                        assert match, (name, resource)
                        s3.setdefault(action, set()).add(match.group(1))
                elif service == "sqs":
                    # Producers send; workers may only shorten a failed job's retry delay.
                    assert action == "sqs:SendMessage" or (
                        action == "sqs:ChangeMessageVisibility" and name.endswith("Worker")
                    ), (name, action)
                    assert resources_ == [{"Fn::GetAtt": [QUEUES[name], "Arn"]}]
                    assert name in API_FUNCTIONS or name in WORKERS
                elif service == "events":
                    assert action == "events:PutEvents"
                    assert resources_ == [{"Fn::GetAtt": ["EventBus", "Arn"]}]
                else:
                    pytest.fail(f"{name}: unexpected action {action}")
        assert s3 == ALLOWED_S3[name], name


def test_no_statement_we_write_has_a_star_resource() -> None:
    """The one unavoidable '*' resource is ``ssm:DescribeParameters``, which SAM's
    SSMParameterReadPolicy adds (it cannot be scoped); nothing written here uses one."""
    text = TEMPLATE.read_text()
    assert not re.search(r"Resource:\s*['\"]?\*", text)
    assert "S3CrudPolicy" not in text and "DynamoDBCrudPolicy" not in text


# ---------------------------------------------------------------- data


def test_table_keys_ttl_and_protection(resources) -> None:
    table = props(resources, "DataTable")
    assert resources["DataTable"]["Type"] == "AWS::DynamoDB::Table"
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert {(a["AttributeName"], a["AttributeType"]) for a in table["AttributeDefinitions"]} == {
        ("pk", "S"),
        ("sk", "S"),
        ("owner_pk", "S"),
        ("owner_sk", "S"),
    }
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"]["SSEEnabled"] is True
    # The one index: each owner's items by kind, newest first (lists, erase, claim; never a Scan).
    (index,) = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "ByOwner"
    assert index["KeySchema"] == [
        {"AttributeName": "owner_pk", "KeyType": "HASH"},
        {"AttributeName": "owner_sk", "KeyType": "RANGE"},
    ]
    assert index["Projection"] == {"ProjectionType": "ALL"}


def test_bucket_is_private_encrypted_and_expires_objects(template, resources) -> None:
    bucket = props(resources, "MediaBucket")
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    sse = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert sse["SSEAlgorithm"] in {"AES256", "aws:kms"}
    rules = bucket["LifecycleConfiguration"]["Rules"]
    expiry = {r["Prefix"]: r["ExpirationInDays"] for r in rules if "Prefix" in r}
    assert expiry == {
        "uploads/": 1,
        "clean/": {"Ref": "ResultRetentionDays"},
        "results/": {"Ref": "ResultRetentionDays"},
        "exports/": 1,
    }
    assert default(template, "ResultRetentionDays") == 30
    assert any(r.get("AbortIncompleteMultipartUpload") for r in rules)
    cors = bucket["CorsConfiguration"]["CorsRules"]
    assert cors == [cors[0]]
    assert cors[0]["AllowedOrigins"] == {"Fn::Split": [",", {"Ref": "AllowedOrigins"}]}
    assert {"GET", "POST"} <= set(cors[0]["AllowedMethods"])
    policy = props(resources, "MediaBucketPolicy")
    assert policy["Bucket"] == {"Ref": "MediaBucket"}
    (tls,) = policy["PolicyDocument"]["Statement"]
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


# ---------------------------------------------------------------- jobs


def test_queues_redrive_and_visibility(resources) -> None:
    for queue, worker in (
        ("GenerateJobsQueue", "GenerateWorker"),
        ("EditJobsQueue", "EditWorker"),
        ("HistoryJobsQueue", "HistoryWorker"),
    ):
        q = props(resources, queue)
        assert q["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": ["JobsDeadLetterQueue", "Arn"]},
            "maxReceiveCount": 3,
        }
        assert q["VisibilityTimeout"] >= 6 * props(resources, worker)["Timeout"]
    assert resources["JobsDeadLetterQueue"]["Type"] == "AWS::SQS::Queue"


def test_workers_consume_their_queue_and_inbound_events(resources) -> None:
    for worker, queue, detail_type in (
        ("GenerateWorker", "GenerateJobsQueue", "Generate Requested"),
        ("EditWorker", "EditJobsQueue", "Edit Requested"),
    ):
        events = props(resources, worker)["Events"]
        (sqs,) = [e["Properties"] for e in events.values() if e["Type"] == "SQS"]
        assert sqs["Queue"] == {"Fn::GetAtt": [queue, "Arn"]}
        assert 1 <= sqs["BatchSize"] <= 5
        assert sqs["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        (rule,) = [e["Properties"] for e in events.values() if e["Type"] == "EventBridgeRule"]
        assert rule["EventBusName"] == {"Ref": "EventBus"}
        assert rule["Pattern"] == {"source": ["shatably.client"], "detail-type": [detail_type]}
        on_failure = props(resources, worker)["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]
        # Lambda's failure records, not raw job messages: their own queue, so each DLQ redrives.
        assert on_failure == {"Type": "SQS", "Destination": {"Fn::GetAtt": ["InvocationFailureQueue", "Arn"]}}
        assert rule["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"]}}
    assert resources["EventBus"]["Type"] == "AWS::Events::EventBus"


def test_outputs(template) -> None:
    outputs = template["Outputs"]
    assert (
        sub_text(outputs["ApiUrl"]["Value"])
        == "https://${ShatablyApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage}"
    )
    assert outputs["TableName"]["Value"] == {"Ref": "DataTable"}
    assert outputs["BucketName"]["Value"] == {"Ref": "MediaBucket"}
    assert outputs["GenerateJobsQueueUrl"]["Value"] == {"Ref": "GenerateJobsQueue"}
    assert outputs["EditJobsQueueUrl"]["Value"] == {"Ref": "EditJobsQueue"}
    assert outputs["HistoryJobsQueueUrl"]["Value"] == {"Ref": "HistoryJobsQueue"}
    assert outputs["EventBusName"]["Value"] == {"Ref": "EventBus"}


# ---------------------------------------------------------------- samconfig and sample events


def test_samconfig() -> None:
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    default_env = config["default"]
    assert config["dev"]["global"]["parameters"]["stack_name"] == "shatably-dev"
    assert default_env["build"]["parameters"] == {"cached": True, "parallel": True}
    assert default_env["validate"]["parameters"]["lint"] is True
    assert "deploy" not in default_env  # deploys name their environment
    for env in ("dev", "prod"):
        deploy = config[env]["deploy"]["parameters"]
        assert "CAPABILITY_IAM" in deploy["capabilities"]
        assert deploy["resolve_s3"] is True
        assert deploy["confirm_changeset"] is True
        assert deploy["region"]
    assert config["prod"]["global"]["parameters"]["stack_name"] == "shatably-prod"
    parameters = set(load_template(TEMPLATE)["Parameters"])
    for env in ("default", "dev", "prod"):
        for override in config[env]["global"]["parameters"]["parameter_overrides"]:
            key, _, value = override.partition("=")
            assert key in parameters and value, override  # SAM CLI refuses "Key=" with no value


def _events() -> dict[str, Any]:
    return {p.name: json.loads(p.read_text()) for p in sorted((ROOT / "events").glob("*.json"))}


def test_sample_http_events_match_template_routes() -> None:
    routes = set().union(*ROUTES.values())
    routes |= {("OPTIONS", path) for _, path in routes}
    http = {name: e for name, e in _events().items() if "httpMethod" in e}
    assert {
        "chat_json.json",
        "chat_multipart.json",
        "generate.json",
        "edit_json.json",
        "jobs_get.json",
        "history_projects_get.json",
    } <= set(http)
    for name, event in http.items():
        assert (event["httpMethod"], event["resource"]) in routes, name
        assert event["requestContext"]["resourcePath"] == event["resource"]
        assert event["requestContext"]["requestId"]
        if event["body"] is not None and not event["isBase64Encoded"]:
            json.loads(event["body"])
    multipart = http["chat_multipart.json"]
    assert multipart["isBase64Encoded"] is True
    boundary = multipart["headers"]["Content-Type"].split("boundary=")[1]
    body = base64.b64decode(multipart["body"])
    assert body.startswith(f"--{boundary}\r\n".encode()) and body.endswith(f"--{boundary}--\r\n".encode())
    assert b'name="message"' in body and b'name="image"' in body


def test_sample_job_events_carry_the_job_payload() -> None:
    events = _events()
    (record,) = events["sqs_generate_job.json"]["Records"]
    payloads = [
        ("generate", json.loads(record["body"])),
        ("generate", events["eventbridge_generate_requested.json"]["detail"]),
        ("edit", events["eventbridge_edit_requested.json"]["detail"]),
    ]
    assert events["eventbridge_generate_requested.json"]["detail-type"] == "Generate Requested"
    assert events["eventbridge_edit_requested.json"]["detail-type"] == "Edit Requested"
    for kind, payload in payloads:
        assert payload["kind"] == kind
        assert isinstance(payload["request"], dict) and payload["request"]["prompt"]
        assert payload["owner"]
        assert set(payload) <= {"kind", "request", "owner", "job_id"}
        assert re.fullmatch(r"[0-9a-f]{32}", payload.get("job_id", "0" * 32))  # JobMessage's id format
    # The history worker's message (shatably.history.jobs.HistoryMessage): no request, an id always.
    (record,) = events["sqs_history_job.json"]["Records"]
    history = json.loads(record["body"])
    assert history["kind"] in {"export", "erase"} and history["owner"]
    assert set(history) <= {"kind", "owner", "job_id", "project_id"}
    assert re.fullmatch(r"[0-9a-f]{32}", history["job_id"])
    assert (history["kind"] == "export") == bool(history.get("project_id"))  # an export names its project


# ---------------------------------------------------------------- cfn-lint


def test_cfn_lint_passes() -> None:
    """cfn-lint with the serverless rules (cfn-lint-serverless), as `make cfn-lint` runs it."""
    from cfnlint.api import ManualArgs, lint_file  # type: ignore[import-untyped]

    args = ManualArgs(regions=["us-east-1"], append_rules=["cfn_lint_serverless.rules"])
    matches = lint_file(TEMPLATE, args)
    assert not matches, "\n".join(str(m) for m in matches)


# ---------------------------------------------------------------- operations


ALARMED_FUNCTIONS = every_function(load_template(TEMPLATE)["Resources"])
DEAD_LETTER_QUEUES = ("JobsDeadLetterQueue", "InvocationFailureQueue", "EventsDeadLetterQueue")


def alarms(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n: r for n, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}


def test_every_alarm_notifies_the_topic_parameter(template, resources) -> None:
    assert default(template, "AlarmTopicArn") == ""
    no_topic = {"Fn::Equals": [{"Ref": "AlarmTopicArn"}, ""]}
    assert template["Conditions"]["HasAlarmTopic"] == {"Fn::Not": [no_topic]}
    found = alarms(resources)
    assert len(found) >= 2 * len(ALARMED_FUNCTIONS) + len(DEAD_LETTER_QUEUES) + 6
    topic = {"Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]}
    for name, alarm in found.items():
        assert alarm["Properties"]["AlarmActions"] == topic, name
        assert alarm["Properties"]["OKActions"] == topic, name
        assert alarm["Properties"]["TreatMissingData"] == "notBreaching", name


def test_lambda_errors_and_throttles_are_alarmed_per_function(resources) -> None:
    found = alarms(resources)
    for function in ALARMED_FUNCTIONS:
        for metric in ("Errors", "Throttles"):
            alarm = found[f"{function}{metric}Alarm"]
            p = alarm["Properties"]
            assert (p["Namespace"], p["MetricName"]) == ("AWS/Lambda", metric)
            assert p["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function}}]
            assert alarm.get("Condition") == resources[function].get("Condition")


def test_dead_letter_queues_are_alarmed_and_separate(resources) -> None:
    found = alarms(resources)
    for queue in DEAD_LETTER_QUEUES:
        p = found[f"{queue}DepthAlarm"]["Properties"]
        assert p["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert p["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}]
        assert p["Threshold"] == 1
        assert resources[queue]["Properties"]["MessageRetentionPeriod"] == 1209600
    policy = props(resources, "EventsDeadLetterQueuePolicy")["PolicyDocument"]["Statement"][0]
    assert policy["Principal"] == {"Service": "events.amazonaws.com"}
    assert "rule/${AWS::StackName}-bus/*" in sub_text(policy["Condition"]["ArnLike"]["aws:SourceArn"])


def test_api_and_application_alarms(template, resources) -> None:
    found = alarms(resources)
    latency = found["ApiLatencyP99Alarm"]["Properties"]
    assert latency["ExtendedStatistic"] == "p99"
    assert 20_000 <= latency["Threshold"] < GATEWAY_LIMIT_SECONDS * 1000  # near the 29 s wall
    math_alarms = ("Api5xxRateAlarm", "JobFailureRateAlarm", "ProviderErrorRateApiAlarm", "GlobalBudgetAlarm")
    expressions = {
        name: next(m["Expression"] for m in found[name]["Properties"]["Metrics"] if "Expression" in m)
        for name in math_alarms
    }
    assert "5XXError" in json.dumps(found["Api5xxRateAlarm"]["Properties"]["Metrics"])
    assert "JobsFailed" in json.dumps(found["JobFailureRateAlarm"]["Properties"]["Metrics"])
    assert "ProviderErrors" in json.dumps(found["ProviderErrorRateJobsAlarm"]["Properties"]["Metrics"])
    assert "${GlobalDailyImageBudget}" in sub_text(expressions["GlobalBudgetAlarm"])
    for alarm in found.values():  # metric math: at most 10 metrics per alarm
        assert len(alarm["Properties"].get("Metrics", [])) <= 10
    # The metrics these alarms read are the ones the code emits.
    layer = ROOT / "layers" / "common" / "shatably"
    code = "\n".join(p.read_text() for p in layer.rglob("*.py"))
    for metric in ("JobsFinished", "JobsFailed", "ProviderCall", "ProviderErrors", "BudgetImagesReserved"):
        assert f'count("{metric}"' in code, metric


def test_dashboard_and_api_tracing_parameter(template, resources) -> None:
    assert resources["OperationsDashboard"]["Type"] == "AWS::CloudWatch::Dashboard"
    body = sub_text(props(resources, "OperationsDashboard")["DashboardBody"])
    shown = ("5XXError", "Latency", "Errors", "Throttles", "ApproximateNumberOfMessagesVisible")
    emitted = ("JobsFailed", "ProviderErrors", "BudgetImagesReserved", "ProviderLatency", "ContentBlocked")
    for metric in (*shown, *emitted):
        assert metric in body, metric
    assert default(template, "ApiTracing") == "false"
    assert props(resources, "ShatablyApi")["TracingEnabled"] == {"Fn::If": ["ApiTracingEnabled", True, False]}
