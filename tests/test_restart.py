"""A real bot process, killed with SIGKILL mid-dialogue and restarted, continues exactly where
the person was, with every earlier answer kept. Runs against the loopback Bot API stand-in."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.store import SessionStore
from tests.support.botapi import BotApiServer, FakeBotApi, FaultPolicy

TOKEN = "123456:RESTART-TEST"
USER = 5151
REPO = Path(__file__).resolve().parent.parent


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class Person:
    """Talks to the bot process through the stand-in, waiting for each reply like a person."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    def _sent(self) -> int:
        return len([c for c in self.api.calls if c.method in ("sendMessage", "editMessageText")
                    and c.ok])

    def last(self) -> dict:
        message = self.api.last_message(USER)
        assert message is not None
        return message

    def send(self, text: str, wait: bool = True) -> None:
        before = self._sent()
        self.api.push_update(self.api.message_update(text, chat_id=USER, user_id=USER))
        if wait:
            wait_until(lambda: self._sent() > before, f"a reply to {text!r}")

    def tap(self, label: str, wait: bool = True) -> None:
        message = self.last()
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        buttons = [b for row in rows for b in row if label in b["text"]]
        assert buttons, f"no {label!r} in {[b['text'] for row in rows for b in row]}"
        before = self._sent()
        self.api.push_update(self.api.callback_update(message, buttons[0]["callback_data"],
                                                      user_id=USER))
        if wait:
            wait_until(lambda: self._sent() > before, f"a reply to tapping {label!r}")


class BotProcess:
    """`python -m bot run` with a token and the stand-in's URL, as in production."""

    def __init__(self, server: BotApiServer, database: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("WEBHOOK")}
        self.env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=server.base_url,
                        COACHBOT_DB=str(database))
        self.api = server.api
        self.process: subprocess.Popen | None = None
        self.log: Path | None = None  # where the process's log goes (else nowhere)

    def start(self) -> None:
        registered = len(self.api.calls_of("setMyCommands"))
        log = self.log.open("a") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO,
                                        env=self.env, stdout=subprocess.DEVNULL, stderr=log)
        if self.log:
            log.close()
        wait_until(lambda: len(self.api.calls_of("setMyCommands")) > registered,
                   "the bot to start", timeout=60)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def world(tmp_path: Path):
    api = FakeBotApi(token=TOKEN)
    with BotApiServer(api) as server:
        bot = BotProcess(server, tmp_path / "coachbot.sqlite3")
        bot.start()
        yield bot, Person(api), tmp_path / "coachbot.sqlite3"
        if bot.process and bot.process.poll() is None:
            bot.kill()


def test_sigkill_between_messages_loses_nothing(world) -> None:
    """Killed and restarted twice, the next taps continue the dialogue with answers kept."""
    bot, person, database = world
    person.send("/menu")
    person.tap("Before you reach out")
    person.tap("Continue")
    person.send("To learn from people in the sex trades")
    person.tap("Both us and the community")
    person.tap("Humility")

    bot.kill()
    bot.start()
    person.tap("Done")                      # the checklist message from before the restart
    assert person.last()["text"].startswith("Is there a value of your own")
    person.send("Patience")
    person.tap("Both")

    bot.kill()
    bot.start()
    person.tap("Yes")
    person.send("A clinic we both refer to")
    person.tap("Skip")
    person.tap("Yes")
    person.send("Meeting space")
    person.tap("Yes")
    person.tap("Ask each one")
    person.tap("Yes")
    summary = person.last()["text"]
    assert "To learn from people in the sex trades" in summary
    assert "Humility" in summary and "Patience" in summary and "Meeting space" in summary
    store = SessionStore(database)
    assert store.integrity_ok()
    store.close()


def test_sigkill_while_an_update_is_in_flight_resumes_at_a_consistent_step(world) -> None:
    """Killed right after an answer arrives, the restarted bot applies it exactly once."""
    bot, person, database = world
    person.send("/menu")
    person.tap("Before you reach out")
    person.tap("Continue")
    person.send("Our first answer", wait=False)
    time.sleep(0.05)
    bot.kill()
    bot.start()
    store = SessionStore(database)
    wait_until(lambda: (s := store.load(USER).session) is not None and s.state == "who_benefits",
               "the answer to be applied after the restart")
    wait_until(lambda: person.last()["text"].startswith("Look at those reasons"),
               "the next step to be shown")
    session = store.load(USER).session
    assert session.answers["why"] == "Our first answer"
    assert session.history == ("intro", "why")
    assert store.integrity_ok()
    store.close()


def test_sigterm_finishes_the_update_in_hand_and_closes_the_database(tmp_path: Path) -> None:
    """SIGTERM while a reply is held up (Telegram said "retry in 2 s"): the reply is still
    sent, the process exits 0, and the database is closed cleanly (its -wal file merged and
    gone, and the log says so), with the person's answer stored."""
    api = FakeBotApi(token=TOKEN)
    database = tmp_path / "coachbot.sqlite3"
    with BotApiServer(api) as server:
        bot = BotProcess(server, database)
        bot.log = tmp_path / "bot.log"
        bot.start()
        try:
            person = Person(api)
            person.send("/start self_reflection")
            person.tap("Continue")
            api.faults = FaultPolicy(rate=1.0, kinds=("429",), retry_after=2,
                                     methods={"sendMessage"}, max_faults=1)
            person.send("To learn from people in the sex trades", wait=False)
            wait_until(lambda: api.injected_faults, "the reply to be held up")
            assert bot.process is not None
            bot.process.send_signal(signal.SIGTERM)
            assert bot.process.wait(timeout=30) == 0
        finally:
            if bot.process and bot.process.poll() is None:
                bot.kill()
    replies = [c for c in api.calls_of("sendMessage") if c.ok and c.params.get("chat_id") in
               (USER, str(USER))]
    assert replies[-1].params["text"].startswith("Look at those reasons honestly.")
    assert not Path(f"{database}-wal").exists()
    log = bot.log.read_text()
    assert "the database is closed" in log and "Traceback" not in log
    store = SessionStore(database)
    try:
        assert store.integrity_ok()
        assert store.load(USER).session.answers["why"] == "To learn from people in the sex trades"
    finally:
        store.close()
