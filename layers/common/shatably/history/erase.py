"""Removing what an owner has: one project (DELETE /projects/{id}) or everything (DELETE /me).

Quota counters stay (they hold no content, and erasing must not reset a quota), and so does the
owner's erase marker (a time, no content). Every step is idempotent, so an interrupted erase job
simply runs again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shatably.storage.bucket import OWNER_PREFIXES
from shatably.storage.media import MediaStore
from shatably.storage.models import now_ms
from shatably.storage.table import OWNED_KINDS

Item = dict[str, Any]


def _text(item: Item, name: str) -> str | None:
    value = item.get(name, {}).get("S")
    return value if isinstance(value, str) else None


def remove_items(media: MediaStore, owner: str, chosen: Callable[[str, Item], bool]) -> dict[str, int]:
    """Delete the owner's sessions (with their turns), images (with their objects), jobs and
    projects that ``chosen(kind, item)`` selects; returns how many of each went."""
    table = media.table
    owned = {kind: table.owned_keys(owner, kind) for kind in OWNED_KINDS}
    doomed = {kind: [i for i in items if chosen(kind, i)] for kind, items in owned.items()}
    counts = {"sessions": 0, "turns": 0, "images": 0, "objects": 0, "jobs": 0, "projects": 0}

    # Objects first: a record is never gone while its object stays. Content-addressed objects an
    # image outside the selection still uses are kept.
    kept = {_text(i, "s3_key") for i in owned["IMAGE"] if not chosen("IMAGE", i)}
    objects = sorted({k for i in doomed["IMAGE"] if (k := _text(i, "s3_key")) and k not in kept})
    media.bucket.delete(objects)
    counts["objects"] = len(objects)
    table.delete_keys(doomed["IMAGE"])
    counts["images"] = len(doomed["IMAGE"])

    for session in doomed["SESSION"]:
        keys = table.partition_keys(session["pk"]["S"])  # the session and its turns
        # The session's META last, so an interrupted erase still finds it and runs again.
        turns = [k for k in keys if k["sk"]["S"] != "META"]
        table.delete_keys(turns)
        table.delete_keys([session])
        counts["turns"] += len(turns)
    counts["sessions"] = len(doomed["SESSION"])
    table.delete_keys(doomed["JOB"])
    counts["jobs"] = len(doomed["JOB"])
    table.delete_keys(doomed["PROJECT"])
    counts["projects"] = len(doomed["PROJECT"])
    return counts


def erase_owner(media: MediaStore, owner: str) -> dict[str, int]:
    """Everything the owner has, but its quota counters, the erase marker and the erase job's record.

    The marker goes first: work begun before it (a job, a chat turn, a request) checks it after each
    write and takes back what it stored (``MediaStore.kept``), so nothing reappears after the
    erase; work begun after it is the owner coming back, and is kept.
    """
    from shatably.billing import idempotency_partition

    media.table.mark_erased(owner, now_ms())
    counts = remove_items(media, owner, lambda kind, item: True)
    # Whatever else carries the owner's name in the bucket: uploads, clean copies, results, exports.
    for prefix in OWNER_PREFIXES:
        keys = media.bucket.keys(f"{prefix}/{owner}/")
        media.bucket.delete(keys)
        counts[prefix] = len(keys)
    records = media.table.partition_keys(idempotency_partition(owner))
    media.table.delete_keys(records)
    counts["idempotency_records"] = len(records)
    return counts


def remove_project(media: MediaStore, owner: str, project_id: str) -> dict[str, int]:
    """The project and what is attached to it: its conversations, images and exports."""

    def attached(kind: str, item: Item) -> bool:
        if kind == "PROJECT":
            return _text(item, "pk") == f"PROJECT#{project_id}"
        return _text(item, "project_id") == project_id

    exports = [
        f"exports/{owner}/{i['pk']['S'].removeprefix('JOB#')}.zip"
        for i in media.table.owned_keys(owner, "JOB")
        if _text(i, "project_id") == project_id and _text(i, "kind") == "export"
    ]
    media.bucket.delete(exports)
    return remove_items(media, owner, attached)
