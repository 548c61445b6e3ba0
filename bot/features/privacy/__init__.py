"""Privacy: /privacy anywhere, /mydata and /forget in private chats, and the purge job that
deletes what has outlived its purpose."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler, filters

from bot.features.privacy.desk import PrivacyDesk, purge_interval
from bot.ports import Coach, Feature
from bot.store import DataKind


def data_kinds(coach: Coach) -> tuple[DataKind, ...]:
    """The store's own rows about a person: chat sessions and kept answers."""
    desk, store = PrivacyDesk(coach), coach.store
    return (DataKind("sessions", store.forget_sessions, desk.describe_sessions),
            DataKind("kept_answers", store.forget_kept, desk.describe_kept))


def install(application: Application, coach: Coach) -> None:  # type: ignore[type-arg]
    desk, private = PrivacyDesk(coach), filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("privacy", desk.privacy))
    application.add_handler(CommandHandler("mydata", desk.mydata, filters=private))
    application.add_handler(CommandHandler("forget", desk.forget, filters=private))
    if application.job_queue is not None:
        interval = purge_interval(coach.store)
        application.job_queue.run_repeating(desk.purge, interval=interval, first=interval,
                                            name="purge")


FEATURE = Feature("privacy", (), data_kinds, install)
