"""The whole coach bot on the in-process Bot API stand-in: one place that wires it for tests
and benchmarks, exactly as production does but with the transport swapped (no network)."""

from __future__ import annotations

from telegram.ext import Application

from bot.app import build_application
from bot.settings import Settings
from bot.store import SessionStore
from dialogues.engine import Engine
from tests.support.botapi import FakeBotApi, RecordingRequest


def coach_app(engine: Engine, store: SessionStore, api: FakeBotApi,
              settings: Settings | None = None, *, rate_limit: bool = False,
              ) -> Application:  # type: ignore[type-arg]
    """`build_application` talking to `api`; the stand-in is kept in `bot_data["api"]`.
    Telegram's own rate limiter is off by default: it would hold tests to 30 messages/s."""
    builder = (Application.builder().token(api.token)
               .request(RecordingRequest(api)).get_updates_request(RecordingRequest(api)))
    application = build_application(settings or Settings.from_env({}), engine, store,
                                    rate_limit=rate_limit, builder=builder)
    application.bot_data["api"] = api
    return application
