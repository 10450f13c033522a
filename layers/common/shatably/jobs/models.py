"""The job message: what SQS and EventBridge carry (a claim check: ids and keys, never images)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class JobMessage(BaseModel):
    kind: Literal["generate", "edit"]
    request: dict[str, Any] = Field(description="The same JSON body as POST /image/generate or /edit/")
    owner: str = Field(min_length=1, max_length=200, description="Owner id (anonymous id or service name)")
    job_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")
    recorded: bool = Field(
        default=False,
        description="Set by the app, which stores the job's record before queueing it: when that "
        "record is gone (the owner erased, its project deleted), the message is dropped",
    )
