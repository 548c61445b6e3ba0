"""/schedule on Telegram, driven like a chat against the local Bot API stand-in (no network)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.features.schedules.handlers import ScheduleFeature
from bot.features.schedules.jobs import job_name
from bot.features.schedules.store import SENT
from bot.settings import Settings
from bot.store import SessionStore
from dialogues.engine import Engine
from dialogues.model import Library
from dialogues.schedules.model import ACTIVE, PAUSED
from tests.schedule_fixtures import DUE, FakeClock
from tests.support import TOKEN, ChatDriver, FakeBotApi, running_app
from tests.support.coach import coach_app

ADMIN, MEMBER = 1001, 1002
GROUP = -1_000_000_000_777
ADD_LABEL = "\N{HEAVY PLUS SIGN} Add a schedule"
AppFactory = Callable[[], AbstractAsyncContextManager[Application]]


@pytest.fixture
def start_app(api: FakeBotApi, engine: Engine, database: Path, clock: FakeClock) -> AppFactory:
    """Starts the whole bot over the same database each time: a restart is a second start."""
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "COACHBOT_DB": str(database)})

    async def started() -> AsyncIterator[Application]:
        application = coach_app(engine, SessionStore(database), api, settings)
        feature(application).delivery.clock = clock
        async with running_app(application):
            await application.post_init(application)  # what run_polling does at start-up
            yield application

    from contextlib import asynccontextmanager
    return asynccontextmanager(started)


def feature(application: Application) -> ScheduleFeature:
    return application.bot_data["schedules"]


def group_chat(application: Application, api: FakeBotApi, user_id: int) -> ChatDriver:
    api.set_member_status(GROUP, ADMIN, "administrator")
    return ChatDriver(application, api, chat_id=GROUP, chat_type="supergroup", user_id=user_id,
                      title="Outreach team")


async def set_up_monday_9(chat: ChatDriver, prompts: str = "Weekly reflection") -> None:
    await chat.send("/schedule")
    for label in ("Add a schedule", "Mon", "Next", "Every week", "09:00", "09:00",
                  "US Eastern (New York)", prompts, "Save"):
        await chat.tap(label)


async def test_a_person_sets_up_a_schedule_with_buttons_only(
        start_app: AppFactory, api: FakeBotApi, library: Library) -> None:
    """Days, cadence, hour, minutes, zone and prompts are all taps; the job waits for Monday 9:00."""
    async with start_app() as application:
        chat = ChatDriver(application, api)
        await chat.send("/schedule")
        assert "no scheduled prompts yet" in chat.last_text
        await set_up_monday_9(chat)
        assert chat.last_text.startswith("Saved: Weekly reflection, every Mon at 09:00 "
                                         "(America/New_York).")
        assert "Next: Mon 2026-11-30 at 09:00 (America/New_York)." in chat.last_text
        [schedule] = feature(application).schedules.for_chat(chat.chat_id)
        [job] = application.job_queue.get_jobs_by_name(job_name(schedule.id))
        assert job.data == (schedule.id, DUE)
        assert chat.unanswered_callbacks == []


async def test_schedule_shows_what_is_set_with_buttons_to_change_it(
        start_app: AppFactory, api: FakeBotApi) -> None:
    """/schedule afterwards lists the schedule with Change, Pause and Delete buttons; Pause and
    Resume take effect at once."""
    async with start_app() as application:
        chat = ChatDriver(application, api)
        await set_up_monday_9(chat)
        await chat.send("/schedule")
        assert "1. Weekly reflection: every Mon at 09:00 (America/New_York)" in chat.last_text
        assert chat.last_buttons == ["Change 1", "Pause 1", "Delete 1", ADD_LABEL]
        await chat.tap("Pause 1")
        assert chat.last_text.startswith("Paused: Weekly reflection.")
        [schedule] = feature(application).schedules.for_chat(chat.chat_id)
        assert schedule.status == PAUSED
        assert application.job_queue.get_jobs_by_name(job_name(schedule.id)) == ()
        await chat.tap("Resume 1")
        assert feature(application).schedules.get(schedule.id).status == ACTIVE
        assert len(application.job_queue.get_jobs_by_name(job_name(schedule.id))) == 1


async def test_a_chat_can_hold_several_schedules_and_change_one(
        start_app: AppFactory, api: FakeBotApi) -> None:
    """A weekly prompt and a monthly funding check live side by side; changing one keeps the other."""
    async with start_app() as application:
        chat = ChatDriver(application, api)
        await set_up_monday_9(chat)
        await chat.send("/schedule")
        for label in ("Add a schedule", "Thu", "Next", "First week of the month", "14:00", "14:30",
                      "US Central (Chicago)", "Monthly funding check", "Save"):
            await chat.tap(label)
        assert chat.last_text.startswith("Saved: Monthly funding check, the first Thu of each month"
                                         " at 14:30 (America/Chicago).")
        await chat.send("/schedule")
        for label in ("Change 1", "Tue", "Next", "Every week", "09:00", "09:00", "UTC",
                      "Weekly reflection", "Save"):
            await chat.tap(label)
        assert chat.last_text.startswith("Changed: Weekly reflection, every Mon, Tue at 09:00 (UTC).")
        assert len(feature(application).schedules.for_chat(chat.chat_id)) == 2


async def test_in_a_group_only_administrators_may_change_schedules(
        start_app: AppFactory, api: FakeBotApi) -> None:
    """A member sees the schedules and a polite explanation, without buttons; an admin manages."""
    async with start_app() as application:
        member = group_chat(application, api, MEMBER)
        await member.send("/schedule")
        assert "only its administrators can set up, change or remove" in member.last_text
        assert member.last_buttons == []
        admin = group_chat(application, api, ADMIN)
        await set_up_monday_9(admin)
        assert admin.last_text.startswith("Saved:")


async def test_admin_status_is_checked_again_on_every_tap(
        start_app: AppFactory, api: FakeBotApi) -> None:
    """An admin demoted mid-way cannot pause: the tap is refused with a toast, nothing changes."""
    async with start_app() as application:
        admin = group_chat(application, api, ADMIN)
        await set_up_monday_9(admin)
        await admin.send("/schedule")
        api.set_member_status(GROUP, ADMIN, "member")
        await admin.tap("Pause 1")
        assert "only its administrators" in admin.callback_answers[-1]["text"]
        assert [s.status for s in feature(application).schedules.for_chat(GROUP)] == [ACTIVE]
        checks = [c for c in api.calls_of("getChatMember") if c.params["user_id"] == ADMIN]
        assert len(checks) >= 10  # /schedule twice and every one of the setup taps


async def test_an_anonymous_administrator_may_open_the_setup(
        start_app: AppFactory, api: FakeBotApi) -> None:
    """A message sent on behalf of the group itself (an anonymous admin) gets the buttons."""
    async with start_app() as application:
        chat = group_chat(application, api, MEMBER)
        update = api.message_update("/schedule", chat_id=GROUP, chat_type="supergroup",
                                    user_id=1087968824, first_name="Group", title="Outreach team")
        update["message"]["sender_chat"] = update["message"]["chat"]
        await chat.send_update(update)
        assert chat.last_buttons == [ADD_LABEL]


async def test_a_button_from_an_earlier_setup_is_answered_kindly(
        start_app: AppFactory, api: FakeBotApi) -> None:
    """Tapping the first of two setups after starting the second changes nothing and says why."""
    async with start_app() as application:
        chat = ChatDriver(application, api)
        await chat.send("/schedule")
        await chat.tap("Add a schedule")
        first = chat.last_message
        await chat.send("/schedule")
        await chat.tap("Add a schedule")
        await chat.tap("Mon")
        await chat.tap_in(first, "Wed")
        assert chat.callback_answers[-1]["text"].startswith("That button is from an earlier /schedule")
        assert "☑ Mon" in chat.last_buttons and "☐ Wed" in chat.last_buttons


async def test_forged_schedule_buttons_are_refused(start_app: AppFactory, api: FakeBotApi) -> None:
    """Callback data naming another chat's schedule, or out of range, changes nothing."""
    async with start_app() as application:
        other = ChatDriver(application, api, user_id=5005)
        await set_up_monday_9(other)
        chat = ChatDriver(application, api)
        await chat.send("/schedule")
        await chat.tap("Add a schedule")
        for data in ("1w|X|1|", "1w|h|zzzz|99", "1w|d|00000000|9", "2w|X|1|"):
            await chat.send_update(api.callback_update(chat.last_message, data, user_id=chat.user_id))
        assert len(feature(application).schedules.for_chat(other.chat_id)) == 1
        answers = [a.get("text", "") for a in chat.callback_answers[-4:]]
        assert all(a.startswith("That button is from an earlier") for a in answers[:3])
        assert answers[3] == "Sorry, I can't use that button. Send /menu to start again."
        assert chat.unanswered_callbacks == []


async def test_any_time_zone_can_be_typed_by_name(start_app: AppFactory, api: FakeBotApi) -> None:
    """'Another zone…' asks for a name; a wrong one gets a suggestion and loses nothing; the
    right one may also be typed without replying."""
    async with start_app() as application:
        chat = ChatDriver(application, api)
        await chat.send("/schedule")
        for label in ("Add a schedule", "Fri", "Next", "Every week", "16:00", "16:45",
                      "Another zone"):
            await chat.tap(label)
        assert chat.last_text.startswith("Please type the time zone's name")
        await chat.send("Europe/Madird", reply_to=chat.last_message)
        assert chat.last_text.startswith("I don't know a time zone called \"Europe/Madird\". "
                                         "Did you mean Europe/Madrid?")
        await chat.send("europe/madrid")
        await chat.tap("Weekly reflection")
        assert chat.last_text == "Ready to save: Weekly reflection, every Fri at 16:45 (Europe/Madrid)."


async def test_in_a_group_the_zone_is_typed_as_a_reply(start_app: AppFactory, api: FakeBotApi) -> None:
    """In a group the zone question asks for a reply, so the bot sees it with privacy mode on;
    other group messages are left alone."""
    async with start_app() as application:
        admin = group_chat(application, api, ADMIN)
        await admin.send("/schedule")
        for label in ("Add a schedule", "Wed", "Next", "Every week", "10:00", "10:00",
                      "Another zone"):
            await admin.tap(label)
        question = admin.last_message
        asked = api.calls_of("sendMessage")[-1].params
        assert asked["reply_markup"]["force_reply"] is True
        assert await admin.send("Asia/Manila") == []
        await admin.send("Asia/Manila", reply_to=question)
        assert admin.last_text.startswith("Step 5 of 5")


async def test_a_group_upgraded_to_a_supergroup_keeps_its_schedule(
        start_app: AppFactory, api: FakeBotApi) -> None:
    """The migrate_to_chat_id service message moves the schedule to the new chat id."""
    async with start_app() as application:
        old = -5151
        api.set_member_status(old, ADMIN, "administrator")
        chat = ChatDriver(application, api, chat_id=old, chat_type="group", user_id=ADMIN)
        await set_up_monday_9(chat)
        await chat.send_update(api.migrate_update(old, GROUP, user_id=ADMIN))
        schedules = feature(application).schedules
        assert schedules.for_chat(old) == []
        assert len(schedules.for_chat(GROUP)) == 1


async def test_removing_the_bot_from_a_group_pauses_its_schedules(
        start_app: AppFactory, api: FakeBotApi) -> None:
    """my_chat_member 'kicked' pauses the schedules and drops their jobs."""
    async with start_app() as application:
        admin = group_chat(application, api, ADMIN)
        await set_up_monday_9(admin)
        await admin.send_update(api.my_chat_member_update(GROUP, "kicked", user_id=ADMIN))
        [schedule] = feature(application).schedules.for_chat(GROUP)
        assert not schedule.active
        assert application.job_queue.get_jobs_by_name(job_name(schedule.id)) == ()


async def test_adding_the_bot_back_resumes_what_stopped_while_it_was_away(
        start_app: AppFactory, api: FakeBotApi, library: Library, clock: FakeClock) -> None:
    """Back in the group: the schedule runs again, with its job, and the group is told; a
    schedule someone had paused stays paused."""
    async with start_app() as application:
        admin = group_chat(application, api, ADMIN)
        await set_up_monday_9(admin)
        await set_up_monday_9(admin)
        schedules = feature(application).schedules
        kept, paused_by_hand = schedules.for_chat(GROUP)
        schedules.set_status(paused_by_hand.id, PAUSED, clock.now)
        await admin.send_update(api.my_chat_member_update(GROUP, "kicked", user_id=ADMIN))
        await admin.send_update(api.my_chat_member_update(GROUP, "member", user_id=ADMIN))
        statuses = {s.id: s.status for s in schedules.for_chat(GROUP)}
        assert statuses == {kept.id: ACTIVE, paused_by_hand.id: PAUSED}
        assert application.job_queue.get_jobs_by_name(job_name(kept.id)) != ()
        back = library.locale("en").ui["schedule_back"].format(count=1)
        assert admin.last_text == back


async def test_a_restart_rebuilds_jobs_from_the_database(
        start_app: AppFactory, api: FakeBotApi, clock: FakeClock) -> None:
    """After a restart before the due time, the job is back, for the same due time."""
    async with start_app() as application:
        await set_up_monday_9(group_chat(application, api, ADMIN))
    clock.advance(timedelta(days=1))
    async with start_app() as restarted:
        [schedule] = feature(restarted).schedules.for_chat(GROUP)
        [job] = restarted.job_queue.get_jobs_by_name(job_name(schedule.id))
        assert job.data == (schedule.id, DUE)


async def test_a_prompt_missed_while_down_is_sent_once_on_restart(
        start_app: AppFactory, api: FakeBotApi, clock: FakeClock) -> None:
    """Down over Monday 9:00 and back at 10:30: the prompt goes out once, then never again."""
    async with start_app() as application:
        await set_up_monday_9(group_chat(application, api, ADMIN))
    clock.now = DUE + timedelta(hours=1, minutes=30)
    async with start_app() as restarted:
        await api.wait_for_async(lambda c: c.method == "sendMessage" and c.ok
                                 and c.params["chat_id"] == GROUP and "Weekly reflection" in
                                 c.params["text"])
        [schedule] = feature(restarted).schedules.for_chat(GROUP)
        assert feature(restarted).schedules.run_state(schedule.id, DUE) == SENT
    async with start_app() as again:
        [job] = again.job_queue.get_jobs_by_name(job_name(schedule.id))
        assert job.data == (schedule.id, DUE + timedelta(days=7))
    prompts = [c for c in api.calls_of("sendMessage")
               if c.ok and c.params["chat_id"] == GROUP and "Weekly reflection" in c.params["text"]]
    assert len(prompts) == 1


async def test_the_go_deeper_link_opens_the_reflection_in_private(
        start_app: AppFactory, api: FakeBotApi, library: Library) -> None:
    """The prompt's button link (/start weekly_reflection) starts that dialogue privately."""
    async with start_app() as application:
        chat = ChatDriver(application, api)
        await chat.send("/start weekly_reflection")
        intro = library.locale("en").dialogues["weekly_reflection"].steps["intro"].text
        assert intro.splitlines()[0] in chat.last_text


async def test_a_half_finished_setup_does_not_swallow_dialogue_answers(
        start_app: AppFactory, api: FakeBotApi) -> None:
    """Left waiting for a zone name, the setup ignores a dialogue answer typed afterwards."""
    async with start_app() as application:
        chat = ChatDriver(application, api)
        await chat.send("/schedule")
        for label in ("Add a schedule", "Fri", "Next", "Every week", "16:00", "16:45",
                      "Another zone"):
            await chat.tap(label)
        await chat.send("/start weekly_reflection")
        await chat.tap("Continue")
        await chat.tap("Services for the people we serve")
        await chat.tap("Done")
        await chat.send("We asked for ID before offering supplies.")
        assert not chat.last_text.startswith("I don't know a time zone")


async def test_a_member_cannot_press_the_setup_an_administrator_started(
        start_app: AppFactory, api: FakeBotApi) -> None:
    """In a group, a member tapping the buttons of an admin's half-done setup is refused with a
    toast; the setup stays as the admin left it, and the admin finishes it."""
    async with start_app() as application:
        admin = group_chat(application, api, ADMIN)
        await admin.send("/schedule")
        await admin.tap("Add a schedule")
        await admin.tap("Mon")
        draft = feature(application).schedules.load_draft(GROUP)
        member = group_chat(application, api, MEMBER)
        await member.tap_in(admin.last_message, "Tue")
        await member.tap_in(admin.last_message, "Next")
        assert "only its administrators" in member.callback_answers[-1]["text"]
        assert feature(application).schedules.load_draft(GROUP) == draft
        for label in ("Next", "Every week", "09:00", "09:00", "US Eastern (New York)",
                      "Weekly reflection", "Save"):
            await admin.tap(label)
        [schedule] = feature(application).schedules.for_chat(GROUP)
        assert schedule.timing.weekdays == frozenset({0})
