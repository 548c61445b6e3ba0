"""Logging that never carries message text or raw ids.

We log event kinds, step ids and durations, and refer to people by a salted hash, so logs
can be shared for debugging without exposing anyone in the chats.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets

_SALT = (os.environ.get("COACHBOT_LOG_SALT") or secrets.token_hex(16)).encode()

# The lowest level each library may log at, whatever level is asked for. PTB's DEBUG records
# print whole request bodies (message text included); httpx and httpcore log URLs, which carry
# the bot token.
FLOORS = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "apscheduler": logging.WARNING,
    # The state machine library logs two INFO lines for every step someone takes: two of every
    # three lines the bot wrote, and a tenth of an update's time at INFO (issue 15).
    "transitions": logging.WARNING,
}


def who(user_or_chat_id: int | None) -> str:
    """A short salted hash standing in for a Telegram id in logs."""
    if user_or_chat_id is None:
        return "-"
    return hashlib.blake2s(str(user_or_chat_id).encode(), key=_SALT[:32]).hexdigest()[:10]


def configure(level: int = logging.INFO) -> None:
    """Plain logging for the process, with libraries held at their `FLOORS` even at DEBUG, so
    no message text or token reaches the logs."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name, floor in FLOORS.items():
        logging.getLogger(name).setLevel(max(level, floor))
