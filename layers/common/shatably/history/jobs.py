"""Export and erase as jobs: 202 + ``job_id`` now, the work in the history worker (SQS).

The job record is the truth, as for generation jobs: queued -> running -> succeeded | failed, each
step a conditional write; ``GET /jobs/{id}`` reports it (the export's link, the erase's counts).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from shatably.errors import ProblemError
from shatably.observability import count, logger
from shatably.settings import get_settings
from shatably.storage.aws import aws_faults, client
from shatably.storage.media import MediaStore, get_media
from shatably.storage.models import FINAL_JOB_STATUSES, JobRecord, now

# An erase job's record outlives the erase only as long as someone may poll it.
ERASE_RECORD_SECONDS = 86400


class HistoryMessage(BaseModel):
    kind: Literal["export", "erase"]
    owner: str = Field(min_length=1, max_length=200)
    job_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    project_id: str | None = None


def submit(
    media: MediaStore, owner: str, kind: Literal["export", "erase"], project_id: str | None = None
) -> str:
    """Store and queue the job; returns its id."""
    settings = get_settings()
    if not settings.jobs_queue_url:
        raise ProblemError("config_unavailable", detail="No job queue is configured for this function.")
    expires = now() + (ERASE_RECORD_SECONDS if kind == "erase" else settings.result_ttl_days * 86400)
    job = JobRecord(
        owner=owner,
        kind=kind,
        request={"project_id": project_id} if project_id else {},
        project_id=project_id,
        deadline_at=now() + settings.job_deadline_seconds + 60,
        expires_at=expires,
    )
    media.table.create_job(job)
    if kind == "export":  # an erase's own record must stay, whatever began before it
        media.kept(owner, lambda: media.table.delete(f"JOB#{job.job_id}"))
    message = HistoryMessage(kind=kind, owner=owner, job_id=job.job_id, project_id=project_id)
    try:
        with aws_faults("dependency_unavailable", "queue the job"):
            client("sqs").send_message(
                QueueUrl=settings.jobs_queue_url, MessageBody=message.model_dump_json()
            )
    except ProblemError:
        failed = job.model_copy(
            update={"status": "failed", "error": ProblemError("dependency_unavailable").to_body()}
        )
        media.table.transition_job(failed, ("queued",))
        raise
    count("JobsSubmitted", kind=kind)
    return job.job_id


def run(media: MediaStore, message: HistoryMessage) -> None:
    """Run one export or erase; raises (for a redelivery) only on a transient fault."""
    from shatably.history import erase, export

    job = media.table.get_job(message.job_id)
    if job is None or job.owner != message.owner or job.status in FINAL_JOB_STATUSES:
        logger.info("history job ignored", extra={"job_id": message.job_id})
        return
    running = job.model_copy(update={"status": "running", "attempts": job.attempts + 1, "updated_at": now()})
    if not media.table.transition_job(running, (job.status,)):
        return
    result: dict[str, Any]
    media = media.for_project(None, None, started_ms=job.created_ms)  # began when it was asked for
    try:
        if message.kind == "erase":
            result = {"counts": erase.erase_owner(media, message.owner)}
        else:
            assert message.project_id is not None
            key, contents = export.build(media, message.owner, message.project_id, message.job_id)
            result = {"key": key, "contents": contents}
    except ProblemError as problem:
        retryable = problem.transient  # the same rule as the image jobs' worker
        finished = running.model_copy(
            update={
                "status": "queued" if retryable else "failed",
                "error": problem.to_body(),
                "updated_at": now(),
            }
        )
        media.table.transition_job(finished, ("running",))
        if retryable:
            raise
        count("JobsFinished", status="failed", kind=message.kind)
        count("JobsFailed", kind=message.kind)  # the job failure rate alarm (template.yaml)
        return
    done = running.model_copy(
        update={"status": "succeeded", "result": result, "error": None, "updated_at": now()}
    )
    media.table.transition_job(done, ("running",))
    count("JobsFinished", status="succeeded", kind=message.kind)


def handle_event(event: dict[str, Any], context: Any) -> dict[str, Any] | None:
    """The history worker: SQS batches of export and erase jobs (partial batch responses)."""
    records = event.get("Records")
    if not isinstance(records, list):
        raise ValueError("Unsupported event: expected SQS records")
    failures = []
    media = get_media()
    for record in records:
        message_id = record.get("messageId", "")
        try:
            message = HistoryMessage.model_validate(json.loads(record.get("body") or ""))
        except (ValueError, ValidationError):
            logger.warning("malformed history job", extra={"message_id": message_id})
            failures.append({"itemIdentifier": message_id})
            continue
        try:
            run(media, message)
        except Exception as exc:
            code = exc.code if isinstance(exc, ProblemError) else type(exc).__name__
            logger.warning("history job will be retried", extra={"job_id": message.job_id, "code": code})
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}
