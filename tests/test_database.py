"""The database interface on both engines: a chat's turn keeps other processes out of that
chat, claims of a process that died are taken over (PostgreSQL), the broadcast budget spaces
sends across processes, /reload reaches every process, and bad configuration is one sentence.

Each "process" here is a store of its own: its own connection, as a bot process has."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from bot.database import DatabaseUnavailable, DatabaseUnusable, open_database
from bot.features import FEATURES
from bot.features.reload.reloader import Reloader
from bot.features.schedules.store import CLAIMED, ScheduleStore
from bot.settings import Settings
from bot.store import SessionStore
from dialogues.engine import Engine
from dialogues.session import Session
from tests.schedule_fixtures import MONDAY_9_NEW_YORK
from tests.support.postgres import PostgresServer

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def migrated(database: Path | str) -> SessionStore:
    store = SessionStore(database)
    for feature in FEATURES:
        store.migrate(feature.migrations)
    return store


def test_a_chats_turn_waits_for_another_process_in_the_same_chat(database: Path | str) -> None:
    """While one process holds chat 1's turn, another's turn of chat 1 waits for it; the
    second sees the first's saved session."""
    first, second = SessionStore(database), SessionStore(database)
    order: list[str] = []
    entered = threading.Event()

    def other_process() -> None:
        entered.wait()
        with second.turn(1):
            order.append(f"second saw update {second.load(1).last_update_id}")

    thread = threading.Thread(target=other_process)
    thread.start()
    with first.turn(1):
        entered.set()
        time.sleep(0.3)
        first.save(1, 1, Session("self_reflection", "why", "v1"), 41)
        order.append("first saved")
    thread.join(timeout=10)
    assert order == ["first saved", "second saw update 41"]
    first.close()
    second.close()


def test_a_turn_that_fails_saves_nothing(store: SessionStore) -> None:
    with pytest.raises(RuntimeError), store.turn(1):
        store.save(1, 1, Session("self_reflection", "why", "v1"), 7)
        raise RuntimeError("the engine failed")
    assert store.load(1).last_update_id == 0


def test_an_update_overtaken_by_a_later_one_is_still_applied_once(store: SessionStore) -> None:
    """Update 10 reaches its process after update 11 was applied by another: 10 is applied
    (not taken for a re-delivery), and a second delivery of either is recognised."""
    store.save(1, 1, Session("self_reflection", "why", "v1"), 11)
    assert not store.load(1).already_applied(10)
    store.save(1, 1, Session("self_reflection", "who_benefits", "v1"), 10)
    stored = store.load(1)
    assert stored.last_update_id == 11
    assert stored.already_applied(10) and stored.already_applied(11)
    assert not stored.already_applied(12)


def test_runs_claimed_by_a_process_that_died_are_taken_over_once(postgres: PostgresServer) -> None:
    """PostgreSQL: while the claiming process lives its runs stay its own; once it is gone,
    exactly one of the survivors takes each over."""
    url = postgres.new_database()
    dying = ScheduleStore(migrated(url))
    schedule = dying.add(-100, "en", "weekly", MONDAY_9_NEW_YORK, NOW - timedelta(days=1))
    assert dying.claim(schedule.id, NOW, ["a", "b"], NOW) == "a"
    survivors = [ScheduleStore(migrated(url)) for _ in range(2)]
    assert survivors[0].take_over(NOW) == []
    dying.store.close()  # the process dies: its server process ends and drops the lock
    taken: list[list] = []
    deadline = time.monotonic() + 10
    while not any(taken) and time.monotonic() < deadline:
        taken = [survivor.take_over(NOW) for survivor in survivors]
        time.sleep(0.05)
    assert sorted(taken, key=len) == [[], [(schedule.id, NOW, "a")]]
    assert [s.take_over(NOW) for s in survivors] == [[], []]
    assert survivors[1].run_state(schedule.id, NOW) == CLAIMED


def test_processes_opening_one_new_sqlite_file_at_once_all_open_it(tmp_path: Path) -> None:
    """SQLite refuses to switch a file to WAL while another connection holds it, without
    waiting; before the retry, 6 of 480 such openings failed with "database is locked"."""
    from concurrent.futures import ThreadPoolExecutor

    for attempt in range(20):
        path = tmp_path / f"new{attempt}.sqlite3"
        with ThreadPoolExecutor(8) as pool:
            opened = list(pool.map(open_database, [path] * 8))
        assert {db.kind for db in opened} == {"sqlite"}
        for db in opened:
            db.close()


def test_with_sqlite_a_claimed_run_is_never_taken_over(tmp_path: Path) -> None:
    """One file, one process: a claim outlives a crash, so the run is sent at most once."""
    first = ScheduleStore(migrated(tmp_path / "db.sqlite3"))
    schedule = first.add(-100, "en", "weekly", MONDAY_9_NEW_YORK, NOW - timedelta(days=1))
    first.claim(schedule.id, NOW, ["a"], NOW)
    first.store.close()
    assert ScheduleStore(migrated(tmp_path / "db.sqlite3")).take_over(NOW) == []


def test_the_broadcast_budget_spaces_sends_of_every_process(database: Path | str) -> None:
    """Reservations from two processes at the same instant get moments 34 ms apart."""
    stores = [ScheduleStore(migrated(database)) for _ in range(2)]
    slots = [stores[i % 2].reserve_send(1_000_000, 34) for i in range(6)]
    assert slots == [1_000_000 + 34 * i for i in range(6)]
    assert stores[0].reserve_send(2_000_000, 34) == 2_000_000  # idle since: no backlog


class FakeCoach:
    """What the reloader needs of a coach: its store, settings and the engine it swaps."""

    def __init__(self, store: SessionStore, engine: Engine) -> None:
        self.store = store
        self.settings = Settings.from_env({})
        self.engine = engine
        self.swapped = 0

    def swap_engine(self, engine: Engine) -> None:
        self.engine = engine
        self.swapped += 1


def test_a_reload_on_one_process_reaches_the_others(database: Path | str, engine: Engine) -> None:
    """/reload (or SIGHUP) on one process; each other one loads the content on its next
    check, once."""
    one, other = (FakeCoach(migrated(database), engine) for _ in range(2))
    reloaders = [Reloader(one), Reloader(other)]  # type: ignore[arg-type]
    assert reloaders[1].follow() is False
    assert reloaders[0].reload()[0] is True
    assert reloaders[1].follow() is True
    assert reloaders[1].follow() is False
    assert reloaders[0].follow() is False  # its own reload is not followed twice
    assert (one.swapped, other.swapped) == (1, 1)


def test_a_broken_connection_is_replaced_by_the_next_statement(postgres: PostgresServer) -> None:
    """The server drops the bot's connection (a restart, a network cut): the statement that
    meets the break fails, the next one connects again and works."""
    store = SessionStore(postgres.new_database())
    store.save(1, 1, Session("self_reflection", "why", "v1"), 3)
    (pid,) = store.db.execute("SELECT pg_backend_pid()").fetchone()
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(DatabaseUnavailable):
        store.load(1)
    assert store.load(1).last_update_id == 3
    store.close()


def test_an_unreachable_server_is_one_sentence(postgres: PostgresServer) -> None:
    closed = postgres.url().replace(f":{postgres.port}/", ":1/")
    with pytest.raises(DatabaseUnusable, match=r"^Could not reach PostgreSQL at 127\.0\.0\.1:1/"):
        open_database(closed)


def test_a_wrong_password_is_one_sentence(postgres: PostgresServer) -> None:
    with pytest.raises(DatabaseUnusable, match=r"refused the user name or password") as caught:
        open_database(postgres.url(password="wrong"))
    assert "wrong" not in str(caught.value)


def test_coachbot_run_with_a_bad_database_stops_with_one_plain_sentence(
        postgres: PostgresServer) -> None:
    """No traceback: what happened and what to check, on one line, exit status 1."""
    env = {"PATH": "/usr/bin:/bin", "TELEGRAM_BOT_TOKEN": "1:x",
           "COACHBOT_DATABASE_URL": postgres.url(password="wrong")}
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("Cannot start: PostgreSQL at 127.0.0.1:")
    assert "Traceback" not in result.stderr



def test_a_database_url_that_is_not_postgresql_is_refused_with_an_example() -> None:
    with pytest.raises(ValueError, match=r"COACHBOT_DATABASE_URL should be a PostgreSQL URL"):
        Settings.from_env({"COACHBOT_DATABASE_URL": "mysql://db/coachbot"})
    assert Settings.from_env({}).store_location == Path("coachbot.sqlite3")
