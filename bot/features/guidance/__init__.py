"""Quick guidance: /ask, inline mode, and the anonymous counts of how the cards served."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler, InlineQueryHandler, filters

from bot.features.guidance.handlers import GuidanceHandlers
from bot.features.guidance.store import MIGRATIONS, record
from bot.ports import Coach, Feature, no_data


def install(application: Application, coach: Coach) -> None:  # type: ignore[type-arg]
    """/ask in private chats, @bot <question> anywhere; votes and misses counted after each
    event; the semantic search readied in the background."""
    asking = GuidanceHandlers(coach)
    application.add_handler(CommandHandler("ask", asking.ask, filters=filters.ChatType.PRIVATE))
    application.add_handler(InlineQueryHandler(asking.inline_query))
    coach.after_event.append(lambda outputs: record(coach.store, outputs))
    warm_up(coach)
    coach.on_new_content.append(lambda _library: warm_up(coach))


def warm_up(coach: Coach) -> None:
    """Load the embedding model and embed the cards in the background, so start-up and
    /reload never wait for them (questions are answered lexically until they are ready)."""
    if coach.engine.guidance is not None:
        coach.engine.guidance.warm_up()


FEATURE = Feature("guidance", MIGRATIONS, no_data, install)
