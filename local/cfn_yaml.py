"""Read a CloudFormation/SAM YAML template into plain Python data.

CloudFormation's short-form tags (``!Ref``, ``!Sub``, ``!GetAtt`` ...) are not YAML that a plain
loader accepts. ``load_template`` turns each one into its long form, the way CloudFormation itself
reads them: ``!Ref X`` -> ``{"Ref": "X"}``, ``!GetAtt A.B`` -> ``{"Fn::GetAtt": ["A", "B"]}``,
``!Sub s`` -> ``{"Fn::Sub": s}`` and so on. Otherwise YAML 1.1 as CloudFormation reads it, which
has no timestamp type: ``AWSTemplateFormatVersion: 2010-09-09`` stays a string.

Shared by the template tests and the local gateway; standard library plus PyYAML only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

# Short tag -> long key. ``Ref`` and ``Condition`` keep their names; the rest are ``Fn::<Name>``.
_PLAIN = ("Ref", "Condition")
_FUNCTIONS = (
    "And",
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
)


class CfnLoader(yaml.SafeLoader):  # type: ignore[misc]  # yaml is untyped here
    """SafeLoader that knows CloudFormation's tags and keeps timestamps as strings."""


# Keep ``2010-09-09`` a string (CloudFormation never reads YAML timestamps).
CfnLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _node_value(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


def _long_form(key: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        return {key: _node_value(loader, node)}

    return construct


def _get_att(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    value = _node_value(loader, node)
    if isinstance(value, str):
        # "Resource.Attribute" (attributes may contain dots themselves: "Endpoint.Address").
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {"Fn::GetAtt": value}


def _unknown(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    # Any other "!Name" is read as "Fn::Name", which is what CloudFormation would try.
    name = tag_suffix[4:] if tag_suffix.startswith("Fn::") else tag_suffix
    return {f"Fn::{name}": _node_value(loader, node)}


for _name in _PLAIN:
    CfnLoader.add_constructor(f"!{_name}", _long_form(_name))
for _name in _FUNCTIONS:
    CfnLoader.add_constructor(f"!{_name}", _long_form(f"Fn::{_name}"))
CfnLoader.add_constructor("!GetAtt", _get_att)
CfnLoader.add_multi_constructor("!", _unknown)


def loads(text: str) -> dict[str, Any]:
    """Parse template text; the top level must be a mapping."""
    data = yaml.load(text, Loader=CfnLoader)  # noqa: S506  # CfnLoader is a SafeLoader
    if not isinstance(data, dict):
        raise ValueError("a CloudFormation template must be a YAML mapping")
    return data


def load_template(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read ``path`` (e.g. ``template.yaml``) with CloudFormation tags in their long forms."""
    return loads(Path(path).read_text(encoding="utf-8"))
