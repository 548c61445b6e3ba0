"""Memory that grows with the number of people: 10,000 stored sessions and 10,000 people seen
by the per-person rate limiter, measured as resident memory (RSS) of this process.

Three measurements, each against its own baseline taken in the same process just before:
the session store alone (`bot.store.SessionStore`, 10,000 sessions part-way through the
self-reflection dialogue saved and read back), the rate limiter alone (its public class
`bot.features.ratelimit.limit.RateLimit`, one update from each of 10,000 people), and the
whole stack (PTB's `Application` with the coach's handlers and the limiter installed, 10,000
people each sending /start and tapping the first dialogue, against a Bot API that keeps
nothing), after a warm-up of 200 people so that code and caches loaded once are not counted.
Target: 10,000 of each add <= 20 MB.

    .venv/bin/python -m bench.memory [--people 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import tempfile
from pathlib import Path

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bench.throughput import CONTENT, TOKEN, production_logging, scripted_actions
from bot.features.ratelimit.limit import RateLimit
from bot.settings import Settings
from bot.store import SessionStore
from dialogues import callbacks
from dialogues.content.loader import load_library
from dialogues.engine import Engine
from dialogues.events import ShowHome, TextInput
from dialogues.session import Session
from tests.support.botapi import FakeBotApi

MB = 1024 * 1024


def rss() -> int:
    """Resident memory of this process now, in bytes (after a garbage collection)."""
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def midway(engine: Engine) -> Session:
    """A session part-way through the self-reflection dialogue (a few answers given)."""
    result = engine.handle(None, ShowHome())
    for kind, payload in scripted_actions(engine)[1:9]:
        event = callbacks.decode(payload) if kind == "tap" else TextInput(payload)
        assert event is not None
        result = engine.handle(result.session, event)
    assert result.session is not None
    return result.session


def store_alone(engine: Engine, people: int, folder: Path) -> int:
    session = midway(engine)
    store = SessionStore(folder / "store.sqlite3")
    before = rss()
    for chat_id in range(1, people + 1):
        store.save(chat_id, chat_id, session, 1)
    for chat_id in range(1, people + 1):
        store.load(chat_id)
    grown = rss() - before
    store.close()
    return grown


def limiter_alone(people: int) -> int:
    limit = RateLimit(30, lambda _update: "slow down")
    before = rss()
    for user_id in range(1, people + 1):
        limit.allow(user_id)
    return rss() - before


async def feed(application, api: FakeBotApi, first: int, people: int, menu_tap: str) -> None:
    processor, bot = application.update_processor, application.bot
    for chat_id in range(first, first + people):
        message = {"message_id": 1, "date": 0, "text": "menu",
                   "chat": {"id": chat_id, "type": "private"}, "from": api.bot_user}
        for data in (api.message_update("/start", chat_id=chat_id, user_id=chat_id),
                     api.callback_update(message, menu_tap, user_id=chat_id)):
            update = Update.de_json(json.loads(json.dumps(data)), bot)
            await processor.process_update(update, application.process_update(update))


class Forgetful(BaseRequest):
    """A Bot API that answers every call and keeps nothing (the test stand-in keeps every
    chat's messages, which is its memory, not the bot's)."""

    def __init__(self, api: FakeBotApi) -> None:
        self.me = json.dumps({"ok": True, "result": {**api.bot_user, "can_join_groups": True,
                                                     "can_read_all_group_messages": False,
                                                     "supports_inline_queries": True}}).encode()
        self.sent = json.dumps({"ok": True, "result": {
            "message_id": 2, "date": 0, "text": "ok", "chat": {"id": 1, "type": "private"},
            "from": api.bot_user}}).encode()

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = None, write_timeout: object = None,
                         connect_timeout: object = None, pool_timeout: object = None,
                         ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1].lower()
        if name == "getme":
            return 200, self.me
        if name in ("sendmessage", "editmessagetext"):
            return 200, self.sent
        return 200, b'{"ok": true, "result": true}'


def whole_stack(engine: Engine, people: int, folder: Path) -> int:
    """RSS growth of the running bot for `people` new people."""
    from bot.app import build_application

    store = SessionStore(folder / "stack.sqlite3")
    api = FakeBotApi(token=TOKEN)
    builder = (Application.builder().token(TOKEN).request(Forgetful(api))
               .get_updates_request(Forgetful(api)))
    application = build_application(Settings.from_env({}), engine, store, rate_limit=False,
                                    builder=builder)
    menu_tap = scripted_actions(engine)[1][1]

    async def go() -> int:
        await application.initialize()
        await feed(application, api, 1_000_000, 200, menu_tap)
        before = rss()
        await feed(application, api, 1, people, menu_tap)
        grown = rss() - before
        await application.shutdown()
        return grown

    grown = asyncio.run(go())
    store.close()
    return grown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    args = parser.parse_args()
    production_logging()
    engine = Engine.serving(load_library(CONTENT))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store = store_alone(engine, args.people, folder)
        limiter = limiter_alone(args.people)
        stack = whole_stack(engine, args.people, folder)
    print(f"{args.people} people; resident memory added (RSS, after gc), each against a "
          "baseline taken just before in this process:")
    print(f"  session store, {args.people} sessions saved and read:  {store / MB:6.1f} MB")
    print(f"  rate limiter, {args.people} people seen:               {limiter / MB:6.1f} MB")
    print(f"  sum of the two:                                 {(store + limiter) / MB:6.1f} MB "
          "(target <= 20 MB)")
    print(f"  whole stack, {args.people} people (/start and a tap each): {stack / MB:6.1f} MB")


if __name__ == "__main__":
    main()
