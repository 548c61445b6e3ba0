"""The update queue: ``getUpdates`` long polls, offsets, ``allowed_updates`` and webhooks."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import ApiError
from .records import Envelope, Json, UploadedFile
from .wire import _as_json

MAX_POLL_WAIT = 2.0
"""Long polls never wait longer than this, whatever ``timeout`` asks for, so tests cannot hang."""


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


@dataclass(slots=True)
class _Poll:
    """One waiting ``getUpdates`` request."""

    generation: int
    epoch: int
    limit: int
    deadline: float


def _update_type(update: Json) -> str:
    return next((key for key in update if key != "update_id"), "")


class PollingMixin:
    """``getUpdates`` and the webhook settings that exclude it; waits in threads or on loops."""

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
