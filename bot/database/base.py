"""What the store and the features may ask of a database, whichever engine holds it.

Statements are written once, with `?` placeholders and the SQL both engines speak (ON CONFLICT,
RETURNING, CASE rather than SQLite's two-argument MAX, no `INSERT OR REPLACE`). What differs
between the engines lives in their own module: transactions, schema scripts, the per-chat lock
that keeps two processes from applying updates of one chat at once, and the presence marks
that tell whether the process that claimed a scheduled run is still alive.
"""

from __future__ import annotations

import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class DatabaseUnusable(Exception):
    """The database cannot be used (unreachable, refused, or of a newer release); the message
    is one plain sentence saying what to do."""


class DatabaseUnavailable(Exception):
    """The database stopped answering for a moment (a broken connection, a lock held too
    long): the statement failed, and the same work may succeed if done again."""


@dataclass(frozen=True)
class Migration:
    """A named schema change, applied once per database: the name is what a database records
    as done, so a shipped migration is never renamed or edited (a database that already ran it
    would not see the change). Each feature declares its own beside the SQL that uses them.

    The SQL is one script for both engines; PostgreSQL reads `INTEGER` as `BIGINT` (Telegram
    ids need 64 bits) and `id INTEGER PRIMARY KEY [AUTOINCREMENT]` as an identity column."""

    name: str
    sql: str

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"a migration name is lower-case letters, digits and _: {self.name!r}")


class Rows(Protocol):
    """What a statement gives back (a DB-API cursor on either engine)."""

    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Database(ABC):
    """One connection, shared by the event loop and the reload thread: statements and
    transactions take `_lock`, so a transaction never interleaves with another thread's."""

    kind: str  # "sqlite" or "postgresql"
    where: str  # for messages: the file, or the server and database (never a password)

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._depth = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """Run one statement; outside `transaction` it commits at once."""
        with self._lock:
            return self._execute(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One write transaction, committed at the end and rolled back on any error. Nested
        uses join the outer transaction (a turn of a chat holds one around load and save)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self._begin()
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                self._rollback()
                raise
            self._depth = 0
            self._commit()

    @contextmanager
    def chat_turn(self, chat_id: int) -> Iterator[Database]:
        """A transaction holding the chat's lock: updates of one chat, whichever process
        receives them, are applied one after the other."""
        with self.transaction():
            self._lock_chat(chat_id)
            yield self

    def migrate(self, migrations: Iterable[Migration]) -> list[str]:
        """Apply, in order, each migration this database has not run yet (by name), each in its
        own transaction; returns the names applied now. Processes starting together apply
        each one once."""
        return [m.name for m in migrations if self._apply(m)]

    def migrations_done(self) -> set[str]:
        return {row[0] for row in self.execute("SELECT name FROM schema_migrations")}

    def refuse_unknown(self, known: Iterable[str]) -> None:
        """Stop when the database ran migrations this release does not have: a newer release
        set it up, and this one could damage what it does not know."""
        unknown = sorted(self.migrations_done() - set(known))
        if unknown:
            raise DatabaseUnusable(
                f"The database {self.where} was set up by a newer release of the bot (it has "
                f"schema changes this one does not know: {', '.join(unknown)}), so run that "
                "release or point the bot at another database.")

    # --- engine-specific ------------------------------------------------------------------

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any]) -> Rows: ...

    @abstractmethod
    def _begin(self) -> None: ...

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def _rollback(self) -> None: ...

    @abstractmethod
    def _lock_chat(self, chat_id: int) -> None: ...

    @abstractmethod
    def _apply(self, migration: Migration) -> bool:
        """Run one migration unless already done (checked inside its transaction)."""

    @abstractmethod
    def tables(self) -> set[str]:
        """The names of the tables in the database."""

    @abstractmethod
    def presence(self) -> int:
        """This process's mark, held as long as it is alive (0: the engine has none)."""

    @abstractmethod
    def alive(self, mark: int) -> bool:
        """Whether the process holding `mark` is still alive (True when it cannot be told)."""

    @abstractmethod
    def scrub(self) -> None:
        """Make rows just deleted unrecoverable from the database's files, as far as the
        engine lets a connection do it (after /forget and each purge)."""

    @abstractmethod
    def integrity_ok(self) -> bool: ...

    @abstractmethod
    def close(self) -> None: ...
