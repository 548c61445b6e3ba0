"""The bot's identity and the records every part of the stand-in shares: uploads and calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BOT_ID = 777000111
BOT_USERNAME = "recenter_coach_bot"
BOT_FIRST_NAME = "Re-Center Coach"
TOKEN = f"{BOT_ID}:AAFakeTokenForRecenterCoachTests_0123456"
DEFAULT_USER_ID = 424242

Json = dict[str, Any]
Envelope = tuple[int, Json]


@dataclass(slots=True)
class UploadedFile:
    """One multipart file part as the bot uploaded it."""

    field: str
    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(slots=True)
class Call:
    """One recorded Bot API request; ``time`` is ``time.monotonic()`` at arrival."""

    method: str
    params: Json
    files: dict[str, UploadedFile]
    time: float
    status: int = 200
    fault: str | None = None
    response: Json | None = None

    @property
    def ok(self) -> bool:
        """Whether Telegram would have answered ``{"ok": true}``."""
        return self.status == 200 and self.fault is None

    @property
    def result(self) -> Any:
        """The ``result`` of a successful call (``None`` otherwise)."""
        return self.response.get("result") if self.response else None
