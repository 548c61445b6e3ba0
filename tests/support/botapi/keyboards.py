"""Reply markup: inline keyboards on messages and the user's reply keyboard."""

from __future__ import annotations

import itertools
import re
from typing import Any

from .errors import ApiError
from .records import Json
from .wire import _as_json

MAX_CALLBACK_DATA_BYTES = 64


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
