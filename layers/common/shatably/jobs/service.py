"""Job lifecycle: submit (HTTP), run (worker), report (GET /jobs/{id}), announce (EventBridge).

A job moves queued -> running -> succeeded | failed | blocked, each step a conditional write,
so a duplicate delivery never runs a finished job again and never reports success without images.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from pydantic import ValidationError

from shatably import billing
from shatably.errors import ProblemError
from shatably.jobs.models import JobMessage
from shatably.observability import count, logger
from shatably.settings import get_settings
from shatably.storage.aws import aws_faults, client
from shatably.storage.media import MediaStore
from shatably.storage.models import FINAL_JOB_STATUSES, JobRecord, is_id, now
from shatably.studio import service as studio
from shatably.studio.models import EditInput, GenerateInput, JobView
from shatably.web.deps import Deadline, Owner

_JOB_NAMESPACE = uuid.UUID("5f1c6a52-9d07-4f0e-9d1c-4b1e6a2f8c11")


def job_id_for_event(event_id: str) -> str:
    """A stable job id for an inbound event, so redelivery maps to the same job."""
    return uuid.uuid5(_JOB_NAMESPACE, event_id).hex


def images_requested(kind: str, request: dict[str, Any]) -> int:
    return int(request.get("n", 1)) if kind == "generate" else 1


def submit(media: MediaStore, owner: str, kind: str, request: dict[str, Any]) -> JobRecord:
    """Store a queued job for ``owner`` (a storage key) and queue it. Quota is billing's business."""
    if media.project_id and "project_id" not in request:  # e.g. a drawing of a project's conversation
        request = {**request, "project_id": media.project_id, "room_id": media.room_id}
    message = JobMessage.model_validate({"kind": kind, "request": request, "owner": owner})
    job, created = _create(media, message, uuid.uuid4().hex, owner)
    if not created:
        return job
    try:
        send(message.model_copy(update={"job_id": job.job_id, "recorded": True}))
    except ProblemError:
        job.status = "failed"
        job.error = ProblemError("dependency_unavailable").to_body()
        media.table.transition_job(job, ("queued",))
        raise
    count("JobsSubmitted", kind=kind)
    return job


def _create(media: MediaStore, message: JobMessage, job_id: str, owner: str) -> tuple[JobRecord, bool]:
    settings = get_settings()
    job = JobRecord(
        job_id=job_id,
        owner=owner,
        kind=message.kind,
        request=message.request,
        project_id=message.request.get("project_id"),
        deadline_at=now() + settings.job_deadline_seconds + 60,
        expires_at=now() + settings.result_ttl_days * 86400,
    )
    if media.table.create_job(job):
        media.kept(owner, lambda: media.table.delete(f"JOB#{job_id}"))
        return job, True
    existing = media.table.get_job(job_id)
    if existing is None:  # created and expired in between: vanishingly rare, retry via the queue
        raise ProblemError("dependency_unavailable", retry_after=2)
    return existing, False


def send(message: JobMessage) -> None:
    settings = get_settings()
    if not settings.jobs_queue_url:
        raise ProblemError("config_unavailable", detail="No job queue is configured for this function.")
    with aws_faults("dependency_unavailable", "queue the job"):
        client("sqs").send_message(QueueUrl=settings.jobs_queue_url, MessageBody=message.model_dump_json())


def view(media: MediaStore, owner: str, job_id: str) -> JobView:
    job = media.table.get_job(job_id) if is_id(job_id) else None
    if job is None or job.owner != owner:
        raise ProblemError("job_not_found")
    if job.status in ("queued", "running") and job.deadline_at and now() > job.deadline_at:
        # A worker that died mid-job must not leave it "running" forever.
        stale = job.model_copy(deep=True)
        stale.status = "failed"
        stale.error = ProblemError("upstream_timeout", detail="The job did not finish in time.").to_body()
        stale.updated_at = now()
        if media.table.transition_job(stale, (job.status,)):
            if job.kind in ("generate", "edit"):  # export and erase cost no quota
                billing.release(owner, images_requested(job.kind, job.request))
            job = stale
    done = job.status == "succeeded"
    images = [media.view(media.record(owner, i)) for i in job.image_ids] if done else []
    result = job.result or {}
    url = None
    if done and job.kind == "export" and isinstance(result.get("key"), str):
        # Signed now, for its owner only: a link that expires, to a private object that expires.
        url = media.bucket.presign_get(
            result["key"],
            "application/zip",
            f"shatably-project-{job.project_id}.zip",
            disposition="attachment",
        )
    return JobView(
        job_id=job.job_id,
        kind=job.kind,
        status=job.status,
        created_at=job.created_at,
        updated_at=job.updated_at,
        images=images,
        error=job.error,
        project_id=job.project_id,
        url=url,
        counts=result.get("counts") if done else None,
    )


async def run(
    media: MediaStore, message: JobMessage, *, receive_count: int = 1, max_receives: int = 3
) -> None:
    """Run one job. Raises to ask the queue for a retry (transient faults only)."""
    settings = get_settings()
    job_id = message.job_id or uuid.uuid4().hex
    job = media.table.get_job(job_id)
    if job is None and message.recorded:
        # Its record was removed with its owner's data (DELETE /me) or its project: nothing to run.
        logger.info("job message without its record dropped", extra={"job_id": job_id})
        return
    if job is None:
        # A request from another service: the job is born here, and its quota with it.
        owner = Owner(id=message.owner, authenticated=True).key
        billing.reserve(owner, images_requested(message.kind, message.request))
        job, _ = _create(media, message, job_id, owner)
    if job.status in FINAL_JOB_STATUSES:
        logger.info("duplicate job delivery ignored", extra={"job_id": job_id, "status": job.status})
        return
    if job.status == "running" and now() < job.deadline_at:
        logger.info("job already running elsewhere", extra={"job_id": job_id})
        return
    owner = job.owner
    running = job.model_copy(deep=True)
    running.status = "running"
    running.attempts = job.attempts + 1
    running.updated_at = now()
    running.deadline_at = now() + settings.job_deadline_seconds + 60
    if not media.table.transition_job(running, (job.status,)):
        return  # another delivery moved it first
    deadline = Deadline(budget_seconds=float(settings.job_deadline_seconds))
    # The project was checked when the job was submitted; its results are filed under it too.
    # It began when it was asked for: an erase since then keeps none of what it makes.
    media = media.for_project(
        job.request.get("project_id"), job.request.get("room_id"), started_ms=job.created_ms
    )
    try:
        if job.kind == "generate":
            request = GenerateInput.model_validate(job.request)
            result = await studio.generate(media, owner, request, deadline, job_id=job_id)
        else:
            edit_request = EditInput.model_validate(job.request)
            source = media.resolve(owner, edit_request.image)
            result = await studio.edit(media, owner, edit_request, source, deadline, job_id=job_id)
    except (ProblemError, ValidationError) as exc:
        problem = exc if isinstance(exc, ProblemError) else ProblemError("validation_failed")
        # Only a failure a later attempt can cure goes back to the queue: a rejected request, an
        # unusable answer or an exhausted quota would fail again, each attempt a paid call.
        if problem.transient and receive_count < max_receives:
            _finish(media, running, "queued", error=problem.to_body())
            raise  # the queue redelivers after its visibility timeout
        _finish(
            media,
            running,
            "blocked" if problem.code == "content_blocked" else "failed",
            error=problem.to_body(),
        )
        billing.release(owner, images_requested(job.kind, job.request))
        publish(running, "Job Failed")
        return
    except Exception:
        _finish(media, running, "queued", error=ProblemError("internal_error").to_body())
        raise
    running.image_ids = result.outcome.image_ids
    _finish(media, running, "succeeded", error=None)
    publish(running, "Job Succeeded")


def _finish(media: MediaStore, job: JobRecord, status: str, *, error: dict[str, Any] | None) -> None:
    job.status = status  # type: ignore[assignment]
    job.error = error
    job.updated_at = now()
    if not media.table.transition_job(job, ("running",)):
        logger.warning("job changed under the worker", extra={"job_id": job.job_id, "status": status})
    count("JobsFinished", status=status, kind=job.kind)
    if status == "failed":
        count("JobsFailed", kind=job.kind)  # the job failure rate alarm (template.yaml)


def publish(job: JobRecord, detail_type: str) -> None:
    """Announce a finished job; a lost event never fails the job (the record is the truth)."""
    settings = get_settings()
    detail = {
        "job_id": job.job_id,
        "kind": job.kind,
        "status": job.status,
        "image_ids": job.image_ids,
        "error_code": (job.error or {}).get("code"),
        "owner": job.owner,
        "time": int(time.time()),
    }
    try:
        with aws_faults("dependency_unavailable", "publish the job event"):
            client("events").put_events(
                Entries=[
                    {
                        "Source": "shatably.jobs",
                        "DetailType": detail_type,
                        "Detail": json.dumps(detail),
                        "EventBusName": settings.event_bus_name,
                    }
                ]
            )
    except ProblemError:
        logger.warning("job event not published", extra={"job_id": job.job_id})
