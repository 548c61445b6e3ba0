"""A test driver that reads like a chat, for in-process tests against :class:`FakeBotApi`.

Updates go straight into ``application.process_update`` (no polling), so every ``await
chat.send(...)`` returns once the bot's handlers have finished and their replies are recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

from telegram import Update
from telegram.ext import Application

from .botapi import DEFAULT_USER_ID, FakeBotApi, default_chat_id

__all__ = ["ChatDriver", "running_app"]

Json = dict[str, Any]
_APP_LOGGER = "telegram.ext.Application"
_UNHANDLED = "No error handlers are registered"


@contextlib.asynccontextmanager
async def running_app(application: Application) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Initialize and start ``application`` (job queue and update fetcher, no polling), then
    stop and shut it down, even if the test fails."""
    await application.initialize()
    try:
        await application.start()
        try:
            yield application
        finally:
            if application.running:
                await application.stop()
    finally:
        await application.shutdown()


class _ErrorCatcher(logging.Handler):
    """Collects handler exceptions PTB would only log because no error handler is set."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and str(record.msg).startswith(_UNHANDLED):
            self.errors.append(record.exc_info[1])  # type: ignore[arg-type]


@contextlib.contextmanager
def _catch_unhandled() -> Iterator[_ErrorCatcher]:
    catcher = _ErrorCatcher()
    logger = logging.getLogger(_APP_LOGGER)
    logger.addHandler(catcher)
    try:
        yield catcher
    finally:
        logger.removeHandler(catcher)


class ChatDriver:
    """One user talking to the bot in one chat.

    ``send``/``tap`` feed updates to ``application.process_update`` and return the bot messages
    delivered to this chat meanwhile.  Exceptions escaping a handler are re-raised when the app
    has no error handler (PTB would only log them), so a broken handler fails the test.
    """

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        api: FakeBotApi,
        *,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        first_name: str = "Tester",
        username: str | None = None,
        language_code: str | None = "en",
        title: str | None = None,
        raise_handler_errors: bool = True,
    ) -> None:
        self.application = application
        self.api = api
        self.user_id = user_id
        self.chat_type = chat_type
        self.chat_id = chat_id if chat_id is not None else default_chat_id(user_id, chat_type)
        self.first_name = first_name
        self.username = username
        self.language_code = language_code
        self.title = title
        self.raise_handler_errors = raise_handler_errors
        self.query_ids: list[str] = []
        self._start_message_id = api.last_message_id(self.chat_id)
        self._start_call = len(api.calls)

    # -- acting as the user -----------------------------------------------------------------

    async def send(self, text: str, *, reply_to: Json | None = None) -> list[Json]:
        """The user sends ``text`` (``/command`` entities are added automatically)."""
        update = self.api.message_update(
            text,
            chat_id=self.chat_id,
            user_id=self.user_id,
            chat_type=self.chat_type,
            first_name=self.first_name,
            username=self.username,
            language_code=self.language_code,
            title=self.title,
            reply_to=reply_to,
        )
        return await self.send_update(update)

    async def tap(self, label: str) -> list[Json]:
        """Tap an inline button in the newest bot message that has an inline keyboard."""
        with_keyboard = [m for m in self.messages if _labels(m)]
        if not with_keyboard:
            raise AssertionError(
                f"no bot message with an inline keyboard in chat {self.chat_id}:\n"
                f"{self.transcript()}"
            )
        return await self.tap_in(with_keyboard[-1], label)

    async def tap_in(self, message: Json, label: str) -> list[Json]:
        """Tap the button labelled ``label`` (exact, else unique substring) on ``message``."""
        current = self.api.message(message["chat"]["id"], message["message_id"])
        if current is None:
            raise AssertionError(f"message {message['message_id']} no longer exists")
        button = _find_button(current, label)
        if "callback_data" not in button:
            kind = next((k for k in button if k != "text"), "unknown")
            raise AssertionError(f"button {button['text']!r} is a {kind} button, not a callback")
        update = self.api.callback_update(
            current, button["callback_data"], user_id=self.user_id, first_name=self.first_name
        )
        self.query_ids.append(update["callback_query"]["id"])
        return await self.send_update(update)

    async def send_update(self, update: Json) -> list[Json]:
        """Process a raw update dict (e.g. from an ``api.*_update`` builder)."""
        if "update_id" not in update:
            update["update_id"] = self.api.next_update_id()
        since = self.api.sent_total
        with _catch_unhandled() as catcher:
            await self.application.process_update(Update.de_json(update, self.application.bot))
        if catcher.errors and self.raise_handler_errors:
            raise catcher.errors[0]
        return self.api.sent_messages(self.chat_id, since=since)

    async def settle(self, rounds: int = 5) -> None:
        """Let handlers registered with ``block=False`` run a few event-loop turns."""
        for _ in range(rounds):
            await asyncio.sleep(0)

    # -- what the user sees -----------------------------------------------------------------

    @property
    def messages(self) -> list[Json]:
        """Bot messages in this chat since the driver started, edits applied, deletions gone."""
        return self.api.bot_messages(self.chat_id, after_message_id=self._start_message_id)

    @property
    def last_message(self) -> Json | None:
        """The newest bot message in this chat (current state)."""
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def last_text(self) -> str | None:
        """Text (or caption) of the newest bot message."""
        message = self.last_message
        if message is None:
            return None
        return message.get("text", message.get("caption"))

    @property
    def last_buttons(self) -> list[str]:
        """Inline button labels of the newest bot message, row by row flattened."""
        return _labels(self.last_message)

    @property
    def reply_keyboard(self) -> list[str]:
        """Labels of the reply keyboard currently shown under the input field."""
        keyboard = self.api.reply_keyboard(self.chat_id) or {}
        return [
            button if isinstance(button, str) else button.get("text", "")
            for row in keyboard.get("keyboard", [])
            for button in row
        ]

    @property
    def callback_answers(self) -> list[Json]:
        """Params of every successful ``answerCallbackQuery`` for this user's queries in this
        chat since the driver started (taps and raw ``callback_update``s alike), in order."""
        mine = set(self.api.callback_queries(user_id=self.user_id, chat_id=self.chat_id))
        return [
            call.params
            for call in self.api.calls[self._start_call :]
            if call.method == "answerCallbackQuery"
            and call.ok
            and str(call.params.get("callback_query_id")) in mine
        ]

    @property
    def unanswered_callbacks(self) -> list[str]:
        """Ids of this user's callback queries in this chat the bot never answered."""
        queries = self.api.callback_queries(user_id=self.user_id, chat_id=self.chat_id)
        return [qid for qid in queries if self.api.callback_answer(qid) is None]

    def texts_since(self, start: int = 0) -> list[str]:
        """Texts (or captions) of ``messages[start:]``; ``texts_since(-2)`` gives the last two."""
        return [m.get("text", m.get("caption", "")) for m in self.messages[start:]]

    def transcript(self) -> str:
        """The whole chat as text, for assertion messages."""
        return self.api.transcript(self.chat_id)


def _labels(message: Json | None) -> list[str]:
    rows = (message or {}).get("reply_markup", {}).get("inline_keyboard", [])
    return [button.get("text", "") for row in rows for button in row]


def _find_button(message: Json, label: str) -> Json:
    """Exact label match first, then a unique substring; otherwise a helpful failure."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    buttons = [b for row in rows for b in row]
    exact = [b for b in buttons if b.get("text") == label]
    if exact:
        return exact[0]
    partial = [b for b in buttons if label in b.get("text", "")]
    if len(partial) == 1:
        return partial[0]
    labels = [b.get("text", "") for b in buttons]
    reason = "is ambiguous" if partial else "not found"
    raise AssertionError(
        f"button {label!r} {reason} in message {message['message_id']}; available: {labels}"
    )
