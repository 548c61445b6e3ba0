"""Webhook mode: the bot's own small HTTP server, which answers Telegram only once an update
has been handled (its new session committed).

PTB's built-in webhook server answers 200 as soon as an update is queued, so a process killed
right after would lose it: Telegram never sends it again. Answering after handling means a
process that dies mid-update answers nothing, and Telegram (or the load balancer in front of
several processes) delivers the update again, to a live process; the update id stored with
each session makes that second delivery harmless. Requests without Telegram's secret token are
refused with 403. An update whose handling met an unavailable database (a connection that
broke, say) is answered 503, so Telegram delivers it again once the database answers.
`GET /` answers 200 for a load balancer's health checks.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from urllib.parse import urlparse

import tornado.web
from telegram import Update
from telegram.ext import Application, ContextTypes
from tornado.httpserver import HTTPServer

from bot.database import DatabaseUnavailable
from bot.settings import Settings

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class UpdateHandler(tornado.web.RequestHandler):
    """POST <webhook path>: one update from Telegram."""

    def initialize(self, bot_application: Application, secret: str | None,  # type: ignore[type-arg]
                   unavailable: Unavailable) -> None:
        self.bot_application = bot_application
        self.secret = secret
        self.unavailable = unavailable

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if self.secret is not None and not hmac.compare_digest(given, self.secret):
            self.set_status(403)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.bot_application.bot)
        except (ValueError, TypeError, KeyError):
            self.set_status(400)
            return
        self.set_status(await handle(self.bot_application, update, self.unavailable))


class Unavailable:
    """An error handler that notes the updates whose handling met an unavailable database."""

    def __init__(self) -> None:
        self.updates: set[int] = set()

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update) and isinstance(context.error, DatabaseUnavailable):
            self.updates.add(update.update_id)


async def handle(application: Application, update: Update,  # type: ignore[type-arg]
                 unavailable: Unavailable) -> int:
    """Handle one update as polling would (one chat at a time); the HTTP status to answer:
    200, or 503 when the database was unavailable and Telegram should send it again."""
    await application.update_processor.process_update(update, application.process_update(update))
    if update.update_id in unavailable.updates:
        unavailable.updates.discard(update.update_id)
        log.warning("update %d met an unavailable database: asking for it again",
                    update.update_id)
        return 503
    return 200


class HealthHandler(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write("ok")


def run_webhook(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Serve until SIGINT or SIGTERM, then stop the application cleanly."""
    asyncio.run(_serve(application, settings))


async def _serve(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    assert settings.webhook_url is not None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stopping in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stopping, stop.set)
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.bot.set_webhook(settings.webhook_url,
                                          secret_token=settings.webhook_secret,
                                          allowed_updates=Update.ALL_TYPES)
        await application.start()
        unavailable = Unavailable()
        application.add_error_handler(unavailable)
        path = urlparse(settings.webhook_url).path or "/"
        routes = tornado.web.Application([
            (path, UpdateHandler, {"bot_application": application,
                                   "secret": settings.webhook_secret,
                                   "unavailable": unavailable}),
            ("/", HealthHandler),
        ])
        server = HTTPServer(routes)
        server.listen(settings.port, settings.listen)
        log.info("webhook mode: listening on %s:%d", settings.listen, settings.port)
        try:
            await stop.wait()
        finally:
            server.stop()
            await application.stop()
    finally:
        await application.shutdown()
