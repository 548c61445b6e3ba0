"""Shared pieces for schedule tests: a fake clock, and a PTB Bot on the local Bot API stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from telegram import Bot

from bot.features.schedules.delivery import Delivery
from bot.features.schedules.store import MIGRATIONS, ScheduleStore
from bot.store import SessionStore
from dialogues.model import Library
from dialogues.schedules.model import Timing
from tests.support import TOKEN, FakeBotApi, RecordingRequest

# Monday 30 November 2026, 9:00 in New York (EST, UTC-5).
DUE = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
MONDAY_9_NEW_YORK = Timing(frozenset({0}), time(9, 0), "America/New_York")
GRACE = timedelta(hours=6)


class FakeClock:
    """A clock tests move by hand: no sleeping, no real time."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class NoSleep:
    """Records the waits asked for (RetryAfter) instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(DUE - timedelta(days=3))


def open_schedules(database: Path | str) -> ScheduleStore:
    """The schedules of `database` (conftest's: each engine), opened as the bot opens them
    (migrated)."""
    store = SessionStore(database)
    store.migrate(MIGRATIONS)
    return ScheduleStore(store)


@pytest.fixture
def schedules(database: Path | str) -> ScheduleStore:
    return open_schedules(database)


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    telegram_bot = Bot(TOKEN, request=RecordingRequest(api), get_updates_request=RecordingRequest(api))
    await telegram_bot.initialize()
    yield telegram_bot
    await telegram_bot.shutdown()


def delivery_for(schedules: ScheduleStore, library: Library, clock: FakeClock,
                 sleep: NoSleep | None = None) -> Delivery:
    return Delivery(schedules, library, GRACE, clock, sleep or NoSleep())
