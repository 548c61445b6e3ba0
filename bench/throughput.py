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
import resource
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot import render
from bot.store import SessionStore
from dialogues import callbacks
from dialogues.content.loader import load_library
from dialogues.engine import Engine
from dialogues.events import ShowHome, StartDialogue, TextInput
from dialogues.outputs import Message
from tests.support.botapi import FakeBotApi, RecordingRequest
from tests.support.coach import coach_app

TOKEN = "123456:BENCH"
CONTENT = Path(__file__).resolve().parent.parent / "content"
SCRIPT = [  # what each person does: a button label to tap, or text to type
    "Before you reach out: self-reflection", "Continue ▸", "We want to learn from the community",
    "Both us and the community", "☐ Humility", "☐ Equity", "Done ✓", "Skip", "Both", "Yes",
    "A neighborhood clinic", "Skip", "No", "Continue ▸", "Meeting space and paid speaking slots", "Yes",
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


async def run(application: Application, updates: list[Update]) -> tuple[float, float]:
    """Feed every update through the application's update processor; (wall, CPU) seconds."""
    await application.initialize()
    processor = application.update_processor
    wall, cpu = time.perf_counter(), time.process_time()
    for update in updates:
        await processor.process_update(update, application.process_update(update))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    await application.shutdown()
    return wall, cpu


def echo_application(api: FakeBotApi, shaped: Message | None = None) -> Application:
    """The bare echo bot; with `shaped`, it answers every update with that message instead
    (HTML and an inline keyboard, like a coach step), to show what PTB charges for the shape
    of the coach's messages alone, with no engine, no storage and no rendering logic."""

    async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        if shaped is None:
            await context.bot.send_message(update.effective_chat.id, text)
        else:
            await context.bot.send_message(update.effective_chat.id, render.to_html(shaped)[0],
                                           parse_mode=ParseMode.HTML,
                                           reply_markup=render.keyboard(shaped.buttons))

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await reply(update, context, update.effective_message.text)

    async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await reply(update, context, update.callback_query.data)

    application = (Application.builder().token(TOKEN).request(RecordingRequest(api))
                   .get_updates_request(RecordingRequest(api)).build())
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(tapped))
    return application


def measure_echo(actions, chats: int, shaped: Message | None = None) -> tuple[float, float, int]:
    api = FakeBotApi(token=TOKEN)
    echo = echo_application(api, shaped)
    updates = build_updates(api, echo.bot, actions, chats)
    return (*asyncio.run(run(echo, updates)), len(updates))


def typical_step(engine: Engine) -> Message:
    """The checklist step of the self-reflection dialogue: a title-less HTML text with seven
    buttons, a typical coach message."""
    result = engine.handle(None, StartDialogue("self_reflection"))
    for event in (callbacks.decode(result.outputs[-1].buttons[0][0].data),
                  TextInput("Reasons"), ):
        result = engine.handle(result.session, event)
    both = next(b.data for row in result.outputs[-1].buttons for b in row if b.label.startswith("Both"))
    return engine.handle(result.session, callbacks.decode(both)).outputs[-1]


def measure_coach(engine: Engine, actions, chats: int) -> tuple[float, float, int, int]:
    with tempfile.TemporaryDirectory() as folder:
        store = SessionStore(Path(folder) / "bench.sqlite3")
        api = FakeBotApi(token=TOKEN)
        coach = coach_app(engine, store, api)
        updates = build_updates(api, coach.bot, actions, chats)
        wall, cpu = asyncio.run(run(coach, updates))
        finished = sum(1 for c in range(10_000, 10_000 + chats)
                       if (s := store.load(c).session) is not None and s.finished)
        store.close()
    return wall, cpu, len(updates), finished


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs of each bot")
    args = parser.parse_args()
    engine = Engine.serving(load_library(CONTENT))
    actions = scripted_actions(engine)
    shaped = typical_step(engine)
    echo_runs, shaped_runs, coach_runs = [], [], []
    for _ in range(args.repeat):
        echo_runs.append(measure_echo(actions, args.chats))
        shaped_runs.append(measure_echo(actions, args.chats, shaped))
        coach_runs.append(measure_coach(engine, actions, args.chats))
    count, finished = coach_runs[0][2], coach_runs[-1][3]

    def best(runs, index: int) -> float:
        return count / min(r[index] for r in runs)

    print(f"updates per run: {count} ({args.chats} people x {len(actions)} actions each); "
          f"best of {args.repeat} alternating runs")
    print(f"people who reached the summary: {finished} of {args.chats}")
    for label, index in (("wall clock", 0), ("CPU time  ", 1)):
        coach_rate, echo_rate = best(coach_runs, index), best(echo_runs, index)
        print(f"{label}: echo bot {echo_rate:7.0f} updates/s | re-center bot {coach_rate:7.0f} "
              f"updates/s (target >= 1,500) | ratio {coach_rate / echo_rate:.2f} (target >= 0.5)")
    shaped_rate = best(shaped_runs, 1)
    print(f"for scale: an echo bot replying with a coach-shaped message (HTML, 7 buttons) "
          f"{shaped_rate:7.0f} updates/s CPU time; the coach reaches "
          f"{best(coach_runs, 1) / shaped_rate:.2f} of it")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the whole benchmark process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
