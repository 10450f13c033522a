"""A project's export: one zip with everything a person would take to a contractor or keep.

  project.json                the project, its rooms and the estimate
  estimate.json, estimate.csv the estimate alone (the CSV as POST /estimate gives it: Excel-ready)
  rooms/<n>-<room>/plan.json  the latest plan per room, and plan.csv (its quantities)
  conversations/<id>.md       each conversation, as Markdown
  images/<id>.<ext>           every image of the project at full size

Written to ``exports/<owner>/<job_id>.zip`` (private; the bucket expires it after a day) and
handed out only as a presigned link to its owner (``GET /jobs/{id}`` → ``url``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from typing import Any

from shatably.projects.detail import attached, detail
from shatably.storage.bucket import EXTENSIONS, export_key
from shatably.storage.media import MediaStore
from shatably.storage.models import SessionRecord

# Excel opens a UTF-8 CSV with Arabic correctly only when it starts with a byte-order mark.
_BOM = "\ufeff"


def _csv(rows: list[dict[str, Any]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                for k, v in row.items()
            }
        )
    return _BOM + out.getvalue()


def _slug(text: str) -> str:
    return re.sub(r"[^\w-]+", "-", text, flags=re.UNICODE).strip("-")[:40] or "room"


def conversation_markdown(media: MediaStore, session: SessionRecord) -> str:
    turns = media.table.recent_turns(session.session_id, max(session.turn_count, 1))
    lines = [f"# {session.title or session.session_id}", ""]
    for turn in turns:
        lines += [f"## {turn.index}. You", "", turn.user_text, ""]
        lines += [f"_Photos: {', '.join(turn.image_ids)}_", ""] if turn.image_ids else []
        lines += ["## Designer", "", turn.reply, ""]
        lines += [f"_Images: {', '.join(turn.images_out)}_", ""] if turn.images_out else []
        if turn.plan:
            lines += ["```json", json.dumps(turn.plan, ensure_ascii=False, indent=2), "```", ""]
    return "\n".join(lines)


def build(media: MediaStore, owner: str, project_id: str, job_id: str) -> tuple[str, dict[str, int]]:
    """Write the zip; returns its key and what it holds."""
    project = detail(media, owner, project_id)
    sessions, images = attached(media, owner, project_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        document = project.model_dump(mode="json")
        for room in document["rooms"]:
            room.pop("renders", None)  # links that expire; the images themselves are in images/
        archive.writestr("project.json", json.dumps(document, ensure_ascii=False, indent=2))
        if project.estimate:
            from shatably.estimate.export import to_csv

            archive.writestr("estimate.json", json.dumps(project.estimate, ensure_ascii=False, indent=2))
            archive.writestr("estimate.csv", to_csv(project.estimate))
        for number, room in enumerate(project.rooms, start=1):
            if room.latest_plan is None:
                continue
            folder = f"rooms/{number:02d}-{_slug(room.name)}"
            archive.writestr(
                f"{folder}/plan.json", json.dumps(room.latest_plan, ensure_ascii=False, indent=2)
            )
            quantities = room.latest_plan.get("finishing_quantities") or []
            if isinstance(quantities, list) and quantities:
                archive.writestr(f"{folder}/plan.csv", _csv(quantities))
        for session in sessions:
            archive.writestr(f"conversations/{session.session_id}.md", conversation_markdown(media, session))
        for image in images:
            # Images are written one at a time: the zip, not the set of originals, sits in memory.
            archive.writestr(f"images/{image.image_id}.{EXTENSIONS[image.format]}", media.image_bytes(image))
    key = export_key(owner, job_id)
    media.bucket.put(key, buffer.getvalue(), "application/zip")
    media.kept(owner, lambda: media.bucket.delete([key]))  # an erase since the export was asked for
    return key, {"conversations": len(sessions), "images": len(images), "bytes": buffer.tell()}
