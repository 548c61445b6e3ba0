"""What privacy costs: encryption at rest and the identifying-details check, each as a ratio
against a baseline measured in the same run.

1. Whole stack (PTB Application on the in-process Bot API stand-in, SQLite, engine, render):
   updates per second with COACHBOT_ENCRYPTION_KEY set, against the same bot without it, on
   the same stream of people walking the self-reflection dialogue. Runs alternate.
2. The identifying-details check alone (`dialogues.privacy.find`) per typed answer, against
   the engine's whole handling of that answer (`Engine.handle(TextInput)`, which includes it).

    .venv/bin/python -m bench.privacy [--chats 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet
from telegram.ext import Application

from bench.throughput import CONTENT, TOKEN, build_updates, run, scripted_actions
from bot.app import build_application
from bot.crypto import Sealer
from bot.settings import Settings
from bot.store import SessionStore
from dialogues import privacy
from dialogues.content.loader import load_library
from dialogues.engine import Engine
from dialogues.events import Action, Press, StartDialogue, TextInput
from tests.support.botapi import FakeBotApi, RecordingRequest

ANSWERS = [
    "We want to learn from people in the sex trades and offer referrals they ask for",
    "A neighborhood clinic we both refer to, open 24/7 since 2023",
    "Meeting space and paid speaking slots for 7 peer educators",
    "Section 3.2 of our policy; budget of $250,000 for 2024-2025",
    "Her cell is 555-123-4567 and she posts as @someone_here",
]


def stack(engine: Engine, actions, chats: int, sealer: Sealer) -> float:
    """Updates per second (wall) through the whole bot with this sealer."""
    with tempfile.TemporaryDirectory() as folder:
        store = SessionStore(Path(folder) / "bench.sqlite3", sealer)
        api = FakeBotApi(token=TOKEN)
        builder = (Application.builder().token(TOKEN).request(RecordingRequest(api))
                   .get_updates_request(RecordingRequest(api)))
        settings = Settings.from_env({"COACHBOT_RATE_LIMIT": "0"})
        coach = build_application(settings, engine, store, rate_limit=False, builder=builder)
        updates = build_updates(api, actions, chats)
        wall, _cpu = asyncio.run(run(coach, updates))
        store.close()
    return len(updates) / wall


def detector(engine: Engine, repeats: int) -> tuple[float, float]:
    """(µs per find, µs per Engine.handle of a text answer) over the sample answers."""
    session = engine.handle(None, StartDialogue("self_reflection")).session
    assert session is not None
    press = Press(Action.CONTINUE, "self_reflection", "intro", "", session.turn)
    at_text = engine.handle(session, press).session  # the first typed-answer step
    started = time.perf_counter()
    for _ in range(repeats):
        for answer in ANSWERS:
            privacy.find(answer)
    found = (time.perf_counter() - started) / (repeats * len(ANSWERS)) * 1e6
    started = time.perf_counter()
    for _ in range(repeats):
        for answer in ANSWERS:
            engine.handle(at_text, TextInput(answer))
    handled = (time.perf_counter() - started) / (repeats * len(ANSWERS)) * 1e6
    return found, handled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    engine = Engine(load_library(CONTENT))
    actions = scripted_actions(engine)
    key = Fernet.generate_key().decode()
    plain, sealed = [], []
    for _ in range(args.rounds):
        plain.append(stack(engine, actions, args.chats, Sealer()))
        sealed.append(stack(engine, actions, args.chats, Sealer(key)))
    p, s = statistics.median(plain), statistics.median(sealed)
    print(f"whole stack, {args.chats} people x {len(actions)} updates, median of {args.rounds}:")
    print(f"  without encryption  {p:8.0f} updates/s")
    print(f"  with encryption     {s:8.0f} updates/s   ratio {s / p:.2f}")
    found, handled = detector(engine, 2_000)
    print("identifying-details check, per typed answer:")
    print(f"  privacy.find        {found:8.1f} µs")
    print(f"  Engine.handle       {handled:8.1f} µs   (find is {found / handled:.0%} of it)")


if __name__ == "__main__":
    main()
