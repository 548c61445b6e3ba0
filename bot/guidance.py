"""Quick guidance on Telegram: /ask, inline mode, and keeping the anonymous counts.

Votes keep only the card id and 👍 or 👎; a question the cards cannot answer only adds one to a
counter. Question text is never stored or logged.
"""

from __future__ import annotations

from collections.abc import Iterable
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
