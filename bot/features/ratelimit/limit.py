"""A per-person limit on updates, checked before any other handler (group -2).

Over the limit, the person hears one polite "slow down"; later updates in the same window are
dropped without a reply (a button tap is still answered, silently, so it stops spinning), and
nothing stored changes. The window slides: a minute after the burst, everything works again.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import render
from dialogues.outputs import Message

WINDOW = 60.0


class RateLimit:
    """At most `limit` updates per person in any `WINDOW` seconds; `message` is the "slow
    down" for the person behind an update, in their language."""

    def __init__(self, limit: int, message: Callable[[Update], str],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.message = message
        self.clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

    def allow(self, user_id: int) -> bool | None:
        """True: go ahead; False: over the limit, say so once; None: over it, stay silent."""
        now = self.clock()
        seen = self._seen.setdefault(user_id, deque())
        while seen and seen[0] <= now - WINDOW:
            seen.popleft()
        if not seen:
            self._warned.discard(user_id)
        if len(seen) < self.limit:
            seen.append(now)
            return True
        if user_id in self._warned:
            return None
        self._warned.add(user_id)
        return False

    def forget_idle(self) -> None:
        """Drop people whose window has passed, so memory does not grow with every visitor."""
        cutoff = self.clock() - WINDOW
        for user_id in [u for u, seen in self._seen.items() if not seen or seen[-1] <= cutoff]:
            del self._seen[user_id]
            self._warned.discard(user_id)

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Let the update through, or answer it (once) and stop every other handler."""
        user = update.effective_user
        if user is None:
            return
        if len(self._seen) > 10_000:
            self.forget_idle()
        verdict = self.allow(user.id)
        if verdict is True:
            return
        query = update.callback_query
        if query is not None:
            await query.answer()
        chat = update.effective_chat
        if verdict is False and chat is not None and chat.type == chat.PRIVATE:
            await render.deliver(context.bot, chat.id, [Message(self.message(update))])
        raise ApplicationHandlerStop
