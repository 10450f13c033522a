"""The one retry layer (DESIGN D6, reliability.md F1): at most one retry, only inside the deadline.

The SDKs' own retries are off (google-genai ``attempts=1``, openai ``max_retries=0``), so this is the
only place a provider request is repeated. A retry happens only when all of these hold:

- the failure is transient: 429 rate limit, 5xx or a dropped connection, or an empty answer;
  never a quota 429, an auth failure, a rejected request or a content block (``faults``);
- the wait (the provider's Retry-After / retry-after-ms / RetryInfo, else a short jittered pause)
  still leaves ``min_attempt_seconds`` before the deadline.

Each attempt gets the time left as its timeout and is also cut off by ``asyncio.timeout`` at the
deadline: SDK timeouts bound each read, not the whole call, so a trickling answer could outlive them.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from shatably.providers import faults

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


def _jitter(upper: float) -> float:
    return random.uniform(0.0, upper)


@dataclass(frozen=True)
class RetryPolicy:
    """How the one retry behaves; tests pass a recording ``sleep`` and a fake ``clock``."""

    # Without a provider hint, wait a full-jitter pause of up to this long.
    backoff_seconds: float = 1.0
    # A retry must leave at least this long for its own attempt, or it would only turn a clear
    # 503/502 into a 504 at the deadline.
    min_attempt_seconds: float = 3.0
    sleep: Sleep = asyncio.sleep
    clock: Clock = time.monotonic
    jitter: Callable[[float], float] = field(default=_jitter)


async def call_with_retry(
    attempt: Callable[[float], Awaitable[T]],
    *,
    budget_seconds: float,
    policy: RetryPolicy,
    record: faults.CallRecord | None = None,
) -> T:
    """Run ``attempt(seconds_left)``; retry once if ``faults`` says it may and the deadline allows.

    ``attempt`` raises ``faults.UpstreamProblem`` for provider failures; anything else propagates.
    """
    deadline = policy.clock() + budget_seconds
    try:
        return await _attempt(attempt, deadline, policy, record)
    except faults.UpstreamProblem as problem:
        if not problem.retryable:
            raise
        delay = problem.retry_delay
        if delay is None:
            delay = policy.jitter(policy.backoff_seconds)
        if deadline - policy.clock() - delay < policy.min_attempt_seconds:
            raise
        if record is not None:
            record.retries += 1
            record.retried_after = problem.code
        await policy.sleep(delay)
    return await _attempt(attempt, deadline, policy, record)


async def _attempt(
    attempt: Callable[[float], Awaitable[T]],
    deadline: float,
    policy: RetryPolicy,
    record: faults.CallRecord | None,
) -> T:
    remaining = deadline - policy.clock()
    if remaining <= 0:
        raise faults.timed_out()
    if record is not None:
        record.attempts += 1
    try:
        async with asyncio.timeout(remaining):
            return await attempt(remaining)
    except TimeoutError:
        # Raised by asyncio.timeout at the deadline; the SDKs' own timeouts arrive as UpstreamProblem.
        raise faults.timed_out() from None
