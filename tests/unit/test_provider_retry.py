"""The one retry: which failures, how long to wait, and never past the deadline."""

from __future__ import annotations

import asyncio

import pytest

from shatably.providers import faults
from shatably.providers.retry import RetryPolicy, call_with_retry


class FakeTime:
    """A clock that only moves when the code under test sleeps (or a test advances it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def policy(fake_time) -> RetryPolicy:
    return RetryPolicy(
        backoff_seconds=1.0,
        min_attempt_seconds=3.0,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        jitter=lambda u: u,
    )


class Script:
    """An attempt function that fails with the given problems, then answers "ok"."""

    def __init__(self, *failures: faults.UpstreamProblem, cost: float = 0.0, clock: FakeTime | None = None):
        self.failures = list(failures)
        self.timeouts: list[float] = []
        self.cost = cost
        self.clock = clock

    async def __call__(self, seconds_left: float) -> str:
        self.timeouts.append(seconds_left)
        if self.clock is not None:
            self.clock.now += self.cost
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def run(attempt, policy, budget=20.0, record=None):
    return asyncio.run(call_with_retry(attempt, budget_seconds=budget, policy=policy, record=record))


def test_success_needs_one_attempt(policy, fake_time):
    attempt = Script()
    record = faults.CallRecord("gemini", "m", "chat")

    assert run(attempt, policy, record=record) == "ok"
    assert attempt.timeouts == [20.0]
    assert (record.attempts, record.retried_after, fake_time.sleeps) == (1, None, [])


def test_rate_limit_waits_for_the_provider_hint_then_retries_with_what_is_left(policy, fake_time):
    attempt = Script(faults.rate_limited(2.5), cost=1.0, clock=fake_time)
    record = faults.CallRecord("gemini", "m", "chat")

    assert run(attempt, policy, record=record) == "ok"
    assert fake_time.sleeps == [2.5]
    assert attempt.timeouts == [20.0, 20.0 - 1.0 - 2.5]
    assert (record.attempts, record.retried_after) == (2, "upstream_rate_limited")


@pytest.mark.parametrize("problem", [faults.upstream_error(), faults.empty_response()])
def test_without_a_hint_the_wait_is_a_short_jittered_pause(policy, fake_time, problem):
    assert run(Script(problem), policy) == "ok"
    assert fake_time.sleeps == [1.0]


def test_at_most_one_retry(policy, fake_time):
    attempt = Script(faults.upstream_error(), faults.upstream_error(), faults.upstream_error())

    with pytest.raises(faults.UpstreamProblem) as info:
        run(attempt, policy)

    assert info.value.code == "upstream_error"
    assert len(attempt.timeouts) == 2


@pytest.mark.parametrize(
    "problem",
    [
        faults.quota_exhausted(1.0),
        faults.auth_failed(),
        faults.rejected_request(),
        faults.content_blocked("input", "SAFETY"),
        faults.invalid_response(),
        faults.timed_out(),
    ],
    ids=lambda p: p.code,
)
def test_permanent_failures_are_not_retried(policy, fake_time, problem):
    attempt = Script(problem)

    with pytest.raises(faults.UpstreamProblem) as info:
        run(attempt, policy)

    assert info.value is problem
    assert len(attempt.timeouts) == 1 and fake_time.sleeps == []


def test_a_wait_that_leaves_too_little_time_is_not_taken(policy, fake_time):
    # 20 s budget, 5 s spent, a 13 s hint would leave 2 s: less than min_attempt_seconds (3 s).
    attempt = Script(faults.rate_limited(13.0), cost=5.0, clock=fake_time)

    with pytest.raises(faults.UpstreamProblem) as info:
        run(attempt, policy)

    assert (info.value.code, info.value.retry_after) == ("upstream_rate_limited", 13)
    assert fake_time.sleeps == []


def test_a_wait_that_fits_is_taken(policy, fake_time):
    attempt = Script(faults.rate_limited(11.0), cost=5.0, clock=fake_time)

    assert run(attempt, policy) == "ok"
    assert attempt.timeouts == [20.0, 20.0 - 5.0 - 11.0]


def test_an_attempt_still_running_at_the_deadline_is_cut_off():
    async def hangs(seconds_left: float) -> str:
        await asyncio.Event().wait()
        return "never"

    with pytest.raises(faults.UpstreamProblem) as info:
        asyncio.run(call_with_retry(hangs, budget_seconds=0.05, policy=RetryPolicy()))

    assert (info.value.code, info.value.status) == ("upstream_timeout", 504)


def test_no_attempt_starts_after_the_deadline(policy, fake_time):
    attempt = Script()

    with pytest.raises(faults.UpstreamProblem) as info:
        run(attempt, policy, budget=0.0)

    assert info.value.code == "upstream_timeout"
    assert attempt.timeouts == []


def test_our_own_bugs_propagate_untouched(policy):
    async def broken(seconds_left: float) -> str:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run(broken, policy)
