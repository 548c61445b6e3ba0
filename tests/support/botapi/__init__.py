"""A faithful local stand-in for the Telegram Bot API.

Tests and benchmarks drive PTB's real ``Application`` through it, either in process
(:class:`RecordingRequest`) or over loopback HTTP (:class:`BotApiServer`); nothing here ever
contacts Telegram.  It mirrors the Bot API where bots commonly trip over it: error codes and
texts, ``getUpdates`` offset semantics, "message is not modified", inline keyboards vanishing on
edits without ``reply_markup``, parse-mode errors, 403 for blocked users, chat migration, flood
control (429 + ``retry_after``) and network faults.

One module per concern: :mod:`.api` composes :class:`FakeBotApi` from the mixins in
:mod:`.chats`, :mod:`.messages`, :mod:`.files`, :mod:`.queries`, :mod:`.updates`,
:mod:`.polling` and :mod:`.errors`; :mod:`.formatting` parses ``parse_mode`` text;
:mod:`.transport` and :mod:`.server` are the two ways in.
"""

from .api import FakeBotApi
from .chats import CHAT_STATUSES, MEMBER_STATUSES, default_chat_id
from .errors import DEFAULT_FAULT_METHODS, FAULT_KINDS, ApiError, FaultPolicy, InjectedFault
from .formatting import parse_html, parse_markdown, parse_markdown_v2, render_text, utf16_len
from .keyboards import MAX_CALLBACK_DATA_BYTES
from .messages import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH
from .polling import MAX_POLL_WAIT
from .records import (
    BOT_FIRST_NAME,
    BOT_ID,
    BOT_USERNAME,
    DEFAULT_USER_ID,
    TOKEN,
    Call,
    Envelope,
    Json,
    UploadedFile,
)
from .server import BotApiServer, parse_multipart
from .transport import RecordingRequest
from .wire import decode_form_params

__all__ = [
    "BOT_FIRST_NAME",
    "BOT_ID",
    "BOT_USERNAME",
    "CHAT_STATUSES",
    "DEFAULT_FAULT_METHODS",
    "DEFAULT_USER_ID",
    "FAULT_KINDS",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_POLL_WAIT",
    "MAX_TEXT_LENGTH",
    "MEMBER_STATUSES",
    "TOKEN",
    "ApiError",
    "BotApiServer",
    "Call",
    "Envelope",
    "FakeBotApi",
    "FaultPolicy",
    "InjectedFault",
    "Json",
    "RecordingRequest",
    "UploadedFile",
    "decode_form_params",
    "default_chat_id",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "parse_multipart",
    "render_text",
    "utf16_len",
]
