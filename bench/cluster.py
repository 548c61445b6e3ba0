"""PostgreSQL and several processes: what they cost and what they keep, in one run.

1. Updates per second through the whole stack (PTB's `Application`, the engine, the store,
   rendering) with the store on PostgreSQL and on SQLite, the same updates alternately
   (`bench.throughput`'s walk of the self-reflection dialogue by many people).
2. A broadcast of 2,000 scheduled prompts from two real `coachbot run` processes in webhook
   mode on one PostgreSQL database: both arm every schedule (the schedules are added while
   they run, so both plan them from the database), both fire at the due minute, the claims
   split the runs, and the shared broadcast budget paces the sends. Reported from the
   loopback Bot API stand-in's arrival times: the combined send rate (must stay <= 30/s and
   reach >= 28/s), the busiest second, duplicates and losses.

The PostgreSQL server is the tests' throwaway one (Debian's `postgresql` package).

    .venv/bin/python -m bench.cluster [--chats 100] [--prompts 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.schedules import busiest_second
from bench.throughput import CONTENT, TOKEN, build_updates, run, scripted_actions
from bot.features import FEATURES
from bot.features.schedules.store import ScheduleStore
from bot.store import SessionStore
from dialogues.content.loader import load_library
from dialogues.engine import Engine
from dialogues.schedules.model import Timing
from tests.support.botapi import BotApiServer, FakeBotApi
from tests.support.coach import coach_app
from tests.support.ports import free_port, listening
from tests.support.postgres import MISSING, PostgresServer, server_programs

REPO = Path(__file__).resolve().parent.parent
FIRST_GROUP = -1_000_000_000_001


def updates_per_second(engine: Engine, location: Path | str, chats: int) -> tuple[float, int]:
    store = SessionStore(location)
    api = FakeBotApi(token=TOKEN)
    coach = coach_app(engine, store, api)
    updates = build_updates(api, scripted_actions(engine), chats)
    wall, _cpu = asyncio.run(run(coach, updates))
    finished = sum(1 for c in range(10_000, 10_000 + chats)
                   if (s := store.load(c).session) is not None and s.finished)
    store.close()
    return len(updates) / wall, finished


def start_bot(server: BotApiServer, url: str) -> subprocess.Popen[bytes]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHBOT")}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=server.base_url,
               COACHBOT_DATABASE_URL=url, PORT=str(port), WEBHOOK_LISTEN="127.0.0.1",
               WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", WEBHOOK_SECRET="bench-secret")
    process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if listening(port):
            return process
        time.sleep(0.1)
    raise RuntimeError("a bot process did not start")


def add_due_schedules(url: str, count: int) -> datetime:
    """`count` groups with a prompt due at the next whole minute at least 20 s away."""
    store = SessionStore(url)
    schedules = ScheduleStore(store)
    now = datetime.now(UTC)
    due = (now + timedelta(seconds=80)).replace(second=0, microsecond=0)
    if due - now > timedelta(seconds=80):
        due -= timedelta(minutes=1)
    timing = Timing(frozenset({due.weekday()}), due.time(), "UTC")
    for i in range(count):
        schedules.add(FIRST_GROUP - i, "en", "weekly", timing, now - timedelta(days=1))
    store.close()
    return due


def broadcast(postgres: PostgresServer, prompts: int) -> None:
    url = postgres.new_database()
    store = SessionStore(url)
    for feature in FEATURES:
        store.migrate(feature.migrations)
    store.close()
    api = FakeBotApi(token=TOKEN)
    with BotApiServer(api) as server:
        bots = [start_bot(server, url) for _ in range(2)]
        try:
            due = add_due_schedules(url, prompts)
            print(f"broadcast: {prompts} prompts due at {due:%H:%M:%S} UTC, two processes")
            deadline = time.monotonic() + (due - datetime.now(UTC)).total_seconds() \
                + prompts / 20 + 60
            while time.monotonic() < deadline and len(sends(api)) < prompts:
                time.sleep(0.5)
            time.sleep(2)  # anything sent twice would show by now
        finally:
            for bot in bots:
                bot.kill()
                bot.wait(10)
    report(sends(api), prompts)
    store = SessionStore(url)
    split = [count for _owner, count in store.db.execute(
        "SELECT owner, COUNT(*) FROM schedule_runs GROUP BY owner ORDER BY COUNT(*) DESC")]
    store.close()
    print(f"broadcast: runs claimed and sent per process: {split}")


def sends(api: FakeBotApi) -> list[tuple[float, int]]:
    return [(call.time, int(call.params["chat_id"])) for call in api.calls_of("sendMessage")
            if call.ok and int(call.params["chat_id"]) <= FIRST_GROUP]


def report(sent: list[tuple[float, int]], prompts: int) -> None:
    times = sorted(t for t, _ in sent)
    chats = [c for _, c in sent]
    duplicates = len(chats) - len(set(chats))
    lost = prompts - len(set(chats))
    rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    busiest = busiest_second(times)
    print(f"broadcast: {len(times)} sends in {times[-1] - times[0]:.1f} s; combined rate "
          f"{rate:.2f} msg/s (target <= 30 and >= 28); busiest second {busiest} sends; "
          f"duplicates {duplicates}; lost {lost}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=100, help="people walking the dialogue")
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs of each engine")
    parser.add_argument("--prompts", type=int, default=2000)
    args = parser.parse_args()
    programs = server_programs()
    if programs is None:
        sys.exit(MISSING)
    postgres = PostgresServer(programs).start()
    try:
        engine = Engine.serving(load_library(CONTENT))
        rates: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
        with tempfile.TemporaryDirectory() as folder:
            for turn in range(args.repeat):
                sqlite_rate, done_sqlite = updates_per_second(
                    engine, Path(folder) / f"bench{turn}.sqlite3", args.chats)
                rates["sqlite"].append(sqlite_rate)
                pg_rate, done_pg = updates_per_second(engine, postgres.new_database(), args.chats)
                rates["postgresql"].append(pg_rate)
        assert done_sqlite == done_pg == args.chats, "every person must reach the summary"
        print(f"whole stack, {args.chats} people walking the dialogue, best of {args.repeat}: "
              f"SQLite {max(rates['sqlite']):.0f} updates/s, PostgreSQL "
              f"{max(rates['postgresql']):.0f} updates/s")
        broadcast(postgres, args.prompts)
    finally:
        postgres.stop()


if __name__ == "__main__":
    main()
