"""Durable sessions in SQLite: committed before any reply is sent.

WAL mode with one writer: a process killed between two messages (even mid-write) leaves a
consistent database, and the next update continues where the person was. The schema is
versioned by a small migration table. We keep only what the feature needs: the session of a
dialogue in progress, and the last update id seen per chat (so an update Telegram delivers
again after a crash is recognised and not applied twice).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.logsafe import who
from dialogues.session import InvalidSession, Session

log = logging.getLogger(__name__)

# Named schema changes, applied once each, in this order. Add new ones at the end; never edit
# one that has shipped (a database that already ran it would not see the change).
MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("sessions", """
        CREATE TABLE sessions (
            chat_id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,
            data TEXT,
            last_update_id INTEGER NOT NULL DEFAULT 0,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX sessions_user ON sessions(user_id);
    """),
    # Quick guidance: votes keep only the card and the vote; unanswered questions only a count.
    ("guidance_feedback", """
        CREATE TABLE guidance_feedback (
            id INTEGER PRIMARY KEY,
            card_id TEXT NOT NULL,
            helpful INTEGER NOT NULL CHECK (helpful IN (0, 1))
        );
        CREATE TABLE guidance_counters (
            name TEXT PRIMARY KEY,
            count INTEGER NOT NULL
        );
    """),
    ("user_language", """
        CREATE TABLE user_language (user_id INTEGER PRIMARY KEY, locale TEXT NOT NULL)
    """),
    # Scheduled reflection prompts (bot/schedule_store.py): schedules, claimed runs, setup drafts.
    ("schedules", """
        CREATE TABLE schedules (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_id INTEGER NOT NULL,
            locale TEXT NOT NULL,
            prompt_set TEXT NOT NULL,
            weekdays TEXT NOT NULL,
            monthly INTEGER NOT NULL DEFAULT 0,
            at_time TEXT NOT NULL,
            zone TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active',
            seen TEXT NOT NULL DEFAULT '[]',
            since INTEGER NOT NULL
        );
        CREATE INDEX schedules_chat ON schedules(chat_id);
        CREATE TABLE schedule_runs (
            schedule_id INTEGER NOT NULL,
            due_at INTEGER NOT NULL,
            prompt_id TEXT,
            state TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (schedule_id, due_at)
        );
        CREATE TABLE schedule_drafts (
            chat_id INTEGER PRIMARY KEY,
            data TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        )
    """),
)


@dataclass(frozen=True)
class Stored:
    """A chat's saved state: its session (None when idle) and the last update applied."""

    session: Session | None
    last_update_id: int


class SessionStore:
    """SQLite-backed sessions keyed by chat id; one connection, used from one thread."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            _create_private_file(Path(self.path))
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._migrate()

    def _migrate(self) -> None:
        self._db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)")
        done = {row[0] for row in self._db.execute("SELECT name FROM schema_migrations")}
        for name, script in MIGRATIONS:
            if name in done:
                continue
            with self.transaction() as db:
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations (name) VALUES (?)", (name,))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT, rolled back on any error), for
        features that keep their own tables in the same database."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, in autocommit mode: each statement outside `transaction` commits."""
        return self._db

    def load(self, chat_id: int) -> Stored:
        row = self._db.execute(
            "SELECT data, last_update_id FROM sessions WHERE chat_id = ?", (chat_id,)
        ).fetchone()
        if row is None:
            return Stored(None, 0)
        data, last_update_id = row
        if data is None:
            return Stored(None, last_update_id)
        try:
            return Stored(Session.from_json(data), last_update_id)
        except InvalidSession:
            log.warning("discarding an unreadable session (chat %s)", who(chat_id))
            return Stored(None, last_update_id)

    def save(self, chat_id: int, user_id: int, session: Session | None, update_id: int) -> None:
        """Store the chat's session (None: idle) and the update that produced it, atomically."""
        data = session.to_json() if session is not None else None
        self._db.execute(
            """
            INSERT INTO sessions (chat_id, user_id, data, last_update_id, updated_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(chat_id) DO UPDATE SET
                user_id = excluded.user_id, data = excluded.data,
                last_update_id = MAX(sessions.last_update_id, excluded.last_update_id),
                updated_at = excluded.updated_at
            """,
            (chat_id, user_id, data, update_id, int(time.time())),
        )

    def forget_user(self, user_id: int) -> int:
        """Delete every row about this user; returns how many sessions held answers."""
        held = self._db.execute(
            "SELECT COUNT(*) FROM sessions WHERE (user_id = ? OR chat_id = ?) AND data IS NOT NULL",
            (user_id, user_id),
        ).fetchone()[0]
        self._db.execute("DELETE FROM sessions WHERE user_id = ? OR chat_id = ?", (user_id, user_id))
        self._db.execute("DELETE FROM user_language WHERE user_id = ?", (user_id,))
        return held

    def integrity_ok(self) -> bool:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def close(self) -> None:
        self._db.close()


def _create_private_file(path: Path) -> None:
    """Create the database readable by its owner only, before SQLite opens it."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
