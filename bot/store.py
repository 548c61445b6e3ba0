"""Durable sessions, committed before any reply is sent, in SQLite or PostgreSQL (`bot.database`).

A process killed between two messages (even mid-write) leaves a consistent database, and the
next update continues where the person was; a chat's turn (`turn`) holds the chat's lock from
loading its session to saving the new one, so updates of one chat received by two processes
are applied one after the other. The schema is versioned by named migrations (`Migration`):
the store's own, and each feature's beside its SQL, the same on both engines. We keep only
what is needed: the session of a dialogue in progress, and the ids of the updates applied per
chat (so an update Telegram delivers again after a crash is recognised and not applied twice).

Privacy rules enforced here (SECURITY.md states them for people): a finished dialogue's answers
are unreadable after a grace window and deleted by `purge`; answers a person chose to keep live
in `kept_answers` for `KEEP_DAYS`; idle chats are purged after the retention period; answers
are sealed with `Sealer` when a key is set; and `forget_user` asks every registered feature
(`DataKind`) to delete the person's rows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from bot.crypto import Sealer, SealError
from bot.database import Database, Migration, open_database
from bot.logsafe import who
from dialogues.session import InvalidSession, Session

__all__ = ["DAY", "KEEP_DAYS", "MIGRATIONS", "DataKind", "Kept", "Migration", "SessionStore",
           "Stored"]

log = logging.getLogger(__name__)


# The store's own tables: chat sessions, then finished answers and kept answers (the privacy
# rules below). Features bring theirs (bot/features/*/store.py); all run in the declared order.
MIGRATIONS: tuple[Migration, ...] = (
    Migration("sessions", """
        CREATE TABLE sessions (
            chat_id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,
            data TEXT,
            last_update_id INTEGER NOT NULL DEFAULT 0,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX sessions_user ON sessions(user_id);
    """),
    Migration("privacy", """
        ALTER TABLE sessions ADD COLUMN finished INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE kept_answers (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,
            data TEXT NOT NULL,
            kept_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE INDEX kept_answers_user ON kept_answers(user_id);
    """),
    # Several processes may apply a chat's updates out of Telegram's order: remember the ids
    # of the last few applied, not only the highest (see `Applied`).
    Migration("recent_updates", """
        ALTER TABLE sessions ADD COLUMN recent_updates TEXT NOT NULL DEFAULT ''
    """),
)
RECENT_UPDATES = 20  # update ids remembered per chat

DAY = 86_400
KEEP_DAYS = 30  # "Keep my answers for 30 days" (the wording in content/ says 30)


@dataclass(frozen=True)
class DataKind:
    """One kind of data a feature keeps about a person, so /forget and /mydata cover it.

    `key` names its wording (ui.yaml: ``data_<key>``); `forget(user_id)` deletes the person's
    rows and returns how many; `describe(user_id, locale)` says in plain words of that
    language what is held (no lines: nothing). Features declare theirs (`Feature.data_kinds`);
    the application registers them with `SessionStore.register`.
    """

    key: str
    forget: Callable[[int], int]
    describe: Callable[[int, str], list[str]]


@dataclass(frozen=True)
class Kept:
    """Answers a person chose to keep, with when they were kept and when they go."""

    session: Session
    kept_at: int
    expires_at: int


@dataclass(frozen=True)
class Applied:
    """The update ids a chat has seen applied: every id up to `floor`, and those in `recent`
    above it (the last `RECENT_UPDATES`). Stored as ``floor|id,id,…``."""

    floor: int = 0
    recent: tuple[int, ...] = ()

    @classmethod
    def parse(cls, text: str, last_update_id: int) -> Applied:
        if "|" not in text:  # saved before ids were remembered: the highest one decides
            return cls(last_update_id)
        floor, _, ids = text.partition("|")
        return cls(int(floor), tuple(int(i) for i in ids.split(",") if i))

    def __contains__(self, update_id: int) -> bool:
        return update_id <= self.floor or update_id in self.recent

    def add(self, update_id: int) -> Applied:
        ids = sorted({*self.recent, update_id})
        dropped, kept = ids[:-RECENT_UPDATES], ids[-RECENT_UPDATES:]
        return Applied(max([self.floor, *dropped]), tuple(kept))

    def text(self) -> str:
        return f"{self.floor}|{','.join(map(str, self.recent))}"


@dataclass(frozen=True)
class Stored:
    """A chat's saved state: its session (None when idle), the highest update id applied, and
    which ids were applied."""

    session: Session | None
    last_update_id: int
    applied: Applied = Applied()

    def already_applied(self, update_id: int) -> bool:
        """Whether this update was applied before (Telegram delivered it again). An older id
        that was never applied is not: with several processes, update 10 can reach the chat
        after update 11, and it must still be applied, not dropped."""
        return update_id in self.applied


class SessionStore:
    """Sessions keyed by chat id, on the database at `location`: a SQLite file (or
    ":memory:"), or a `postgresql://` URL."""

    def __init__(self, location: Path | str, sealer: Sealer | None = None,
                 grace_seconds: int = 3600, retention_days: int = 30,
                 clock: Callable[[], float] = time.time) -> None:
        self.sealer = sealer or Sealer()
        self.grace_seconds = grace_seconds
        self.retention_days = retention_days
        self.clock = clock
        self.kinds: dict[str, DataKind] = {}
        self._db = open_database(location)
        self.migrate(MIGRATIONS)

    def migrate(self, migrations: Iterable[Migration]) -> list[str]:
        """Apply, in order, each migration this database has not run yet (by name), each in
        its own transaction; returns the names applied now."""
        return self._db.migrate(migrations)

    def transaction(self) -> AbstractContextManager[Database]:
        """One write transaction (rolled back on any error), for features that keep their own
        tables in the same database; inside a chat's `turn` it joins the turn's."""
        return self._db.transaction()

    def turn(self, chat_id: int) -> AbstractContextManager[Database]:
        """The chat's lock and a transaction, from loading its session to saving the new one."""
        return self._db.chat_turn(chat_id)

    @property
    def db(self) -> Database:
        """The database: each statement outside `transaction` commits at once."""
        return self._db

    def load(self, chat_id: int) -> Stored:
        """The chat's session; a finished one past its grace window, or one idle past the
        retention period, reads as none (the purge job deletes it)."""
        row = self._db.execute(
            "SELECT data, last_update_id, finished, updated_at, recent_updates FROM sessions "
            "WHERE chat_id = ?", (chat_id,)).fetchone()
        if row is None:
            return Stored(None, 0)
        data, last_update_id, finished, updated_at, recent = row
        remembered = Applied.parse(recent, last_update_id)
        if data is None or updated_at < self.clock() - self._lifetime(bool(finished)):
            return Stored(None, last_update_id, remembered)
        session = self._open(data)
        if session is None:
            log.warning("discarding an unreadable session (chat %s)", who(chat_id))
        return Stored(session, last_update_id, remembered)

    def save(self, chat_id: int, user_id: int, session: Session | None, update_id: int,
             kept: Session | None = None) -> None:
        """Store the chat's session (None: idle) and the update that produced it, atomically;
        `kept` is a finished session filed away for `KEEP_DAYS` in the same transaction."""
        data = self.sealer.seal(session.to_json()) if session is not None else None
        now = int(self.clock())
        with self.transaction() as db:
            row = db.execute("SELECT recent_updates, last_update_id FROM sessions WHERE chat_id = ?",
                             (chat_id,)).fetchone()
            earlier = Applied.parse(*row) if row else Applied()
            recent = earlier.add(update_id).text()
            db.execute(
                """
                INSERT INTO sessions (chat_id, user_id, data, last_update_id, updated_at, finished,
                                      recent_updates)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(chat_id) DO UPDATE SET
                    user_id = excluded.user_id, data = excluded.data,
                    last_update_id = CASE WHEN excluded.last_update_id > sessions.last_update_id
                        THEN excluded.last_update_id ELSE sessions.last_update_id END,
                    updated_at = excluded.updated_at, finished = excluded.finished,
                    recent_updates = excluded.recent_updates
                """,
                (chat_id, user_id, data, update_id, now,
                 int(bool(session and session.finished)), recent),
            )
            if kept is not None:
                db.execute(
                    "INSERT INTO kept_answers (user_id, data, kept_at, expires_at) "
                    "VALUES (?, ?, ?, ?)",
                    (user_id, self.sealer.seal(kept.to_json()), now, now + KEEP_DAYS * DAY),
                )

    # --- what a person can see and delete ----------------------------------------------------

    def register(self, kind: DataKind) -> None:
        """Include a feature's data in /forget and /mydata."""
        self.kinds[kind.key] = kind

    def forget_user(self, user_id: int) -> dict[str, int]:
        """Delete every row about this user in every registered feature: rows deleted per kind
        (kinds that held nothing are left out)."""
        counts = {key: kind.forget(user_id) for key, kind in self.kinds.items()}
        self.scrub()
        return {key: count for key, count in counts.items() if count}

    def describe_user(self, user_id: int, locale: str) -> dict[str, list[str]]:
        """What each registered feature holds about this user, in plain words of `locale`."""
        found = {key: kind.describe(user_id, locale) for key, kind in self.kinds.items()}
        return {key: lines for key, lines in found.items() if lines}

    def forget_sessions(self, user_id: int) -> int:
        """Delete the person's chat records (sessions and the last update seen)."""
        return self._db.execute("DELETE FROM sessions WHERE user_id = ? OR chat_id = ?",
                                (user_id, user_id)).rowcount

    def forget_kept(self, user_id: int) -> int:
        return self._db.execute("DELETE FROM kept_answers WHERE user_id = ?", (user_id,)).rowcount

    def chat_records(self, user_id: int) -> list[tuple[int, Session | None, bool, int]]:
        """(chat id, readable session or None, finished, last activity) of each of the
        person's chats."""
        rows = self._db.execute(
            "SELECT chat_id, data, finished, updated_at FROM sessions "
            "WHERE user_id = ? OR chat_id = ? ORDER BY chat_id", (user_id, user_id)).fetchall()
        return [(chat_id, self.load(chat_id).session if data else None, bool(finished), updated_at)
                for chat_id, data, finished, updated_at in rows]

    def kept(self, user_id: int) -> list[Kept]:
        """The person's kept answers that are still within their 30 days, oldest first."""
        rows = self._db.execute(
            "SELECT data, kept_at, expires_at FROM kept_answers WHERE user_id = ? "
            "AND expires_at > ? ORDER BY id", (user_id, int(self.clock()))).fetchall()
        return [Kept(session, kept_at, expires_at) for data, kept_at, expires_at in rows
                if (session := self._open(data)) is not None]

    def purge(self) -> dict[str, int]:
        """Delete finished sessions past the grace window, chats idle past the retention
        period, and kept answers past their 30 days: rows deleted per rule."""
        now = int(self.clock())
        with self.transaction() as db:
            idle = db.execute("DELETE FROM sessions WHERE updated_at < ?",
                              (now - self.retention_days * DAY,)).rowcount
            finished = db.execute(
                "UPDATE sessions SET data = NULL, finished = 0 "
                "WHERE finished = 1 AND data IS NOT NULL AND updated_at < ?",
                (now - self.grace_seconds,)).rowcount
            expired = db.execute("DELETE FROM kept_answers WHERE expires_at <= ?",
                                 (now,)).rowcount
        self.scrub()
        return {"idle_chats": idle, "finished_answers": finished, "kept_answers": expired}

    def scrub(self) -> None:
        """Make what was just deleted unrecoverable from the database files, even if the
        process is killed next: secure_delete has zeroed it in the newest copy of each page,
        and this checkpoint writes those pages into the main file and empties the -wal file,
        where the older copies (with the text) were (see `Database.scrub`)."""
        self._db.scrub()

    def _lifetime(self, finished: bool) -> int:
        return self.grace_seconds if finished else self.retention_days * DAY

    def _open(self, data: str) -> Session | None:
        try:
            return Session.from_json(self.sealer.open(data))
        except (InvalidSession, SealError):
            return None

    def integrity_ok(self) -> bool:
        return self._db.integrity_ok()

    def close(self) -> None:
        self._db.close()
