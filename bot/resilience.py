"""Calls to Telegram that keep within its limits and survive a flaky network: requests to
chats are spaced evenly (29.5 a second, no opening burst) and never more than Telegram's 30
can reach it within one second, at most `group_per_minute` to one group; a 429 `RetryAfter`
is waited out by the request it refused while the others keep their pace; timeouts, dropped
connections and 5xx errors are retried with a growing pause. A timed-out call may in rare
cases have reached Telegram, so a reply can arrive twice; a lost reply would be worse.

Why not PTB's `AIORateLimiter` (issue 15): its bucket starts full, so a broadcast began with
twice the limit in its first second; and each 429 held every request, while those already
admitted waited inside the bucket and then went out together, over the limit again.

Why each request counts from its start until its answer: a request reaches Telegram at some
moment between the two, unknown to us. Counting only starts let a request slowed on the way
arrive in the same second as the ones sent after it (31 or 32 in a second were recorded at the
receiver); counting whole spans, at most 30 can arrive in any second whatever the delays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
MAX_GROUPS = 512  # group limiters kept before the idle ones are dropped
CATCH_UP = 0.2  # a turn later than this means nobody was waiting: the schedule starts anew


class PatientRateLimiter(BaseRateLimiter[int]):
    """Evenly spaced requests to chats, flood-control answers retried `max_retries` times
    (or `rate_limit_args` for one call), network failures `network_retries` times. `clock`
    and `sleep` are the event loop's, injectable so tests never wait."""

    def __init__(self, max_retries: int = 3, network_retries: int = 4, pause: float = 0.25,
                 per_second: float = 29.5, most_per_second: int = 30,
                 group_per_minute: int = 20,
                 clock: Callable[[], float] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.max_retries = max_retries
        self.network_retries = network_retries
        self.pause = pause
        self.gap = 1.0 / per_second
        self.group_per_minute = group_per_minute
        self._clock = clock
        self._sleep = sleep
        self.most_per_second = most_per_second
        self._next = 0.0  # the clock time of the next turn
        self._answered: deque[float] = deque(maxlen=most_per_second)  # when the last answers came
        self._in_flight = 0  # requests sent and not yet answered
        self._an_answer_came = asyncio.Event()
        self._turn = asyncio.Lock()  # first come, first served
        self._groups: dict[int | str, AsyncLimiter] = {}

    async def initialize(self) -> None:
        """Nothing to set up: slots are computed as requests arrive."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[float]:
        """Wait for a request's turn and hold it until the request is answered; gives the
        moment it went."""
        start = await self._wait_for_turn()
        try:
            yield start
        finally:
            self._in_flight -= 1
            self._answered.append(self.now())
            self._an_answer_came.set()

    async def _wait_for_turn(self) -> float:
        """Turns are a `gap` apart on a fixed schedule, so a request woken late does not delay
        the ones after it; and a request goes only when fewer than `most_per_second` others
        were unanswered at some moment of the second before (a late loop catches up without
        a burst over the limit)."""
        async with self._turn:
            late = self.now() - self._next
            scheduled = self._next if late <= CATCH_UP else self.now()  # else: idle, start anew
            while (window := self._window_opens()) is None:
                self._an_answer_came.clear()
                await self._an_answer_came.wait()
            start = max(self.now(), scheduled, window)
            wait = start - self.now()
            if wait > 0:
                await self._sleep(wait)
            self._next = scheduled + self.gap
            self._in_flight += 1
            return self.now()

    def _window_opens(self) -> float | None:
        """The earliest moment a new request keeps the limit in every second that it could
        reach Telegram in: the others that may arrive in its second are those in flight and
        those answered less than a second before it. None while too many are in flight."""
        allowed = self.most_per_second - 1 - self._in_flight  # answered ones that may be near
        if allowed < 0:
            return None
        if allowed >= len(self._answered):
            return 0.0
        return self._answered[-1 - allowed] + 1.0

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        attempt = 0
        while True:
            try:
                return await self._within_limits(callback, args, kwargs, data, rate_limit_args)
            except NetworkError as error:  # TimedOut, resets and 5xx; BadRequest is final
                if isinstance(error, BadRequest) or attempt >= self.network_retries:
                    raise
                log.info("retrying method=%s error=%s attempt=%d", endpoint,
                         type(error).__name__, attempt + 1)
                await self._sleep(self.pause * 2**attempt)
                attempt += 1

    async def _within_limits(self, callback: Callable[..., Coroutine[Any, Any, Result]],
                             args: Any, kwargs: dict[str, Any], data: dict[str, Any],
                             rate_limit_args: int | None) -> Result:
        """One call, paced if it goes to a chat; a RetryAfter waits its time and takes a new
        slot (the 429 used one: Telegram counted it)."""
        chat_id = data.get("chat_id")
        retries = rate_limit_args or self.max_retries
        for attempt in range(retries + 1):
            if chat_id is not None:
                group = self._group(chat_id)
                if group is not None:
                    await group.acquire()
            try:
                async with self._paced(chat_id):
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                seconds = retry_seconds(error)
                log.info("flood control: retrying one request after %.1f s", seconds + 0.1)
                await self._sleep(seconds + 0.1)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _paced(self, chat_id: object) -> contextlib.AbstractAsyncContextManager[object]:
        """A turn for a request to a chat; others (getUpdates, getMe…) are not paced."""
        return self.turn() if chat_id is not None else contextlib.nullcontext()

    def _group(self, chat_id: object) -> AsyncLimiter | None:
        """The per-group limiter for a group or channel (negative or @name ids), else None."""
        try:
            key: int | str = int(chat_id)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            key = str(chat_id)
        if (isinstance(key, int) and key >= 0) or not self.group_per_minute:
            return None
        if key not in self._groups and len(self._groups) >= MAX_GROUPS:
            for idle in [k for k, v in self._groups.items() if v.has_capacity(v.max_rate)]:
                del self._groups[idle]
        if key not in self._groups:
            self._groups[key] = AsyncLimiter(self.group_per_minute, 60)
        return self._groups[key]


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait (PTB 22 warns that the type will change)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
