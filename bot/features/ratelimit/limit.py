"""A per-person limit on updates, checked before any other handler (group -2).

A token bucket: each person may send `per_minute` updates a minute sustained, with bursts of up
to half a minute's worth (30 at the default 60), so someone ticking a long checklist and
typing short answers never notices it, while a flood is cut to a trickle after its first
seconds. Over the limit, the person hears one polite "slow down" for the episode; later updates
of the same episode are dropped without a reply (a button tap is still answered, silently, so
it stops spinning) and nothing stored changes. The episode ends once they have been quiet long
enough for the bucket to fill again; the next time they flood, they are told again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import render
from dialogues.outputs import Message

MINUTE = 60.0
SWEEP_EVERY = 60.0  # how often people whose bucket is full again are forgotten


@dataclass(slots=True)
class Bucket:
    """One person's allowance: `tokens` left as of `stamp`, and whether they were told."""

    tokens: float
    stamp: float
    warned: bool = False


class RateLimit:
    """`per_minute` updates a minute per person, in bursts of up to `burst`; `message` is the
    "slow down" for the person behind an update, in their language."""

    def __init__(self, per_minute: int, message: Callable[[Update], str],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / MINUTE
        self.burst = max(1.0, per_minute / 2)
        self.message = message
        self.clock = clock
        self._buckets: dict[int, Bucket] = {}
        self._swept = clock()

    def allow(self, user_id: int) -> bool | None:
        """True: go ahead; False: over the limit, say so (once an episode); None: over it,
        stay silent (they were told)."""
        now = self.clock()
        if now - self._swept >= SWEEP_EVERY:
            self.forget_idle()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = Bucket(self.burst, now)
        bucket.tokens = self._filled(bucket, now)
        bucket.stamp = now
        if bucket.tokens >= self.burst:
            bucket.warned = False  # quiet long enough: a new flood is a new episode
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return True
        if bucket.warned:
            return None
        bucket.warned = True
        return False

    def _filled(self, bucket: Bucket, now: float) -> float:
        return min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)

    def forget_idle(self) -> None:
        """Drop people whose bucket is full again: they are exactly like someone new, so
        memory holds only the people active in the last half minute or so."""
        now = self._swept = self.clock()
        for user_id in [u for u, b in self._buckets.items() if self._filled(b, now) >= self.burst]:
            del self._buckets[user_id]

    def __len__(self) -> int:
        """How many people the limit remembers now."""
        return len(self._buckets)

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Let the update through, or answer it (once an episode) and stop every other
        handler."""
        user = update.effective_user
        if user is None:
            return
        verdict = self.allow(user.id)
        if verdict is True:
            return
        query = update.callback_query
        if query is not None:  # a toast says why, where no message will (groups)
            await query.answer(self.message(update)[: render.TOAST_LIMIT] if verdict is False
                               else None)
        chat = update.effective_chat
        if verdict is False and chat is not None and chat.type == chat.PRIVATE:
            await render.deliver(context.bot, chat.id, [Message(self.message(update))])
        raise ApplicationHandlerStop
