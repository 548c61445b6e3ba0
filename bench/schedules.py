"""Benchmark: 2,000 chats due in the same minute, delivered through PTB's AIORateLimiter to a
local Bot API stand-in (loopback HTTP) that answers 10 % of sends with 429 retry_after=1.

Real time, real JobQueue, real SQLite: schedules are rows, jobs are rebuilt from them in
post_init exactly as at start-up, each run is claimed before sending. Prints delivered,
duplicates, lost, elapsed and messages/s, as a ratio to Telegram's 30 messages/s and to a
fault-free baseline measured in the same run.

    .venv/bin/python -m bench.schedules            # 2,000 chats, fault-free and with 429s
    .venv/bin/python -m bench.schedules --chats 300 --baseline 300   # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import build_application
from bot.settings import Settings
from bot.store import SessionStore
from dialogues.content.loader import load_library
from dialogues.engine import Engine
from dialogues.schedules.model import Timing
from tests.support import TOKEN, BotApiServer, FakeBotApi, FaultPolicy

TELEGRAM_LIMIT = 30.0  # messages per second, overall
CONTENT = Path(__file__).resolve().parent.parent / "content"
FIRST_CHAT = -1_000_000_100_000  # supergroups, as teams use


@dataclass(frozen=True)
class Figures:
    chats: int
    delivered: int
    duplicates: int
    lost: int
    elapsed: float  # seconds from the due time to the last delivery
    faults: int
    attempts: int  # sendMessage requests, those answered 429 included
    busiest: int  # the most requests that reached Telegram within any one second

    @property
    def rate(self) -> float:
        return self.delivered / self.elapsed if self.elapsed else 0.0


async def deliver_all(chats: int, fault_rate: float, engine: Engine, lead: float) -> Figures:
    """Create `chats` schedules due at the same instant, start the bot, wait for every run."""
    api = FakeBotApi()
    api.faults = FaultPolicy(rate=fault_rate, kinds=("429",), retry_after=1, seed=5,
                             methods={"sendMessage"})
    with tempfile.TemporaryDirectory() as folder, BotApiServer(api) as server:
        db = Path(folder) / "bench.sqlite3"
        settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "COACHBOT_DB": str(db),
                                      "TELEGRAM_API_BASE_URL": server.base_url})
        store = SessionStore(db)
        # Schedules keep whole minutes: the first minute boundary at least `lead` seconds away.
        due = (datetime.now(UTC) + timedelta(seconds=lead + 60)).replace(second=0, microsecond=0)
        due_clock = time.monotonic() + (due - datetime.now(UTC)).total_seconds()  # Call.time's clock
        timing = Timing(frozenset({due.weekday()}), due.time(), "UTC")
        application = build_application(settings, engine, store)  # AIORateLimiter included
        schedules = application.bot_data["schedules"].schedules
        created = due - timedelta(minutes=1)
        with store.transaction():
            for index in range(chats):
                schedules.add(FIRST_CHAT - index, "en", "weekly", timing, created)
        await application.initialize()
        await application.post_init(application)  # rebuild the jobs from the rows
        await application.start()
        try:
            while sum(1 for c in api.calls_of("sendMessage") if c.ok) < chats:
                if datetime.now(UTC) > due + timedelta(seconds=30 + chats / 5):
                    break  # nothing more is coming: report what arrived
                await asyncio.sleep(0.25)
            await asyncio.sleep(1.5)  # anything still in flight would be a duplicate
        finally:
            await application.stop()
            await application.shutdown()
        sent = [c for c in api.calls_of("sendMessage") if c.ok]
        per_chat = Counter(c.params["chat_id"] for c in sent)
        last = max((c.time for c in sent), default=due_clock)
        elapsed = last - due_clock
        return Figures(chats, len(per_chat), sum(n - 1 for n in per_chat.values()),
                       chats - len(per_chat), elapsed, api.faults.injected,
                       len(api.calls_of("sendMessage")),
                       busiest_second([c.time for c in api.calls_of("sendMessage")]))


def busiest_second(times: list[float]) -> int:
    """The most of `times` within any window of one second (half-open)."""
    times, most, start = sorted(times), 0, 0
    for end, moment in enumerate(times):
        while times[start] <= moment - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def report(name: str, figures: Figures, baseline: Figures | None) -> None:
    print(f"{name}: {figures.chats} chats, 429 answers injected: {figures.faults}")
    print(f"  delivered {figures.delivered}, duplicates {figures.duplicates}, lost {figures.lost}")
    print(f"  requests {figures.attempts} in {figures.elapsed:.1f} s = "
          f"{figures.attempts / figures.elapsed:.1f} requests/s (the limiter counts every one); "
          f"busiest second: {figures.busiest} requests (limit {TELEGRAM_LIMIT:.0f})")
    print(f"  elapsed {figures.elapsed:.1f} s, {figures.rate:.1f} msg/s = "
          f"{figures.rate / TELEGRAM_LIMIT:.1%} of Telegram's {TELEGRAM_LIMIT:.0f}/s", end="")
    if baseline is not None:
        print(f", {figures.rate / baseline.rate:.1%} of the fault-free baseline", end="")
    print()


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=2000)
    parser.add_argument("--baseline", type=int, default=2000, help="chats in the fault-free run")
    parser.add_argument("--faults", type=float, default=0.10, help="share of sends answered 429")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    engine = Engine(load_library(CONTENT))
    baseline = await deliver_all(args.baseline, 0.0, engine, lead=8)
    report("baseline (no faults)", baseline, None)
    figures = await deliver_all(args.chats, args.faults, engine, lead=8)
    report(f"with {args.faults:.0%} 429 answers", figures, baseline)
    met = (all(f.delivered == f.chats and f.duplicates == 0 and f.busiest <= TELEGRAM_LIMIT
               for f in (baseline, figures)) and baseline.rate >= 28 and figures.rate >= 26)
    print("target (all delivered, 0 duplicates, >= 28 msg/s fault-free and >= 26 with 429s, "
          f"never over {TELEGRAM_LIMIT:.0f} requests in a second): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
