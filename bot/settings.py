"""Settings read once from the environment into a frozen object (never at import time)."""

from __future__ import annotations

import os
import re
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
    api_base_file_url: str
    database: Path
    content: Path
    locale: str
    webhook_url: str | None
    webhook_secret: str | None
    port: int
    admins: frozenset[int] = frozenset()  # Telegram user ids allowed to /reload
    require_approved: bool = False  # serve only content a reviewer approved
    schedule_grace: timedelta = timedelta(hours=6)  # a missed scheduled prompt is still sent
    encryption_key: str | None = None
    encryption_old_keys: tuple[str, ...] = ()
    retention_days: int = 30
    summary_grace_minutes: int = 60
    rate_limit: int = 60  # updates per person per minute, sustained; 0 turns the limit off
    database_url: str | None = None  # postgresql://…: PostgreSQL instead of the SQLite file
    listen: str = "0.0.0.0"  # the address the webhook server listens on
    broadcast_rate: float = 29.0  # scheduled prompts per second, all processes together

    @property
    def store_location(self) -> Path | str:
        """Where the bot's database is: the PostgreSQL URL when set, else the SQLite file."""
        return self.database_url or self.database

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
            admins=_user_ids(env.get("COACHBOT_ADMINS") or ""),
            require_approved=(env.get("COACHBOT_REQUIRE_APPROVED") or "0").strip() == "1",
            schedule_grace=timedelta(hours=float(env.get("COACHBOT_SCHEDULE_GRACE_HOURS") or 6)),
            encryption_key=env.get("COACHBOT_ENCRYPTION_KEY") or None,
            encryption_old_keys=tuple(
                k.strip() for k in (env.get("COACHBOT_ENCRYPTION_OLD_KEYS") or "").split(",")
                if k.strip()),
            retention_days=_number(env, "COACHBOT_RETENTION_DAYS", 30, low=1),
            summary_grace_minutes=_number(env, "COACHBOT_SUMMARY_GRACE_MINUTES", 60, low=1),
            rate_limit=_number(env, "COACHBOT_RATE_LIMIT", 60, low=0),
            database_url=_database_url(env.get("COACHBOT_DATABASE_URL") or ""),
            listen=env.get("WEBHOOK_LISTEN") or "0.0.0.0",
            broadcast_rate=float(_number(env, "COACHBOT_BROADCAST_RATE", 29, low=1)),
        )


def _file_url(base: str) -> str:
    """Telegram serves files beside the API: ".../bot" becomes ".../file/bot"."""
    return base[: -len("bot")] + "file/bot" if base.endswith("/bot") else base


def _user_ids(text: str) -> frozenset[int]:
    """Telegram user ids separated by commas or spaces."""
    parts = [p for p in re.split(r"[,\s]+", text) if p]
    if not all(p.isdigit() for p in parts):
        raise ValueError("COACHBOT_ADMINS should be Telegram user ids (numbers) separated by "
                         f"commas, for example 12345,67890 — got {text!r}")
    return frozenset(int(p) for p in parts)


def _number(env: Mapping[str, str], name: str, default: int, low: int) -> int:
    """A whole-number setting, with an error that names the variable and what to write."""
    raw = env.get(name) or ""
    if not raw:
        return default
    if not raw.strip().isdigit() or int(raw) < low:
        raise ValueError(f"{name} should be a whole number of at least {low}, not {raw!r}")
    return int(raw)


def _database_url(text: str) -> str | None:
    """A PostgreSQL URL, or nothing (the SQLite file)."""
    url = text.strip()
    if url and not url.startswith(("postgresql://", "postgres://")):
        raise ValueError("COACHBOT_DATABASE_URL should be a PostgreSQL URL such as "
                         "postgresql://coachbot:password@db.example.org:5432/coachbot (leave it "
                         "unset to use the SQLite file COACHBOT_DB)")
    return url or None
