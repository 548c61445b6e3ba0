"""Calls to Telegram that survive a flaky network: flood control and short outages are waited
out and retried, so a person still gets the reply their (already saved) answer produced.

`AIORateLimiter` already keeps bursts within Telegram's limits and retries 429 `RetryAfter`;
this adds retries, with a growing pause, for timeouts, dropped connections and 5xx errors.
A timed-out call may in rare cases have reached Telegram, so a reply can arrive twice; a lost
reply would be worse.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)


class PatientRateLimiter(AIORateLimiter):
    """`AIORateLimiter` that also retries transient network failures `network_retries` times."""

    def __init__(self, max_retries: int = 3, network_retries: int = 4, pause: float = 0.25) -> None:
        super().__init__(max_retries=max_retries)
        self.network_retries = network_retries
        self.pause = pause

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        attempt = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data,
                                                     rate_limit_args)
            except NetworkError as error:  # TimedOut, resets and 5xx; BadRequest is final
                if isinstance(error, BadRequest) or attempt >= self.network_retries:
                    raise
                log.info("retrying method=%s error=%s attempt=%d", endpoint,
                         type(error).__name__, attempt + 1)
                await asyncio.sleep(self.pause * 2**attempt)
                attempt += 1
