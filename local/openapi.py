"""One OpenAPI document for the whole API, merged from each function's FastAPI document.

Only what the template routes to a function is kept from that function's document (every app also
documents its own /health, say, but API Gateway sends /health to one function only), under the
template's path. Components keep their names unless two functions define one name differently;
then the later function's copy is prefixed with the function's name.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from local.stack import Route

TITLE = "Shatably AI API"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_REF_PREFIX = "#/components/"


def _normalise(path: str) -> str:
    return path.rstrip("/") or "/"


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _rewrite(node: Any, renames: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: renames.get(value, value)
            if key == "$ref" and isinstance(value, str)
            else _rewrite(value, renames)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite(value, renames) for value in node]
    return node


def _component(document: Mapping[str, Any], ref: str) -> Any:
    section, _, name = ref.removeprefix(_REF_PREFIX).partition("/")
    return (document.get("components") or {}).get(section, {}).get(name)


def _reachable(document: Mapping[str, Any], roots: Any) -> list[str]:
    """Every component reference reachable from ``roots``, through other components too."""
    seen: list[str] = []
    pending = list(_refs(roots))
    while pending:
        ref = pending.pop()
        if ref not in seen and _component(document, ref) is not None:
            seen.append(ref)
            pending.extend(_refs(_component(document, ref)))
    return sorted(seen)


def _operations(document: Mapping[str, Any], routes: Sequence[Route]) -> dict[tuple[str, str], Any]:
    """(template path, method) -> the FastAPI operation serving it, for this function's routes."""
    by_path: dict[str, dict[str, Any]] = {}
    for path, item in (document.get("paths") or {}).items():
        # FastAPI may document both /chat and /chat/; the first one listed wins.
        by_path.setdefault(_normalise(path), item)
    selected: dict[tuple[str, str], Any] = {}
    for route in routes:
        item = by_path.get(_normalise(route.path)) or {}
        methods = _METHODS if route.method == "ANY" else (route.method.lower(),)
        for method in methods:
            if method in item:
                selected[(route.path, method)] = item[method]
    return selected


def _renames(
    document: Mapping[str, Any], needed: Sequence[str], merged: Mapping[str, Mapping[str, Any]], prefix: str
) -> dict[str, str]:
    """New names for this document's components that would clobber a different one already merged."""

    def clashes(ref: str) -> bool:
        section, _, name = ref.removeprefix(_REF_PREFIX).partition("/")
        existing = merged.get(section, {}).get(name)
        return existing is not None and existing != _component(document, ref)

    renamed = {ref for ref in needed if clashes(ref)}
    # A component pointing at a renamed one means something else than its namesake: rename it too.
    while extra := {r for r in needed if r not in renamed and set(_refs(_component(document, r))) & renamed}:
        renamed |= extra
    return {ref: _prefixed(ref, prefix) for ref in renamed}


def _prefixed(ref: str, prefix: str) -> str:
    head, _, name = ref.rpartition("/")
    return f"{head}/{prefix}{name}"


def combine(documents: Mapping[str, Mapping[str, Any]], routes: Sequence[Route]) -> dict[str, Any]:
    """The API's document: ``documents`` maps a function's logical id to its FastAPI document."""
    first = next(iter(documents.values()), {})
    combined: dict[str, Any] = {
        "openapi": first.get("openapi", "3.1.0"),
        "info": {"title": TITLE, "version": (first.get("info") or {}).get("version", "0")},
        "paths": {},
    }
    components: dict[str, dict[str, Any]] = {}
    tags: dict[str, Any] = {}
    operation_ids: set[str] = set()
    for function, document in documents.items():
        prefix = function.removesuffix("Function").removesuffix("Worker")
        operations = _operations(document, [r for r in routes if r.function == function])
        needed = _reachable(document, list(operations.values()))

        renames = _renames(document, needed, components, prefix)
        for ref in needed:
            section, _, name = renames.get(ref, ref).removeprefix(_REF_PREFIX).partition("/")
            components.setdefault(section, {})[name] = _rewrite(_component(document, ref), renames)
        for (path, method), operation in operations.items():
            operation = _rewrite(copy.deepcopy(operation), renames)
            if operation.get("operationId") in operation_ids:
                operation["operationId"] = f"{prefix.lower()}_{operation['operationId']}"
            operation_ids.add(operation.get("operationId", ""))
            combined["paths"].setdefault(path, {})[method] = operation
            for tag in operation.get("tags") or []:
                known = next((t for t in document.get("tags") or [] if t.get("name") == tag), None)
                tags.setdefault(tag, known)
    if components:
        combined["components"] = components
    declared = [tag for tag in tags.values() if tag is not None]
    if declared:
        combined["tags"] = declared
    return combined


def undocumented(combined: Mapping[str, Any], routes: Sequence[Route]) -> list[Route]:
    """Routes the template declares that no function documents (CORS preflight aside)."""
    paths = combined.get("paths") or {}
    return [
        route
        for route in routes
        if route.method != "OPTIONS"
        and not (
            route.method.lower() in paths.get(route.path, {})
            or (route.method == "ANY" and paths.get(route.path))
        )
    ]
