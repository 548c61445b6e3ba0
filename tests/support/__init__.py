"""Test support: a local stand-in for the Telegram Bot API and a chat-like test driver."""

from .botapi import (
    BOT_ID,
    BOT_USERNAME,
    TOKEN,
    ApiError,
    BotApiServer,
    Call,
    FakeBotApi,
    FaultPolicy,
    InjectedFault,
    RecordingRequest,
    UploadedFile,
)
from .chat import ChatDriver, running_app

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "TOKEN",
    "ApiError",
    "BotApiServer",
    "Call",
    "ChatDriver",
    "FakeBotApi",
    "FaultPolicy",
    "InjectedFault",
    "RecordingRequest",
    "UploadedFile",
    "running_app",
]
