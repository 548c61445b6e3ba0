"""The bot's database, on one of two engines behind one small interface (`Database`):
SQLite (a file, the embedded default) or PostgreSQL (`COACHBOT_DATABASE_URL`), so several bot
processes on several machines can share one. `open_database` picks the engine from where the
database is."""

from __future__ import annotations

from pathlib import Path

from bot.database.base import Database, DatabaseUnavailable, DatabaseUnusable, Migration, Rows

__all__ = ["Database", "DatabaseUnavailable", "DatabaseUnusable", "Migration", "Rows",
           "is_postgres_url", "open_database"]


def is_postgres_url(location: Path | str) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def open_database(location: Path | str, read_only: bool = False) -> Database:
    """A PostgreSQL URL opens PostgreSQL; anything else is a SQLite file (":memory:" too).
    Raises `DatabaseUnusable` with a plain sentence when it cannot be opened."""
    if is_postgres_url(location):
        from bot.database.postgres import PostgresDatabase

        return PostgresDatabase(str(location))
    from bot.database.sqlite import SqliteDatabase

    return SqliteDatabase(location, read_only=read_only)
