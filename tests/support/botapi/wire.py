"""Decoding what PTB puts on the wire, shared by both transports."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from .errors import ApiError
from .records import Json

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
