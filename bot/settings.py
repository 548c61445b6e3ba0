"""Settings read once from the environment into a frozen object (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

DEFAULT_CONTENT = Path(__file__).resolve().parent.parent / "content"
DEFAULT_API_BASE = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class Settings:
    token: str | None
    api_base_url: str
    database: Path
    content: Path
    locale: str
    webhook_url: str | None
    webhook_secret: str | None
    port: int
    schedule_grace: timedelta = timedelta(hours=6)  # a missed scheduled prompt is still sent

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN") or None,
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE,
            database=Path(env.get("COACHBOT_DB") or "coachbot.sqlite3"),
            content=Path(env.get("COACHBOT_CONTENT") or DEFAULT_CONTENT),
            locale=env.get("COACHBOT_LOCALE") or "en",
            webhook_url=env.get("WEBHOOK_URL") or None,
            webhook_secret=env.get("WEBHOOK_SECRET") or None,
            port=int(env.get("PORT") or 8443),
            schedule_grace=timedelta(hours=float(env.get("COACHBOT_SCHEDULE_GRACE_HOURS") or 6)),
        )
