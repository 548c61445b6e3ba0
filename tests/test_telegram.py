"""The Telegram front end through PTB's real `Application` and a local Bot API stand-in:
what a person sees when they /start, tap, type, go back, make mistakes, or use a group."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update
from telegram.ext import Application

from bot.concurrency import PerChatUpdateProcessor
from bot.settings import Settings
from bot.store import SessionStore
from dialogues.engine import Engine
from tests.support.botapi import FakeBotApi
from tests.support.chat import ChatDriver, running_app
from tests.support.coach import coach_app

TOKEN = "123456:TEST-TOKEN"
TITLE = "Before you reach out: self-reflection"


def ui(engine: Engine, key: str, **fields) -> str:
    return engine.library.locale("en").ui[key].format(**fields)


@pytest.fixture
async def app(engine: Engine, store: SessionStore):
    application = coach_app(engine, store, FakeBotApi(token=TOKEN))
    async with running_app(application):
        yield application


@pytest.fixture
def api(app: Application) -> FakeBotApi:
    return app.bot_data["api"]


@pytest.fixture
def chat(app: Application, api: FakeBotApi) -> ChatDriver:
    return ChatDriver(app, api, chat_id=4242, user_id=4242)




async def walk_to_summary(chat: ChatDriver, engine: Engine) -> None:
    await chat.send("/menu")
    await chat.tap(TITLE)
    await chat.tap(ui(engine, "button_continue"))
    await chat.send("We want to learn & <listen>")
    await chat.tap("Both us and the community")
    await chat.tap("Humility")
    await chat.tap("Equity")
    await chat.tap(ui(engine, "button_done"))
    await chat.tap(ui(engine, "button_skip"))
    await chat.tap("Both")
    await chat.tap(ui(engine, "button_yes"))
    await chat.send("A clinic we both refer to")
    await chat.tap(ui(engine, "button_skip"))
    await chat.tap(ui(engine, "button_no"))
    await chat.tap(ui(engine, "button_continue"))
    await chat.send("Meeting space")
    await chat.tap(ui(engine, "button_yes"))
    await chat.tap("Ask each one how they want credit")
    await chat.tap(ui(engine, "button_yes"))


async def test_start_introduces_the_coach_with_privacy_notice_and_menu(chat, engine) -> None:
    """/start says what the bot is and shows the privacy line, short enough for a phone's first
    screen; the menu of dialogues is one tap away (issue 16)."""
    await chat.send("/start")
    assert ui(engine, "intro") in chat.last_text
    assert "/forget" in chat.last_text
    assert chat.last_buttons == [ui(engine, "menu_open_button")]
    await chat.tap(ui(engine, "menu_open_button"))
    assert TITLE in chat.last_buttons


async def test_commands_are_registered_with_telegram_at_start_up(app, api) -> None:
    """post_init sets the menus per scope and language: every personal command in private
    chats, only /schedule for group administrators, nothing for other group members."""
    api._commands[('{"type": "default"}', "")] = [{"command": "old", "description": "x"}]
    await app.post_init(app)
    for language in ("", "es"):
        private = api.commands("all_private_chats", language)
        assert {"start", "menu", "help", "ask", "back", "cancel", "forget", "privacy",
                "mydata", "language", "schedule"} <= set(private)
        assert api.commands("all_chat_administrators", language) == ["schedule"]
        assert api.commands("default", language) == []
    spanish = [c for c in api.calls_of("setMyCommands") if c.params.get("language_code") == "es"]
    assert all(c["description"] for call in spanish for c in call.params["commands"])
    assert spanish[0].params["commands"][0]["description"] != \
        api.calls_of("setMyCommands")[0].params["commands"][0]["description"]


async def test_the_screen_before_start_describes_the_bot_in_each_language(app, api,
                                                                          engine) -> None:
    """Before /start, Telegram shows the description (and the short one on the profile and
    when shared), from content, in English by default and in Spanish for Spanish Telegram."""
    await app.post_init(app)
    for language, code in (("", "en"), ("es", "es")):
        ui = engine.library.locale(code).ui
        assert api.description(language) == ui["bot_description"]
        assert api.description(language, short=True) == ui["bot_short_description"]
    assert api.description("es") != api.description("")
    assert len(api.description("es", short=True)) <= 120


async def test_a_whole_dialogue_by_taps_and_text_ends_in_a_cited_summary(chat, engine) -> None:
    """Walking every step ends with the person's own answers, the notes and the sources."""
    await walk_to_summary(chat, engine)
    summary = chat.last_text
    assert "Your self-reflection before reaching out" in summary
    assert "We want to learn & <listen>" in summary
    assert "Humility, Equity" in summary
    assert "Look for a trusted introduction" in summary
    assert "[outreach-plan]" in summary
    assert ui(engine, "button_start_again") in chat.last_buttons


async def test_typed_text_is_escaped_in_html(chat, api, engine) -> None:
    """User text containing < and & is sent escaped, so it can never become markup."""
    await walk_to_summary(chat, engine)
    sent = api.calls_of("sendMessage")[-1].params
    assert sent["parse_mode"] == "HTML"
    assert "We want to learn &amp; &lt;listen&gt;" in sent["text"]
    assert sent["text"].startswith("<b>Your self-reflection before reaching out</b>")


async def test_every_callback_query_is_answered(chat, engine) -> None:
    """Each tap gets exactly one answerCallbackQuery, so no button spins forever."""
    await walk_to_summary(chat, engine)
    assert chat.unanswered_callbacks == []
    assert len(chat.callback_answers) == len(chat.query_ids) == 15


async def test_ticking_a_checklist_edits_the_message_in_place(chat, api, engine) -> None:
    """Ticks change the same message (editMessageText), not a new one per tap."""
    await chat.send("/menu")
    await chat.tap(TITLE)
    await chat.tap(ui(engine, "button_continue"))
    await chat.send("Reasons")
    await chat.tap("Both us and the community")
    sent_before = len(api.calls_of("sendMessage"))
    await chat.tap("Humility")
    assert len(api.calls_of("sendMessage")) == sent_before
    assert len(api.calls_of("editMessageText")) == 1
    assert f"{ui(engine, 'tick_on')} Humility" in chat.last_buttons


async def test_back_and_cancel_commands(chat, engine, store) -> None:
    """/back returns to the previous step; /cancel deletes the dialogue and says so."""
    await chat.send("/menu")
    await chat.tap(TITLE)
    await chat.tap(ui(engine, "button_continue"))
    await chat.send("/back")
    assert ui(engine, "button_continue") in chat.last_buttons
    await chat.send("/cancel")
    assert any(ui(engine, "cancelled") in m for m in chat.texts_since(-2))
    assert store.load(4242).session is None


async def test_a_button_from_an_old_message_is_answered_and_not_applied(chat, api, engine, store) -> None:
    """Tapping Continue on the first message again, later, re-shows the current step."""
    await chat.send("/menu")
    await chat.tap(TITLE)
    first = chat.last_message
    await chat.tap(ui(engine, "button_continue"))
    before = store.load(4242).session
    await chat.tap_in(first, ui(engine, "button_continue"))
    assert chat.callback_answers[-1].get("text") == ui(engine, "stale_button")
    assert store.load(4242).session == before
    assert chat.last_text.startswith("In a sentence or two")


async def test_forged_callback_data_is_answered_and_ignored(chat, api, engine, store) -> None:
    """Made-up callback data gets a polite answer and never touches the session."""
    await chat.send("/menu")
    await chat.tap(TITLE)
    before = store.load(4242).session
    await chat.send_update(api.callback_update(chat.last_message, "1c|self_reflection|intro|x|zz",
                                               user_id=4242))
    await chat.send_update(api.callback_update(chat.last_message, "'; DROP TABLE sessions; --",
                                               user_id=4242))
    assert store.load(4242).session == before
    assert len(chat.callback_answers) == 3


@pytest.mark.parametrize(("update_kind", "key"), [
    ("photo", "unsupported_message"),
    ("sticker", "unsupported_message"),
    ("edited", "edited_message"),
])
async def test_messages_the_coach_cannot_use_get_a_clear_answer(chat, api, engine, update_kind,
                                                                key) -> None:
    """Photos, stickers and edited messages are answered with what the coach can read."""
    builders = {
        "photo": lambda: api.photo_update(chat_id=4242, user_id=4242),
        "sticker": lambda: api.sticker_update(chat_id=4242, user_id=4242),
        "edited": lambda: api.edited_message_update("new text", chat_id=4242, user_id=4242),
    }
    await chat.send_update(builders[update_kind]())
    assert chat.last_text == ui(engine, key)


async def test_unknown_commands_point_to_help(chat, engine) -> None:
    """/frobnicate is named back, with a pointer to /help."""
    await chat.send("/frobnicate now")
    assert chat.last_text == ui(engine, "unknown_command", command="/frobnicate")


async def test_ten_thousand_characters_are_refused_and_nothing_is_lost(chat, engine, store) -> None:
    """A huge answer is refused with the limit; the step and earlier answers stay."""
    await chat.send("/menu")
    await chat.tap(TITLE)
    await chat.tap(ui(engine, "button_continue"))
    before = store.load(4242).session
    await chat.send("x" * 10_000)
    assert chat.last_text == ui(engine, "too_long", length="10,000", limit="500")
    assert store.load(4242).session == before


async def test_in_a_group_the_coach_offers_a_private_deep_link(app, api, engine, store) -> None:
    """/start in a group answers with a button that opens the dialogue in a private chat."""
    group = ChatDriver(app, api, chat_id=-1001, user_id=4242, chat_type="supergroup")
    await group.send("/start self_reflection")
    assert group.last_text == ui(engine, "group_private_only")
    button = group.last_message["reply_markup"]["inline_keyboard"][0][0]
    assert button["url"] == "https://t.me/recenter_coach_bot?start=self_reflection"
    assert store.load(-1001).session is None


async def test_forget_deletes_everything_and_says_what(chat, engine, store) -> None:
    """/forget removes the person's rows and confirms; a second /forget finds nothing."""
    await chat.send("/menu")
    await chat.tap(TITLE)
    await chat.send("/forget")
    assert chat.last_text == ui(engine, "forgotten", what=f"{ui(engine, 'data_sessions')} (1)")
    assert store.load(4242).session is None
    await chat.send("/forget")
    assert chat.last_text == ui(engine, "forgotten_nothing")


async def test_an_update_delivered_twice_is_applied_once(app, chat, api, engine, store) -> None:
    """After a crash Telegram re-sends the last update: the answer is not applied again."""
    await chat.send("/menu")
    await chat.tap(TITLE)
    await chat.tap(ui(engine, "button_continue"))
    update = api.message_update("First answer", chat_id=4242, user_id=4242)
    await chat.send_update(update)
    after_first = store.load(4242).session
    await app.process_update(Update.de_json(update, app.bot))
    assert store.load(4242).session.state == after_first.state
    assert store.load(4242).session.answers == after_first.answers


async def test_an_internal_error_gets_a_kind_message_and_an_answered_button(chat, api, engine,
                                                                            store, monkeypatch) -> None:
    """If storage fails, the person hears that something went wrong, and the tap is answered."""
    await chat.send("/menu")

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "save", broken)
    await chat.tap(TITLE)
    assert chat.last_text == ui(engine, "error")
    assert len(chat.callback_answers) == 1


async def test_updates_for_one_chat_run_one_at_a_time_and_chats_in_parallel() -> None:
    """Two updates of one chat never overlap; two chats do."""
    processor = PerChatUpdateProcessor(8)
    running: dict[int, int] = {}
    overlap = {"same": 0, "other": 0}

    def update(chat_id: int) -> Update:
        return Update.de_json({"update_id": 1, "message": {
            "message_id": 1, "date": 0, "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "A"}, "text": "x"}}, None)

    async def work(chat_id: int) -> None:
        running[chat_id] = running.get(chat_id, 0) + 1
        if running[chat_id] > 1:
            overlap["same"] += 1
        if len([c for c, n in running.items() if n]) > 1:
            overlap["other"] += 1
        await asyncio.sleep(0.01)
        running[chat_id] -= 1

    await asyncio.gather(*(processor.do_process_update(update(c), work(c)) for c in (1, 1, 1, 2, 2)))
    assert overlap["same"] == 0
    assert overlap["other"] > 0


async def test_a_deep_link_opens_the_dialogue_directly(chat, engine) -> None:
    """/start self_reflection skips the menu and shows the dialogue's first step."""
    await chat.send("/start self_reflection")
    assert chat.last_buttons == [ui(engine, "button_continue")]
    assert "Before contacting sex worker safety groups" in chat.last_text


def test_settings_point_file_downloads_at_the_same_bot_api_server() -> None:
    """A local Bot API base URL also moves file downloads off api.telegram.org."""
    settings = Settings.from_env({"TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot"})
    assert settings.api_base_file_url == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize("command", ["/mydata", "/forget", "/ask police sting", "/back"])
async def test_personal_commands_in_a_group_point_to_a_private_chat(app, api, engine, command) -> None:
    """In a group, /mydata, /forget, /ask and /back answer with a link to a private chat."""
    group = ChatDriver(app, api, chat_id=-1002, user_id=4242, chat_type="supergroup")
    await group.send(command)
    assert group.last_text == ui(engine, "group_private_only")
