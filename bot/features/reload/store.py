"""The content generation every process of the bot follows: a reload that succeeds on one
process adds one to it, and the others, seeing it grow, load the content again themselves."""

from __future__ import annotations

from bot.store import Migration, SessionStore

MIGRATIONS = (
    Migration("content_generation", """
        CREATE TABLE content_generation (name TEXT PRIMARY KEY, generation INTEGER NOT NULL)
    """),
)


def generation(store: SessionStore) -> int:
    """How many reloads have succeeded on any process (0: none yet)."""
    row = store.db.execute(
        "SELECT generation FROM content_generation WHERE name = 'content'").fetchone()
    return int(row[0]) if row else 0


def advance(store: SessionStore) -> int:
    """Record one more successful reload; the new generation."""
    (value,) = store.db.execute(
        "INSERT INTO content_generation (name, generation) VALUES ('content', 1)"
        " ON CONFLICT (name) DO UPDATE SET generation = content_generation.generation + 1"
        " RETURNING generation").fetchone()
    return int(value)
