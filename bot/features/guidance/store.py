"""What quick guidance keeps, in the bot's database: votes keep only the card id and 👍 or 👎;
a question the cards cannot answer only adds one to a counter. Nothing names a person, so
/forget and /mydata have nothing of it to cover.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.database import Database
from bot.store import Migration, SessionStore
from dialogues.outputs import Output, Tally

MIGRATIONS = (
    # Votes keep only the card and the vote; unanswered questions only a count.
    Migration("guidance_feedback", """
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
)

UNANSWERED = "unanswered"


def record(store: SessionStore, outputs: Iterable[Output]) -> None:
    """Keep the counts an event asked for: votes (card id and vote) and unanswered questions."""
    for tally in (o for o in outputs if isinstance(o, Tally)):
        if tally.card_id and tally.helpful is not None:
            store.db.execute("INSERT INTO guidance_feedback (card_id, helpful) VALUES (?, ?)",
                             (tally.card_id, int(tally.helpful)))
        else:
            store.db.execute(
                "INSERT INTO guidance_counters (name, count) VALUES (?, 1) "
                "ON CONFLICT(name) DO UPDATE SET count = guidance_counters.count + 1", (UNANSWERED,))


@dataclass(frozen=True)
class Feedback:
    """What people told the bot about its cards: votes per card id, and how many questions
    no card answered (no guidance, or "None of these")."""

    votes: dict[str, tuple[int, int]]  # card id: (👍, 👎)
    unanswered: int


def read_feedback(db: Database) -> Feedback:
    """The feedback kept in the database (only read)."""
    if not {"guidance_feedback", "guidance_counters"} <= db.tables():
        return Feedback({}, 0)
    votes = {card_id: (int(up), int(down)) for card_id, up, down in db.execute(
        "SELECT card_id, SUM(helpful), SUM(1 - helpful) FROM guidance_feedback "
        "GROUP BY card_id ORDER BY SUM(1 - helpful) DESC, SUM(helpful) ASC, card_id")}
    row = db.execute("SELECT count FROM guidance_counters WHERE name = ?",
                     (UNANSWERED,)).fetchone()
    return Feedback(votes, row[0] if row else 0)
