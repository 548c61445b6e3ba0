"""The limiter in front of Telegram: chats' requests evenly spaced (never more than the limit
in any second, counting each request from its start until its answer; no opening burst), a
flood-control answer retried by the request it refused, network failures retried, and a bad
request final. A fake clock: nothing here waits."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter

from bench.schedules import busiest_second
from bot.resilience import PatientRateLimiter


class FakeTime:
    """A clock that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def limiter(time: FakeTime, **options: Any) -> PatientRateLimiter:
    return PatientRateLimiter(clock=time.clock, sleep=time.sleep, **options)


def answers(*outcomes: object):
    """A callback giving `outcomes` in turn (an exception is raised), and the calls made."""
    calls: list[float] = []
    queue = list(outcomes)

    async def callback() -> object:
        calls.append(0.0)
        outcome = queue.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return callback, calls


async def went(paced: PatientRateLimiter) -> float:
    """Take a turn for a request answered at once; the moment it went."""
    async with paced.turn() as start:
        return start


async def test_requests_to_chats_are_spaced_with_no_opening_burst() -> None:
    time = FakeTime()
    paced = limiter(time, per_second=32)  # paced faster than the 30 a second allowed
    starts = [await went(paced) for _ in range(90)]  # 90 arriving at once (each waits its turn)
    time.now = 10.0  # after a quiet spell, the next request goes at once, then spaced again
    later = [await went(paced) for _ in range(3)]
    assert busiest_second(starts) == 30 and starts[0] == 0.0
    assert all(b - a >= paced.gap - 1e-9 for a, b in itertools.pairwise(starts))
    assert later == pytest.approx([10.0, 10.0 + paced.gap, 10.0 + 2 * paced.gap])


async def test_a_slow_answer_keeps_its_request_in_the_second_it_may_arrive_in() -> None:
    time = FakeTime()
    paced = limiter(time, per_second=30)
    async with contextlib.AsyncExitStack() as unanswered:
        starts = [await unanswered.enter_async_context(paced.turn()) for _ in range(30)]
        waiting = asyncio.create_task(went(paced))
        for _ in range(5):
            await asyncio.sleep(0)
        assert not waiting.done()  # 30 unanswered: any of them may still be on its way
        time.now = 2.0  # the answers come late: their requests may have arrived just now
    assert await waiting == pytest.approx(3.0)  # a second after the answers, not at 1.0
    assert starts == pytest.approx([n * paced.gap for n in range(30)])


async def test_each_request_to_a_chat_takes_a_slot() -> None:
    time = FakeTime()
    paced = limiter(time, per_second=30)
    callback, calls = answers(True, True, True)
    for chat in (1, 2, 3):
        await paced.process_request(callback, (), {}, "sendMessage", {"chat_id": chat}, None)
    assert len(calls) == 3 and time.now == pytest.approx(2 * paced.gap)


async def test_a_late_turn_does_not_delay_the_next() -> None:
    time = FakeTime()
    paced = limiter(time, per_second=20)
    assert await went(paced) == 0.0
    time.now = 0.08  # the loop was held up: this turn (due at 0.05) goes late
    assert await went(paced) == pytest.approx(0.08)
    assert await went(paced) == pytest.approx(0.10)  # the schedule's time, not 0.08 + 0.05


async def test_requests_without_a_chat_are_not_paced() -> None:
    time = FakeTime()
    paced = limiter(time)
    callback, calls = answers(True, True, True)
    for _ in range(3):
        assert await paced.process_request(callback, (), {}, "getMe", {}, None) is True
    assert len(calls) == 3 and time.slept == []


async def test_flood_control_is_waited_out_by_the_refused_request_and_retried() -> None:
    time = FakeTime()
    callback, calls = answers(RetryAfter(1), RetryAfter(1), {"ok": True})
    result = await limiter(time).process_request(callback, (), {}, "sendMessage",
                                                 {"chat_id": 7}, None)
    assert result == {"ok": True} and len(calls) == 3
    assert time.slept.count(pytest.approx(1.1)) == 2


async def test_flood_control_gives_up_after_the_retries() -> None:
    time = FakeTime()
    callback, calls = answers(*[RetryAfter(1)] * 3)
    with pytest.raises(RetryAfter):
        await limiter(time, max_retries=2).process_request(callback, (), {}, "sendMessage",
                                                           {"chat_id": 7}, None)
    assert len(calls) == 3


async def test_network_failures_are_retried_and_bad_requests_are_final() -> None:
    time = FakeTime()
    callback, calls = answers(NetworkError("reset"), {"ok": True})
    assert await limiter(time).process_request(callback, (), {}, "sendMessage",
                                               {"chat_id": 7}, None) == {"ok": True}
    assert len(calls) == 2
    callback, calls = answers(BadRequest("chat not found"))
    with pytest.raises(BadRequest):
        await limiter(time).process_request(callback, (), {}, "sendMessage", {"chat_id": 7}, None)
    assert len(calls) == 1
