"""Live reload: /reload for COACHBOT_ADMINS (and SIGHUP, which `coachbot run` installs with
`bot_data["reloader"].install_sighup()`)."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler, filters

from bot.features.reload.reloader import Reloader
from bot.ports import Coach, Feature, no_data


def install(application: Application, coach: Coach) -> None:  # type: ignore[type-arg]
    reloader = Reloader(coach)
    application.bot_data["reloader"] = reloader
    application.add_handler(CommandHandler("reload", reloader.command,
                                           filters=filters.ChatType.PRIVATE))


FEATURE = Feature("reload", (), no_data, install)
