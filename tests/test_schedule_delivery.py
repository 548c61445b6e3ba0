"""Delivering scheduled prompts: exactly the right chats, at most once, whatever Telegram says."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from telegram import Bot

from bot.features.schedules.delivery import RunOutcome
from bot.features.schedules.store import CLAIMED, SENT, SKIPPED, ScheduleStore
from bot.settings import Settings
from dialogues.model import Library
from dialogues.schedules.model import AWAY, PAUSED
from tests.schedule_fixtures import (
    DUE,
    MONDAY_9_NEW_YORK,
    FakeClock,
    NoSleep,
    delivery_for,
    open_schedules,
)
from tests.support import BOT_USERNAME, FakeBotApi

GROUP = -100200300


def sends(api: FakeBotApi, chat_id: int) -> list[dict]:
    return [c.params for c in api.calls_of("sendMessage") if c.ok and c.params["chat_id"] == chat_id]


async def test_a_due_run_posts_the_prompt_and_a_private_link_only(
        schedules: ScheduleStore, library: Library, clock: FakeClock, bot: Bot,
        api: FakeBotApi) -> None:
    """The group gets the first prompt of its set and one URL button to a private chat."""
    schedule = schedules.add(GROUP, "en", "weekly", MONDAY_9_NEW_YORK, clock())
    clock.now = DUE
    outcome = await delivery_for(schedules, library, clock).run(bot, schedule.id, DUE)
    assert outcome is RunOutcome.SENT
    [sent] = sends(api, GROUP)
    first = library.locale("en").prompt_sets["weekly"].prompts[0]
    assert first.text in sent["text"]
    [[button]] = sent["reply_markup"]["inline_keyboard"]
    assert button["url"] == f"https://t.me/{BOT_USERNAME}?start={first.dialogue}"
    assert "callback_data" not in button
    assert schedules.run_state(schedule.id, DUE) == SENT


async def test_a_chat_sees_every_prompt_once_before_any_repeats(
        schedules: ScheduleStore, library: Library, clock: FakeClock, bot: Bot,
        api: FakeBotApi) -> None:
    """Eight weekly runs of the eight-prompt funding set show eight different prompts, then
    the ninth starts the rotation again."""
    prompts = library.locale("en").prompt_sets["funding"].prompts
    schedule = schedules.add(GROUP, "en", "funding", MONDAY_9_NEW_YORK, clock())
    delivery, due = delivery_for(schedules, library, clock), DUE
    for _ in range(len(prompts) + 1):
        clock.now = due
        assert await delivery.run(bot, schedule.id, due) is RunOutcome.SENT
        due = MONDAY_9_NEW_YORK.next_due(due)
    texts = [s["text"] for s in sends(api, GROUP)]
    shown = [next(p.id for p in prompts if p.text in text) for text in texts]
    assert len(set(shown[:-1])) == len(prompts)
    assert shown[-1] == shown[0]


async def test_a_crash_between_send_and_mark_never_sends_twice(
        database, library: Library, clock: FakeClock, bot: Bot, api: FakeBotApi,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The run is claimed before sending: after a crash and a restart it is not sent again."""
    first_process = open_schedules(database)
    schedule = first_process.add(GROUP, "en", "weekly", MONDAY_9_NEW_YORK, clock())
    clock.now = DUE

    def killed(*args: object) -> None:
        raise KeyboardInterrupt("the process dies here")

    monkeypatch.setattr(first_process, "finish", killed)
    with pytest.raises(KeyboardInterrupt):
        await delivery_for(first_process, library, clock).run(bot, schedule.id, DUE)
    assert len(sends(api, GROUP)) == 1

    restarted = open_schedules(database)
    assert restarted.run_state(schedule.id, DUE) == CLAIMED
    outcome = await delivery_for(restarted, library, clock).run(bot, schedule.id, DUE)
    assert outcome is RunOutcome.DUPLICATE
    assert len(sends(api, GROUP)) == 1


async def test_two_deliveries_of_the_same_run_send_once(
        schedules: ScheduleStore, library: Library, clock: FakeClock, bot: Bot,
        api: FakeBotApi) -> None:
    """A run fired twice (say, by two jobs) is claimed by the first and skipped by the second."""
    schedule = schedules.add(GROUP, "en", "weekly", MONDAY_9_NEW_YORK, clock())
    clock.now = DUE
    delivery = delivery_for(schedules, library, clock)
    assert await delivery.run(bot, schedule.id, DUE) is RunOutcome.SENT
    assert await delivery.run(bot, schedule.id, DUE) is RunOutcome.DUPLICATE
    assert len(sends(api, GROUP)) == 1


async def test_forbidden_pauses_the_chats_schedules(
        schedules: ScheduleStore, library: Library, clock: FakeClock, bot: Bot,
        api: FakeBotApi) -> None:
    """A group that removed the bot answers 403: its schedules pause instead of retrying."""
    weekly = schedules.add(GROUP, "en", "weekly", MONDAY_9_NEW_YORK, clock())
    funding = schedules.add(GROUP, "en", "funding", MONDAY_9_NEW_YORK, clock())
    api.set_chat(GROUP, type="supergroup")
    api.set_chat_status(GROUP, "kicked")
    clock.now = DUE
    outcome = await delivery_for(schedules, library, clock).run(bot, weekly.id, DUE)
    assert outcome is RunOutcome.PAUSED
    assert [s.status for s in schedules.for_chat(GROUP)] == [AWAY, AWAY]  # paused until back
    assert await delivery_for(schedules, library, clock).run(bot, funding.id, DUE) is RunOutcome.SKIPPED


async def test_a_user_who_blocked_the_bot_pauses_their_schedule(
        schedules: ScheduleStore, library: Library, clock: FakeClock, bot: Bot,
        api: FakeBotApi) -> None:
    """In a private chat, 403 'bot was blocked by the user' pauses the schedule."""
    person = 5551234
    schedule = schedules.add(person, "en", "weekly", MONDAY_9_NEW_YORK, clock())
    api.set_chat_status(person, "blocked")
    clock.now = DUE
    assert await delivery_for(schedules, library, clock).run(bot, schedule.id, DUE) is RunOutcome.PAUSED
    assert schedules.get(schedule.id).status == AWAY


async def test_a_group_upgraded_to_a_supergroup_gets_the_prompt_there(
        schedules: ScheduleStore, library: Library, clock: FakeClock, bot: Bot,
        api: FakeBotApi) -> None:
    """ChatMigrated moves the schedule to the new chat id and the prompt is sent there once."""
    old, new = -4455, -1004455
    schedule = schedules.add(old, "en", "weekly", MONDAY_9_NEW_YORK, clock())
    api.migrate_update(old, new)
    clock.now = DUE
    assert await delivery_for(schedules, library, clock).run(bot, schedule.id, DUE) is RunOutcome.SENT
    assert schedules.get(schedule.id).chat_id == new
    assert len(sends(api, new)) == 1


async def test_flood_control_is_waited_out_and_retried(
        schedules: ScheduleStore, library: Library, clock: FakeClock, bot: Bot,
        api: FakeBotApi) -> None:
    """Two 429 answers with retry_after are waited out (on the injected clock), then it sends."""
    schedule = schedules.add(GROUP, "en", "weekly", MONDAY_9_NEW_YORK, clock())
    api.fail_next("sendMessage", "429", times=2)
    clock.now, sleep = DUE, NoSleep()
    outcome = await delivery_for(schedules, library, clock, sleep).run(bot, schedule.id, DUE)
    assert outcome is RunOutcome.SENT
    assert sleep.waits == [1, 1]
    assert len(sends(api, GROUP)) == 1


async def test_a_run_missed_beyond_the_grace_window_is_skipped_with_a_log_line(
        schedules: ScheduleStore, library: Library, clock: FakeClock, bot: Bot, api: FakeBotApi,
        caplog: pytest.LogCaptureFixture) -> None:
    """Seven hours late (grace: six) the prompt is not sent, and the log says why."""
    schedule = schedules.add(GROUP, "en", "weekly", MONDAY_9_NEW_YORK, clock())
    clock.now = DUE + timedelta(hours=7)
    with caplog.at_level(logging.WARNING):
        outcome = await delivery_for(schedules, library, clock).run(bot, schedule.id, DUE)
    assert outcome is RunOutcome.SKIPPED
    assert sends(api, GROUP) == []
    assert schedules.run_state(schedule.id, DUE) == SKIPPED
    assert "beyond the grace window" in caplog.text


async def test_a_paused_or_changed_schedule_does_not_send_an_old_run(
        schedules: ScheduleStore, library: Library, clock: FakeClock, bot: Bot,
        api: FakeBotApi) -> None:
    """A job planned before the schedule was paused or moved to another time sends nothing."""
    paused = schedules.add(GROUP, "en", "weekly", MONDAY_9_NEW_YORK, clock())
    schedules.set_status(paused.id, PAUSED, clock())
    moved = schedules.add(GROUP, "en", "funding", MONDAY_9_NEW_YORK, clock())
    schedules.change(moved.id, "funding", MONDAY_9_NEW_YORK.__class__(
        frozenset({1}), MONDAY_9_NEW_YORK.at, MONDAY_9_NEW_YORK.zone), clock())
    clock.now = DUE
    delivery = delivery_for(schedules, library, clock)
    assert await delivery.run(bot, paused.id, DUE) is RunOutcome.SKIPPED
    assert await delivery.run(bot, moved.id, DUE) is RunOutcome.SKIPPED
    assert sends(api, GROUP) == []


def test_the_grace_window_is_six_hours_unless_configured() -> None:
    """COACHBOT_SCHEDULE_GRACE_HOURS sets how late a missed prompt may still be sent."""
    assert Settings.from_env({}).schedule_grace == timedelta(hours=6)
    assert Settings.from_env({"COACHBOT_SCHEDULE_GRACE_HOURS": "1.5"}).schedule_grace == \
        timedelta(minutes=90)
