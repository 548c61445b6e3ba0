"""The fake Bot API: one state machine composed of a mixin per concern."""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from .chats import ChatsMixin, _ChatState
from .errors import ApiError, FaultPolicy, FaultsMixin
from .files import FilesMixin, _StoredFile
from .messages import MessagesMixin
from .polling import _DEFAULT_ALLOWED_UPDATES, MAX_POLL_WAIT, PollingMixin
from .queries import QueriesMixin, _Query
from .records import BOT_FIRST_NAME, BOT_ID, BOT_USERNAME, TOKEN, Call, Envelope, Json, UploadedFile
from .updates import UpdatesMixin
from .wire import _NOT_FOUND

_LOG = logging.getLogger(__name__)


class FakeBotApi(
    FaultsMixin,
    PollingMixin,
    UpdatesMixin,
    QueriesMixin,
    ChatsMixin,
    MessagesMixin,
    FilesMixin,
):
    """Transport-independent Bot API state machine that records every call.

    ``handle(method, params, files)`` returns ``(http_status, envelope)``.  Params are typed
    values (transports decode the wire format first).  All public methods are thread-safe.
    Each mixin serves one concern and works on the state ``__init__`` sets up here, under
    ``_lock``.
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
        self._descriptions: dict[tuple[str, str], str] = {}
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
            "setMyDescription": self._set_my_description,
            "setMyShortDescription": self._set_my_short_description,
            "getMyDescription": self._get_my_description,
            "getMyShortDescription": self._get_my_short_description,
            "setMyName": self._true,
            "setChatMenuButton": self._true,
        }
        self._canonical = {name.lower(): name for name in self._methods}
        self._canonical["getupdates"] = "getUpdates"

    # -- dispatch ---------------------------------------------------------------------------

    def check_token(self, token: str) -> bool:
        """Whether the token in a request URL is this bot's."""
        return token == self.token

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

    # -- recorded calls ---------------------------------------------------------------------

    def calls_of(self, method: str) -> list[Call]:
        """Recorded calls of one method (faulted ones included; check ``Call.ok``)."""
        with self._lock:
            return [call for call in self.calls if call.method == method]

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


def _call_matcher(predicate: str | Callable[[Call], bool]) -> Callable[[Call], bool]:
    if isinstance(predicate, str):
        return lambda call: call.method == predicate and call.ok
    return predicate
