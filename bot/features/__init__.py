"""Every feature of the Telegram bot, in the order `bot.app.build_application` wires them:
that order is the order of their migrations on a new database and of their data in /mydata
and /forget. Each feature is a package exporting `FEATURE` (a `bot.ports.Feature`): its
handlers, its store (SQL and migrations side by side) and its jobs."""

from __future__ import annotations

from bot.features import guidance, language, privacy, ratelimit, reload, schedules
from bot.ports import Feature

FEATURES: tuple[Feature, ...] = (
    privacy.FEATURE,
    guidance.FEATURE,
    language.FEATURE,
    reload.FEATURE,
    ratelimit.FEATURE,
    schedules.FEATURE,
)
