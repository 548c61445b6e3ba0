"""The schedules, their claimed runs and setup drafts, in the bot's database (either engine).

The database is the source of truth: jobs are rebuilt from these rows at start-up. A run
(schedule id + due time) is claimed in one transaction together with the prompt it will show
and the new rotation state, *before* anything is sent; a process that dies after sending but
before marking the run sent therefore never sends it again (at most once, by design).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time

from bot.database import Database
from bot.store import Migration, SessionStore
from dialogues.schedules.model import ACTIVE, AWAY, Schedule, Timing, rotate

MIGRATIONS = (
    # Schedules, claimed runs, setup drafts.
    Migration("schedules", """
        CREATE TABLE schedules (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_id INTEGER NOT NULL,
            locale TEXT NOT NULL,
            prompt_set TEXT NOT NULL,
            weekdays TEXT NOT NULL,
            monthly INTEGER NOT NULL DEFAULT 0,
            at_time TEXT NOT NULL,
            zone TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active',
            seen TEXT NOT NULL DEFAULT '[]',
            since INTEGER NOT NULL
        );
        CREATE INDEX schedules_chat ON schedules(chat_id);
        CREATE TABLE schedule_runs (
            schedule_id INTEGER NOT NULL,
            due_at INTEGER NOT NULL,
            prompt_id TEXT,
            state TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (schedule_id, due_at)
        );
        CREATE TABLE schedule_drafts (
            chat_id INTEGER PRIMARY KEY,
            data TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        )
    """),
    # Several processes: who claimed each run (a process's presence mark, so the others can
    # take over the claims of one that died), and the broadcast budget all of them share.
    Migration("schedule_claims", """
        ALTER TABLE schedule_runs ADD COLUMN owner INTEGER;
        CREATE TABLE send_budget (
            name TEXT PRIMARY KEY,
            next_at INTEGER NOT NULL
        )
    """),
)

CLAIMED, SENT, FAILED, SKIPPED = "claimed", "sent", "failed", "skipped"

_COLUMNS = "id, chat_id, locale, prompt_set, weekdays, monthly, at_time, zone, status, seen, since"


def _stamp(instant: datetime) -> int:
    return int(instant.timestamp())


def _row(row: tuple) -> Schedule:
    id_, chat_id, locale, prompt_set, weekdays, monthly, at_time, zone, status, seen, since = row
    timing = Timing(frozenset(int(d) for d in weekdays.split(",") if d), time.fromisoformat(at_time),
                    zone, bool(monthly))
    return Schedule(id_, chat_id, locale, prompt_set, timing, status, tuple(json.loads(seen)),
                    datetime.fromtimestamp(since, UTC))


class ScheduleStore:
    """Reads and writes schedule rows through the shared `SessionStore` connection."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store
        self.owner = store.db.presence()  # marks this process's claims

    @property
    def db(self) -> Database:
        return self.store.db

    # --- schedules --------------------------------------------------------------------------

    def add(self, chat_id: int, locale: str, prompt_set: str, timing: Timing,
            now: datetime) -> Schedule:
        (schedule_id,) = self.db.execute(
            "INSERT INTO schedules (chat_id, locale, prompt_set, weekdays, monthly, at_time, zone,"
            " since) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (chat_id, locale, prompt_set, *_timing_columns(timing), _stamp(now)),
        ).fetchone()
        return self.get(schedule_id)  # type: ignore[return-value]

    def change(self, schedule_id: int, prompt_set: str, timing: Timing, now: datetime) -> None:
        """New timing or prompts; the rotation restarts when the prompt set changes."""
        self.db.execute(
            "UPDATE schedules SET seen = CASE WHEN prompt_set = ? THEN seen ELSE '[]' END,"
            " prompt_set = ?, weekdays = ?, monthly = ?, at_time = ?, zone = ?, since = ?"
            " WHERE id = ?",
            (prompt_set, prompt_set, *_timing_columns(timing), _stamp(now), schedule_id),
        )

    def get(self, schedule_id: int) -> Schedule | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM schedules WHERE id = ?",
                              (schedule_id,)).fetchone()
        return _row(row) if row else None

    def for_chat(self, chat_id: int) -> list[Schedule]:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM schedules WHERE chat_id = ? ORDER BY id",
                               (chat_id,))
        return [_row(r) for r in rows]

    def active(self) -> list[Schedule]:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM schedules WHERE status = ? ORDER BY id",
                               (ACTIVE,))
        return [_row(r) for r in rows]

    def set_status(self, schedule_id: int, status: str, now: datetime) -> None:
        """Pause or resume; resuming owes the chat nothing missed while paused."""
        self.db.execute("UPDATE schedules SET status = ?, since = ? WHERE id = ?",
                        (status, _stamp(now), schedule_id))

    def pause_chat(self, chat_id: int, now: datetime) -> list[int]:
        """Pause every active schedule of a chat the bot can no longer post in (as away)."""
        return self._switch_chat(chat_id, ACTIVE, AWAY, now)

    def resume_chat(self, chat_id: int, now: datetime) -> list[int]:
        """The bot is back in the chat: resume what was paused because it was away (not what
        someone paused), owing nothing missed meanwhile."""
        return self._switch_chat(chat_id, AWAY, ACTIVE, now)

    def _switch_chat(self, chat_id: int, old: str, new: str, now: datetime) -> list[int]:
        with self.store.transaction() as db:
            ids = [r[0] for r in db.execute(
                "SELECT id FROM schedules WHERE chat_id = ? AND status = ?", (chat_id, old))]
            db.execute("UPDATE schedules SET status = ?, since = ? WHERE chat_id = ? AND status = ?",
                       (new, _stamp(now), chat_id, old))
        return ids

    def move_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """A group became a supergroup: its schedules (and any setup) follow it."""
        with self.store.transaction() as db:
            moved = db.execute("UPDATE schedules SET chat_id = ? WHERE chat_id = ?",
                               (new_chat_id, old_chat_id)).rowcount
            if db.execute("SELECT 1 FROM schedule_drafts WHERE chat_id = ?",
                          (old_chat_id,)).fetchone():
                db.execute("DELETE FROM schedule_drafts WHERE chat_id = ?", (new_chat_id,))
                db.execute("UPDATE schedule_drafts SET chat_id = ? WHERE chat_id = ?",
                           (new_chat_id, old_chat_id))
        return moved

    def forget_private(self, user_id: int) -> int:
        """Delete the schedules (and their runs and setup draft) of this person's private chat,
        whose chat id is their user id; returns how many schedules were deleted."""
        with self.store.transaction() as db:
            db.execute("DELETE FROM schedule_runs WHERE schedule_id IN "
                       "(SELECT id FROM schedules WHERE chat_id = ?)", (user_id,))
            deleted = db.execute("DELETE FROM schedules WHERE chat_id = ?", (user_id,)).rowcount
            drafts = db.execute("DELETE FROM schedule_drafts WHERE chat_id = ?",
                                (user_id,)).rowcount
        return deleted + drafts

    def delete(self, schedule_id: int) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM schedule_runs WHERE schedule_id = ?", (schedule_id,))
            db.execute("DELETE FROM schedules WHERE id = ?", (schedule_id,))

    # --- runs -------------------------------------------------------------------------------

    def claim(self, schedule_id: int, due: datetime, order: list[str],
              now: datetime) -> str | None:
        """Claim the run and pick its prompt, atomically; None if it was already claimed."""
        with self.store.transaction() as db:
            row = db.execute("SELECT seen FROM schedules WHERE id = ?", (schedule_id,)).fetchone()
            if row is None:
                return None
            prompt_id, seen = rotate(order, tuple(json.loads(row[0])))
            claimed = db.execute(
                "INSERT INTO schedule_runs (schedule_id, due_at, prompt_id, state, updated_at,"
                " owner) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (schedule_id, due_at) DO NOTHING",
                (schedule_id, _stamp(due), prompt_id, CLAIMED, _stamp(now), self.owner)).rowcount
            if not claimed:
                return None
            db.execute("UPDATE schedules SET seen = ? WHERE id = ?", (json.dumps(seen), schedule_id))
        return prompt_id

    def finish(self, schedule_id: int, due: datetime, state: str, now: datetime) -> None:
        """Record how a claimed run ended (sent or failed), or a run skipped unclaimed."""
        self.db.execute(
            "INSERT INTO schedule_runs (schedule_id, due_at, state, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(schedule_id, due_at) DO UPDATE SET state = excluded.state,"
            " updated_at = excluded.updated_at",
            (schedule_id, _stamp(due), state, _stamp(now)),
        )

    def take_over(self, now: datetime) -> list[tuple[int, datetime, str]]:
        """The claimed, unsent runs of processes that died, now claimed by this one: (schedule
        id, due, prompt id) each. Two processes taking over together split them."""
        owners = [owner for (owner,) in self.db.execute(
            "SELECT DISTINCT owner FROM schedule_runs WHERE state = ? AND owner IS NOT NULL"
            " AND owner <> ? AND owner <> 0", (CLAIMED, self.owner))]
        taken: list[tuple[int, datetime, str]] = []
        for owner in owners:
            if self.store.db.alive(owner):
                continue
            rows = self.db.execute(
                "UPDATE schedule_runs SET owner = ?, updated_at = ? WHERE state = ? AND owner = ?"
                " RETURNING schedule_id, due_at, prompt_id",
                (self.owner, _stamp(now), CLAIMED, owner)).fetchall()
            taken += [(schedule_id, datetime.fromtimestamp(due_at, UTC), prompt_id)
                      for schedule_id, due_at, prompt_id in rows]
        return taken

    def reserve_send(self, now_ms: int, interval_ms: int) -> int:
        """Reserve the next free moment to send a broadcast message, shared by every process:
        the moments are `interval_ms` apart, so all processes together stay within the rate.
        Returns the reserved moment (milliseconds since the epoch)."""
        (next_at,) = self.db.execute(
            "INSERT INTO send_budget (name, next_at) VALUES ('broadcast', ?)"
            " ON CONFLICT (name) DO UPDATE SET next_at = CASE WHEN send_budget.next_at > ?"
            " THEN send_budget.next_at ELSE ? END + ? RETURNING next_at",
            (now_ms + interval_ms, now_ms, now_ms, interval_ms)).fetchone()
        return int(next_at) - interval_ms

    def run_state(self, schedule_id: int, due: datetime) -> str | None:
        row = self.db.execute("SELECT state FROM schedule_runs WHERE schedule_id = ? AND due_at = ?",
                              (schedule_id, _stamp(due))).fetchone()
        return row[0] if row else None

    # --- setup drafts (one per chat) --------------------------------------------------------

    def save_draft(self, chat_id: int, data: str, now: datetime) -> None:
        self.db.execute(
            "INSERT INTO schedule_drafts (chat_id, data, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(chat_id) DO UPDATE SET data = excluded.data,"
            " updated_at = excluded.updated_at",
            (chat_id, data, _stamp(now)),
        )

    def load_draft(self, chat_id: int) -> str | None:
        row = self.db.execute("SELECT data FROM schedule_drafts WHERE chat_id = ?",
                              (chat_id,)).fetchone()
        return row[0] if row else None

    def drop_draft(self, chat_id: int) -> None:
        self.db.execute("DELETE FROM schedule_drafts WHERE chat_id = ?", (chat_id,))


def _timing_columns(timing: Timing) -> tuple[str, int, str, str]:
    return (",".join(str(d) for d in sorted(timing.weekdays)), int(timing.monthly),
            timing.at.strftime("%H:%M"), timing.zone)
