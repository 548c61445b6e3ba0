"""Settings read once from the environment into a frozen object (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CONTENT = Path(__file__).resolve().parent.parent / "content"
DEFAULT_API_BASE = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class Settings:
    token: str | None
    api_base_url: str
    api_base_file_url: str
    database: Path
    content: Path
    locale: str
    webhook_url: str | None
    webhook_secret: str | None
    port: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        base = env.get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN") or None,
            api_base_url=base,
            api_base_file_url=_file_url(base),
            database=Path(env.get("COACHBOT_DB") or "coachbot.sqlite3"),
            content=Path(env.get("COACHBOT_CONTENT") or DEFAULT_CONTENT),
            locale=env.get("COACHBOT_LOCALE") or "en",
            webhook_url=env.get("WEBHOOK_URL") or None,
            webhook_secret=env.get("WEBHOOK_SECRET") or None,
            port=int(env.get("PORT") or 8443),
        )


def _file_url(base: str) -> str:
    """Telegram serves files beside the API: ".../bot" becomes ".../file/bot"."""
    return base[: -len("bot")] + "file/bot" if base.endswith("/bot") else base
