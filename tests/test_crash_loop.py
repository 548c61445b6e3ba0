"""Fifty SIGKILLs of a real bot process at random moments while a person's updates stream in
(so some land mid-write): after each, the database opens, passes PRAGMA integrity_check, the
stored session is one the dialogue can actually be in, and the restarted bot carries on."""

from __future__ import annotations

import random
import sqlite3
import time
from itertools import pairwise
from pathlib import Path

import pytest

from bot.store import SessionStore
from dialogues.engine import Engine
from dialogues.model import StepKind
from dialogues.session import Session
from tests.support.botapi import BotApiServer, FakeBotApi
from tests.test_restart import TOKEN, USER, BotProcess, Person, wait_until

RUNS = 50
DIALOGUE = "self_reflection"


def consistent(session: Session | None, engine: Engine) -> None:
    """The session's history is a path the dialogue allows, ending at its current step."""
    if session is None:
        return
    dialogue = engine.library.locale(session.locale).dialogues[session.dialogue_id]
    path = [*session.history, session.state]
    assert path[0] == dialogue.start
    for here, there in pairwise(path):
        assert there in dialogue.step(here).targets().values(), f"{here} -> {there}"
    assert set(session.answers) <= set(dialogue.steps)


class Walker:
    """Acts like a person on whatever step the bot last showed, without waiting when told."""

    def __init__(self, api: FakeBotApi, engine: Engine, rng: random.Random) -> None:
        self.api = api
        self.engine = engine
        self.rng = rng

    def replies(self) -> int:
        return len([c for c in self.api.calls
                    if c.method in ("sendMessage", "editMessageText", "answerCallbackQuery")])

    def act(self, session: Session | None, number: int) -> None:
        """Send the update a person would send next, given the stored session."""
        if session is None or session.finished:
            self.send(f"/start {DIALOGUE}")
            return
        dialogue = self.engine.library.locale(session.locale).dialogues[session.dialogue_id]
        kind = dialogue.step(session.state).kind
        if kind is StepKind.TEXT:
            self.send(f"Answer number {number}")
            return
        last = self.api.last_message(USER)
        buttons = [b for row in (last or {}).get("reply_markup", {}).get("inline_keyboard", [])
                   for b in row if "callback_data" in b]
        if last is None or not buttons:
            self.send("/menu")  # its first button resumes the dialogue
            return
        choices = [b for b in buttons if "◂" not in b["text"]]
        if kind is StepKind.CHECKLIST:
            done = [b for b in choices if "✓" in b["text"]]
            choices = done if session.draft and done else [b for b in choices if b not in done]
        button = self.rng.choice(choices or buttons)
        self.api.push_update(self.api.callback_update(last, button["callback_data"], user_id=USER))

    def send(self, text: str) -> None:
        self.api.push_update(self.api.message_update(text, chat_id=USER, user_id=USER))


def read(database: Path) -> Session | None:
    store = SessionStore(database)
    try:
        assert store.integrity_ok()
        return store.load(USER).session
    finally:
        store.close()


@pytest.mark.slow
def test_fifty_sigkills_at_random_moments_leave_a_consistent_database(tmp_path: Path,
                                                                       engine: Engine) -> None:
    """Each kill lands at a random point of a burst of updates; every restart resumes."""
    rng = random.Random(20261127)
    api = FakeBotApi(token=TOKEN)
    database = tmp_path / "coachbot.sqlite3"
    walker = Walker(api, engine, rng)
    steps_seen: set[str] = set()
    with BotApiServer(api) as server:
        bot = BotProcess(server, database)
        try:
            for run in range(RUNS):
                bot.start()
                wait_until(lambda: not api.pending_updates(), "re-delivered updates to be handled")
                session = read(database)
                consistent(session, engine)
                for number in range(rng.randint(0, 3)):  # a few steps, each waited for
                    before = walker.replies()
                    walker.act(read(database), run * 10 + number)
                    wait_until(lambda b=before: walker.replies() > b, "a reply")
                for number in range(rng.randint(1, 3)):  # then a burst, killed mid-way
                    walker.act(read(database), run * 10 + 5 + number)
                time.sleep(rng.uniform(0, 0.06))
                bot.kill()
                with sqlite3.connect(database) as db:
                    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                session = read(database)
                consistent(session, engine)
                if session is not None:
                    steps_seen.add(session.state)
        finally:
            if bot.process and bot.process.poll() is None:
                bot.kill()
    assert len(steps_seen) >= 5, f"the runs stayed near the start: {sorted(steps_seen)}"


def test_forget_then_sigkill_leaves_no_typed_text_on_disk(tmp_path: Path) -> None:
    """A real bot process killed with SIGKILL the moment its /forget reply arrives (no clean
    shutdown, no later checkpoint): no database file holds the typed answer."""
    answer = "Okapi-Lantern-5521 is what we want to learn"
    api = FakeBotApi(token=TOKEN)
    database = tmp_path / "coachbot.sqlite3"
    with BotApiServer(api) as server:
        bot = BotProcess(server, database)
        bot.env.pop("COACHBOT_ENCRYPTION_KEY", None)
        bot.start()
        try:
            person = Person(api)
            person.send(f"/start {DIALOGUE}")
            person.tap("Continue")
            person.send(answer)
            files = sorted(database.parent.glob(database.name + "*"))
            assert answer.encode() in b"".join(f.read_bytes() for f in files)
            person.send("/forget")
            bot.kill()
        finally:
            if bot.process and bot.process.poll() is None:
                bot.kill()
    files = sorted(database.parent.glob(database.name + "*"))
    assert answer.encode() not in b"".join(f.read_bytes() for f in files)
    assert read(database) is None
