"""With encryption off, text a person deleted (/forget) or that outlived its purpose (the purge)
cannot be found in any of the SQLite files afterwards: the main file, -wal and -shm are read
as raw bytes for a unique typed answer."""

from __future__ import annotations

from pathlib import Path

from bot.store import SessionStore
from dialogues.engine import Engine
from tests.support.botapi import FakeBotApi
from tests.support.chat import ChatDriver, running_app
from tests.support.coach import coach_app

TOKEN = "123456:ON-DISK"
USER = 8181
ANSWER = "Quokka-Zebra-7319 learns from the community"


def on_disk(database: Path) -> bytes:
    """Every byte of every file of the database (main, -wal, -shm, any journal)."""
    return b"".join(f.read_bytes() for f in sorted(database.parent.glob(database.name + "*")))


async def answer_then(engine: Engine, database: Path, store: SessionStore,
                      last: str | None) -> None:
    application = coach_app(engine, store, FakeBotApi(token=TOKEN))
    async with running_app(application):
        chat = ChatDriver(application, application.bot_data["api"], chat_id=USER, user_id=USER)
        await chat.send("/start self_reflection")
        await chat.tap("Continue ▸")
        await chat.send(ANSWER)
        assert ANSWER.encode() in on_disk(database)  # the search looks in the right place
        if last is not None:
            await chat.send(last)


async def test_forget_leaves_no_typed_text_in_any_database_file(engine: Engine,
                                                                tmp_path: Path) -> None:
    database = tmp_path / "coachbot.sqlite3"
    store = SessionStore(database)
    try:
        await answer_then(engine, database, store, "/forget")
        assert store.load(USER).session is None
        assert ANSWER.encode() not in on_disk(database)
    finally:
        store.close()


async def test_the_purge_leaves_no_finished_answers_in_any_database_file(
        engine: Engine, tmp_path: Path) -> None:
    """A dialogue left idle past the retention period: after the purge job runs, its typed
    answer is gone from the files too, not only from the tables."""
    database = tmp_path / "coachbot.sqlite3"
    now = [1_800_000_000.0]
    store = SessionStore(database, retention_days=1, clock=lambda: now[0])
    try:
        await answer_then(engine, database, store, None)
        now[0] += 2 * 86_400
        assert store.purge()["idle_chats"] == 1
        assert ANSWER.encode() not in on_disk(database)
    finally:
        store.close()
