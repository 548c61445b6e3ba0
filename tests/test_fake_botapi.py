"""The local Bot API stand-in itself: a tiny echo/keyboard bot driven through PTB's real
``Application``, in process (RecordingRequest + ChatDriver) and over loopback HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from telegram import (
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.support.botapi import (
    BOT_ID,
    BOT_USERNAME,
    TOKEN,
    BotApiServer,
    FakeBotApi,
    FaultPolicy,
    RecordingRequest,
)
from tests.support.chat import ChatDriver, running_app

REPO = Path(__file__).resolve().parent.parent
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Say hi", callback_data="hi"),
            InlineKeyboardButton("Get report", callback_data="report"),
        ],
        [InlineKeyboardButton("Docs", url="https://example.org/docs")],
    ]
)
REPORT = b"%PDF-1.4 fake report \x00\xff bytes"


# -- the bot under test ------------------------------------------------------------------------


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_html(
        "Welcome <b>friend</b> &amp; co", reply_markup=KEYBOARD
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query.data == "report":
        await context.bot.send_document(
            query.message.chat.id, document=REPORT, filename="report.pdf", caption="Your report"
        )
        await query.answer()
        return
    try:
        await query.edit_message_text("Hi there!", reply_markup=KEYBOARD)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
        await query.answer("Already said hi")
        return
    await query.answer()


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


async def on_boom(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    raise RuntimeError("handler exploded")


def add_handlers(app: Application) -> Application:
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CommandHandler("boom", on_boom))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    return app


def in_process_app(api: FakeBotApi) -> Application:
    builder = Application.builder().token(TOKEN)
    builder = builder.request(RecordingRequest(api)).get_updates_request(RecordingRequest(api))
    return add_handlers(builder.build())


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
async def app(api: FakeBotApi) -> AsyncIterator[Application]:
    async with running_app(in_process_app(api)) as application:
        yield application


@pytest.fixture
def chat(app: Application, api: FakeBotApi) -> ChatDriver:
    return ChatDriver(app, api, user_id=1001)


@pytest.fixture
def server(api: FakeBotApi) -> Iterator[BotApiServer]:
    with BotApiServer(api) as running:
        yield running


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# -- in process: the chat driver ---------------------------------------------------------------


async def test_start_shows_rendered_html_and_keyboard(chat: ChatDriver, api: FakeBotApi) -> None:
    """The user sees HTML rendered to plain text with entities, plus the inline keyboard."""
    await chat.send("/start")
    assert chat.last_text == "Welcome friend & co"
    assert chat.last_message["entities"] == [{"type": "bold", "offset": 8, "length": 6}]
    assert chat.last_buttons == ["Say hi", "Get report", "Docs"]
    assert chat.last_message["from"]["username"] == BOT_USERNAME
    assert api.calls_of("getMe"), "Application.initialize() asks getMe"


async def test_echo_replies_in_order_with_increasing_ids(chat: ChatDriver) -> None:
    """Each text is echoed back; user and bot messages share one per-chat id sequence."""
    first = await chat.send("hello")
    second = await chat.send("again")
    assert [m["text"] for m in first + second] == ["hello", "again"]
    assert second[0]["message_id"] > first[0]["message_id"] > 1
    assert chat.texts_since(-2) == ["hello", "again"]


async def test_tap_edits_in_place_and_is_answered(chat: ChatDriver, api: FakeBotApi) -> None:
    """A tap edits the keyboard message; the chat view shows the edit, history the original."""
    await chat.send("/start")
    await chat.tap("Say hi")
    assert [m["text"] for m in chat.messages] == ["Hi there!"]
    assert "edit_date" in chat.last_message
    assert api.sent_messages(chat.chat_id)[0]["text"] == "Welcome friend & co"
    assert len(chat.callback_answers) == 1
    assert chat.unanswered_callbacks == []


async def test_identical_edit_is_not_modified(chat: ChatDriver, api: FakeBotApi) -> None:
    """Re-sending the same text and markup fails with Telegram's "message is not modified"."""
    await chat.send("/start")
    await chat.tap("Say hi")
    await chat.tap("Say hi")
    failed = api.calls_of("editMessageText")[-1]
    assert failed.status == 400
    assert failed.response["description"].startswith("Bad Request: message is not modified")
    assert chat.callback_answers[-1]["text"] == "Already said hi"


async def test_edit_without_markup_drops_the_keyboard(app: Application, chat: ChatDriver) -> None:
    """As on Telegram, editMessageText without reply_markup removes the inline keyboard."""
    await chat.send("/start")
    await app.bot.edit_message_text("Plain now", chat.chat_id, chat.last_message["message_id"])
    assert chat.last_text == "Plain now"
    assert chat.last_buttons == []


async def test_tap_failures_explain_themselves(chat: ChatDriver) -> None:
    """Unknown labels list what is available; URL buttons cannot be tapped as callbacks."""
    await chat.send("/start")
    with pytest.raises(AssertionError, match=r"'Nope' not found.*\['Say hi', 'Get report'"):
        await chat.tap("Nope")
    with pytest.raises(AssertionError, match="url button"):
        await chat.tap("Docs")


async def test_tap_by_unique_substring_sends_multipart_document(
    chat: ChatDriver, api: FakeBotApi
) -> None:
    """"report" picks "Get report"; the upload is recorded with name, bytes and caption."""
    await chat.send("/start")
    sent = await chat.tap("report")
    document = sent[0]["document"]
    assert (document["file_name"], sent[0]["caption"]) == ("report.pdf", "Your report")
    upload = api.calls_of("sendDocument")[0].files["document"]
    assert (upload.filename, upload.content) == ("report.pdf", REPORT)
    assert api.file_content(document["file_id"]) == REPORT


async def test_handler_exceptions_fail_the_test(chat: ChatDriver) -> None:
    """Without an error handler PTB only logs; the driver re-raises so tests notice."""
    with pytest.raises(RuntimeError, match="handler exploded"):
        await chat.send("/boom")


async def test_command_with_bot_username_gets_entity(chat: ChatDriver, api: FakeBotApi) -> None:
    """"/start@bot" in a group carries a bot_command entity, so CommandHandler matches it."""
    group = ChatDriver(chat.application, api, chat_type="supergroup", title="Coaches")
    await group.send(f"/start@{BOT_USERNAME}")
    assert group.last_text == "Welcome friend & co"
    assert group.chat_id < 0


# -- in process: Bot API semantics ---------------------------------------------------------


async def test_edit_of_unknown_message_is_bad_request(app: Application) -> None:
    """Editing a message that does not exist gives "message to edit not found"."""
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await app.bot.edit_message_text("x", chat_id=5, message_id=999)


async def test_text_longer_than_4096_is_rejected(app: Application, api: FakeBotApi) -> None:
    """4096 characters are fine, 4097 are "message is too long", and nothing is delivered."""
    await app.bot.send_message(5, "a" * 4096)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await app.bot.send_message(5, "a" * 4097)
    assert len(api.sent_messages(5)) == 1


@pytest.mark.parametrize(
    ("text", "mode", "error"),
    [
        ("<b>bold", "HTML", 'find end tag corresponding to start tag "b"'),
        ("1 < 2", "HTML", 'Unsupported start tag "" at byte offset 2'),
        ("<foo>x</foo>", "HTML", 'Unsupported start tag "foo" at byte offset 0'),
        ("Done.", "MarkdownV2", "Character '.' is reserved"),
        ("*bold", "MarkdownV2", "Can't find end of Bold entity at byte offset 0"),
        ("_it", "Markdown", "Can't find end of the entity starting at byte offset 0"),
    ],
)
async def test_parse_mode_errors_match_telegram(
    app: Application, text: str, mode: str, error: str
) -> None:
    """Malformed markup fails with Telegram's "can't parse entities" wording."""
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as caught:
        await app.bot.send_message(5, text, parse_mode=mode)
    assert error.lower() in str(caught.value).lower()


async def test_markdown_v2_renders_entities(app: Application) -> None:
    """Valid MarkdownV2 becomes plain text with offsets in UTF-16 units."""
    text = "\U0001f600 *hi* [site](https://x\\.org) 1\\.5"
    message = await app.bot.send_message(5, text, parse_mode="MarkdownV2")
    assert message.text == "\U0001f600 hi site 1.5"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 3, 2),
        ("text_link", 6, 4),
    ]
    assert message.entities[1].url == "https://x.org"


async def test_flood_control_surfaces_as_retry_after(app: Application, api: FakeBotApi) -> None:
    """A 429 with parameters.retry_after reaches PTB as RetryAfter and delivers nothing."""
    api.faults = FaultPolicy(rate=1.0, kinds=("429",), retry_after=3, seed=1)
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(5, "hello")
    assert retry_seconds(caught.value) == 3
    assert api.sent_messages(5) == []
    assert api.calls_of("sendMessage")[0].fault == "429"


async def test_transport_faults_in_process(app: Application, api: FakeBotApi) -> None:
    """"timeout" raises TimedOut, "reset" NetworkError and "500" NetworkError, undelivered."""
    for kind, error in (("timeout", TimedOut), ("reset", NetworkError), ("500", NetworkError)):
        api.fail_next("sendMessage", kind)
        with pytest.raises(error):
            await app.bot.send_message(5, kind)
    assert api.sent_messages(5) == []
    assert [kind for _, kind in api.injected_faults] == ["timeout", "reset", "500"]


def test_faults_are_deterministic_for_a_seed() -> None:
    """The same seed and call sequence inject the same faults; other methods are untouched."""

    def run(seed: int) -> list[int]:
        api = FakeBotApi()
        api.faults = FaultPolicy(rate=0.3, kinds=("429", "500"), seed=seed)
        statuses = [api.handle("sendMessage", {"chat_id": 1, "text": "x"})[0] for _ in range(200)]
        assert api.handle("getMe", {})[0] == 200
        return statuses

    first = run(7)
    assert first == run(7)
    assert 30 < sum(status != 200 for status in first) < 90
    assert len(FakeBotApi().sent_messages()) == 0


async def test_blocked_user_and_kicked_group_are_forbidden(
    app: Application, api: FakeBotApi
) -> None:
    """Sends to a blocked user or a group that kicked the bot fail with Telegram's 403 texts."""
    api.set_chat_status(5, "blocked")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(5, "hi")
    api.my_chat_member_update(-42, "kicked")
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await app.bot.send_message(-42, "hi")


async def test_migrated_group_raises_chat_migrated(app: Application, api: FakeBotApi) -> None:
    """After a group upgrade, sending to the old id raises ChatMigrated with the new id."""
    update = Update.de_json(api.migrate_update(-42, -1009999), app.bot)
    assert update.message.migrate_to_chat_id == -1009999
    with pytest.raises(ChatMigrated) as caught:
        await app.bot.send_message(-42, "hi")
    assert caught.value.new_chat_id == -1009999


async def test_chat_member_status_is_configurable(app: Application, api: FakeBotApi) -> None:
    """getChatMember reports "member" by default and whatever status a test configured."""
    api.set_member_status(-42, 7, "administrator")
    api.set_member_status(-42, 8, "creator")
    assert isinstance(await app.bot.get_chat_member(-42, 6), ChatMemberMember)
    assert isinstance(await app.bot.get_chat_member(-42, 7), ChatMemberAdministrator)
    assert isinstance(await app.bot.get_chat_member(-42, 8), ChatMemberOwner)
    admins = await app.bot.get_chat_administrators(-42)
    assert sorted(a.user.id for a in admins) == [7, 8]
    assert (await app.bot.get_chat(-42)).type == "group"


async def test_commands_roundtrip_and_validation(app: Application) -> None:
    """setMyCommands/getMyCommands/deleteMyCommands work; invalid names are rejected."""
    await app.bot.set_my_commands([("start", "Begin"), ("help", "Help")])
    assert [c.command for c in await app.bot.get_my_commands()] == ["start", "help"]
    await app.bot.delete_my_commands()
    assert await app.bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await app.bot.set_my_commands([("Start", "Capitalised names are invalid")])


async def test_callback_and_inline_queries_answer_once(app: Application, api: FakeBotApi) -> None:
    """A query can be answered once; a second answer is "query is too old"."""
    message = await app.bot.send_message(5, "pick", reply_markup=KEYBOARD)
    query_id = api.callback_update(message.to_dict(), "hi", user_id=5)["callback_query"]["id"]
    await app.bot.answer_callback_query(query_id, "ok")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await app.bot.answer_callback_query(query_id)
    inline_id = api.inline_query_update("coach")["inline_query"]["id"]
    await app.bot.answer_inline_query(inline_id, [])
    assert api.unanswered_callback_queries() == []


async def test_builders_produce_updates_ptb_accepts(app: Application, api: FakeBotApi) -> None:
    """Every update builder yields a dict that Update.de_json parses into the expected type."""
    bot = app.bot
    command = Update.de_json(api.message_update("/start@recenter_coach_bot go"), bot)
    assert command.message.entities[0].type == "bot_command"
    assert command.message.entities[0].length == len("/start@recenter_coach_bot")
    sent = await bot.send_message(command.message.chat.id, "menu", reply_markup=KEYBOARD)
    tap = Update.de_json(api.callback_update(sent.to_dict(), "hi"), bot)
    assert (tap.callback_query.data, tap.callback_query.message.message_id) == (
        "hi",
        sent.message_id,
    )
    edited = Update.de_json(api.edited_message_update("changed"), bot)
    assert edited.edited_message.text == "changed"
    assert Update.de_json(api.photo_update(caption="pic"), bot).message.photo
    assert Update.de_json(api.sticker_update(), bot).message.sticker.emoji
    assert Update.de_json(api.inline_query_update("q"), bot).inline_query.query == "q"
    member = Update.de_json(api.my_chat_member_update(1001, "kicked", user_id=1001), bot)
    assert member.my_chat_member.new_chat_member.status == "kicked"
    ids = [command.update_id, tap.update_id, edited.update_id, member.update_id]
    assert ids == sorted(ids)


# -- getUpdates ----------------------------------------------------------------------------


def test_get_updates_offset_and_limit_semantics(api: FakeBotApi) -> None:
    """Updates stay until confirmed by offset; limit caps the batch; negative offsets trim."""
    ids = [api.push_update(api.message_update(f"m{i}"))["update_id"] for i in range(4)]

    def poll(**params: int) -> list[int]:
        status, body = api.handle("getUpdates", params)
        assert status == 200
        return [u["update_id"] for u in body["result"]]

    assert poll() == ids
    assert poll(offset=ids[1], limit=2) == ids[1:3]
    assert poll(offset=ids[2]) == ids[2:]
    assert poll(offset=-1) == ids[3:]
    assert poll(offset=ids[3] + 1) == []
    assert api.pending_updates() == []


async def test_long_poll_wakes_when_an_update_arrives(api: FakeBotApi) -> None:
    """An awaiting getUpdates returns as soon as an update is pushed, not at its timeout."""
    asyncio.get_running_loop().call_later(0.05, api.push_update, api.message_update("hi"))
    started = time.monotonic()
    status, body = await api.handle_async("getUpdates", {"timeout": 30})
    assert status == 200 and len(body["result"]) == 1
    assert time.monotonic() - started < 1.0


async def test_long_poll_is_capped_and_superseded(api: FakeBotApi) -> None:
    """Waits are capped by max_poll_wait; a second poller ends the first with 409 Conflict."""
    api.max_poll_wait = 0.2
    started = time.monotonic()
    assert await api.handle_async("getUpdates", {"timeout": 50}) == (
        200,
        {"ok": True, "result": []},
    )
    assert time.monotonic() - started < 1.0
    api.max_poll_wait = 5
    first = asyncio.create_task(api.handle_async("getUpdates", {"timeout": 5}))
    await asyncio.sleep(0.02)
    await api.handle_async("getUpdates", {"timeout": 0})
    status, body = await asyncio.wait_for(first, 1)
    assert status == 409 and "terminated by other getUpdates" in body["description"]


async def test_webhook_conflicts_with_polling(app: Application) -> None:
    """While a webhook is set getUpdates is a Conflict, as on Telegram."""
    await app.bot.set_webhook("https://example.org/hook")
    assert (await app.bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await app.bot.get_updates()
    await app.bot.delete_webhook()
    assert await app.bot.get_updates() == ()


async def test_unknown_method_and_wrong_token(api: FakeBotApi) -> None:
    """Unknown methods are 404 "Not Found"; a wrong token in the URL is 401 InvalidToken."""
    assert api.handle("fooBar", {}) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    bad = Application.builder().token("1:WRONG").request(RecordingRequest(api)).build()
    with pytest.raises(InvalidToken):
        await bad.bot.get_me()


# -- over loopback HTTP --------------------------------------------------------------------


def http_app(server: BotApiServer, read_timeout: float = 5.0) -> Application:
    builder = Application.builder().token(TOKEN).base_url(server.base_url)
    builder = builder.base_file_url(server.base_file_url).read_timeout(read_timeout)
    return add_handlers(builder.build())


async def test_polling_over_loopback_http(server: BotApiServer, api: FakeBotApi) -> None:
    """The same bot, long-polling a real HTTP server, answers pushed updates promptly."""
    app = http_app(server)
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        since = len(api.calls)
        api.push_update(api.message_update("/start", user_id=77))
        started = time.monotonic()
        call = await server.wait_for_async("sendMessage", since=since)
        assert time.monotonic() - started < 1.0
        assert call.params["chat_id"] == 77 and call.params["parse_mode"] == "HTML"
        api.push_update(api.callback_update(api.last_message(77), "hi", user_id=77))
        await server.wait_for_async("answerCallbackQuery", since=since)
        await app.updater.stop()
        await app.stop()
    assert api.last_message(77)["text"] == "Hi there!"
    assert api.pending_updates() == [], "processed updates are confirmed by the offset"


async def test_http_multipart_upload_and_download(server: BotApiServer, api: FakeBotApi) -> None:
    """httpx's multipart body is decoded byte-exact, and the file downloads back from the fake."""
    async with http_app(server) as app:
        message = await app.bot.send_document(
            9, document=REPORT, filename='odd "name".pdf', caption="Your report"
        )
        upload = api.calls_of("sendDocument")[0].files["document"]
        assert (upload.filename, upload.content) == ('odd "name".pdf', REPORT)
        assert message.caption == "Your report"
        file = await message.document.get_file()
        assert bytes(await file.download_as_bytearray()) == REPORT


async def test_http_faults_reach_ptb_as_telegram_errors(
    server: BotApiServer, api: FakeBotApi
) -> None:
    """Over HTTP, 429 is RetryAfter, a dropped connection NetworkError, a stall TimedOut."""
    api.faults = FaultPolicy(rate=0.0, retry_after=2, timeout_sleep=1.0)
    async with http_app(server, read_timeout=0.3) as app:
        api.fail_next("sendMessage", "429")
        with pytest.raises(RetryAfter) as caught:
            await app.bot.send_message(9, "x")
        assert retry_seconds(caught.value) == 2
        api.fail_next("sendMessage", "reset")
        with pytest.raises(NetworkError, match="disconnected"):
            await app.bot.send_message(9, "x")
        api.fail_next("sendMessage", "timeout")
        with pytest.raises(TimedOut):
            await app.bot.send_message(9, "x")
        assert (await app.bot.send_message(9, "finally")).text == "finally"
    assert [m["text"] for m in api.sent_messages(9)] == ["finally"]


def test_http_form_and_json_bodies_keep_wire_types(server: BotApiServer, api: FakeBotApi) -> None:
    """Form and JSON bodies both work; numeric-looking text stays a string."""
    url = f"{server.base_url}{TOKEN}/sendMessage"
    bodies = [
        (b"chat_id=3&text=123", "application/x-www-form-urlencoded"),
        (json.dumps({"chat_id": 3, "text": "true"}).encode(), "application/json"),
    ]
    for body, content_type in bodies:
        request = urllib.request.Request(url, body, {"Content-Type": content_type})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.load(response)["ok"] is True
    assert [m["text"] for m in api.sent_messages(3)] == ["123", "true"]


def test_server_stop_does_not_wait_for_long_polls(api: FakeBotApi) -> None:
    """stop() returns promptly while a client is parked in a long getUpdates."""
    server = BotApiServer(api).start()
    url = f"{server.base_url}{TOKEN}/getUpdates?timeout=30"
    outcome: list[object] = []

    def long_poll() -> None:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                outcome.append(json.load(response))
        except OSError as exc:
            outcome.append(exc)

    poller = threading.Thread(target=long_poll, daemon=True)
    poller.start()
    time.sleep(0.2)  # let the request reach the server and park
    started = time.monotonic()
    server.stop()
    poller.join(2)
    assert time.monotonic() - started < 1.5
    assert outcome, "the parked long poll was released"


def test_bot_in_subprocess_uses_env_base_url(server: BotApiServer, api: FakeBotApi) -> None:
    """A bot process configured only via TELEGRAM_API_BASE_URL talks to the fake, not Telegram."""
    script = textwrap.dedent(
        """
        import os
        from telegram.ext import Application, MessageHandler, filters

        async def echo(update, context):
            await update.effective_message.reply_text(update.effective_message.text.upper())

        app = (Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
               .base_url(os.environ["TELEGRAM_API_BASE_URL"]).build())
        app.add_handler(MessageHandler(filters.TEXT, echo))
        app.run_polling(poll_interval=0, timeout=1)
        """
    )
    env = {
        **os.environ,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
    }
    bot = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=REPO)
    try:
        api.wait_for("getUpdates", timeout=8)
        api.push_update(api.message_update("shout", user_id=55))
        call = server.wait_for(
            lambda c: c.method == "sendMessage" and c.params.get("chat_id") == 55, timeout=5
        )
        assert call.params["text"] == "SHOUT"
        assert api.calls_of("getMe")[0].ok
    finally:
        bot.terminate()
        bot.wait(5)


def test_bot_identity(api: FakeBotApi) -> None:
    """getMe describes the Re-Center Coach bot with the flags the project relies on."""
    status, body = api.handle("getMe", {})
    me = body["result"]
    assert status == 200 and me["id"] == BOT_ID and me["username"] == BOT_USERNAME
    assert me["first_name"] == "Re-Center Coach"
    assert me["can_join_groups"] and me["supports_inline_queries"]
