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
    database: Path
    content: Path
    locale: str
    webhook_url: str | None
    webhook_secret: str | None
    port: int
    encryption_key: str | None = None
    encryption_old_keys: tuple[str, ...] = ()
    retention_days: int = 30
    summary_grace_minutes: int = 60
    rate_limit: int = 30  # updates per person per minute; 0 turns the limit off

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
            encryption_key=env.get("COACHBOT_ENCRYPTION_KEY") or None,
            encryption_old_keys=tuple(
                k.strip() for k in (env.get("COACHBOT_ENCRYPTION_OLD_KEYS") or "").split(",")
                if k.strip()),
            retention_days=_number(env, "COACHBOT_RETENTION_DAYS", 30, low=1),
            summary_grace_minutes=_number(env, "COACHBOT_SUMMARY_GRACE_MINUTES", 60, low=1),
            rate_limit=_number(env, "COACHBOT_RATE_LIMIT", 30, low=0),
        )


def _number(env: Mapping[str, str], name: str, default: int, low: int) -> int:
    """A whole-number setting, with an error that names the variable and what to write."""
    raw = env.get(name) or ""
    if not raw:
        return default
    if not raw.strip().isdigit() or int(raw) < low:
        raise ValueError(f"{name} should be a whole number of at least {low}, not {raw!r}")
    return int(raw)
