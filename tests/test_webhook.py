"""Webhook mode: the bot's own HTTP server accepts updates only with Telegram's secret token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from telegram import Update

from bot.store import SessionStore
from bot.webhook import Unavailable, handle
from dialogues.engine import Engine
from tests.support.botapi import BotApiServer, FakeBotApi
from tests.support.chat import running_app
from tests.support.coach import coach_app
from tests.support.ports import free_port, listening
from tests.support.postgres import PostgresServer

TOKEN = "123456:WEBHOOK-TEST"
SECRET = "s3cret-Token_123"
REPO = Path(__file__).resolve().parent.parent


def post(port: int, update: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(f"http://127.0.0.1:{port}/hook",
                                     data=json.dumps(update).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def webhook_bot(tmp_path: Path):
    api = FakeBotApi(token=TOKEN)
    port = free_port()
    with BotApiServer(api) as server:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": server.base_url,
               "COACHBOT_DB": str(tmp_path / "db.sqlite3"), "PORT": str(port),
               "WEBHOOK_URL": f"http://127.0.0.1:{port}/hook", "WEBHOOK_SECRET": SECRET}
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while not api.calls_of("setWebhook") and time.monotonic() < deadline:
                time.sleep(0.05)
            assert api.calls_of("setWebhook"), "the bot never registered its webhook"
            while time.monotonic() < deadline:
                if listening(port):
                    break
                time.sleep(0.05)
            yield api, port
        finally:
            process.kill()
            process.wait(timeout=10)


def test_webhook_requires_the_secret_token(webhook_bot) -> None:
    """Requests without the secret, or with a wrong one, are rejected and never handled;
    the right secret gets the update handled."""
    api, port = webhook_bot
    assert api.calls_of("setWebhook")[-1].params["secret_token"] == SECRET
    start = api.message_update("/start", chat_id=777, user_id=777)
    assert post(port, start, None) == 403
    assert post(port, start, "wrong") == 403
    time.sleep(0.3)
    assert api.sent_messages(777) == []
    assert post(port, start, SECRET) == 200
    deadline = time.monotonic() + 10
    while not api.sent_messages(777) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Re-Center Coach" in api.sent_messages(777)[0]["text"]


def test_a_webhook_without_a_secret_refuses_to_start(tmp_path: Path) -> None:
    """WEBHOOK_URL without WEBHOOK_SECRET: one plain sentence saying what to set, exit 2, and
    nothing registered with Telegram or listening on the port."""
    api = FakeBotApi(token=TOKEN)
    port = free_port()
    with BotApiServer(api) as server:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": server.base_url,
               "COACHBOT_DB": str(tmp_path / "db.sqlite3"), "PORT": str(port),
               "WEBHOOK_URL": f"http://127.0.0.1:{port}/hook"}
        env.pop("WEBHOOK_SECRET", None)
        done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("Cannot start: WEBHOOK_URL is set but WEBHOOK_SECRET")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert api.calls_of("setWebhook") == [] and api.calls == []
    assert not listening(port)


async def test_an_update_that_meets_a_broken_database_connection_is_asked_for_again(
        postgres: PostgresServer, engine: Engine) -> None:
    """The server drops the bot's connection: the update that meets the break is answered 503
    (Telegram sends it again), and its second delivery is applied, once."""
    store = SessionStore(postgres.new_database())
    api = FakeBotApi(token=TOKEN)
    unavailable = Unavailable()
    async with running_app(coach_app(engine, store, api)) as application:
        application.add_error_handler(unavailable)
        (pid,) = store.db.execute("SELECT pg_backend_pid()").fetchone()
        with psycopg.connect(postgres.url(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        start = Update.de_json(api.message_update("/start", chat_id=778, user_id=778),
                               application.bot)
        assert await handle(application, start, unavailable) == 503
        assert await handle(application, start, unavailable) == 200
    assert "Re-Center Coach" in api.sent_messages(778)[-1]["text"]
    assert store.load(778).last_update_id == start.update_id
    store.close()
