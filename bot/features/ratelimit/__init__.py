"""The per-person rate limit (COACHBOT_RATE_LIMIT updates a minute sustained, in bursts of half
of that), ahead of every handler."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.features.ratelimit.limit import RateLimit
from bot.ports import Coach, Feature, no_data

GROUP = -2  # before /schedule (-1) and everything else (0)


def install(application: Application, coach: Coach) -> None:  # type: ignore[type-arg]
    """Off when the limit is 0; the "slow down" is worded from the content live at the time."""
    if coach.settings.rate_limit:
        limit = RateLimit(coach.settings.rate_limit, lambda update: coach.ui("rate_limited", update))
        application.add_handler(TypeHandler(Update, limit.check), group=GROUP)


FEATURE = Feature("ratelimit", (), no_data, install)
