"""Delivering one scheduled run: claim it in the database, send the prompt, mark it sent.

The claim comes first, so a run is sent at most once even if the process dies mid-way; with
several processes on PostgreSQL, a run claimed by one that died before sending is taken over
by a live one (`rescue`). Every send waits for its moment in the broadcast budget the
processes share (`BroadcastBudget`), so together they stay within Telegram's rate. What
Telegram answers decides what happens next: `RetryAfter` is waited out and retried (beyond the
rate limiter's own retries), `ChatMigrated` moves the chat's schedules to the supergroup and
sends there, and `Forbidden` (removed from the group, or blocked by the person) pauses the
chat's schedules instead of retrying forever. A group sees only the prompt and a link button
to a private chat: nobody's answers are ever posted in it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from enum import Enum

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot import render
from bot.features.schedules.store import FAILED, SENT, SKIPPED, ScheduleStore
from bot.logsafe import who
from bot.resilience import retry_seconds
from dialogues.model import Library
from dialogues.outputs import Button, Message
from dialogues.schedules.model import Schedule

log = logging.getLogger(__name__)

MAX_RETRY_AFTER = 5  # RetryAfter answers we wait out for one run, after the limiter's own
Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]
Pace = Callable[[], AbstractAsyncContextManager[None]]


@asynccontextmanager
async def unpaced() -> AsyncIterator[None]:
    """No budget: send at once (tests, and tools that send one message)."""
    yield


class BroadcastBudget:
    """Telegram's limit (about 30 messages/s) is per bot, not per process. Each broadcast
    message reserves the next free moment in the database, `1/rate` seconds after the one
    before, whichever process reserved it, and is sent at that moment. A process reserves one
    moment at a time (the next only once the wait for the last is over), so one that was held
    up sends one message late, never a burst of them; the send itself is outside the lock, so
    a 429 waited out by one message does not hold up the others."""

    def __init__(self, schedules: ScheduleStore, rate: float,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.schedules = schedules
        self.interval_ms = max(1, round(1000 / rate))  # whole milliseconds
        self.sleep = sleep
        self._one_at_a_time = asyncio.Lock()

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[None]:
        async with self._one_at_a_time:
            now_ms = int(time.time() * 1000)
            slot = self.schedules.reserve_send(now_ms, self.interval_ms)
            if slot > now_ms:
                await self.sleep((slot - now_ms) / 1000)
        yield


def utc_now() -> datetime:
    return datetime.now(UTC)


class RunOutcome(Enum):
    SENT = "sent"
    DUPLICATE = "duplicate"  # already claimed by an earlier attempt: not sent again
    SKIPPED = "skipped"      # paused, changed, deleted, or missed beyond the grace window
    PAUSED = "paused"        # Telegram refused the chat: its schedules are now paused
    FAILED = "failed"


class Delivery:
    """Sends due runs; `clock` and `sleep` are injectable so tests never wait."""

    def __init__(self, schedules: ScheduleStore, library: Library, grace: timedelta,
                 clock: Clock = utc_now, sleep: Sleep = asyncio.sleep,
                 pace: Pace = unpaced) -> None:
        self.schedules = schedules
        self.library = library
        self.grace = grace
        self.clock = clock
        self.sleep = sleep
        self.pace = pace

    async def run(self, bot: Bot, schedule_id: int, due: datetime) -> RunOutcome:
        """Deliver the run of `schedule_id` due at `due`, at most once."""
        schedule = self.schedules.get(schedule_id)
        now = self.clock()
        if schedule is None or not schedule.active or due < schedule.since \
                or not schedule.timing.is_due_at(due):
            log.info("schedule=%s run skipped: paused, changed or deleted since it was planned",
                     schedule_id)
            return RunOutcome.SKIPPED
        if now - due > self.grace:
            if self.schedules.run_state(schedule_id, due) is None:
                self.schedules.finish(schedule_id, due, SKIPPED, now)
                log.warning("schedule=%s run due %s missed by %s, beyond the grace window of %s:"
                            " skipped", schedule_id, due.isoformat(), now - due, self.grace)
            return RunOutcome.SKIPPED
        prompts = self.library.locale(schedule.locale).prompt_sets.get(schedule.prompt_set)
        if prompts is None:
            log.warning("schedule=%s names prompt set '%s', which the content no longer has:"
                        " skipped", schedule_id, schedule.prompt_set)
            return RunOutcome.SKIPPED
        prompt_id = self.schedules.claim(schedule_id, due, [p.id for p in prompts.prompts], now)
        if prompt_id is None:
            log.info("schedule=%s run due %s was already claimed: not sent again",
                     schedule_id, due.isoformat())
            return RunOutcome.DUPLICATE
        return await self._deliver(bot, schedule, due, prompt_id)

    async def rescue(self, bot: Bot, schedule_id: int, due: datetime,
                     prompt_id: str) -> RunOutcome:
        """Send a run this process took over from one that died after claiming it (its prompt
        was chosen then); too late, or no longer wanted, it is marked skipped."""
        schedule = self.schedules.get(schedule_id)
        lang = self.library.locale(schedule.locale) if schedule else None
        prompts = lang.prompt_sets.get(schedule.prompt_set) if lang and schedule else None
        if schedule is None or not schedule.active or self.clock() - due > self.grace \
                or prompts is None or prompts.prompt(prompt_id) is None:
            self.schedules.finish(schedule_id, due, SKIPPED, self.clock())
            log.info("schedule=%s run taken over from a stopped process: skipped", schedule_id)
            return RunOutcome.SKIPPED
        return await self._deliver(bot, schedule, due, prompt_id)

    async def _deliver(self, bot: Bot, schedule: Schedule, due: datetime,
                       prompt_id: str) -> RunOutcome:
        outcome = await self._send(bot, schedule, self.message(bot, schedule, prompt_id))
        state = SENT if outcome is RunOutcome.SENT else FAILED
        self.schedules.finish(schedule.id, due, state, self.clock())
        log.info("schedule=%s chat=%s prompt=%s outcome=%s", schedule.id, who(schedule.chat_id),
                 prompt_id, outcome.value)
        return outcome

    def message(self, bot: Bot, schedule: Schedule, prompt_id: str) -> Message:
        """The prompt as the chat sees it: the question and, if it has one, a link button that
        opens its dialogue in a private chat with the bot."""
        lang = self.library.locale(schedule.locale)
        prompt_set = lang.prompt_sets[schedule.prompt_set]
        prompt = prompt_set.prompt(prompt_id)
        assert prompt is not None, "claimed prompt ids come from this set"
        if prompt.dialogue is None:
            return Message(prompt.text, title=prompt_set.title)
        url = f"https://t.me/{bot.username}?start={prompt.dialogue}"
        return Message(f"{prompt.text}\n\n{lang.ui['schedule_prompt_footer']}",
                       ((Button(lang.ui["schedule_go_deeper"], url=url),),), prompt_set.title)

    async def _send(self, bot: Bot, schedule: Schedule, message: Message) -> RunOutcome:
        chat_id = schedule.chat_id
        retries = 0
        while True:
            try:
                async with self.pace():
                    await render.send_message(bot, chat_id, message)
                return RunOutcome.SENT
            except RetryAfter as error:
                retries += 1
                if retries > MAX_RETRY_AFTER:
                    log.error("schedule=%s gave up after %d flood-control answers", schedule.id,
                              retries)
                    return RunOutcome.FAILED
                await self.sleep(retry_seconds(error))
            except ChatMigrated as error:
                moved = self.schedules.move_chat(chat_id, error.new_chat_id)
                log.info("chat=%s became a supergroup: %d schedule(s) moved", who(chat_id), moved)
                chat_id = error.new_chat_id
            except Forbidden:
                return self._pause(schedule, chat_id)
            except BadRequest as error:
                if "chat not found" in str(error).lower():
                    return self._pause(schedule, chat_id)
                log.error("schedule=%s send refused: %s", schedule.id, type(error).__name__)
                return RunOutcome.FAILED
            except TelegramError as error:
                # A timeout may still have delivered the message: at most once means no retry.
                log.error("schedule=%s send failed: %s", schedule.id, type(error).__name__)
                return RunOutcome.FAILED

    def _pause(self, schedule: Schedule, chat_id: int) -> RunOutcome:
        paused = self.schedules.pause_chat(chat_id, self.clock())
        log.warning("chat=%s refused the bot (removed or blocked): paused schedules %s",
                    who(chat_id), paused)
        return RunOutcome.PAUSED
