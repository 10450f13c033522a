"""Pagination: ``{"items": [...], "next_cursor": ...}`` with an opaque cursor and a bounded limit."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from shatably.errors import ProblemError
from shatably.storage.table import Filter, Table, from_item, owner_partition

T = TypeVar("T")
R = TypeVar("R", bound=BaseModel)
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_KEY_NAMES = ("pk", "sk", "owner_pk", "owner_sk")

Limit = Annotated[
    int,
    Query(ge=1, le=MAX_LIMIT, description=f"Items per page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})"),
]
Cursor = Annotated[
    str | None,
    Query(max_length=1024, description="`next_cursor` of the previous page; absent for the first page"),
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


def encode_cursor(key: dict[str, str] | None) -> str | None:
    if key is None:
        return None
    raw = json.dumps([key[name] for name in _KEY_NAMES], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, owner: str, kind: str) -> dict[str, str] | None:
    """The position a cursor names, only if it lies in this owner's list of this kind."""
    if cursor is None:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        values = None
    if (
        not isinstance(values, list)
        or len(values) != len(_KEY_NAMES)
        or not all(isinstance(v, str) and 0 < len(v) <= 200 for v in values)
        or values[2] != owner_partition(owner, kind)
    ):
        raise ProblemError(
            "validation_failed", detail="cursor: not a cursor of this list; start again without it"
        )
    return dict(zip(_KEY_NAMES, values, strict=True))


def owned_page(
    table: Table,
    owner: str,
    kind: str,
    record: type[R],
    item: Callable[[R], T],
    *,
    limit: int,
    cursor: str | None,
    where: Filter | None = None,
) -> Page[T]:
    """One page of the owner's ``kind`` records (``record``), each shown as ``item`` makes it; the
    cursor must be one of this owner's list of this kind."""
    rows, last = table.owned_page(
        owner, kind, limit=limit, start=decode_cursor(cursor, owner, kind), where=where
    )
    return Page(items=[item(from_item(row, record)) for row in rows], next_cursor=encode_cursor(last))
