"""SQLite, the embedded default: one file in WAL mode, created readable by its owner only.

`BEGIN IMMEDIATE` takes the file's write lock, so a transaction is already alone among every
process using the file: the per-chat lock needs nothing more. Presence marks do not exist
here: a run claimed by a process that died is never taken over (at most once, as before).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.database.base import Database, DatabaseUnavailable, DatabaseUnusable, Migration, Rows


class SqliteDatabase(Database):
    kind = "sqlite"

    def __init__(self, path: Path | str, read_only: bool = False) -> None:
        super().__init__()
        self.where = str(path)
        try:
            if read_only:
                uri = f"{Path(path).resolve().as_uri()}?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, isolation_level=None,
                                           check_same_thread=False)
                return
            if self.where != ":memory:":
                _create_private_file(Path(path))
            self._db = sqlite3.connect(self.where, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA busy_timeout=5000")
            _use_wal(self._db)
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA secure_delete=ON")  # deleted text is overwritten, not freed
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)")
        except (sqlite3.Error, OSError) as error:
            raise DatabaseUnusable(f"Could not open the SQLite database {self.where} ({error}), "
                                   "so check COACHBOT_DB and that its folder is writable.") from error

    def _execute(self, sql: str, params: Sequence[Any]) -> Rows:
        try:
            return self._db.execute(sql, tuple(params))
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise DatabaseUnavailable(f"SQLite {self.where}: {error}") from error
            raise

    def _begin(self) -> None:
        self._execute("BEGIN IMMEDIATE", ())

    def _commit(self) -> None:
        self._db.execute("COMMIT")

    def _rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def _lock_chat(self, chat_id: int) -> None:
        """BEGIN IMMEDIATE already holds the write lock of the whole file."""

    def _apply(self, migration: Migration) -> bool:
        # One script, parsed by SQLite itself; the name is recorded first, so a process that
        # lost the race to another fails on the key and rolls back.
        script = (f"BEGIN IMMEDIATE;\nINSERT INTO schema_migrations (name) VALUES "
                  f"('{migration.name}');\n{migration.sql};\nCOMMIT;")
        with self._lock:
            if migration.name in self.migrations_done():
                return False
            try:
                self._db.executescript(script)
            except BaseException as error:
                self._rollback()
                if isinstance(error, sqlite3.IntegrityError) \
                        and migration.name in self.migrations_done():
                    return False  # another process applied it meanwhile
                raise
        return True

    def tables(self) -> set[str]:
        return {name for (name,) in self.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}

    def presence(self) -> int:
        return 0

    def alive(self, mark: int) -> bool:
        return True

    def scrub(self) -> None:
        """Copy the pages secure_delete zeroed into the main file and empty the -wal file, where
        the older copies of those pages (with the deleted text) were."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def integrity_ok(self) -> bool:
        return self.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def close(self) -> None:
        self._db.close()


def _create_private_file(path: Path) -> None:
    """Create the database readable by its owner only, before SQLite opens it."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


WAL_WAIT_SECONDS = 5.0  # as long as busy_timeout


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch the file to WAL. Processes opening one new file at the same moment all try to
    switch it, and SQLite refuses a switch while another connection holds the file
    ("database is locked") without waiting for its busy timeout, so try again briefly."""
    deadline = time.monotonic() + WAL_WAIT_SECONDS
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
