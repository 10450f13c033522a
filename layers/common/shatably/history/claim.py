"""POST /me/claim: an anonymous owner's things become the signed-in subject's, once.

Each item moves by one conditional update (owner = the anonymous id), so every item moves at
most once and a repeated claim only moves what is left. The first subject to claim an anonymous
id owns it: a claim record refuses anyone else. Objects keep their keys in the bucket (records
point at them); the anonymous owner's idempotency records are dropped, since they replay nothing
for the new owner.
"""

from __future__ import annotations

from pydantic import BaseModel

from shatably.errors import ProblemError
from shatably.storage.media import MediaStore
from shatably.storage.table import OWNED_KINDS


class ClaimResult(BaseModel):
    moved: dict[str, int]


def claim(media: MediaStore, anonymous: str, subject: str) -> ClaimResult:
    from shatably.billing import idempotency_partition

    table = media.table
    if not table.claim(anonymous, subject):
        raise ProblemError("claim_conflict")
    moved: dict[str, int] = {}
    for kind in OWNED_KINDS:
        items = table.owned_keys(anonymous, kind)
        moved[kind.lower() + "s"] = sum(table.move_owner(i, kind, anonymous, subject) for i in items)
    table.delete_keys(table.partition_keys(idempotency_partition(anonymous)))
    return ClaimResult(moved=moved)
