"""Quick guidance on Telegram: /ask, inline mode, and keeping the anonymous counts.

Votes keep only the card id and 👍 or 👎; a question the cards cannot answer only adds one to a
counter. Question text is never stored or logged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import InlineQueryLimit, ParseMode
from telegram.ext import ContextTypes

from bot import render
from bot.store import SessionStore
from dialogues.engine import Engine
from dialogues.events import Ask
from dialogues.outputs import Output, Tally

if TYPE_CHECKING:
    from bot.telegram_app import CoachBot

UNANSWERED = "unanswered"
INLINE_RESULTS = 10
INLINE_DESCRIPTION = 100


def record(store: SessionStore, outputs: Iterable[Output]) -> None:
    """Keep the counts an event asked for: votes (card id and vote) and unanswered questions."""
    for tally in (o for o in outputs if isinstance(o, Tally)):
        if tally.card_id and tally.helpful is not None:
            store.db.execute("INSERT INTO guidance_feedback (card_id, helpful) VALUES (?, ?)",
                             (tally.card_id, int(tally.helpful)))
        else:
            store.db.execute(
                "INSERT INTO guidance_counters (name, count) VALUES (?, 1) "
                "ON CONFLICT(name) DO UPDATE SET count = count + 1", (UNANSWERED,))


@dataclass(frozen=True)
class Feedback:
    """What people told the bot about its cards: votes per card id, and how many questions
    no card answered (no guidance, or "None of these")."""

    votes: dict[str, tuple[int, int]]  # card id: (👍, 👎)
    unanswered: int


def read_feedback(database: Path) -> Feedback | None:
    """The feedback kept in `database`, read-only; None when there is no database yet."""
    if not database.exists():
        return None
    with closing(sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        if not {"guidance_feedback", "guidance_counters"} <= tables:
            return Feedback({}, 0)
        votes = {card_id: (up, down) for card_id, up, down in db.execute(
            "SELECT card_id, SUM(helpful), SUM(1 - helpful) FROM guidance_feedback "
            "GROUP BY card_id ORDER BY SUM(1 - helpful) DESC, SUM(helpful) ASC, card_id")}
        row = db.execute("SELECT count FROM guidance_counters WHERE name = ?",
                         (UNANSWERED,)).fetchone()
    return Feedback(votes, row[0] if row else 0)


class GuidanceHandlers:
    """The Telegram callbacks of quick guidance; everything else goes through `CoachBot.run`."""

    def __init__(self, coach: CoachBot) -> None:
        self.coach = coach
        self.engine: Engine = coach.engine

    async def ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer `/ask <question>` from the guidance cards, keeping any dialogue in progress."""
        message = update.effective_message
        assert message is not None
        _command, _, question = (message.text or "").partition(" ")
        await self.coach.run(update, context, Ask(question[:10_000]))

    async def inline_query(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """List the best cards for `@bot <question>`, to share in any chat."""
        query = update.inline_query
        assert query is not None
        locale = query.from_user.language_code or self.coach.locale
        ranking = self.engine.search(query.query[:InlineQueryLimit.MAX_QUERY_LENGTH], locale,
                                     INLINE_RESULTS)
        results = []
        if ranking.answered:
            for hit in ranking.hits:
                shown = self.engine.card_message(hit.card, locale)
                results.append(InlineQueryResultArticle(
                    id=hit.card.id,
                    title=hit.card.title,
                    description=hit.card.answer[:INLINE_DESCRIPTION],
                    input_message_content=InputTextMessageContent(
                        render.to_html(shown)[0], parse_mode=ParseMode.HTML,
                        link_preview_options=render.NO_PREVIEW),
                ))
        await query.answer(results, cache_time=60)
