"""The language each person chose with /language (table `user_language`)."""

from __future__ import annotations

from bot.store import Migration, SessionStore

MIGRATIONS = (
    Migration("user_language", """
        CREATE TABLE user_language (user_id INTEGER PRIMARY KEY, locale TEXT NOT NULL)
    """),
)


def chosen_locale(store: SessionStore, user_id: int) -> str | None:
    """The language this person chose with /language, if any."""
    row = store.db.execute("SELECT locale FROM user_language WHERE user_id = ?",
                           (user_id,)).fetchone()
    return row[0] if row else None


def choose(store: SessionStore, user_id: int, code: str) -> None:
    with store.transaction() as db:
        db.execute("INSERT INTO user_language (user_id, locale) VALUES (?, ?) "
                   "ON CONFLICT(user_id) DO UPDATE SET locale = excluded.locale", (user_id, code))


def forget_choice(store: SessionStore, user_id: int) -> int:
    return store.db.execute("DELETE FROM user_language WHERE user_id = ?", (user_id,)).rowcount
