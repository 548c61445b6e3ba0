"""Updates per second through the whole stack, against echo bots, in one run, as production runs.

Every bot runs PTB's real `Application` on the same in-process Bot API stand-in
(`tests.support.botapi.RecordingRequest`), fed the same stream of updates: many people walking
the self-reflection dialogue (text answers and button taps). The coach pays for the engine,
SQLite (WAL, a commit per update) and rendering; the echo bots only reply. The baseline the
coach is judged on is the coach-shaped echo: it answers every update with a message of the
coach's shape (HTML, seven inline buttons) and does nothing else. The bare echo (plain text)
is printed for scale.

Honest settings: logging is configured as production does (`bot.logsafe.configure` at INFO,
one line per update with a hashed id), written to a file handler on the null device rather
than the terminal; each update arrives as JSON and is parsed inside the clock, as polling
does; every figure is the median of alternating runs. The rate limiter is left out of all
bots: it deliberately holds messages to Telegram's 30/s, which is not what this measures.

    .venv/bin/python -m bench.throughput [--chats 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot import logsafe, render
from bot.store import SessionStore
from dialogues import callbacks
from dialogues.content.loader import load_library
from dialogues.engine import Engine
from dialogues.events import ShowMenu, StartDialogue, TextInput
from dialogues.model import Step, StepKind
from dialogues.outputs import Message
from tests.support.botapi import FakeBotApi, RecordingRequest
from tests.support.coach import coach_app

TOKEN = "123456:BENCH"
CONTENT = Path(__file__).resolve().parent.parent / "content"
DIALOGUE = "self_reflection"
ANSWER = "We want to learn from the community"  # what each person types at a text step


def production_logging() -> None:
    """The logging configuration `coachbot run` uses, with its output sent to the null device
    (formatted and written, as to a log file) instead of the terminal."""
    logsafe.configure(logging.INFO)
    root = logging.getLogger()
    handler = logging.FileHandler(os.devnull)
    handler.setFormatter(root.handlers[0].formatter if root.handlers else None)
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)


def choose(step: Step, ui: dict[str, str], ticked: int) -> str | None:
    """The button label a person taps at `step` (None: they type `ANSWER`), read from the
    content so the walk follows the dialogue as written: the main path of a choice (its first
    option without a detour), two ticks then Done on a checklist, Yes, Continue."""
    if step.kind is StepKind.TEXT:
        return None
    if step.kind is StepKind.CHECKLIST:
        return step.options[ticked].label if ticked < min(2, len(step.options)) else ui["button_done"]
    if step.kind is StepKind.CHOICE:
        return next((o.label for o in step.options if o.next is None), step.options[0].label)
    if step.kind is StepKind.YESNO:
        return ui["button_yes"]
    return ui["button_continue"]


def tap(result, label: str) -> str:
    """The callback data of the button whose label is (or ends with, for ticks) `label`."""
    for output in result.outputs:
        output = getattr(output, "message", output)  # an edit in place carries its message
        for row in getattr(output, "buttons", ()):
            for button in row:
                if button.data and (button.label == label or button.label.endswith(f" {label}")):
                    return button.data
    raise LookupError(f"no button {label!r} at this step")


def scripted_actions(engine: Engine, answers: Iterator[str] | None = None
                     ) -> list[tuple[str, str]]:
    """The walk as (kind, payload): callback data for taps, text for answers (`ANSWER`, or the
    next of `answers` at each text step); the same for every person, since callback data
    depends only on the path taken."""
    locale = engine.library.locale("en")
    dialogue, ui = locale.dialogues[DIALOGUE], locale.ui
    result = engine.handle(None, ShowMenu())
    data = tap(result, dialogue.title)
    actions: list[tuple[str, str]] = [("text", "/menu"), ("tap", data)]
    result = engine.handle(result.session, callbacks.decode(data))
    ticked, state = 0, None
    while result.session is not None and not result.session.finished:
        step = dialogue.steps[result.session.state]
        ticked = ticked + 1 if state == step.id else 0
        state = step.id
        label = choose(step, ui, ticked)
        if label is None:
            typed = next(answers) if answers is not None else ANSWER
            actions.append(("text", typed))
            result = engine.handle(result.session, TextInput(typed))
        else:
            data = tap(result, label)
            actions.append(("tap", data))
            result = engine.handle(result.session, callbacks.decode(data))
        assert len(actions) < 200, "the walk must reach the summary"
    assert result.session is not None and result.session.finished, "the walk must finish"
    return actions


def build_updates(api: FakeBotApi, actions, chats: int) -> list[bytes]:
    """Interleaved updates as the JSON Telegram sends: every person's first action, then every
    person's second, ..."""
    updates = []
    for kind, payload in actions:
        for chat_id in range(10_000, 10_000 + chats):
            if kind == "text":
                data = api.message_update(payload, chat_id=chat_id, user_id=chat_id)
            else:
                message = {"message_id": 1, "date": 0, "text": "step",
                           "chat": {"id": chat_id, "type": "private"}, "from": api.bot_user}
                data = api.callback_update(message, payload, user_id=chat_id)
            updates.append(json.dumps(data).encode())
    return updates


async def run(application: Application, updates: list[bytes]) -> tuple[float, float]:
    """Parse each update and feed it through the application's update processor, as polling
    does; (wall, CPU) seconds."""
    await application.initialize()
    processor, bot = application.update_processor, application.bot
    wall, cpu = time.perf_counter(), time.process_time()
    for raw in updates:
        update = Update.de_json(json.loads(raw), bot)
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
    updates = build_updates(api, actions, chats)
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
        updates = build_updates(api, actions, chats)
        wall, cpu = asyncio.run(run(coach, updates))
        finished = sum(1 for c in range(10_000, 10_000 + chats)
                       if (s := store.load(c).session) is not None and s.finished)
        store.close()
    return wall, cpu, len(updates), finished


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5, help="alternating runs of each bot")
    parser.add_argument("--content", type=Path, default=CONTENT, help="content folder")
    args = parser.parse_args()
    production_logging()
    engine = Engine.serving(load_library(args.content))
    actions = scripted_actions(engine)
    shaped = typical_step(engine)
    echo_runs, shaped_runs, coach_runs = [], [], []
    for _ in range(args.repeat):
        echo_runs.append(measure_echo(actions, args.chats))
        shaped_runs.append(measure_echo(actions, args.chats, shaped))
        coach_runs.append(measure_coach(engine, actions, args.chats))
    count, finished = coach_runs[0][2], coach_runs[-1][3]
    taps = sum(kind == "tap" for kind, _ in actions)

    def rate(runs, index: int) -> float:
        return count / statistics.median(r[index] for r in runs)

    def spread(runs, index: int) -> str:
        rates = sorted(count / r[index] for r in runs)
        return f"{rates[0]:.0f}-{rates[-1]:.0f}"

    print(f"updates per run: {count} ({args.chats} people x {len(actions)} actions each, "
          f"{taps} taps); medians of {args.repeat} alternating runs; logging at INFO to "
          f"{os.devnull}; JSON parsed inside the clock")
    print(f"people who reached the summary: {finished} of {args.chats}")
    for label, index in (("wall clock", 0), ("CPU time  ", 1)):
        coach, shaped_rate, echo = (rate(coach_runs, index), rate(shaped_runs, index),
                                    rate(echo_runs, index))
        print(f"{label}: coach {coach:5.0f}/s ({spread(coach_runs, index)}) | coach-shaped echo "
              f"{shaped_rate:5.0f}/s ({spread(shaped_runs, index)}) | bare echo {echo:5.0f}/s "
              f"({spread(echo_runs, index)})")
        print(f"            ratio coach / coach-shaped echo {coach / shaped_rate:.2f} "
              f"(target >= 0.8) | coach / bare echo {coach / echo:.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the whole benchmark process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
