"""The SAM template as the local gateway sees it: functions, routes, event sources and resources.

Intrinsics (!Ref, !Sub, !GetAtt, !If, ...) are resolved against the local stand-ins: the embedded
moto server's queue URLs, fixed local names, the moto account. Only what the gateway needs is modelled.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local.cfn_yaml import load_template

STACK_NAME = "shatably-local"
ACCOUNT_ID = "123456789012"  # moto's default account, so ARNs we compute match the ones moto returns
IMPLICIT_API = "ServerlessRestApi"  # SAM's name for the API behind Api events without RestApiId
DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000  # REST API default; an Api event may lower it (TimeoutInMillis)


class TemplateError(ValueError):
    """The template uses something the local gateway cannot emulate."""


class _NoValue:
    """AWS::NoValue: the property it sits in disappears."""


NO_VALUE = _NoValue()


@dataclass(frozen=True)
class RestApi:
    logical_id: str
    api_id: str
    stage: str
    binary_media_types: tuple[str, ...]
    variables: dict[str, str] | None
    # Response type (MISSING_AUTHENTICATION_TOKEN, DEFAULT_5XX, ...) -> StatusCode, ResponseParameters,
    # ResponseTemplates: how API Gateway answers errors of its own.
    gateway_responses: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Route:
    path: str  # the template path, with {params}: what API Gateway calls the resource
    method: str  # upper case; ANY matches every method
    function: str  # logical id
    api: RestApi
    timeout_ms: int


@dataclass(frozen=True)
class QueueSource:
    """An SQS event source: the function polls this queue."""

    function: str
    queue: str  # logical id of an AWS::SQS::Queue
    batch_size: int
    report_failures: bool  # FunctionResponseTypes: [ReportBatchItemFailures]


@dataclass(frozen=True)
class RuleSource:
    """An EventBridgeRule event source; locally its target is a queue only the gateway knows."""

    function: str
    event: str  # the event's key under Events
    bus: str  # bus name
    pattern: dict[str, Any]

    @property
    def rule_name(self) -> str:
        return f"{STACK_NAME}-{self.function}-{self.event}"[:64]

    @property
    def queue_name(self) -> str:
        return f"{STACK_NAME}-local-{self.function}-{self.event}"[:80]


@dataclass(frozen=True)
class Function:
    logical_id: str
    name: str
    code_dir: Path
    handler: str
    timeout: int  # seconds
    memory: int  # MB
    layer_dirs: tuple[Path, ...]
    environment: dict[str, str]
    arn: str
    routes: tuple[Route, ...]
    queues: tuple[QueueSource, ...]
    rules: tuple[RuleSource, ...]


@dataclass
class Stack:
    """The resolved template. Build it with ``Stack.load`` once the moto URL is known."""

    root: Path
    template: dict[str, Any]
    resolver: Resolver
    functions: dict[str, Function] = field(default_factory=dict)

    @classmethod
    def load(cls, template_path: Path, *, moto_url: str, region: str) -> Stack:
        template = load_template(template_path)
        if not isinstance(template.get("Resources"), dict):
            raise TemplateError(f"{template_path} has no Resources")
        resolver = Resolver(template, moto_url=moto_url, region=region)
        stack = cls(root=template_path.parent.resolve(), template=template, resolver=resolver)
        for logical_id in stack.resources_of("AWS::Serverless::Function"):
            stack.functions[logical_id] = stack._function(logical_id)
        return stack

    @property
    def routes(self) -> list[Route]:
        return [route for function in self.functions.values() for route in function.routes]

    def resources_of(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """Logical id -> unresolved Properties of each resource of a type that the template creates
        (its Condition, if any, holds). Resolve only the properties you use: see ``resolve``."""
        return {
            logical_id: resource.get("Properties") or {}
            for logical_id, resource in self.template["Resources"].items()
            if resource.get("Type") == resource_type
            and ("Condition" not in resource or self.resolver.condition(resource["Condition"]))
        }

    def resolve(self, value: Any) -> Any:
        return self.resolver.resolve(value)

    def physical_name(self, logical_id: str) -> str:
        return self.resolver.physical_name(logical_id)

    def queue_arn(self, logical_id: str) -> str:
        return str(self.resolver.get_att(logical_id, "Arn"))

    def _globals(self, section: str) -> dict[str, Any]:
        value = (self.template.get("Globals") or {}).get(section) or {}
        return dict(value)

    def _function(self, logical_id: str) -> Function:
        glob = self._globals("Function")
        props: dict[str, Any] = self.template["Resources"][logical_id].get("Properties") or {}
        merged = {**glob, **props}

        code_uri = self.resolve(merged.get("CodeUri"))
        if not isinstance(code_uri, str):
            raise TemplateError(f"{logical_id}: only a local CodeUri folder can run locally")
        variables = {
            **((glob.get("Environment") or {}).get("Variables") or {}),
            **((props.get("Environment") or {}).get("Variables") or {}),
        }
        environment = {name: _env_string(value) for name, value in self.resolve(variables).items()}
        name = str(self.resolve(merged.get("FunctionName", f"{STACK_NAME}-{logical_id}")))
        routes: list[Route] = []
        queues: list[QueueSource] = []
        rules: list[RuleSource] = []
        for event_name, event in (props.get("Events") or {}).items():
            kind = event.get("Type")
            event_props: dict[str, Any] = self.resolve(event.get("Properties") or {})
            if kind == "Api":
                routes.append(self._route(logical_id, event.get("Properties") or {}, event_props))
            elif kind == "SQS" and event_props.get("Enabled", True) is not False:
                response_types = event_props.get("FunctionResponseTypes") or []
                queues.append(
                    QueueSource(
                        function=logical_id,
                        queue=self._queue_by_arn(logical_id, str(event_props["Queue"])),
                        batch_size=int(event_props.get("BatchSize", 10)),
                        report_failures="ReportBatchItemFailures" in response_types,
                    )
                )
            elif kind == "EventBridgeRule" and event_props.get("State", "ENABLED") == "ENABLED":
                rules.append(
                    RuleSource(
                        function=logical_id,
                        event=event_name,
                        bus=str(event_props.get("EventBusName", "default")),
                        pattern=dict(event_props["Pattern"]),
                    )
                )
        return Function(
            logical_id=logical_id,
            name=name,
            code_dir=(self.root / code_uri).resolve(),
            handler=str(self.resolve(merged.get("Handler", "app.handler"))),
            timeout=int(self.resolve(merged.get("Timeout", 3))),
            memory=int(self.resolve(merged.get("MemorySize", 128))),
            # SAM concatenates list globals with the function's own list.
            layer_dirs=self._layer_dirs([*(glob.get("Layers") or []), *(props.get("Layers") or [])]),
            environment=environment,
            arn=function_arn(name, self.resolver.region),
            routes=tuple(routes),
            queues=tuple(queues),
            rules=tuple(rules),
        )

    def _route(self, function: str, raw: Mapping[str, Any], props: Mapping[str, Any]) -> Route:
        api_ref = raw.get("RestApiId")
        api_logical = api_ref["Ref"] if isinstance(api_ref, dict) and "Ref" in api_ref else IMPLICIT_API
        if api_ref is not None and api_logical == IMPLICIT_API:
            raise TemplateError(f"{function}: RestApiId must be a !Ref to an API in this template")
        return Route(
            path=str(props["Path"]),
            method=str(props["Method"]).upper(),
            function=function,
            api=self.rest_api(api_logical),
            timeout_ms=int(props.get("TimeoutInMillis", DEFAULT_INTEGRATION_TIMEOUT_MS)),
        )

    def rest_api(self, logical_id: str) -> RestApi:
        glob = self._globals("Api")
        if logical_id == IMPLICIT_API:
            props: dict[str, Any] = {}
        else:
            resource = self.template["Resources"].get(logical_id) or {}
            if resource.get("Type") != "AWS::Serverless::Api":
                raise TemplateError(f"{logical_id} is not an AWS::Serverless::Api")
            props = resource.get("Properties") or {}
        merged = {**glob, **props}
        variables = self.resolve(merged.get("Variables"))
        return RestApi(
            logical_id=logical_id,
            api_id=str(self.resolver.ref(logical_id)),
            stage=str(self.resolve(merged.get("StageName", "Prod"))),
            # In the template "/" is written "~1" (a JSON-pointer escape).
            binary_media_types=tuple(
                str(t).replace("~1", "/") for t in self.resolve(merged.get("BinaryMediaTypes")) or ()
            ),
            variables={str(k): _env_string(v) for k, v in variables.items()} if variables else None,
            gateway_responses=self.resolve(merged.get("GatewayResponses")) or {},
        )

    def _layer_dirs(self, layers: list[Any]) -> tuple[Path, ...]:
        dirs: list[Path] = []
        for layer in layers:
            # Only layers built from this repo can be loaded; managed layers (ARNs) are expected to be
            # installed in the development virtualenv instead.
            logical = layer.get("Ref") if isinstance(layer, dict) else None
            resource = self.template["Resources"].get(logical) if isinstance(logical, str) else None
            if not resource or resource.get("Type") != "AWS::Serverless::LayerVersion":
                continue
            content = self.resolve((resource.get("Properties") or {}).get("ContentUri"))
            if not isinstance(content, str):
                continue
            layer_dir = (self.root / content).resolve()
            # Without a BuildMethod the layer keeps its own python/ folder, which is what Lambda mounts.
            dirs.append(layer_dir / "python" if (layer_dir / "python").is_dir() else layer_dir)
        return tuple(dirs)

    def _queue_by_arn(self, function: str, arn: str) -> str:
        for logical_id, resource in self.template["Resources"].items():
            if resource.get("Type") == "AWS::SQS::Queue" and self.queue_arn(logical_id) == arn:
                return str(logical_id)
        raise TemplateError(f"{function}: its SQS event reads {arn}, which is not a queue of this template")


class Resolver:
    """Evaluates CloudFormation intrinsics against the local stand-ins of the template's resources."""

    def __init__(self, template: dict[str, Any], *, moto_url: str, region: str) -> None:
        self.template = template
        self.moto_url = moto_url.rstrip("/")
        self.region = region
        self.resources: dict[str, Any] = template.get("Resources") or {}
        self.parameters = {
            name: spec.get("Default", "") for name, spec in (template.get("Parameters") or {}).items()
        }
        self._resolving: set[str] = set()  # guards against a name that refers back to itself

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [item for item in (self.resolve(v) for v in value) if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" or key.startswith("Fn::") or (key == "Condition" and isinstance(arg, str)):
                return self._intrinsic(key, arg)
        resolved = ((key, self.resolve(item)) for key, item in value.items())
        return {key: item for key, item in resolved if item is not NO_VALUE}

    def _intrinsic(self, key: str, arg: Any) -> Any:
        match key:
            case "Ref":
                return self.ref(arg)
            case "Fn::Sub":
                return self._sub(arg)
            case "Fn::GetAtt":
                name, attribute = arg.split(".", 1) if isinstance(arg, str) else arg
                return self.get_att(name, attribute)
            case "Fn::Join":
                return str(arg[0]).join(str(v) for v in self.resolve(arg[1]))
            case "Fn::Select":
                return self.resolve(arg[1])[int(self.resolve(arg[0]))]
            case "Fn::Split":
                return str(self.resolve(arg[1])).split(str(arg[0]))
            case "Fn::If":
                name, when_true, when_false = arg
                return self.resolve(when_true if self.condition(name) else when_false)
            case "Fn::Equals":
                return str(self.resolve(arg[0])) == str(self.resolve(arg[1]))
            case "Fn::Not":
                return not self.resolve(arg[0])
            case "Fn::And":
                return all(self.resolve(c) for c in arg)
            case "Fn::Or":
                return any(self.resolve(c) for c in arg)
            case "Condition":
                return self.condition(arg)
            case "Fn::FindInMap":
                map_name, first, second = (self.resolve(a) for a in arg)
                return (self.template.get("Mappings") or {})[map_name][first][second]
        raise TemplateError(f"{key} is not supported locally")

    def condition(self, name: str) -> bool:
        conditions = self.template.get("Conditions") or {}
        if name not in conditions:
            raise TemplateError(f"unknown condition {name}")
        return bool(self.resolve(conditions[name]))

    def ref(self, name: str) -> Any:
        pseudo = {
            "AWS::StackName": STACK_NAME,
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{ACCOUNT_ID}:stack/{STACK_NAME}/local",
            "AWS::NotificationARNs": [],
            "AWS::NoValue": NO_VALUE,
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        resource_type = self._type(name)
        if resource_type == "AWS::SQS::Queue":
            return self.get_att(name, "QueueUrl")
        if resource_type in ("AWS::Serverless::Api", "AWS::ApiGateway::RestApi") or name == IMPLICIT_API:
            # A stable, API-id-shaped value (10 lower-case alphanumerics), as API Gateway issues.
            return hashlib.sha256(name.encode()).hexdigest()[:10]
        if resource_type in ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"):
            return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:layer:{name}:1"
        return self.physical_name(name)

    def get_att(self, name: str, attribute: str) -> Any:
        resource_type = self._type(name)
        physical = self.physical_name(name)
        region, account = self.region, ACCOUNT_ID
        attributes: dict[str, dict[str, str]] = {
            "AWS::SQS::Queue": {
                "Arn": f"arn:aws:sqs:{region}:{account}:{physical}",
                "QueueName": physical,
                "QueueUrl": f"{self.moto_url}/{account}/{physical}",  # the URL moto itself returns
            },
            "AWS::DynamoDB::Table": {
                "Arn": f"arn:aws:dynamodb:{region}:{account}:table/{physical}",
                "StreamArn": f"arn:aws:dynamodb:{region}:{account}:table/{physical}/stream/local",
            },
            "AWS::S3::Bucket": {
                "Arn": f"arn:aws:s3:::{physical}",
                "DomainName": f"{physical}.s3.amazonaws.com",
                "RegionalDomainName": f"{physical}.s3.{region}.amazonaws.com",
            },
            "AWS::Events::EventBus": {
                "Arn": f"arn:aws:events:{region}:{account}:event-bus/{physical}",
                "Name": physical,
            },
            "AWS::Serverless::Function": {"Arn": function_arn(physical, region)},
        }
        try:
            return attributes[resource_type][attribute]
        except KeyError:
            raise TemplateError(f"!GetAtt {name}.{attribute} is not supported locally") from None

    def physical_name(self, name: str) -> str:
        resource_type = self._type(name)
        name_property = {
            "AWS::DynamoDB::Table": "TableName",
            "AWS::S3::Bucket": "BucketName",
            "AWS::SQS::Queue": "QueueName",
            "AWS::Events::EventBus": "Name",
            "AWS::Serverless::Function": "FunctionName",
            "AWS::SSM::Parameter": "Name",
        }.get(resource_type)
        props = self.resources[name].get("Properties") or {}
        if name_property and name_property in props:
            if name in self._resolving:
                raise TemplateError(f"{name}'s name refers to itself")
            self._resolving.add(name)
            try:
                return str(self.resolve(props[name_property]))
            finally:
                self._resolving.discard(name)
        generated = f"{STACK_NAME}-{name}"
        if resource_type == "AWS::S3::Bucket":
            return generated.lower()
        if resource_type == "AWS::SQS::Queue" and self.resolve(props.get("FifoQueue")) in (True, "true"):
            return f"{generated}.fifo"
        return generated

    def _type(self, name: str) -> str:
        if name == IMPLICIT_API:
            return "AWS::Serverless::Api"
        resource = self.resources.get(name)
        if resource is None:
            raise TemplateError(f"!Ref {name}: no such parameter or resource")
        return str(resource.get("Type"))

    def _sub(self, arg: Any) -> str:
        template, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def replace(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("!"):  # ${!Literal} escapes a literal ${Literal}
                return "${" + expression[1:] + "}"
            if expression in variables:
                return str(variables[expression])
            if "." in expression and not expression.startswith("AWS::"):
                resource, attribute = expression.split(".", 1)
                return str(self.get_att(resource, attribute))
            return str(self.ref(expression))

        return re.sub(r"\$\{([^}]+)\}", replace, str(template))


def function_arn(name: str, region: str) -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}"


def _env_string(value: Any) -> str:
    """CloudFormation turns environment values into strings: booleans as true/false, objects as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)
