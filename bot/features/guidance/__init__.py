"""Quick guidance: /ask, inline mode, and the anonymous counts of how the cards served."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler, InlineQueryHandler, filters

from bot.features.guidance.handlers import GuidanceHandlers
from bot.features.guidance.store import MIGRATIONS, record
from bot.ports import Coach, Feature, no_data


def install(application: Application, coach: Coach) -> None:  # type: ignore[type-arg]
    """/ask in private chats, @bot <question> anywhere; votes and misses counted after each
    event."""
    asking = GuidanceHandlers(coach)
    application.add_handler(CommandHandler("ask", asking.ask, filters=filters.ChatType.PRIVATE))
    application.add_handler(InlineQueryHandler(asking.inline_query))
    coach.after_event.append(lambda outputs: record(coach.store, outputs))


FEATURE = Feature("guidance", MIGRATIONS, no_data, install)
