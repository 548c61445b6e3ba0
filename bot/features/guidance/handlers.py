"""Quick guidance on Telegram: /ask and inline mode (`@bot <question>` in any chat).

Question text is never stored or logged; what people tell the bot about the cards is kept by
`bot.features.guidance.store`.
"""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import InlineQueryLimit, ParseMode
from telegram.ext import ContextTypes

from bot import render
from bot.ports import Coach
from dialogues.events import Ask

INLINE_RESULTS = 10
INLINE_DESCRIPTION = 100


class GuidanceHandlers:
    """The Telegram callbacks of quick guidance; everything else goes through `CoachBot.run`."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach

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
        locale = self.coach.user_locale(query.from_user)  # /language first, as everywhere
        engine = self.coach.engine  # the content live now (it changes on /reload)
        ranking = engine.search(query.query[:InlineQueryLimit.MAX_QUERY_LENGTH], locale,
                                     INLINE_RESULTS)
        results = []
        if ranking.answered:
            for hit in ranking.hits:
                shown = engine.card_message(hit.card, locale)
                results.append(InlineQueryResultArticle(
                    id=hit.card.id,
                    title=hit.card.title,
                    description=hit.card.answer[:INLINE_DESCRIPTION],
                    input_message_content=InputTextMessageContent(
                        render.to_html(shown)[0], parse_mode=ParseMode.HTML,
                        link_preview_options=render.NO_PREVIEW),
                ))
        # Personal: the results are in this person's language, so Telegram must not show them
        # to anyone else who types the same words.
        await query.answer(results, cache_time=60, is_personal=True)
