"""Privacy and abuse through PTB's real Application and the Bot API stand-in: /privacy,
/mydata, /forget, the identifying-details nudge, kept answers, the per-person rate limit,
logs free of message text, and replies that survive a flaky Bot API."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from telegram.ext import Application

from bot import logsafe
from bot.app import build_application
from bot.crypto import Sealer
from bot.features.language.store import choose
from bot.settings import Settings
from bot.store import SessionStore
from dialogues.engine import Engine
from dialogues.schedules.model import Timing
from dialogues.session import Session
from tests.support.botapi import BotApiServer, FakeBotApi, FaultPolicy
from tests.support.chat import ChatDriver, running_app
from tests.support.coach import coach_app
from tests.test_telegram import TITLE, TOKEN, ui, walk_to_summary

REPO = Path(__file__).resolve().parent.parent
USER = 4242
TYPED = ["We want to learn & <listen>", "A clinic we both refer to", "Meeting space"]


def make_app(engine: Engine, store: SessionStore, api: FakeBotApi, env: dict[str, str] | None = None,
             rate_limit: bool = False) -> Application:
    return coach_app(engine, store, api, Settings.from_env(env or {}), rate_limit=rate_limit)


@pytest.fixture
def store(database: Path | str) -> SessionStore:
    """A sealed store on each engine (conftest's `database`)."""
    store = SessionStore(database, Sealer(Fernet.generate_key().decode()))
    yield store
    store.close()


@pytest.fixture
async def world(engine: Engine, store: SessionStore):
    api = FakeBotApi(token=TOKEN)
    async with running_app(make_app(engine, store, api)) as application:
        yield application, api


@pytest.fixture
def chat(world) -> ChatDriver:
    application, api = world
    return ChatDriver(application, api, chat_id=USER, user_id=USER)


def security_kinds() -> set[str]:
    text = (REPO / "SECURITY.md").read_text()
    return set(re.findall(r"^\| `(\w+)` \|", text, flags=re.MULTILINE))


async def test_privacy_shows_the_five_lines_from_content(chat, engine) -> None:
    """/privacy answers with exactly the five lines of content/en/privacy.yaml."""
    await chat.send("/privacy")
    lines = engine.library.locale("en").privacy
    assert len(lines) == 5
    assert chat.last_text == "\n".join(lines)


async def test_an_answer_with_a_phone_number_is_never_stored_unmasked(chat, engine, store,
                                                                      tmp_path) -> None:
    """The nudge appears, the file never holds the number, and the masked answer is kept."""
    await chat.send("/menu")
    await chat.tap(TITLE)
    await chat.tap(ui(engine, "button_continue"))
    await chat.send("Her cell is 555-123-4567")
    assert ui(engine, "detail_phone") in chat.last_text
    assert "555-123-4567" not in chat.last_text
    await chat.tap(ui(engine, "button_keep_masked"))
    assert store.load(USER).session.answers["why"] == "Her cell is " + ui(engine, "masked_detail")
    for file in tmp_path.glob("coachbot.sqlite3*"):
        assert b"555-123-4567" not in file.read_bytes()


async def test_keep_my_answers_then_mydata_shows_them_and_forget_deletes_everything(
        chat, engine, store) -> None:
    """Kept answers survive the next action, /mydata lists them, /forget reports each kind."""
    await walk_to_summary(chat, engine)
    await chat.tap(ui(engine, "button_keep_answers"))
    assert chat.callback_answers[-1]["text"] == ui(engine, "answers_kept")
    await chat.send("/menu")
    await chat.send("/mydata")
    mydata = chat.last_text
    assert mydata.startswith(ui(engine, "mydata_intro"))
    assert "Answers you kept from" in mydata and "• A clinic we both refer to" in mydata
    assert "A record of this chat" in mydata
    await chat.send("/forget")
    assert chat.last_text == ui(engine, "forgotten", what=(
        f"{ui(engine, 'data_sessions')} (1); {ui(engine, 'data_kept_answers')} (1)"))
    await chat.send("/mydata")
    assert chat.last_text == ui(engine, "mydata_nothing")


async def test_mydata_shows_a_masked_answer_waiting_for_a_decision(chat, engine) -> None:
    """The held, masked copy is data too: /mydata lists it, without the detail."""
    await chat.send("/menu")
    await chat.tap(TITLE)
    await chat.tap(ui(engine, "button_continue"))
    await chat.send("Write to jo@example.org")
    await chat.send("/mydata")
    assert "• Write to " + ui(engine, "masked_detail") in chat.last_text
    assert "jo@example.org" not in chat.last_text


def test_the_purge_job_runs_as_often_as_the_grace_window(engine) -> None:
    """With a 15-minute grace window the purge job is scheduled every 15 minutes."""
    application = make_app(engine, SessionStore(":memory:", grace_seconds=900), FakeBotApi())
    [job] = application.job_queue.get_jobs_by_name("purge")
    assert job.name == "purge"
    assert job.trigger.interval.total_seconds() == 900


def test_unusable_settings_stop_start_up_with_the_variable_named() -> None:
    """A rate limit that is not a number is refused, naming the variable and what to write."""
    with pytest.raises(ValueError, match="COACHBOT_RATE_LIMIT should be a whole number"):
        Settings.from_env({"COACHBOT_RATE_LIMIT": "lots"})


async def test_after_the_summary_a_menu_tap_deletes_the_answers(chat, engine, store) -> None:
    """Doing anything else after the summary leaves no answers in the store."""
    await walk_to_summary(chat, engine)
    assert store.load(USER).session.finished
    await chat.send("/menu")
    assert store.load(USER).session is None
    assert store.kept(USER) == []


async def test_mydata_covers_exactly_the_kinds_security_md_lists(world, chat, engine,
                                                                 store) -> None:
    """Every kind of data the bot keeps is in SECURITY.md's table, /mydata words each, and
    /forget deletes each."""
    application, _api = world
    assert set(store.kinds) == security_kinds()
    await walk_to_summary(chat, engine)
    await chat.tap(ui(engine, "button_keep_answers"))
    await chat.send("/menu")
    await chat.tap(TITLE)
    choose(store, USER, "en")
    timing = Timing(frozenset({0}), time(9, 0), "America/New_York")
    application.bot_data["schedules"].schedules.add(USER, "en", "weekly", timing,
                                                    datetime.now(UTC))
    held = store.describe_user(USER, "en")
    assert set(held) == security_kinds()
    await chat.send("/mydata")
    for lines in held.values():
        for line in lines:
            assert line in chat.last_text
    await chat.send("/forget")
    assert store.describe_user(USER, "en") == {}


async def test_the_rate_limit_says_slow_down_once_then_stays_silent(engine, store) -> None:
    """Over the limit: one polite message, then nothing; taps are still answered; no change."""
    api = FakeBotApi(token=TOKEN)
    application = make_app(engine, store, api, {"COACHBOT_RATE_LIMIT": "6"})
    async with running_app(application):
        chat = ChatDriver(application, api, chat_id=USER, user_id=USER)
        await chat.send("/menu")
        await chat.tap(TITLE)
        await chat.tap(ui(engine, "button_continue"))
        before = store.load(USER).session
        await chat.send("An answer too many")
        assert chat.last_text == ui(engine, "rate_limited")
        assert await chat.send("Another answer") == []
        await chat.send_update(api.callback_update(chat.messages[-2], "1h", user_id=USER))
        assert chat.unanswered_callbacks == []
        assert store.load(USER).session == before
        other = ChatDriver(application, api, chat_id=5151, user_id=5151)
        await other.send("/help")
        assert other.last_text == ui(engine, "help")


async def test_the_slow_down_is_in_the_person_s_language(engine, store) -> None:
    api = FakeBotApi(token=TOKEN)
    application = make_app(engine, store, api, {"COACHBOT_RATE_LIMIT": "1"})
    async with running_app(application):
        chat = ChatDriver(application, api, chat_id=USER, user_id=USER, language_code="es")
        await chat.send("/help")
        await chat.send("/help")
        assert chat.last_text == engine.library.locale("es").ui["rate_limited"]


def test_logging_floors_hold_even_when_debug_is_asked_for() -> None:
    """configure(DEBUG) keeps PTB at INFO and httpx at WARNING (their DEBUG logs carry text)."""
    saved = {name: logging.getLogger(name).level for name in logsafe.FLOORS}
    try:
        logsafe.configure(logging.DEBUG)
        assert logging.getLogger("telegram").getEffectiveLevel() == logging.INFO
        assert logging.getLogger("telegram.ext.Application").getEffectiveLevel() == logging.INFO
        assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


async def test_no_typed_text_reaches_any_log(engine, store, caplog) -> None:
    """A whole dialogue over real HTTP on loopback, every logger at DEBUG except where
    logsafe.configure holds PTB and httpx at their floors: no typed text in any record.

    This covers our own logs at every level, and PTB's and httpx's at the levels production
    allows; PTB's DEBUG records (request bodies) are excluded by design, and the test above
    pins that they stay excluded."""
    saved = {name: logging.getLogger(name).level for name in logsafe.FLOORS}
    api = FakeBotApi(token=TOKEN)
    try:
        logsafe.configure(logging.DEBUG)
        caplog.set_level(logging.DEBUG)
        for name, floor in logsafe.FLOORS.items():
            logging.getLogger(name).setLevel(floor)
        with BotApiServer(api) as server:
            builder = Application.builder().token(TOKEN).base_url(server.base_url)
            application = build_application(Settings.from_env({}), engine, store,
                                            rate_limit=False, builder=builder)
            async with running_app(application):
                chat = ChatDriver(application, api, chat_id=USER, user_id=USER)
                await walk_to_summary(chat, engine)
                await chat.send("call me on 555-123-4567")
                await chat.send("/mydata")
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
    assert len(caplog.records) > 20
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for text in [*TYPED, "555-123-4567", "call me on"]:
        assert text not in logged
        assert text.replace("&", "&amp;") not in logged


async def test_replies_arrive_despite_429s_500s_timeouts_and_resets(engine, store) -> None:
    """With a quarter of calls failing, every reply still arrives, every tap is answered, and
    the summary holds every answer."""
    api = FakeBotApi(token=TOKEN)
    application = make_app(engine, store, api, rate_limit=True)
    api.faults = FaultPolicy(rate=0.25, kinds=("429", "500", "timeout", "reset"), retry_after=1,
                             seed=6, max_faults=14)
    async with running_app(application):
        chat = ChatDriver(application, api, chat_id=USER, user_id=USER)
        await walk_to_summary(chat, engine)
    assert api.faults.injected == 14
    assert {kind for _method, kind in api.injected_faults} == {"429", "500", "timeout", "reset"}
    summary = chat.last_text
    for text in TYPED:
        assert text in summary
    assert api.unanswered_callback_queries() == []
    session = store.load(USER).session
    assert isinstance(session, Session) and session.finished


async def test_privacy_and_mydata_speak_the_persons_language(world, engine) -> None:
    """A person whose Telegram is in Spanish reads /privacy and /mydata in Spanish."""
    application, api = world
    spanish = ChatDriver(application, api, chat_id=7070, user_id=7070, language_code="es")
    await spanish.send("/privacy")
    assert spanish.last_text == "\n".join(engine.library.locale("es").privacy)
    await spanish.send("/start")
    await spanish.send("/mydata")
    assert spanish.last_text.startswith(engine.library.locale("es").ui["mydata_intro"])
