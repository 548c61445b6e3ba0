"""Test support: a local stand-in for the Telegram Bot API and a chat-like test driver."""

from .botapi import (
    BOT_ID,
    BOT_USERNAME,
    TOKEN,
    BotApiServer,
    Call,
    FakeBotApi,
    FaultPolicy,
    RecordingRequest,
    UploadedFile,
)
from .chat import ChatDriver, running_app

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "TOKEN",
    "BotApiServer",
    "Call",
    "ChatDriver",
    "FakeBotApi",
    "FaultPolicy",
    "RecordingRequest",
    "UploadedFile",
    "running_app",
]
