"""Versions follow the code: what CloudFormation receives after ``sam package``, run through the
real SAM translator (the same one CloudFormation's ``AWS::Serverless`` transform runs).

``sam package`` replaces every local ``CodeUri``/``ContentUri`` with a content-addressed S3 URI
(the key is the MD5 of the zip). So "the layer's content changed" is, for the translator, "the
layer's ContentUri changed", which is what these tests feed it. All application code is in the
layer: if a layer-only change did not produce new ``AWS::Lambda::Version`` logical ids, the
``live`` alias (and its SnapStart snapshot) would keep serving the old layer.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.sam_tools import FUNCTIONS, packaged, translate


def versions(translated: dict[str, Any]) -> dict[str, str]:
    """Each function's AWS::Lambda::Version logical id (exactly one per function)."""
    found: dict[str, str] = {}
    for logical_id, resource in translated["Resources"].items():
        if resource["Type"] != "AWS::Lambda::Version":
            continue
        owner = resource["Properties"]["FunctionName"]["Ref"]
        assert owner not in found, f"{owner} has two versions"
        found[owner] = logical_id
    return found


@pytest.fixture(scope="module")
def translated() -> dict[str, dict[str, Any]]:
    """Every variant in one translator run (the translator's import dominates the time)."""
    property_change = packaged("layer-aaaa")
    property_change["Resources"]["ChatFunction"]["Properties"]["Timeout"] = 20
    variants = {
        "layer_a": packaged("layer-aaaa"),
        "layer_a_again": packaged("layer-aaaa"),
        "layer_b": packaged("layer-bbbb"),
        "chat_timeout": property_change,
        "edit_code": packaged("layer-aaaa", {"EditFunction": "edit-v2"}),
    }
    return dict(zip(variants, translate(*variants.values()), strict=True))


@pytest.fixture(scope="module")
def layer_a(translated: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return translated["layer_a"]


def test_every_function_gets_a_published_version_behind_live(layer_a) -> None:
    assert {"ChatFunction", "HistoryFunction", "HistoryWorker", "AuthorizerFunction"} <= set(FUNCTIONS)
    found = versions(layer_a)
    assert set(found) == set(FUNCTIONS)
    for function, version in found.items():
        alias = layer_a["Resources"][f"{function}Aliaslive"]
        assert alias["Type"] == "AWS::Lambda::Alias"
        assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version, "Version"]}


def test_a_layer_only_change_publishes_new_versions_of_every_function(translated) -> None:
    before, after = versions(translated["layer_a"]), versions(translated["layer_b"])
    for function in FUNCTIONS:
        assert before[function] != after[function], f"{function} would keep serving the old layer"


def test_the_same_artefacts_keep_the_same_versions(translated) -> None:
    """Deterministic: an unchanged deploy publishes nothing (and deletes nothing)."""
    assert versions(translated["layer_a_again"]) == versions(translated["layer_a"])


def test_a_function_property_change_publishes_only_that_function(translated) -> None:
    before, after = versions(translated["layer_a"]), versions(translated["chat_timeout"])
    assert after["ChatFunction"] != before["ChatFunction"]
    assert {f: after[f] for f in FUNCTIONS if f != "ChatFunction"} == {
        f: before[f] for f in FUNCTIONS if f != "ChatFunction"
    }


def test_a_function_code_change_publishes_that_function(translated) -> None:
    after = versions(translated["edit_code"])
    assert after["EditFunction"] != versions(translated["layer_a"])["EditFunction"]


def test_replaced_versions_are_deleted_with_their_snapshots(layer_a) -> None:
    """DeletionPolicy Delete: CloudFormation removes the old version (and its SnapStart snapshot)
    in the cleanup phase, after the alias has moved; SAM's default is Retain (one snapshot per deploy)."""
    for version in versions(layer_a).values():
        assert layer_a["Resources"][version]["DeletionPolicy"] == "Delete"
    for function in FUNCTIONS:
        snap = layer_a["Resources"][function]["Properties"]["SnapStart"]
        assert snap == {"ApplyOn": "PublishedVersions"}
