"""Scheduled reflection prompts (/schedule): handlers in their own group (-1), one job per
active schedule, rebuilt from the database when the application starts."""

from __future__ import annotations

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.features.schedules.handlers import AwaitingZone, ScheduleFeature, describe_private
from bot.features.schedules.store import MIGRATIONS, ScheduleStore
from bot.ports import Coach, Feature
from bot.store import DataKind
from dialogues.schedules.setup import PATTERN

GROUP = -1  # after the rate limit (-2), before everything else (0)
SYNC_SECONDS = 10  # how soon a schedule changed through another process is planned here
TAKE_OVER_SECONDS = 2  # how soon runs claimed by a process that died are sent by another


def data_kinds(coach: Coach) -> tuple[DataKind, ...]:
    """The schedules of a person's private chat (a group's belong to the group)."""
    schedules = ScheduleStore(coach.store)
    return (DataKind("schedules", schedules.forget_private, lambda user_id, locale: describe_private(
        schedules, coach.engine.library, user_id, locale)),)


def install(application: Application, coach: Coach) -> None:  # type: ignore[type-arg]
    """Register the /schedule handlers; rebuild the jobs at start; follow reloaded content."""
    feature = ScheduleFeature(coach.engine.library, coach.store, coach.settings.schedule_grace,
                              coach.settings.locale, broadcast_rate=coach.settings.broadcast_rate)

    async def rebuild(app: Application) -> None:  # type: ignore[type-arg]
        if app.job_queue is not None:
            feature.jobs.rebuild(app.job_queue)

    coach.on_start.append(rebuild)
    if application.job_queue is not None:
        application.job_queue.run_repeating(feature.jobs.sync_job, interval=SYNC_SECONDS,
                                            first=SYNC_SECONDS, name="schedules-sync")
        application.job_queue.run_repeating(feature.jobs.take_over, interval=TAKE_OVER_SECONDS,
                                            first=TAKE_OVER_SECONDS, name="schedules-take-over")
    coach.on_new_content.append(feature.use_library)
    add = application.add_handler
    add(CommandHandler("schedule", feature.show), GROUP)
    add(CallbackQueryHandler(feature.tap, pattern=PATTERN), GROUP)
    add(MessageHandler(filters.TEXT & ~filters.COMMAND & AwaitingZone(feature.schedules),
                       feature.zone_typed), GROUP)
    add(MessageHandler(filters.StatusUpdate.MIGRATE, feature.migrated), GROUP)
    add(ChatMemberHandler(feature.membership, ChatMemberHandler.MY_CHAT_MEMBER), GROUP)
    application.bot_data["schedules"] = feature


FEATURE = Feature("schedules", MIGRATIONS, data_kinds, install)
