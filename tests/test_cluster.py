"""Two real bot processes in webhook mode behind a loopback load balancer, on one PostgreSQL
database: a person's updates alternate between them; a SIGHUP reload on one reaches the other;
one process is killed with SIGKILL in the middle of the dialogue and of a 200-prompt broadcast.
Then we count: every answer applied once (none lost, none doubled) and each of the 200 due
prompts sent exactly once."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.throughput import scripted_actions
from bot.features import FEATURES
from bot.features.schedules.store import SENT, ScheduleStore
from bot.store import SessionStore
from dialogues.content.loader import load_library
from dialogues.engine import Engine
from dialogues.schedules.model import Timing
from tests.support.balancer import Balancer
from tests.support.botapi import BotApiServer, FakeBotApi
from tests.support.ports import free_port, listening
from tests.support.postgres import PostgresServer
from tests.test_restart import wait_until

pytestmark = pytest.mark.slow

TOKEN = "123456:CLUSTER-TEST"
SECRET = "cluster-Secret_1"
USER = 6161
PROMPTS = 200
RATE = 10  # prompts per second, so that the kill comes mid-broadcast on a slow machine too
FIRST_GROUP = -1_000_000_000_001
REPO = Path(__file__).resolve().parent.parent


def answers() -> Iterator[str]:
    """Each typed answer of the walk different, so a lost or doubled one shows in the summary."""
    return (f"Typed answer number {n} of the cluster walk" for n in itertools.count(1))


def due_schedules(url: str, count: int) -> list[int]:
    """`count` groups whose prompt was due this minute (UTC): missed while no process ran, so
    each process that starts finds every one of them due now."""
    store = SessionStore(url)
    for feature in FEATURES:
        store.migrate(feature.migrations)
    schedules = ScheduleStore(store)
    now = datetime.now(UTC)
    timing = Timing(frozenset({now.weekday()}), now.time().replace(second=0, microsecond=0),
                    "UTC")
    chats = [FIRST_GROUP - i for i in range(count)]
    for chat_id in chats:
        schedules.add(chat_id, "en", "weekly", timing, now - timedelta(days=1))
    store.close()
    return chats


class WebhookBot:
    """`python -m bot run` in webhook mode on its own loopback port."""

    def __init__(self, server: BotApiServer, url: str, port: int, balancer_port: int,
                 log: Path) -> None:
        self.port = port
        self.log = log
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("COACHBOT")}
        self.env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=server.base_url,
                        COACHBOT_DATABASE_URL=url, PORT=str(self.port), WEBHOOK_LISTEN="127.0.0.1",
                        WEBHOOK_URL=f"http://127.0.0.1:{balancer_port}/hook",
                        WEBHOOK_SECRET=SECRET, COACHBOT_BROADCAST_RATE=str(RATE))
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO,
                                        env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=log.open("w"))

    def listening(self) -> bool:
        return listening(self.port)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


class Person:
    """Posts updates to the load balancer, as Telegram would, and waits for each reply."""

    def __init__(self, api: FakeBotApi, balancer: Balancer) -> None:
        self.api = api
        self.balancer = balancer

    def replies(self) -> int:
        return len([c for c in self.api.calls if c.ok and c.params.get("chat_id") in (USER, str(USER))
                    and c.method in ("sendMessage", "editMessageText")])

    def post(self, update: dict) -> None:
        before = self.replies()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.balancer.port}/hook", data=json.dumps(update).encode(),
            headers={"Content-Type": "application/json",
                     "X-Telegram-Bot-Api-Secret-Token": SECRET})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
        wait_until(lambda: self.replies() > before, "a reply")

    def send(self, text: str) -> None:
        self.post(self.api.message_update(text, chat_id=USER, user_id=USER))

    def act(self, kind: str, payload: str) -> None:
        """Type `payload`, or tap the button whose callback data it is."""
        if kind == "text":
            self.send(payload)
            return
        message = self.api.last_message(USER)
        assert message is not None
        self.post(self.api.callback_update(message, payload, user_id=USER))


def prompts_sent(api: FakeBotApi) -> dict[int, int]:
    counts: dict[int, int] = {}
    for call in api.calls_of("sendMessage"):
        chat_id = int(call.params["chat_id"])
        if call.ok and chat_id <= FIRST_GROUP:
            counts[chat_id] = counts.get(chat_id, 0) + 1
    return counts


def kill_between_sends(api: FakeBotApi, bot: WebhookBot) -> None:
    """SIGKILL just after a prompt went out: the next one is a budget moment (100 ms) away."""
    seen = len(prompts_sent(api))
    wait_until(lambda: len(prompts_sent(api)) > seen, "the next prompt")
    time.sleep(0.01)
    bot.kill()


def test_two_processes_one_killed_lose_and_double_nothing(postgres: PostgresServer,
                                                          tmp_path: Path) -> None:
    url = postgres.new_database()
    walk = scripted_actions(Engine(load_library(REPO / "content")), answers())
    typed = [payload for kind, payload in walk if kind == "text" and not payload.startswith("/")]
    chats = due_schedules(url, PROMPTS)
    api = FakeBotApi(token=TOKEN)
    ports = [free_port(), free_port()]
    with BotApiServer(api) as server, Balancer(ports) as balancer:
        # The first process up claims every due run; the second takes over what the first
        # could not send before it was killed.
        bots: list[WebhookBot] = []
        try:
            for i, port in enumerate(ports):
                bots.append(WebhookBot(server, url, port, balancer.port, tmp_path / f"bot{i}.log"))
                wait_until(bots[-1].listening, f"bot {i} to listen", timeout=90)
            person = Person(api, balancer)
            wait_until(lambda: len(prompts_sent(api)) >= 20, "the broadcast to start")
            half = len(walk) // 2
            for index, (kind, payload) in enumerate(walk):
                if index == half // 2:  # content reloaded on one process reaches the other
                    bots[1].process.send_signal(signal.SIGHUP)
                    wait_until(lambda: "another process reloaded" in bots[0].log.read_text(),
                               "the other process to follow the reload")
                if index == half:
                    assert len(prompts_sent(api)) < PROMPTS - 20, "the kill must come mid-broadcast"
                    kill_between_sends(api, bots[0])
                person.act(kind, payload)
            summary = api.last_message(USER)["text"]
            wait_until(lambda: len(prompts_sent(api)) >= PROMPTS, "every prompt", timeout=60)
            time.sleep(1)  # anything sent twice would show by now
        finally:
            for bot in bots:
                if bot.process.poll() is None:
                    bot.kill()
    assert balancer.routed[ports[0]] > 0 and balancer.routed[ports[1]] > 0
    for answer in typed:
        assert summary.count(answer) == 1, answer
    counts = prompts_sent(api)
    assert sorted(counts) == sorted(chats)
    assert set(counts.values()) == {1}
    store = SessionStore(url)
    states = store.db.execute("SELECT state, COUNT(*) FROM schedule_runs GROUP BY state").fetchall()
    owners = store.db.execute("SELECT COUNT(DISTINCT owner) FROM schedule_runs").fetchone()[0]
    store.close()
    assert states == [(SENT, PROMPTS)]
    assert owners == 2, "the second process took over the first one's unsent runs"
