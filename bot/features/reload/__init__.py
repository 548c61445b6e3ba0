"""Live reload: /reload for COACHBOT_ADMINS (and SIGHUP, which `coachbot run` installs with
`bot_data["reloader"].install_sighup()`), followed by every other process sharing the database."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler, filters

from bot.features.reload.reloader import FOLLOW_SECONDS, Reloader
from bot.features.reload.store import MIGRATIONS
from bot.ports import Coach, Feature, no_data


def install(application: Application, coach: Coach) -> None:  # type: ignore[type-arg]
    reloader = Reloader(coach)
    application.bot_data["reloader"] = reloader
    application.add_handler(CommandHandler("reload", reloader.command,
                                           filters=filters.ChatType.PRIVATE))
    if application.job_queue is not None:
        application.job_queue.run_repeating(reloader.follow_job, interval=FOLLOW_SECONDS,
                                            first=FOLLOW_SECONDS, name="content-follow")


FEATURE = Feature("reload", MIGRATIONS, no_data, install)
