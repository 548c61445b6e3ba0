"""Updates per second through the whole stack, against a bare PTB echo bot, in one run.

Both bots run PTB's real `Application` on the same in-process Bot API stand-in
(`tests.support.botapi.RecordingRequest`), fed the same stream of updates: many people walking
the self-reflection dialogue (text answers and button taps). The coach pays for the engine,
SQLite (WAL, a commit per update) and rendering; the echo bot only replies. The rate limiter is
left out of both: it deliberately holds messages to Telegram's 30/s, which is not what this
measures.

    .venv/bin/python -m bench.throughput [--chats 200]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.settings import Settings
from bot.store import SessionStore
from bot.telegram_app import build_application
from dialogues import callbacks
from dialogues.engine import Engine
from dialogues.events import ShowHome, TextInput
from dialogues.loader import load_library
from tests.support.botapi import FakeBotApi, RecordingRequest

TOKEN = "123456:BENCH"
CONTENT = Path(__file__).resolve().parent.parent / "content"
SCRIPT = [  # what each person does: a button label to tap, or text to type
    "Before you reach out: self-reflection", "Continue ▸", "We want to learn from the community",
    "Both us and the community", "☐ Humility", "☐ Equity", "Done ✓", "Skip", "Both", "Yes",
    "A neighborhood clinic", "No", "Continue ▸", "Meeting space and paid speaking slots", "Yes",
    "Ask each one how they want credit", "Yes",
]


def scripted_actions(engine: Engine) -> list[tuple[str, str]]:
    """The walk as (kind, payload): callback data for taps, text for answers; the same for
    every person, since callback data depends only on the path taken."""
    result = engine.handle(None, ShowHome())
    actions: list[tuple[str, str]] = [("text", "/start")]
    for step in SCRIPT:
        buttons = {b.label: b.data for o in result.outputs if hasattr(o, "buttons")
                   for row in o.buttons for b in row}
        if step in buttons:
            actions.append(("tap", buttons[step]))
            result = engine.handle(result.session, callbacks.decode(buttons[step]))
        else:
            actions.append(("text", step))
            result = engine.handle(result.session, TextInput(step))
    assert result.session is not None and result.session.finished, "the script must finish"
    return actions


def build_updates(api: FakeBotApi, bot, actions, chats: int) -> list[Update]:
    """Interleaved updates: every person's first action, then every person's second, ..."""
    updates = []
    for kind, payload in actions:
        for chat_id in range(10_000, 10_000 + chats):
            if kind == "text":
                data = api.message_update(payload, chat_id=chat_id, user_id=chat_id)
            else:
                message = {"message_id": 1, "date": 0, "text": "step",
                           "chat": {"id": chat_id, "type": "private"}, "from": api.bot_user}
                data = api.callback_update(message, payload, user_id=chat_id)
            updates.append(Update.de_json(data, bot))
    return updates


async def run(application: Application, updates: list[Update]) -> float:
    await application.initialize()
    processor = application.update_processor
    started = time.perf_counter()
    for update in updates:
        await processor.process_update(update, application.process_update(update))
    elapsed = time.perf_counter() - started
    await application.shutdown()
    return elapsed


def echo_application(api: FakeBotApi) -> Application:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.bot.send_message(update.effective_chat.id, update.effective_message.text)

    async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, update.callback_query.data)

    application = (Application.builder().token(TOKEN).request(RecordingRequest(api))
                   .get_updates_request(RecordingRequest(api)).build())
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(tapped))
    return application


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=200)
    args = parser.parse_args()
    engine = Engine(load_library(CONTENT))
    actions = scripted_actions(engine)

    echo_api = FakeBotApi(token=TOKEN)
    echo = echo_application(echo_api)
    echo_updates = build_updates(echo_api, echo.bot, actions, args.chats)
    echo_seconds = asyncio.run(run(echo, echo_updates))

    with tempfile.TemporaryDirectory() as folder:
        store = SessionStore(Path(folder) / "bench.sqlite3")
        coach_api = FakeBotApi(token=TOKEN)
        builder = (Application.builder().token(TOKEN).request(RecordingRequest(coach_api))
                   .get_updates_request(RecordingRequest(coach_api)))
        coach = build_application(Settings.from_env({}), engine, store, rate_limit=False,
                                  builder=builder)
        coach_updates = build_updates(coach_api, coach.bot, actions, args.chats)
        coach_seconds = asyncio.run(run(coach, coach_updates))
        finished = sum(1 for c in range(10_000, 10_000 + args.chats)
                       if (s := store.load(c).session) is not None and s.finished)
        store.close()

    count = len(coach_updates)
    coach_rate, echo_rate = count / coach_seconds, count / echo_seconds
    print(f"updates: {count} ({args.chats} people x {len(actions)} actions each)")
    print(f"people who reached the summary: {finished} of {args.chats}")
    print(f"echo bot:      {echo_rate:8.0f} updates/s")
    print(f"re-center bot: {coach_rate:8.0f} updates/s (target >= 1,500)")
    print(f"ratio coach/echo: {coach_rate / echo_rate:.2f} (target >= 0.5)")


if __name__ == "__main__":
    main()
