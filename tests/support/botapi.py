"""A faithful local stand-in for the Telegram Bot API.

Tests and benchmarks drive PTB's real ``Application`` through it, either in process
(:class:`RecordingRequest`) or over loopback HTTP (:class:`BotApiServer`); nothing here ever
contacts Telegram.  It mirrors the Bot API where bots commonly trip over it: error codes and
texts, ``getUpdates`` offset semantics, "message is not modified", inline keyboards vanishing on
edits without ``reply_markup``, parse-mode errors, 403 for blocked users, chat migration, flood
control (429 + ``retry_after``) and network faults.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import logging
import random
import re
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

__all__ = [
    "BOT_FIRST_NAME",
    "BOT_ID",
    "BOT_USERNAME",
    "DEFAULT_FAULT_METHODS",
    "DEFAULT_USER_ID",
    "TOKEN",
    "ApiError",
    "BotApiServer",
    "Call",
    "FakeBotApi",
    "FaultPolicy",
    "InjectedFault",
    "RecordingRequest",
    "UploadedFile",
    "decode_form_params",
    "default_chat_id",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "render_text",
]

_LOG = logging.getLogger(__name__)

BOT_ID = 777000111
BOT_USERNAME = "recenter_coach_bot"
BOT_FIRST_NAME = "Re-Center Coach"
TOKEN = f"{BOT_ID}:AAFakeTokenForRecenterCoachTests_0123456"
DEFAULT_USER_ID = 424242

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_POLL_WAIT = 2.0
"""Long polls never wait longer than this, whatever ``timeout`` asks for, so tests cannot hang."""

FAULT_KINDS = frozenset({"429", "500", "timeout", "reset"})
DEFAULT_FAULT_METHODS = frozenset(
    {"sendMessage", "editMessageText", "sendDocument", "answerCallbackQuery"}
)

Json = dict[str, Any]
Envelope = tuple[int, Json]


# --------------------------------------------------------------------------------------------
# Records and configuration
# --------------------------------------------------------------------------------------------


class ApiError(Exception):
    """A Bot API error response; raised inside method handlers, turned into the envelope."""

    def __init__(self, code: int, description: str, parameters: Json | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> Envelope:
        """The HTTP status and JSON body Telegram would answer with."""
        body: Json = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return self.code, body


class InjectedFault(Exception):
    """A transport-level fault (``timeout`` or ``reset``) that each transport enacts itself."""

    def __init__(self, kind: str, method: str, sleep: float = 0.0) -> None:
        super().__init__(f"injected {kind} fault on {method}")
        self.kind = kind
        self.method = method
        self.sleep = sleep


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


@dataclass
class FaultPolicy:
    """Randomly fails a share of calls, deterministically for a given ``seed``.

    Kinds: ``"429"`` (flood control with ``parameters.retry_after``), ``"500"``, ``"timeout"``
    (HTTP: the server stalls ``timeout_sleep`` seconds then hangs up; in process:
    ``telegram.error.TimedOut``) and ``"reset"`` (HTTP: connection dropped without a response;
    in process: ``telegram.error.NetworkError``).  A faulted call is never delivered.
    """

    rate: float = 0.0
    kinds: tuple[str, ...] = ("429",)
    retry_after: int = 1
    seed: int | None = None
    methods: Iterable[str] = DEFAULT_FAULT_METHODS
    timeout_sleep: float = 2.0
    max_faults: int | None = None
    injected: int = field(default=0, init=False)
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - FAULT_KINDS
        if unknown or not self.kinds:
            raise ValueError(f"fault kinds must be a non-empty subset of {sorted(FAULT_KINDS)}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be within [0, 1]")
        if self.retry_after < 1:
            raise ValueError("retry_after must be >= 1 (PTB ignores a zero retry_after)")
        self.methods = frozenset(self.methods)
        self._rng = random.Random(self.seed)

    def pick(self, method: str) -> str | None:
        """The fault kind to inject for this call, or ``None`` to let it through."""
        if method not in self.methods:  # type: ignore[operator]
            return None
        if self.max_faults is not None and self.injected >= self.max_faults:
            return None
        if self._rng.random() >= self.rate:
            return None
        self.injected += 1
        return self._rng.choice(self.kinds)


@dataclass
class _ChatState:
    """Everything the fake knows about one chat, including the user's view of it."""

    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    status: str = "ok"
    migrated_to: int | None = None
    members: dict[int, str] = field(default_factory=dict)
    last_message_id: int = 0
    messages: dict[int, Json] = field(default_factory=dict)
    reply_keyboard: Json | None = None
    _as_dict: Json | None = None

    def as_dict(self) -> Json:
        """The ``Chat`` object embedded in messages (cached; rebuilt after changes)."""
        if self._as_dict is None:
            chat: Json = {"id": self.id, "type": self.type}
            if self.type == "private":
                chat["first_name"] = self.first_name or f"User {self.id}"
            else:
                chat["title"] = self.title or f"Group {self.id}"
            if self.username:
                chat["username"] = self.username
            self._as_dict = chat
        return self._as_dict

    def changed(self) -> None:
        """Forget the cached ``Chat`` dict after an attribute changed."""
        self._as_dict = None


@dataclass(slots=True)
class _StoredFile:
    """An uploaded file kept so ``getFile`` and downloads can serve it."""

    meta: Json
    content: bytes | None
    path: str


@dataclass(slots=True)
class _Poll:
    """One waiting ``getUpdates`` request."""

    generation: int
    epoch: int
    limit: int
    deadline: float


@dataclass(slots=True)
class _Query:
    """An open callback or inline query, answerable exactly once."""

    kind: str
    user_id: int
    chat_id: int | None = None
    answer: Json | None = None


# --------------------------------------------------------------------------------------------
# Formatting: parse_mode handling, as Telegram's server (TDLib) does it
# --------------------------------------------------------------------------------------------


class _ParseError(Exception):
    """Telegram's detail text for a "can't parse entities" error."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    """UTF-8 byte offset of ``text[index]``, as Telegram reports it in parse errors."""
    return len(text[:index].encode())


class _Out:
    """Accumulates rendered plain text and tracks its UTF-16 length for entity offsets."""

    __slots__ = ("parts", "u16")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.u16 = 0

    def add(self, chunk: str) -> None:
        if chunk:
            self.parts.append(chunk)
            self.u16 += utf16_len(chunk)

    def text(self) -> str:
        return "".join(self.parts)


@dataclass(slots=True)
class _Open:
    """An entity whose start has been seen but not its end."""

    tag: str
    start: int
    index: int
    byte_offset: int = 0
    attrs: dict[str, str] = field(default_factory=dict)


def _entity(kind: str, start: int, end: int, **extra: Any) -> Json:
    return {"type": kind, "offset": start, "length": end - start, **extra}


def _sorted_entities(entities: list[Json]) -> list[Json]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


_HTML_TYPES = {
    "a": "text_link",
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_SPECIAL = re.compile(r"[<&]")
_HTML_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_NAME = re.compile(r"[A-Za-z0-9-]*")
_HTML_ATTR_NAME = re.compile(r"[A-Za-z0-9_-]*")
_TG_USER_LINK = re.compile(r"tg://user\?id=(\d+)$")


def _html_char(match: re.Match[str]) -> str | None:
    """Decode one character reference; ``None`` means "leave the ``&`` as text"."""
    body = match.group(1)
    if body[0] != "#":
        return _HTML_NAMED.get(body)
    code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
    if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    return None


def _html_unescape(value: str) -> str:
    return _HTML_CHAR_REF.sub(lambda m: _html_char(m) or m.group(0), value)


def parse_html(text: str) -> tuple[str, list[Json]]:
    """Render ``parse_mode=HTML`` into plain text and entities, or raise with Telegram's text."""
    out, stack, entities = _Out(), list[_Open](), list[Json]()
    i, n = 0, len(text)
    while i < n:
        special = _HTML_SPECIAL.search(text, i)
        if special is None:
            out.add(text[i:])
            break
        out.add(text[i : special.start()])
        i = special.start()
        if text[i] == "&":
            ref = _HTML_CHAR_REF.match(text, i)
            char = _html_char(ref) if ref else None
            out.add("&" if char is None else char)
            i = i + 1 if char is None or ref is None else ref.end()
        elif text.startswith("</", i):
            i = _html_close(text, i, out, stack, entities)
        else:
            i = _html_open(text, i, out, stack)
    if stack:
        raise _ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return out.text(), _sorted_entities(entities)


def _html_open(text: str, i: int, out: _Out, stack: list[_Open]) -> int:
    n, j = len(text), i + 1
    while j < n and not text[j].isspace() and text[j] != ">":
        j += 1
    if j >= n:
        raise _ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
    tag = text[i + 1 : j].lower()
    if tag not in _HTML_TYPES:
        raise _ParseError(f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, i)}')
    attrs, j = _html_attrs(text, j, tag, i)
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise _ParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, i)}'
        )
    stack.append(_Open(tag, out.u16, len(out.parts), _byte_offset(text, i), attrs))
    return j + 1


def _html_attrs(text: str, j: int, tag: str, tag_pos: int) -> tuple[dict[str, str], int]:
    """Parse ``name="value"`` pairs up to the closing ``>``; returns (attrs, index of ``>``)."""
    attrs: dict[str, str] = {}
    unclosed = _ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, tag_pos)}")
    while True:
        j = _html_skip_space(text, j, unclosed)
        if text[j] == ">":
            return attrs, j
        name_end = _HTML_ATTR_NAME.match(text, j).end()  # type: ignore[union-attr]
        name = text[j:name_end].lower()
        if not name:
            raise _ParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset '
                f"{_byte_offset(text, tag_pos)}"
            )
        j = _html_skip_space(text, name_end, unclosed)
        if text[j] != "=":
            attrs[name] = ""
            continue
        j = _html_skip_space(text, j + 1, unclosed)
        raw, j = _html_attr_value(text, j, unclosed)
        attrs[name] = _html_unescape(raw)


def _html_skip_space(text: str, j: int, unclosed: _ParseError) -> int:
    """The index of the next non-space character; the tag is unclosed if there is none."""
    n = len(text)
    while j < n and text[j].isspace():
        j += 1
    if j >= n:
        raise unclosed
    return j


def _html_attr_value(text: str, j: int, unclosed: _ParseError) -> tuple[str, int]:
    """A quoted or bare attribute value starting at `j`, and the index after it."""
    if text[j] in "\"'":
        end = text.find(text[j], j + 1)
        if end < 0:
            raise unclosed
        return text[j + 1 : end], end + 1
    end, n = j, len(text)
    while end < n and not text[end].isspace() and text[end] != ">":
        end += 1
    return text[j:end], end


def _html_close(
    text: str, i: int, out: _Out, stack: list[_Open], entities: list[Json]
) -> int:
    if not stack:
        raise _ParseError(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
    j = _HTML_NAME.match(text, i + 2).end()  # type: ignore[union-attr]
    tag = text[i + 2 : j].lower()
    if j >= len(text) or text[j] != ">":
        raise _ParseError(f"Unclosed end tag at byte offset {_byte_offset(text, i)}")
    top = stack[-1]
    if tag and tag != top.tag:
        raise _ParseError(
            f'Unmatched end tag at byte offset {_byte_offset(text, i)}, '
            f'expected "</{top.tag}>", found "</{tag}>"'
        )
    stack.pop()
    entity = _html_entity(top, out.u16, stack)
    if entity is not None:
        entities.append(entity)
    return j + 1


def _html_entity(top: _Open, end: int, stack: list[_Open]) -> Json | None:
    """The entity a closed tag produces (``None`` for empty or merged ones)."""
    if end <= top.start:
        return None
    kind, attrs = _HTML_TYPES[top.tag], top.attrs
    if top.tag == "a":
        return _link_entity(attrs.get("href", ""), top.start, end)
    if top.tag == "code":
        language = attrs.get("class", "")
        if language.startswith("language-") and stack and stack[-1].tag == "pre":
            stack[-1].attrs["language"] = language.removeprefix("language-")
            return None
    if top.tag == "pre" and attrs.get("language"):
        return _entity("pre", top.start, end, language=attrs["language"])
    if top.tag == "blockquote" and "expandable" in attrs:
        kind = "expandable_blockquote"
    if top.tag == "tg-emoji":
        return _entity(kind, top.start, end, custom_emoji_id=attrs.get("emoji-id", ""))
    return _entity(kind, top.start, end)


def _link_entity(url: str, start: int, end: int) -> Json | None:
    """A text_link (or text_mention for ``tg://user?id=``); invalid URLs are dropped."""
    url = url.strip()
    mention = _TG_USER_LINK.match(url)
    if mention:
        user = {"id": int(mention.group(1)), "is_bot": False, "first_name": ""}
        return _entity("text_mention", start, end, user=user)
    if not url or any(ch.isspace() for ch in url):
        return None
    if "://" not in url:
        url = f"http://{url}"
    return _entity("text_link", start, end, url=url)


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_SPECIAL = re.compile(r"[\\_*\[\]()~`>#+\-=|{}.!\n]")
_MDV2_CODE_SPECIAL = re.compile(r"[\\`]")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _reserved(char: str) -> _ParseError:
    return _ParseError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def parse_markdown_v2(text: str) -> tuple[str, list[Json]]:
    """Render ``parse_mode=MarkdownV2`` into plain text and entities, or raise like Telegram."""
    out, stack, entities = _Out(), list[_Open](), list[Json]()
    quote: list[int] = []  # start offset of an open ">" block quote
    i, n = 0, len(text)
    while i < n:
        in_code = bool(stack) and stack[-1].tag in ("code", "pre")
        special = (_MDV2_CODE_SPECIAL if in_code else _MDV2_SPECIAL).search(text, i)
        if special is None:
            out.add(text[i:])
            break
        out.add(text[i : special.start()])
        i = _mdv2_special(text, special.start(), out, stack, quote, entities)
    if stack:
        top = stack[-1]
        raise _ParseError(
            f"Can't find end of {_MDV2_NAMES[top.tag]} entity at byte offset {top.byte_offset}"
        )
    if quote and out.u16 > quote[0]:
        entities.append(_entity("blockquote", quote[0], out.u16))
    return out.text(), _sorted_entities(entities)


def _mdv2_special(text: str, i: int, out: _Out, stack: list[_Open], quote: list[int],
                  entities: list[Json]) -> int:
    """Handle the special character at `i`; returns the index after what it consumed."""
    char = text[i]
    if char == "\\" and i + 1 < len(text) and 0 < ord(text[i + 1]) <= 126:
        out.add(text[i + 1])
        return i + 2
    if char == "\\":
        out.add(char)
        return i + 1
    if char == "\n":
        _mdv2_newline(text, i, out, quote, entities)
        return i + 1
    if char == ">" and (i == 0 or text[i - 1] == "\n"):
        if not quote:
            quote.append(out.u16)
        return i + 1
    if stack and _mdv2_is_end(stack[-1].tag, text, i):
        return _mdv2_close(text, i, out, stack, entities)
    return _mdv2_open(text, i, out, stack)


def _mdv2_newline(text: str, i: int, out: _Out, quote: list[int], entities: list[Json]) -> None:
    """A newline ends an open block quote unless the next line continues it."""
    if quote and not text.startswith(">", i + 1):
        if out.u16 > quote[0]:
            entities.append(_entity("blockquote", quote[0], out.u16))
        quote.clear()
    out.add("\n")


def _mdv2_is_end(tag: str, text: str, i: int) -> bool:
    char, following = text[i], text[i + 1 : i + 2]
    ends = {
        "bold": char == "*",
        "italic": char == "_" and following != "_",
        "underline": char == "_" and following == "_",
        "strikethrough": char == "~",
        "spoiler": char == "|" and following == "|",
        "code": char == "`",
        "pre": text.startswith("```", i),
        "text_link": char == "]",
        "custom_emoji": char == "]",
    }
    return ends[tag]


def _mdv2_open(text: str, i: int, out: _Out, stack: list[_Open]) -> int:
    char, following = text[i], text[i + 1 : i + 2]
    start_byte = _byte_offset(text, i)
    language = ""
    if char == "_":
        tag, i = ("underline", i + 2) if following == "_" else ("italic", i + 1)
    elif char in "*~[":
        tag, i = {"*": "bold", "~": "strikethrough", "[": "text_link"}[char], i + 1
    elif char == "|" and following == "|":
        tag, i = "spoiler", i + 2
    elif char == "!" and following == "[":
        tag, i = "custom_emoji", i + 2
    elif char == "`" and text.startswith("```", i):
        tag = "pre"
        language, i = _pre_language(text, i + 3)
    elif char == "`":
        tag, i = "code", i + 1
    else:
        raise _reserved(char)
    attrs = {"language": language} if language else {}
    stack.append(_Open(tag, out.u16, len(out.parts), start_byte, attrs))
    return i


def _pre_language(text: str, i: int) -> tuple[str, int]:
    """Read the optional language after an opening fence and skip one newline."""
    n, end = len(text), i
    while end < n and not text[end].isspace() and text[end] != "`":
        end += 1
    language = ""
    if end != i and end < n and text[end] != "`":
        language, i = text[i:end], end
    if i < n and text[i] in "\r\n":
        pair = text[i : i + 2]
        i += 2 if len(pair) == 2 and pair[1] in "\r\n" and pair[0] != pair[1] else 1
    return language, i


def _mdv2_close(
    text: str, i: int, out: _Out, stack: list[_Open], entities: list[Json]
) -> int:
    top = stack.pop()
    extra: Json = {}
    if top.tag in ("underline", "spoiler"):
        i += 2
    elif top.tag == "pre":
        i += 3
        if top.attrs.get("language"):
            extra["language"] = top.attrs["language"]
    elif top.tag in ("text_link", "custom_emoji"):
        url, i = _mdv2_url(text, i, "".join(out.parts[top.index :]))
        if out.u16 > top.start and top.tag == "text_link":
            link = _link_entity(url, top.start, out.u16)
            if link is not None:
                entities.append(link)
        elif out.u16 > top.start:
            emoji_id = url.rpartition("id=")[2]
            entities.append(_entity("custom_emoji", top.start, out.u16, custom_emoji_id=emoji_id))
        return i
    else:
        i += 1
    if out.u16 > top.start:
        entities.append(_entity(top.tag, top.start, out.u16, **extra))
    return i


def _mdv2_url(text: str, i: int, label: str) -> tuple[str, int]:
    """Read ``(url)`` after ``]`` at ``text[i]``; without it the label itself is the URL."""
    n = len(text)
    if not text.startswith("(", i + 1):
        return label, i + 1
    i += 2
    begin, chars = i, []
    while i < n and text[i] != ")":
        if text[i] == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            chars.append(text[i + 1])
            i += 2
            continue
        chars.append(text[i])
        i += 1
    if i >= n:
        raise _ParseError(f"Can't find end of a URL at byte offset {_byte_offset(text, begin)}")
    return "".join(chars), i + 1


_MD_SPECIAL = re.compile(r"[\\_*`\[]")


def parse_markdown(text: str) -> tuple[str, list[Json]]:
    """Render legacy ``parse_mode=Markdown`` into plain text and entities."""
    out, entities = _Out(), list[Json]()
    i, n = 0, len(text)
    while i < n:
        special = _MD_SPECIAL.search(text, i)
        if special is None:
            out.add(text[i:])
            break
        out.add(text[i : special.start()])
        i = special.start()
        char = text[i]
        if char == "\\":
            escaped = text[i + 1 : i + 2] in ("_", "*", "`", "[")
            out.add(text[i + 1] if escaped else char)
            i += 2 if escaped else 1
            continue
        i = _md_entity(text, i, out, entities)
    return out.text(), _sorted_entities(entities)


def _md_entity(text: str, i: int, out: _Out, entities: list[Json]) -> int:
    """Parse one legacy-Markdown entity starting at ``text[i]``; returns the index after it."""
    n, char, begin = len(text), text[i], i
    end_char = "]" if char == "[" else char
    i += 1
    is_pre, language = False, ""
    if char == "`" and text.startswith("``", i):
        is_pre = True
        language, i = _pre_language(text, i + 2)
    start, index = out.u16, len(out.parts)
    while i < n and (text[i] != end_char or (is_pre and not text.startswith("```", i))):
        out.add(text[i])
        i += 1
    if i >= n:
        raise _ParseError(
            f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
        )
    if char == "[":
        url = "".join(out.parts[index:])
        if text.startswith("(", i + 1):
            close = text.find(")", i + 2)
            close = n if close < 0 else close
            url, i = text[i + 2 : close], close
        link = _link_entity(url, start, out.u16) if out.u16 > start else None
        if link is not None:
            entities.append(link)
        return i + 1
    if out.u16 > start:
        if is_pre:
            extra = {"language": language} if language else {}
            entities.append(_entity("pre", start, out.u16, **extra))
        else:
            kind = {"_": "italic", "*": "bold", "`": "code"}[char]
            entities.append(_entity(kind, start, out.u16))
    return i + (3 if is_pre else 1)


_PARSERS: dict[str, Callable[[str], tuple[str, list[Json]]]] = {
    "html": parse_html,
    "markdown": parse_markdown,
    "markdownv2": parse_markdown_v2,
}


def render_text(text: str, parse_mode: Any = None, entities: Any = None) -> tuple[str, list[Json]]:
    """What the user sees: plain text plus entities, trimmed like Telegram trims messages.

    Explicit ``entities`` win over ``parse_mode``, as in the Bot API.
    """
    if entities:
        plain, found = text, list(_as_json(entities))
    elif parse_mode:
        parser = _PARSERS.get(str(parse_mode).lower())
        if parser is None:
            raise ApiError(400, "Bad Request: unsupported parse_mode")
        try:
            plain, found = parser(text)
        except _ParseError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    else:
        plain, found = text, []
    return _trim(plain, found)


def _trim(plain: str, entities: list[Json]) -> tuple[str, list[Json]]:
    """Strip surrounding whitespace and clip entities to what remains."""
    stripped = plain.strip()
    if stripped == plain:
        return plain, entities
    lead = utf16_len(plain[: len(plain) - len(plain.lstrip())])
    size = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


# --------------------------------------------------------------------------------------------
# Wire decoding shared by both transports
# --------------------------------------------------------------------------------------------

# Parameters whose form value is a plain string even when it looks like JSON ("123", "true").
_STRING_PARAMS = frozenset(
    {
        "action",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "custom_title",
        "description",
        "document",
        "emoji",
        "file_id",
        "inline_message_id",
        "inline_query_id",
        "ip_address",
        "language_code",
        "message_effect_id",
        "name",
        "next_offset",
        "parse_mode",
        "photo",
        "query",
        "secret_token",
        "short_description",
        "sticker",
        "switch_pm_parameter",
        "switch_pm_text",
        "text",
        "title",
        "url",
    }
)
_JSON_FIRST_CHARS = frozenset('{["-0123456789')


def _decode_value(name: str, value: str) -> Any:
    if name in _STRING_PARAMS or not value:
        return value
    if value[0] in _JSON_FIRST_CHARS or value in ("true", "false", "null"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def decode_form_params(raw: Mapping[str, str]) -> Json:
    """Turn form values (PTB JSON-encodes every non-string) back into typed values."""
    return {name: _decode_value(name, value) for name, value in raw.items()}


def _as_json(value: Any) -> Any:
    """Accept both a JSON string (form bodies) and an already decoded value (JSON bodies)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON object") from None
    return value


@dataclass(frozen=True, slots=True)
class _Route:
    """Where a request URL points: a Bot API method or a file download."""

    kind: str
    token: str
    name: str


@functools.lru_cache(maxsize=512)
def _parse_route(url: str) -> _Route | None:
    """Split ``.../bot<token>/<method>`` or ``.../file/bot<token>/<path>``."""
    path = urlsplit(url).path if "://" in url else url.split("?", 1)[0]
    parts = [unquote(part) for part in path.split("/") if part]
    if "file" in parts:
        at = parts.index("file")
        rest = parts[at + 1 :]
        if len(rest) >= 2 and rest[0].startswith("bot"):
            return _Route("file", rest[0][3:], "/".join(rest[1:]))
    if len(parts) >= 2 and parts[-2].startswith("bot"):
        return _Route("method", parts[-2][3:], parts[-1])
    return None


def _dumps(body: Json) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


_NOT_FOUND: Json = {"ok": False, "error_code": 404, "description": "Not Found"}
_UNAUTHORIZED: Json = {"ok": False, "error_code": 401, "description": "Unauthorized"}


# --------------------------------------------------------------------------------------------
# Object builders
# --------------------------------------------------------------------------------------------

_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)
_RESTRICTED_RIGHTS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_edit_tag",
)
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
CHAT_STATUSES = frozenset({"ok", "blocked", "kicked", "left", "deactivated"})
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_AUTO_ENTITY_RE = re.compile(
    r"(?P<bot_command>(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@]))"
    r"|(?P<url>https?://[^\s]+)"
    r"|(?P<mention>(?<!\w)@[A-Za-z0-9_]{5,32})"
)
_DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


def _member(user: Json, status: str) -> Json:
    """A complete ``ChatMember`` object for ``status`` (PTB rejects missing required fields)."""
    member: Json = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(can_be_edited=False, is_anonymous=False)
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
    elif status == "restricted":
        member.update(is_member=True, until_date=0)
        member.update(dict.fromkeys(_RESTRICTED_RIGHTS, False))
    elif status == "kicked":
        member["until_date"] = 0
    return member


def _auto_entities(text: str) -> list[Json]:
    """The entities Telegram detects in user text: commands, URLs and mentions."""
    entities = []
    for match in _AUTO_ENTITY_RE.finditer(text):
        kind = match.lastgroup or "url"
        start = utf16_len(text[: match.start()])
        entities.append(_entity(kind, start, start + utf16_len(match.group())))
    return entities


def _update_type(update: Json) -> str:
    return next((key for key in update if key != "update_id"), "")


def _button_labels(message: Json | None) -> list[str]:
    rows = (message or {}).get("reply_markup", {}).get("inline_keyboard", [])
    return [button.get("text", "") for row in rows for button in row]


# --------------------------------------------------------------------------------------------
# The fake Bot API
# --------------------------------------------------------------------------------------------


class FakeBotApi:
    """Transport-independent Bot API state machine that records every call.

    ``handle(method, params, files)`` returns ``(http_status, envelope)``.  Params are typed
    values (transports decode the wire format first).  All public methods are thread-safe.
    """

    def __init__(
        self,
        *,
        token: str = TOKEN,
        bot_id: int = BOT_ID,
        username: str = BOT_USERNAME,
        first_name: str = BOT_FIRST_NAME,
        strict_chats: bool = False,
        max_poll_wait: float = MAX_POLL_WAIT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.bot_user: Json = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.strict_chats = strict_chats
        self.max_poll_wait = max_poll_wait
        self.clock = clock
        self.faults: FaultPolicy | None = None
        self.calls: list[Call] = []
        self.injected_faults: list[tuple[str, str]] = []
        self._lock = threading.RLock()
        self._updates_cond = threading.Condition(self._lock)
        self._calls_cond = threading.Condition(self._lock)
        self._async_waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._chats: dict[int, _ChatState] = {}
        self._users: dict[int, Json] = {}
        self._sent: list[tuple[int, Json]] = []
        self._queue: deque[Json] = deque()
        self._last_update_id = 0
        self._poll_generation = 0
        self._poll_epoch = 0
        self._allowed_updates: frozenset[str] = _DEFAULT_ALLOWED_UPDATES
        self._webhook: Json = {"url": ""}
        self._commands: dict[tuple[str, str], list[Json]] = {}
        self._queries: dict[str, _Query] = {}
        self._files: dict[str, _StoredFile] = {}
        self._file_paths: dict[str, _StoredFile] = {}
        self._forced: dict[str, deque[str]] = {}
        self._ids = itertools.count(1)
        self._methods: dict[str, Callable[[Json, dict[str, UploadedFile]], Any]] = {
            "getMe": self._get_me,
            "logOut": self._true,
            "close": self._true,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "sendChatAction": self._send_chat_action,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getFile": self._get_file,
            "setMyDescription": self._true,
            "setMyShortDescription": self._true,
            "setMyName": self._true,
            "setChatMenuButton": self._true,
        }
        self._canonical = {name.lower(): name for name in self._methods}
        self._canonical["getupdates"] = "getUpdates"

    # -- configuration ----------------------------------------------------------------------

    def set_chat(
        self,
        chat_id: int,
        *,
        type: str | None = None,
        title: str | None = None,
        first_name: str | None = None,
        username: str | None = None,
    ) -> Json:
        """Create or update a chat; returns its ``Chat`` dict."""
        with self._lock:
            chat = self._ensure_chat(chat_id, type)
            for name, value in (("title", title), ("first_name", first_name)):
                if value is not None:
                    setattr(chat, name, value)
            if username is not None:
                chat.username = username.lstrip("@")
            if type is not None:
                chat.type = type
            chat.changed()
            return chat.as_dict()

    def set_chat_status(self, chat_id: int, status: str) -> None:
        """Make sends to the chat fail: ``blocked``, ``kicked``, ``left``, ``deactivated``; or
        ``ok`` again."""
        if status not in CHAT_STATUSES:
            raise ValueError(f"status must be one of {sorted(CHAT_STATUSES)}")
        with self._lock:
            chat = self._ensure_chat(chat_id)
            chat.status = status
            if status == "ok" and chat.members.get(self.bot_user["id"]) in ("kicked", "left"):
                del chat.members[self.bot_user["id"]]

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What ``getChatMember`` reports for ``user_id`` (``member`` unless set)."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {sorted(MEMBER_STATUSES)}")
        with self._lock:
            self._ensure_chat(chat_id).members[user_id] = status

    def fail_next(self, method: str, kind: str = "429", times: int = 1) -> None:
        """Force the next ``times`` calls of ``method`` to fail with ``kind``."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {sorted(FAULT_KINDS)}")
        with self._lock:
            self._forced.setdefault(method, deque()).extend([kind] * times)

    def check_token(self, token: str) -> bool:
        """Whether the token in a request URL is this bot's."""
        return token == self.token

    # -- dispatch ---------------------------------------------------------------------------

    def handle(
        self, method: str, params: Json, files: Mapping[str, UploadedFile] | None = None
    ) -> Envelope:
        """Serve one call; ``getUpdates`` long-polls by blocking this thread.

        Raises :class:`InjectedFault` for ``timeout``/``reset`` faults.
        """
        name = self._canonical.get(method.lower())
        if name == "getUpdates":
            return self._get_updates_blocking(params)
        return self._invoke(name, method, params, dict(files or {}))

    async def handle_async(
        self, method: str, params: Json, files: Mapping[str, UploadedFile] | None = None
    ) -> Envelope:
        """Like :meth:`handle`, but a long poll awaits instead of blocking the event loop."""
        name = self._canonical.get(method.lower())
        if name == "getUpdates":
            return await self._get_updates_async(params)
        return self._invoke(name, method, params, dict(files or {}))

    def _invoke(
        self, name: str | None, raw_name: str, params: Json, files: dict[str, UploadedFile]
    ) -> Envelope:
        params = {key: value for key, value in params.items() if value is not None}
        with self._lock:
            if name is None:
                _LOG.warning("FakeBotApi: unknown method %r -> 404", raw_name)
                return self._record(raw_name, params, files, 404, _NOT_FOUND)
            fault = self._fault_for(name, params, files)
            if fault is not None:
                return fault
            try:
                result = self._methods[name](params, files)
            except ApiError as exc:
                return self._record(name, params, files, *exc.envelope())
            return self._record(name, params, files, 200, {"ok": True, "result": result})

    def _record(
        self,
        method: str,
        params: Json,
        files: dict[str, UploadedFile],
        status: int,
        body: Json,
        fault: str | None = None,
    ) -> Envelope:
        self.calls.append(Call(method, params, files, time.monotonic(), status, fault, body))
        self._calls_cond.notify_all()
        return status, body

    def _fault_for(
        self, method: str, params: Json, files: dict[str, UploadedFile]
    ) -> Envelope | None:
        """Pick and enact a fault (forced ones first); ``None`` lets the call through."""
        forced = self._forced.get(method)
        policy = self.faults
        kind = forced.popleft() if forced else (policy.pick(method) if policy else None)
        if kind is None:
            return None
        self.injected_faults.append((method, kind))
        retry_after = policy.retry_after if policy else 1
        if kind == "429":
            body: Json = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            }
            return self._record(method, params, files, 429, body, fault=kind)
        if kind == "500":
            body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            return self._record(method, params, files, 500, body, fault=kind)
        self._record(method, params, files, 0, {}, fault=kind)
        raise InjectedFault(kind, method, policy.timeout_sleep if policy else 2.0)

    # -- getUpdates -------------------------------------------------------------------------

    def _get_updates_blocking(self, params: Json) -> Envelope:
        with self._lock:
            begun = self._poll_begin(params)
            if not isinstance(begun, _Poll):
                return self._record("getUpdates", params, {}, *begun)
            while (result := self._poll_check(begun)) is None:
                self._updates_cond.wait(max(0.0, begun.deadline - time.monotonic()))
            return self._record("getUpdates", params, {}, *result)

    async def _get_updates_async(self, params: Json) -> Envelope:
        loop, event = asyncio.get_running_loop(), asyncio.Event()
        with self._lock:
            begun = self._poll_begin(params)
            if not isinstance(begun, _Poll):
                return self._record("getUpdates", params, {}, *begun)
            result = self._poll_check(begun)
            if result is None:
                self._async_waiters.add((loop, event))
        try:
            while result is None:
                remaining = max(begun.deadline - time.monotonic(), 0.0)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(remaining):
                        await event.wait()
                event.clear()
                with self._lock:
                    result = self._poll_check(begun)
        finally:
            with self._lock:
                self._async_waiters.discard((loop, event))
        with self._lock:
            return self._record("getUpdates", params, {}, *result)

    def _poll_begin(self, params: Json) -> _Poll | Envelope:
        """Confirm ``offset``, supersede older polls and set the deadline (or answer now)."""
        params = {key: value for key, value in params.items() if value is not None}
        fault = self._fault_for("getUpdates", params, {})
        if fault is not None:
            return fault
        try:
            offset, limit, timeout = self._poll_params(params)
        except ApiError as exc:
            return exc.envelope()
        self._confirm(offset)
        self._poll_generation += 1
        self._wake_polls()
        deadline = time.monotonic() + min(timeout, self.max_poll_wait)
        return _Poll(self._poll_generation, self._poll_epoch, limit, deadline)

    def _poll_params(self, params: Json) -> tuple[int, int, float]:
        if self._webhook["url"]:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        try:
            offset = int(params.get("offset") or 0)
            limit = min(max(int(params.get("limit") or 100), 1), 100)
            timeout = max(float(params.get("timeout") or 0), 0.0)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: wrong parameter in request") from None
        if "allowed_updates" in params:
            allowed = _as_json(params["allowed_updates"])
            self._allowed_updates = frozenset(allowed) if allowed else _DEFAULT_ALLOWED_UPDATES
        return offset, limit, timeout

    def _confirm(self, offset: int) -> None:
        queue = self._queue
        if offset < 0:
            while len(queue) > -offset:
                queue.popleft()
        else:
            while queue and queue[0]["update_id"] < offset:
                queue.popleft()

    def _poll_check(self, poll: _Poll) -> Envelope | None:
        """The answer for a waiting poll, or ``None`` to keep waiting."""
        if poll.generation != self._poll_generation:
            return ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            ).envelope()
        batch: list[Json] = []
        for update in self._queue:
            if _update_type(update) in self._allowed_updates:
                batch.append(update)
                if len(batch) >= poll.limit:
                    break
        if batch or poll.epoch != self._poll_epoch or time.monotonic() >= poll.deadline:
            return 200, {"ok": True, "result": batch}
        return None

    def _wake_polls(self) -> None:
        """Wake every waiting long poll, in threads and on event loops."""
        self._updates_cond.notify_all()
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        for loop, event in list(self._async_waiters):
            if loop is current:
                event.set()
            else:
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(event.set)

    def interrupt_polls(self) -> None:
        """Make every waiting ``getUpdates`` return ``[]`` now (used on server shutdown)."""
        with self._lock:
            self._poll_epoch += 1
            self._wake_polls()

    # -- update injection -------------------------------------------------------------------

    def next_update_id(self) -> int:
        """Allocate an update_id (monotonic, shared by builders and :meth:`push_update`)."""
        with self._lock:
            self._last_update_id += 1
            return self._last_update_id

    def push_update(self, update: Json) -> Json:
        """Queue an update for ``getUpdates``; stamps a fresh ``update_id`` when needed so the
        queue stays ordered."""
        with self._lock:
            current = update.get("update_id")
            if not isinstance(current, int) or current <= self._queued_max():
                update["update_id"] = self.next_update_id()
            self._last_update_id = max(self._last_update_id, update["update_id"])
            self._queue.append(update)
            self._wake_polls()
            return update

    def _queued_max(self) -> int:
        return self._queue[-1]["update_id"] if self._queue else 0

    def pending_updates(self) -> list[Json]:
        """Updates not yet confirmed by a ``getUpdates`` offset."""
        with self._lock:
            return list(self._queue)

    def user(
        self,
        user_id: int = DEFAULT_USER_ID,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> Json:
        """A ``User`` dict, remembered so later builders and ``getChatMember`` reuse it; a new
        user speaks English unless told otherwise, and keeps their language after that."""
        with self._lock:
            user = dict(self._users.get(user_id)
                        or {"id": user_id, "is_bot": False, "language_code": "en"})
            user["first_name"] = first_name or user.get("first_name") or "Tester"
            for key, value in (
                ("last_name", last_name),
                ("username", username),
                ("language_code", language_code),
            ):
                if value is not None:
                    user[key] = value
            self._users[user_id] = user
            return user

    def message_update(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        title: str | None = None,
        reply_to: Json | None = None,
        entities: list[Json] | None = None,
    ) -> Json:
        """A ``message`` update from a user; commands, URLs and mentions get entities."""
        fields: Json = {"text": text}
        found = _auto_entities(text) if entities is None else entities
        if found:
            fields["entities"] = found
        return self._user_message_update(
            fields,
            chat_id=chat_id,
            user_id=user_id,
            chat_type=chat_type,
            title=title,
            reply_to=reply_to,
            first_name=first_name,
            username=username,
            language_code=language_code,
        )

    def photo_update(
        self,
        *,
        caption: str | None = None,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        first_name: str | None = None,
    ) -> Json:
        """A ``message`` update carrying a photo (downloadable via ``getFile``)."""
        with self._lock:
            photo = self._photo_sizes(UploadedFile("photo", "photo.jpg", content, "image/jpeg"))
        fields: Json = {"photo": photo}
        if caption is not None:
            fields["caption"] = caption
        return self._user_message_update(
            fields, chat_id=chat_id, user_id=user_id, chat_type=chat_type, first_name=first_name
        )

    def document_update(
        self,
        file_name: str,
        content: bytes,
        *,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
    ) -> Json:
        """A ``message`` update carrying a document the user uploaded."""
        with self._lock:
            document = self._store_file(UploadedFile("document", file_name, content, mime_type))
        fields: Json = {"document": document}
        if caption is not None:
            fields["caption"] = caption
        return self._user_message_update(
            fields, chat_id=chat_id, user_id=user_id, chat_type=chat_type
        )

    def sticker_update(
        self,
        emoji: str = "\N{THUMBS UP SIGN}",
        *,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
    ) -> Json:
        """A ``message`` update carrying a regular sticker."""
        n = next(self._ids)
        sticker = {
            "file_id": f"CAACAgIAAxkBAAI{n:08d}",
            "file_unique_id": f"AgADst{n:06d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._user_message_update(
            {"sticker": sticker}, chat_id=chat_id, user_id=user_id, chat_type=chat_type
        )

    def _user_message_update(
        self,
        fields: Json,
        *,
        chat_id: int | None,
        user_id: int,
        chat_type: str,
        title: str | None = None,
        reply_to: Json | None = None,
        **user_fields: Any,
    ) -> Json:
        """Store a message the user sent and wrap it in an update."""
        with self._lock:
            user = self.user(user_id, **user_fields)
            chat = self._chat_for_user(chat_id, user, chat_type, title)
            if reply_to is not None:
                fields["reply_to_message"] = self._reply_copy(chat, reply_to["message_id"])
            message = self._store_message(chat, user, fields)
            return {"update_id": self.next_update_id(), "message": message}

    def _chat_for_user(
        self, chat_id: int | None, user: Json, chat_type: str, title: str | None
    ) -> _ChatState:
        if chat_id is None:
            chat_id = default_chat_id(user["id"], chat_type)
        chat = self._ensure_chat(chat_id, chat_type)
        if chat.type == "private" and chat.first_name != user["first_name"]:
            chat.first_name, chat.username = user["first_name"], user.get("username")
            chat.changed()
        if title and chat.title != title:
            chat.title = title
            chat.changed()
        return chat

    def edited_message_update(
        self,
        text: str,
        *,
        message: Json | None = None,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
    ) -> Json:
        """An ``edited_message`` update: the user changed one of their messages to ``text``.

        Edits ``message`` if given, else the user's newest message in the chat (one is created
        first if the user has not written there yet).
        """
        with self._lock:
            if message is None:
                message = self._latest_user_message(chat_id, user_id, chat_type)
            chat = self._ensure_chat(message["chat"]["id"])
            current = chat.messages.get(message["message_id"], message)
            edited = {k: v for k, v in current.items() if k != "entities"}
            edited.update(text=text, edit_date=int(self.clock()))
            found = _auto_entities(text)
            if found:
                edited["entities"] = found
            chat.messages[edited["message_id"]] = edited
            return {"update_id": self.next_update_id(), "edited_message": edited}

    def _latest_user_message(self, chat_id: int | None, user_id: int, chat_type: str) -> Json:
        if chat_id is None:
            chat_id = default_chat_id(user_id, chat_type)
        chat = self._chats.get(chat_id)
        mine = [m for m in (chat.messages.values() if chat else ()) if m["from"]["id"] == user_id]
        if mine:
            return mine[-1]
        update = self.message_update(
            "(original text)", chat_id=chat_id, user_id=user_id, chat_type=chat_type
        )
        return update["message"]

    def callback_update(
        self,
        message: Json,
        data: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        first_name: str | None = None,
    ) -> Json:
        """A ``callback_query`` update: the user tapped a button with ``data`` on ``message``
        (a bot message; its current, edited state is embedded)."""
        with self._lock:
            user = self.user(user_id, first_name=first_name)
            chat = self._ensure_chat(message["chat"]["id"])
            current = chat.messages.get(message["message_id"], message)
            query_id = str(4_000_000_000_000_000_000 + next(self._ids))
            self._queries[query_id] = _Query("callback", user_id, chat.id)
            query = {
                "id": query_id,
                "from": user,
                "message": current,
                "chat_instance": str(-7_000_000_000 - abs(chat.id)),
                "data": data,
            }
            return {"update_id": self.next_update_id(), "callback_query": query}

    def inline_query_update(
        self,
        query: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        offset: str = "",
        chat_type: str = "sender",
    ) -> Json:
        """An ``inline_query`` update (``@bot query`` typed in any chat)."""
        with self._lock:
            user = self.user(user_id)
            query_id = str(5_000_000_000_000_000_000 + next(self._ids))
            self._queries[query_id] = _Query("inline", user_id)
            inline = {
                "id": query_id,
                "from": user,
                "query": query,
                "offset": offset,
                "chat_type": chat_type,
            }
            return {"update_id": self.next_update_id(), "inline_query": inline}

    def my_chat_member_update(
        self,
        chat_id: int,
        new_status: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        old_status: str | None = None,
    ) -> Json:
        """A ``my_chat_member`` update; ``kicked``/``left`` also makes later sends fail with
        403, as when a user blocks the bot or a group removes it."""
        if new_status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {sorted(MEMBER_STATUSES)}")
        with self._lock:
            chat = self._ensure_chat(chat_id)
            user = self.user(user_id)
            previous = old_status or self._bot_status(chat)
            chat.status = self._chat_status_for(chat, new_status)
            chat.members[self.bot_user["id"]] = new_status
            change = {
                "chat": chat.as_dict(),
                "from": user,
                "date": int(self.clock()),
                "old_chat_member": _member(self.bot_user, previous),
                "new_chat_member": _member(self.bot_user, new_status),
            }
            return {"update_id": self.next_update_id(), "my_chat_member": change}

    @staticmethod
    def _chat_status_for(chat: _ChatState, member_status: str) -> str:
        if member_status == "kicked":
            return "blocked" if chat.type == "private" else "kicked"
        return "left" if member_status == "left" else "ok"

    def _bot_status(self, chat: _ChatState) -> str:
        if chat.status in ("blocked", "kicked"):
            return "kicked"
        if chat.status == "left":
            return "left"
        return chat.members.get(self.bot_user["id"], "member")

    def migrate_update(
        self,
        old_chat_id: int,
        new_chat_id: int,
        *,
        user_id: int = DEFAULT_USER_ID,
        in_new_chat: bool = False,
    ) -> Json:
        """The service message of a group upgrade: ``migrate_to_chat_id`` in the old group
        (default) or ``migrate_from_chat_id`` in the new supergroup; later sends to the old id
        fail with ``ChatMigrated``."""
        with self._lock:
            old = self._ensure_chat(old_chat_id, "group")
            new = self._ensure_chat(new_chat_id, "supergroup")
            if new.title is None:
                new.title = old.title
                new.changed()
            old.migrated_to = new_chat_id
            user = self.user(user_id)
            if in_new_chat:
                fields: Json = {"migrate_from_chat_id": old_chat_id}
                message = self._store_message(new, user, fields)
            else:
                message = self._store_message(old, user, {"migrate_to_chat_id": new_chat_id})
            return {"update_id": self.next_update_id(), "message": message}

    # -- recorded state ---------------------------------------------------------------------

    def calls_of(self, method: str) -> list[Call]:
        """Recorded calls of one method (faulted ones included; check ``Call.ok``)."""
        with self._lock:
            return [call for call in self.calls if call.method == method]

    @property
    def sent_total(self) -> int:
        """How many messages were delivered so far (use as ``since`` for later queries)."""
        with self._lock:
            return len(self._sent)

    def sent_messages(self, chat_id: int | None = None, *, since: int = 0) -> list[Json]:
        """Delivered bot messages (text, documents, photos) in order, as sent (no edits)."""
        with self._lock:
            return [msg for cid, msg in self._sent[since:] if chat_id is None or cid == chat_id]

    def chat_view(self, chat_id: int) -> list[Json]:
        """The chat as the user sees it now: all messages, edits applied, deletions gone."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return list(chat.messages.values()) if chat else []

    def bot_messages(self, chat_id: int, *, after_message_id: int = 0) -> list[Json]:
        """Current state of the bot's messages in a chat (edits applied)."""
        return [
            msg
            for msg in self.chat_view(chat_id)
            if msg["from"]["id"] == self.bot_user["id"] and msg["message_id"] > after_message_id
        ]

    def last_message(self, chat_id: int) -> Json | None:
        """Current state of the newest surviving bot message in the chat."""
        messages = self.bot_messages(chat_id)
        return messages[-1] if messages else None

    def message(self, chat_id: int, message_id: int) -> Json | None:
        """Current state of one message, or ``None`` if unknown or deleted."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return chat.messages.get(message_id) if chat else None

    def last_message_id(self, chat_id: int) -> int:
        """Highest message_id used in the chat so far (0 for a new chat)."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return chat.last_message_id if chat else 0

    def reply_keyboard(self, chat_id: int) -> Json | None:
        """The reply keyboard currently shown to the user, if any."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return chat.reply_keyboard if chat else None

    def transcript(self, chat_id: int) -> str:
        """A readable rendering of :meth:`chat_view`, handy in assertion messages."""
        lines = []
        for msg in self.chat_view(chat_id):
            who = "bot" if msg["from"]["id"] == self.bot_user["id"] else "user"
            body = msg.get("text") or msg.get("caption") or ""
            if "document" in msg:
                body = f"[document {msg['document'].get('file_name')}] {body}"
            buttons = _button_labels(msg)
            suffix = "  " + " ".join(f"[{label}]" for label in buttons) if buttons else ""
            lines.append(f"{who}#{msg['message_id']}: {body}{suffix}")
        return "\n".join(lines)

    def callback_answer(self, query_id: str) -> Json | None:
        """The ``answerCallbackQuery`` params for a query, or ``None`` while unanswered."""
        with self._lock:
            query = self._queries.get(query_id)
            return query.answer if query else None

    def callback_queries(
        self, *, user_id: int | None = None, chat_id: int | None = None
    ) -> list[str]:
        """Ids of callback queries created so far, optionally for one user and/or chat."""
        with self._lock:
            return [
                qid
                for qid, query in self._queries.items()
                if query.kind == "callback"
                and (user_id is None or query.user_id == user_id)
                and (chat_id is None or query.chat_id == chat_id)
            ]

    def unanswered_callback_queries(self) -> list[str]:
        """Callback query ids the bot never answered (users would see a spinner)."""
        with self._lock:
            return [
                qid
                for qid, query in self._queries.items()
                if query.kind == "callback" and query.answer is None
            ]

    def file_content(self, file_id: str) -> bytes | None:
        """Bytes of an uploaded file (``None`` for URL-sent or unknown files)."""
        with self._lock:
            stored = self._files.get(file_id)
            return stored.content if stored else None

    def download(self, token: str, file_path: str) -> tuple[int, bytes]:
        """Serve ``/file/bot<token>/<file_path>`` like Telegram's file endpoint."""
        with self._lock:
            if not self.check_token(token):
                return 401, _dumps(_UNAUTHORIZED)
            stored = self._file_paths.get(file_path)
            if stored is None or stored.content is None:
                return 404, _dumps(_NOT_FOUND)
            return 200, stored.content

    def clear_calls(self) -> None:
        """Forget recorded calls and delivered-message history (state is kept)."""
        with self._lock:
            self.calls.clear()
            self._sent.clear()
            self.injected_faults.clear()

    def wait_for(
        self, predicate: str | Callable[[Call], bool], timeout: float = 5.0, *, since: int = 0
    ) -> Call:
        """Block until a recorded call (index >= ``since``) matches; for bots running in another
        thread or process.  A string matches successful calls of that method."""
        match = _call_matcher(predicate)
        deadline = time.monotonic() + timeout
        with self._calls_cond:
            while True:
                found = next((c for c in self.calls[since:] if match(c)), None)
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._wait_failure(predicate, timeout))
                self._calls_cond.wait(remaining)

    async def wait_for_async(
        self, predicate: str | Callable[[Call], bool], timeout: float = 5.0, *, since: int = 0
    ) -> Call:
        """Like :meth:`wait_for` but yields to the event loop, for a bot polling in this loop."""
        match = _call_matcher(predicate)
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = next((c for c in self.calls[since:] if match(c)), None)
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(self._wait_failure(predicate, timeout))
            await asyncio.sleep(0.005)

    def _wait_failure(self, predicate: object, timeout: float) -> str:
        with self._lock:
            seen = [f"{c.method}:{c.status}{'/' + c.fault if c.fault else ''}" for c in self.calls]
        return f"no call matching {predicate!r} within {timeout}s; recorded: {seen[-30:]}"

    # -- chats and messages -----------------------------------------------------------------

    def _ensure_chat(self, chat_id: int, chat_type: str | None = None) -> _ChatState:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = _ChatState(chat_id, chat_type or _guess_chat_type(chat_id))
            self._chats[chat_id] = chat
        return chat

    def _resolve_chat(self, params: Json) -> _ChatState:
        """The chat a call targets; unknown chats are created unless ``strict_chats``."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat_id = _chat_id(raw)
        if isinstance(chat_id, str):
            found = next((c for c in self._chats.values() if c.username == chat_id[1:]), None)
            if found is None:
                raise ApiError(400, "Bad Request: chat not found")
            return found
        if chat_id not in self._chats and self.strict_chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self._ensure_chat(chat_id)

    def _writable_chat(self, params: Json) -> _ChatState:
        """Resolve the chat and fail the way Telegram does when the bot can't write there."""
        chat = self._resolve_chat(params)
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.status == "ok":
            return chat
        kind = "supergroup" if chat.type == "supergroup" else chat.type
        if chat.status == "blocked" or (chat.status == "kicked" and chat.type == "private"):
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat.status == "deactivated":
            raise ApiError(403, "Forbidden: user is deactivated")
        if chat.status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
        raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")

    def _store_message(self, chat: _ChatState, sender: Json, fields: Json) -> Json:
        chat.last_message_id += 1
        message = {
            "message_id": chat.last_message_id,
            "from": sender,
            "chat": chat.as_dict(),
            "date": int(self.clock()),
            **fields,
        }
        chat.messages[chat.last_message_id] = message
        return message

    def _deliver(self, chat: _ChatState, fields: Json, keyboard: Any) -> Json:
        """Store a bot message; edits later replace the dict, so ``_sent`` keeps it as sent."""
        message = self._store_message(chat, self.bot_user, fields)
        self._sent.append((chat.id, message))
        if keyboard is not _KEEP:
            chat.reply_keyboard = keyboard
        return message

    def _existing_message(self, chat: _ChatState, params: Json, missing: str) -> Json:
        message_id = params.get("message_id")
        if message_id is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = chat.messages.get(int(message_id))
        if message is None:
            raise ApiError(400, f"Bad Request: {missing}")
        return message

    def _reply_copy(self, chat: _ChatState, message_id: int) -> Json | None:
        target = chat.messages.get(message_id)
        if target is None:
            return None
        return {k: v for k, v in target.items() if k != "reply_to_message"}

    def _reply_to(self, chat: _ChatState, params: Json) -> Json | None:
        """The ``reply_to_message`` for ``reply_parameters`` (400 if it does not exist)."""
        reply = _as_json(params.get("reply_parameters")) or {}
        if "reply_to_message_id" in params:
            reply = {"message_id": params["reply_to_message_id"]}
        if not reply:
            return None
        target_chat = chat
        if reply.get("chat_id") is not None:
            target_chat = self._resolve_chat({"chat_id": reply["chat_id"]})
        copy = self._reply_copy(target_chat, int(reply.get("message_id", 0)))
        allow = reply.get("allow_sending_without_reply") or params.get(
            "allow_sending_without_reply"
        )
        if copy is None and not allow:
            raise ApiError(400, "Bad Request: message to be replied not found")
        return copy

    # -- method handlers --------------------------------------------------------------------

    @staticmethod
    def _true(params: Json, files: dict[str, UploadedFile]) -> bool:
        return True

    def _get_me(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _commands_key(self, params: Json) -> tuple[str, str]:
        scope = _as_json(params.get("scope")) or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        commands = _as_json(params.get("commands"))
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not _COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned = [{"command": c["command"], "description": c["description"]} for c in commands]
        self._commands[self._commands_key(params)] = cleaned
        return True

    def _get_my_commands(self, params: Json, files: dict[str, UploadedFile]) -> list[Json]:
        return [dict(c) for c in self._commands.get(self._commands_key(params), [])]

    def _delete_my_commands(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _set_webhook(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        url = str(params.get("url") or "")
        if url:
            parts = urlsplit(url)
            loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
            if parts.scheme != "https" and not loopback:
                raise ApiError(
                    400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
                )
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self._webhook = {
            "url": url,
            "secret_token": params.get("secret_token"),
            "allowed_updates": _as_json(params.get("allowed_updates")),
            "max_connections": params.get("max_connections", 40),
        }
        return True

    def _delete_webhook(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self._webhook = {"url": ""}
        return True

    def _get_webhook_info(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        info: Json = {
            "url": self._webhook["url"],
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self._webhook["url"]:
            info["max_connections"] = self._webhook["max_connections"]
            if self._webhook.get("allowed_updates"):
                info["allowed_updates"] = self._webhook["allowed_updates"]
        return info

    def _send_message(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        chat = self._writable_chat(params)
        text, entities = render_text(
            str(params.get("text", "")), params.get("parse_mode"), params.get("entities")
        )
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        inline, keyboard = _parse_markup(params)
        fields: Json = {"text": text}
        if entities:
            fields["entities"] = entities
        return self._deliver(chat, self._decorate(chat, params, fields, inline), keyboard)

    def _decorate(
        self, chat: _ChatState, params: Json, fields: Json, inline: Json | None
    ) -> Json:
        """Add ``reply_to_message`` and inline keyboard to a message being sent."""
        reply = self._reply_to(chat, params)
        if reply is not None:
            fields["reply_to_message"] = reply
        if inline is not None:
            fields["reply_markup"] = inline
        return fields

    def _caption_fields(self, params: Json) -> Json:
        if params.get("caption") in (None, ""):
            return {}
        caption, entities = render_text(
            str(params["caption"]), params.get("parse_mode"), params.get("caption_entities")
        )
        if len(caption) > MAX_CAPTION_LENGTH:
            raise ApiError(400, "Bad Request: message caption is too long")
        fields: Json = {"caption": caption} if caption else {}
        if entities:
            fields["caption_entities"] = entities
        return fields

    def _input_file(
        self, params: Json, files: dict[str, UploadedFile], name: str
    ) -> UploadedFile | str:
        """An uploaded part, or a file_id/URL string, as the Bot API resolves them."""
        value = params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
        elif value is None or value == "":
            upload = files.get(name)
        else:
            return str(value)
        if upload is None:
            raise ApiError(400, f"Bad Request: there is no {name} in the request")
        if not upload.content:
            raise ApiError(400, "Bad Request: file must be non-empty")
        return upload

    def _known_file(self, reference: str) -> _StoredFile:
        stored = self._files.get(reference)
        if stored is not None:
            return stored
        if reference.startswith(("http://", "https://")):
            name = urlsplit(reference).path.rsplit("/", 1)[-1] or "file"
            return self._store_file_meta(name, None, "application/octet-stream")
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _store_file(self, upload: UploadedFile) -> Json:
        return self._store_file_meta(upload.filename, upload.content, upload.mime_type).meta

    def _store_file_meta(self, name: str, content: bytes | None, mime: str) -> _StoredFile:
        n = next(self._ids)
        file_id = f"BQACAgIAAxkBAAI{n:08d}"
        meta: Json = {"file_id": file_id, "file_unique_id": f"AgADfl{n:06d}", "file_name": name}
        if mime:
            meta["mime_type"] = mime
        if content is not None:
            meta["file_size"] = len(content)
        stored = _StoredFile(meta, content, f"documents/file_{n}{_extension(name)}")
        self._files[file_id] = stored
        self._file_paths[stored.path] = stored
        return stored

    def _send_document(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        chat = self._writable_chat(params)
        source = self._input_file(params, files, "document")
        if isinstance(source, UploadedFile):
            document = self._store_file(source)
        else:
            document = dict(self._known_file(source).meta)
        inline, keyboard = _parse_markup(params)
        fields = {"document": document, **self._caption_fields(params)}
        return self._deliver(chat, self._decorate(chat, params, fields, inline), keyboard)

    def _photo_sizes(self, upload: UploadedFile) -> list[Json]:
        stored = self._store_file_meta(upload.filename, upload.content, "")
        size = len(upload.content)
        base = {"file_unique_id": stored.meta["file_unique_id"], "file_size": size}
        small = {**base, "file_id": f"{stored.meta['file_id']}s", "width": 90, "height": 90}
        large = {**base, "file_id": stored.meta["file_id"], "width": 800, "height": 800}
        return [small, large]

    def _send_photo(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        chat = self._writable_chat(params)
        source = self._input_file(params, files, "photo")
        if isinstance(source, UploadedFile):
            photo = self._photo_sizes(source)
        else:
            meta = self._known_file(source).meta
            photo = [{"file_id": meta["file_id"], "file_unique_id": meta["file_unique_id"],
                      "width": 800, "height": 800}]
        inline, keyboard = _parse_markup(params)
        fields = {"photo": photo, **self._caption_fields(params)}
        return self._deliver(chat, self._decorate(chat, params, fields, inline), keyboard)

    def _editable(self, params: Json) -> tuple[_ChatState, Json] | None:
        """The bot message an edit targets, or ``None`` for inline messages."""
        if params.get("inline_message_id"):
            return None
        chat = self._writable_chat(params)
        message = self._existing_message(chat, params, "message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat, message

    def _apply_edit(self, chat: _ChatState, old: Json, changes: Json) -> Json:
        """Replace the message with an edited copy; raise when nothing would change."""
        keys = set(changes)
        if all(old.get(key) == changes.get(key) for key in keys):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the "
                "message",
            )
        edited = {k: v for k, v in old.items() if k not in keys}
        edited.update({k: v for k, v in changes.items() if v is not None})
        edited["edit_date"] = int(self.clock())
        chat.messages[old["message_id"]] = edited
        return edited

    def _edit_message_text(self, params: Json, files: dict[str, UploadedFile]) -> Json | bool:
        target = self._editable(params)
        text, entities = render_text(
            str(params.get("text", "")), params.get("parse_mode"), params.get("entities")
        )
        if not text:
            raise ApiError(400, "Bad Request: text must be non-empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        inline, _ = _parse_markup(params, inline_only=True)
        if target is None:
            return True
        chat, message = target
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        changes = {"text": text, "entities": entities or None, "reply_markup": inline}
        return self._apply_edit(chat, message, changes)

    def _edit_message_caption(self, params: Json, files: dict[str, UploadedFile]) -> Json | bool:
        target = self._editable(params)
        fields = self._caption_fields(params)
        inline, _ = _parse_markup(params, inline_only=True)
        if target is None:
            return True
        chat, message = target
        if "text" in message:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        changes = {
            "caption": fields.get("caption"),
            "caption_entities": fields.get("caption_entities"),
            "reply_markup": inline,
        }
        return self._apply_edit(chat, message, changes)

    def _edit_message_reply_markup(
        self, params: Json, files: dict[str, UploadedFile]
    ) -> Json | bool:
        target = self._editable(params)
        inline, _ = _parse_markup(params, inline_only=True)
        if target is None:
            return True
        chat, message = target
        return self._apply_edit(chat, message, {"reply_markup": inline})

    def _delete_message(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        chat = self._resolve_chat(params)
        message = self._existing_message(chat, params, "message to delete not found")
        is_admin = chat.members.get(self.bot_user["id"]) in ("administrator", "creator")
        foreign = message["from"]["id"] != self.bot_user["id"]
        if chat.type != "private" and foreign and not is_admin:
            raise ApiError(400, "Bad Request: message can't be deleted")
        del chat.messages[message["message_id"]]
        return True

    def _answer_query(self, query_id: Any, kind: str, params: Json) -> None:
        query = self._queries.get(str(query_id))
        if query is None or query.kind != kind or query.answer is not None:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is "
                "invalid",
            )
        query.answer = params

    def _answer_callback_query(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        self._answer_query(params.get("callback_query_id"), "callback", params)
        return True

    def _answer_inline_query(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        results = _as_json(params.get("results"))
        if not isinstance(results, list):
            raise ApiError(400, "Bad Request: can't parse inline query results JSON object")
        ids = [str(result.get("id", "")) for result in results]
        if len(set(ids)) != len(ids):
            raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        self._answer_query(params.get("inline_query_id"), "inline", params)
        return True

    def _send_chat_action(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        self._writable_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _get_chat(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        chat = self._resolve_chat(params)
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return {
            **chat.as_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    def _member_of(self, chat: _ChatState, user_id: int) -> Json:
        if user_id == self.bot_user["id"]:
            return _member(self.bot_user, self._bot_status(chat))
        user = self._users.get(user_id) or {
            "id": user_id,
            "is_bot": False,
            "first_name": f"User {user_id}",
        }
        return _member(user, chat.members.get(user_id, "member"))

    def _get_chat_member(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        chat = self._resolve_chat(params)
        user_id = params.get("user_id")
        if user_id is None:
            raise ApiError(400, "Bad Request: user_id is empty")
        return self._member_of(chat, int(user_id))

    def _get_chat_administrators(
        self, params: Json, files: dict[str, UploadedFile]
    ) -> list[Json]:
        chat = self._resolve_chat(params)
        if chat.type == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        return [
            self._member_of(chat, user_id)
            for user_id, status in chat.members.items()
            if status in ("creator", "administrator")
        ]

    def _get_file(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        info = {k: stored.meta[k] for k in ("file_id", "file_unique_id") if k in stored.meta}
        if stored.content is not None:
            info["file_size"] = len(stored.content)
        info["file_path"] = stored.path
        return info


_KEEP = object()
"""Marker: a send that leaves the user's reply keyboard as it is."""


def _parse_markup(params: Json, *, inline_only: bool = False) -> tuple[Json | None, Any]:
    """Validate ``reply_markup``; returns (inline keyboard for the message, reply keyboard
    change: a keyboard, ``None`` to remove it, or ``_KEEP``)."""
    markup = _as_json(params.get("reply_markup"))
    if not markup:
        return None, _KEEP
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: object expected as reply markup")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        _validate_inline_keyboard(rows)
        return (markup if any(rows) else None), _KEEP
    if inline_only:
        raise ApiError(400, "Bad Request: inline keyboard expected")
    if "keyboard" in markup:
        return None, markup
    if markup.get("remove_keyboard"):
        return None, None
    return None, _KEEP


def _validate_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(
            400,
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an '
            "Array of Arrays",
        )
    for button in itertools.chain.from_iterable(rows):
        if not any(key in button for key in _BUTTON_ACTIONS):
            raise ApiError(
                400,
                "Bad Request: can't parse inline keyboard button: Text buttons are unallowed "
                "in the inline keyboard",
            )
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        url = button.get("url")
        if url is not None and not re.match(r"(https?|tg)://\S+$", str(url)):
            raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")


def default_chat_id(user_id: int, chat_type: str) -> int:
    """A plausible chat id for a user's chat of ``chat_type`` (private chats use the user id)."""
    if chat_type == "private":
        return user_id
    if chat_type == "group":
        return -(1_000_000 + user_id)
    return -(1_000_000_000_000 + user_id)


def _guess_chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


def _chat_id(raw: Any) -> int | str:
    if isinstance(raw, bool):
        raise ApiError(400, "Bad Request: chat not found")
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    if text.startswith("@") and len(text) > 1:
        return text
    raise ApiError(400, "Bad Request: chat not found")


def _extension(name: str) -> str:
    suffix = name.rpartition(".")[2] if "." in name else ""
    return f".{suffix}" if suffix and len(suffix) <= 8 else ""


def _call_matcher(predicate: str | Callable[[Call], bool]) -> Callable[[Call], bool]:
    if isinstance(predicate, str):
        return lambda call: call.method == predicate and call.ok
    return predicate


# --------------------------------------------------------------------------------------------
# In-process transport
# --------------------------------------------------------------------------------------------


class RecordingRequest(BaseRequest):
    """PTB ``BaseRequest`` that hands requests straight to a :class:`FakeBotApi`.

    It decodes exactly what PTB would put on the wire (``json_parameters`` and
    ``multipart_data``), so in-process tests see the same values as the HTTP server.  Use one
    instance for ``.request(...)`` and another for ``.get_updates_request(...)``.
    """

    def __init__(self, api: FakeBotApi, *, read_timeout: float | None = 5.0) -> None:
        self.api = api
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout PTB adds to ``getUpdates``' long-poll ``timeout``."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to set up: there is no connection pool."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Route ``url`` to the fake and return ``(status, JSON bytes)`` like HTTPXRequest."""
        route = _parse_route(url)
        if route is None:
            return 404, _dumps(_NOT_FOUND)
        if route.kind == "file":
            return self.api.download(route.token, route.name)
        if not self.api.check_token(route.token):
            return 401, _dumps(_UNAUTHORIZED)
        params, files = _request_payload(request_data)
        try:
            if route.name.lower() == "getupdates":
                status, body = await self.api.handle_async(route.name, params, files)
            else:
                status, body = self.api.handle(route.name, params, files)
        except InjectedFault as fault:
            raise _in_process_error(fault) from None
        return status, _dumps(body)


def _request_payload(request_data: RequestData | None) -> tuple[Json, dict[str, UploadedFile]]:
    if request_data is None:
        return {}, {}
    params = decode_form_params(request_data.json_parameters)
    if not request_data.contains_files:
        return params, {}
    files = {}
    for name, (filename, content, mime) in request_data.multipart_data.items():
        data = content if isinstance(content, bytes) else content.read()
        files[name] = UploadedFile(name, filename, data, mime)
    return params, files


def _in_process_error(fault: InjectedFault) -> Exception:
    """The exception HTTPXRequest would raise for the same fault on a real socket."""
    if fault.kind == "timeout":
        return TimedOut()
    return NetworkError(
        "httpx.RemoteProtocolError: Server disconnected without sending a response."
    )


# --------------------------------------------------------------------------------------------
# Loopback HTTP transport
# --------------------------------------------------------------------------------------------


def _form_param(header: str, name: str) -> str | None:
    """A ``name="value"`` parameter of a Content-Disposition header (httpx escaping)."""
    match = re.search(rf'(?:^|;)\s*{name}="((?:[^"\\]|\\.)*)"', header)
    if match is None:
        return None
    value = match.group(1).replace("\\\\", "\\")
    return re.sub(r"%([01][0-9A-F]|22)", lambda m: chr(int(m.group(1), 16)), value)


def parse_multipart(
    body: bytes, content_type: str
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """Split a ``multipart/form-data`` body into string fields and file parts."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise ApiError(400, "Bad Request: multipart boundary not found")
    delimiter = b"--" + match.group(1).encode()
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = _form_param(disposition, "name") or ""
        filename = _form_param(disposition, "filename")
        if filename is None:
            fields[name] = data.decode()
        else:
            mime = headers.get("content-type", "application/octet-stream")
            files[name] = UploadedFile(name, filename, data, mime)
    return fields, files


class _Server(ThreadingHTTPServer):
    """Threaded HTTP server that can drop all live connections on shutdown."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, api: FakeBotApi) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, address = super().get_request()
        with self._connections_lock:
            self._connections.add(conn)
        return conn, address

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up (cancelled long polls, client timeouts) are normal here."""
        _LOG.debug("connection from %s ended abruptly", client_address, exc_info=True)

    def drop_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    """Serves ``/bot<token>/<method>`` and ``/file/bot<token>/<path>`` like api.telegram.org."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes; avoid 40 ms stalls
    server: _Server
    timeout = 60
    error_content_type = "application/json"
    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        route = _parse_route(self.path)
        api = self.server.api
        if route is None:
            self._send(404, _dumps(_NOT_FOUND))
            return
        if route.kind == "file":
            status, payload = api.download(route.token, route.name)
            self._send(status, payload, "application/octet-stream" if status == 200 else None)
            return
        if not api.check_token(route.token):
            self._send(401, _dumps(_UNAUTHORIZED))
            return
        try:
            params, files = self._params(body)
            status, envelope = api.handle(route.name, params, files)
        except ApiError as exc:
            status, envelope = exc.envelope()
        except InjectedFault as fault:
            self._fault(fault)
            return
        self._send(status, _dumps(envelope))

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _params(self, body: bytes) -> tuple[Json, dict[str, UploadedFile]]:
        """Decode query string plus a form, JSON or multipart body into typed params."""
        content_type = self.headers.get("Content-Type", "")
        raw: dict[str, str] = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        files: dict[str, UploadedFile] = {}
        typed: Json = {}
        if content_type.startswith("multipart/form-data"):
            fields, files = parse_multipart(body, content_type)
            raw.update(fields)
        elif content_type.startswith("application/json") and body:
            try:
                typed = json.loads(body)
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON object") from None
        elif body:
            raw.update(parse_qsl(body.decode(), keep_blank_values=True))
        return {**decode_form_params(raw), **typed}, files

    def _send(self, status: int, payload: bytes, content_type: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type or "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _fault(self, fault: InjectedFault) -> None:
        """Stall (timeout) and/or hang up without a response, as a flaky network would."""
        if fault.kind == "timeout":
            self.server.stopping.wait(fault.sleep)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )


class BotApiServer:
    """The fake Bot API on ``http://127.0.0.1:<ephemeral port>`` for real HTTP clients.

    Point PTB at it with ``base_url=server.base_url`` (or export it as
    ``TELEGRAM_API_BASE_URL`` for a bot in a subprocess).
    """

    def __init__(self, api: FakeBotApi | None = None) -> None:
        self.api = api or FakeBotApi()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> BotApiServer:
        """Bind an ephemeral loopback port and serve in a daemon thread."""
        if self._server is None:
            self._server = _Server(self.api)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="fake-bot-api",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop promptly, even with long polls or stalled (timeout-fault) requests pending."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        self.api.interrupt_polls()
        server.shutdown()
        server.drop_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> BotApiServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (server must be started)."""
        if self._server is None:
            raise RuntimeError("BotApiServer is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """Value for PTB's ``base_url`` / ``TELEGRAM_API_BASE_URL``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for PTB's ``base_file_url``, so file downloads hit this server too."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    def wait_for(
        self, predicate: str | Callable[[Call], bool], timeout: float = 5.0, *, since: int = 0
    ) -> Call:
        """Block until a recorded call matches (see :meth:`FakeBotApi.wait_for`)."""
        return self.api.wait_for(predicate, timeout, since=since)

    async def wait_for_async(
        self, predicate: str | Callable[[Call], bool], timeout: float = 5.0, *, since: int = 0
    ) -> Call:
        """Await a matching call without blocking the event loop the bot polls in."""
        return await self.api.wait_for_async(predicate, timeout, since=since)
