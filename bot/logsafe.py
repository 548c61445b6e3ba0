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


def who(user_or_chat_id: int | None) -> str:
    """A short salted hash standing in for a Telegram id in logs."""
    if user_or_chat_id is None:
        return "-"
    return hashlib.blake2s(str(user_or_chat_id).encode(), key=_SALT[:32]).hexdigest()[:10]


def configure(level: int = logging.INFO) -> None:
    """Plain logging for the process; HTTP libraries are quieted because URLs carry the token."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
