"""The whole Telegram bot: the coach's core handlers, then every feature of `FEATURES` wired
the one same way (its migrations, its data kinds, its `install`).

Handler groups run in order, one handler each: a tap on someone else's private chat is refused
first (group -3), the rate limit sees every update next (group -2), then /schedule's handlers
(group -1), then everything else (group 0), where the coach's catch-all handlers (any button,
edits, unknown commands, text, anything else) come last.
"""

from __future__ import annotations

from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.coach import CoachBot
from bot.concurrency import PerChatUpdateProcessor
from bot.features import FEATURES
from bot.resilience import PatientRateLimiter
from bot.settings import Settings
from bot.store import MIGRATIONS, SessionStore
from dialogues.engine import Engine

PRIVATE = filters.ChatType.PRIVATE
FOREIGN_TAPS = -3  # someone else's button is refused before any handler looks at it
# In a group, personal commands point to a private chat (a group sees no one's answers).
PRIVATE_ONLY = ("start", "menu", "help", "back", "cancel", "ask", "language", "mydata", "forget")


def build_application(settings: Settings, engine: Engine, store: SessionStore,
                      rate_limit: bool = True,
                      builder: ApplicationBuilder | None = None) -> Application:  # type: ignore[type-arg]
    """The whole Telegram bot. `builder` lets tests and benchmarks swap the transport."""
    if builder is None:
        builder = (Application.builder().token(settings.token or "")
                   .base_url(settings.api_base_url).base_file_url(settings.api_base_file_url))
    coach = CoachBot(engine, store, settings)
    builder = (builder.concurrent_updates(PerChatUpdateProcessor(64)).post_init(coach.start_up)
               .post_shutdown(coach.shut_down))
    if rate_limit:
        builder = builder.rate_limiter(PatientRateLimiter(max_retries=3))
    application = builder.build()
    application.bot_data["coach"] = coach
    application.add_handler(CallbackQueryHandler(coach.refuse_foreign_tap), group=FOREIGN_TAPS)

    for name in PRIVATE_ONLY:
        application.add_handler(CommandHandler(name, coach.open_private, filters=~PRIVATE))
    application.add_handler(CommandHandler("start", coach.start, filters=PRIVATE))
    application.add_handler(CommandHandler("menu", coach.menu, filters=PRIVATE))
    application.add_handler(CommandHandler("help", coach.help, filters=PRIVATE))
    application.add_handler(CommandHandler("back", coach.back, filters=PRIVATE))
    application.add_handler(CommandHandler("cancel", coach.cancel, filters=PRIVATE))
    for feature in FEATURES:
        store.migrate(feature.migrations)
        for kind in feature.data_kinds(coach):
            store.register(kind)
        feature.install(application, coach)
    store.db.refuse_unknown(m.name for m in (*MIGRATIONS, *(m for f in FEATURES for m in f.migrations)))
    application.add_handler(CallbackQueryHandler(coach.button))
    application.add_handler(MessageHandler(filters.UpdateType.EDITED & PRIVATE, coach.edited))
    application.add_handler(MessageHandler(filters.COMMAND & PRIVATE, coach.unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & PRIVATE, coach.text))
    application.add_handler(MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, coach.unsupported))
    application.add_error_handler(coach.on_error)
    return application
