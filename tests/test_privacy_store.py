"""What the store keeps, for how long, how it is sealed, and how /forget reaches every kind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.crypto import Sealer
from bot.store import DAY, KEEP_DAYS, DataKind, SessionStore
from dialogues.content.loader import check_library
from dialogues.session import Session

SECRET = "A clinic on the corner we both refer to"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def session(finished: bool = False) -> Session:
    return Session("self_reflection", "summary" if finished else "why", "v1",
                   answers={"why": SECRET}, history=("intro", "why"), finished=finished)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(database: Path | str, clock: Clock) -> SessionStore:
    store = SessionStore(database, grace_seconds=3600, retention_days=30, clock=clock)
    yield store
    store.close()


def raw_rows(database: Path | str) -> str:
    """Every stored answer as the database holds it, read on a connection of its own."""
    reader = SessionStore(database)
    rows = reader.db.execute("SELECT data FROM sessions UNION ALL SELECT data FROM kept_answers")
    text = " ".join(str(r[0]) for r in rows)
    reader.close()
    return text


def test_the_database_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """A new database file is created with mode 0600."""
    SessionStore(tmp_path / "new.sqlite3").close()
    assert stat.S_IMODE(os.stat(tmp_path / "new.sqlite3").st_mode) == 0o600


def test_a_finished_dialogue_is_unreadable_after_the_grace_window(store, clock) -> None:
    """Within the hour the summary's answers are there; after it, they are gone."""
    store.save(1, 1, session(finished=True), 10)
    clock.now += 3599
    assert store.load(1).session is not None
    clock.now += 2
    assert store.load(1).session is None
    assert store.load(1).last_update_id == 10


def test_the_purge_deletes_finished_answers_idle_chats_and_expired_kept_answers(store, clock,
                                                                                database) -> None:
    """One purge applies all three rules, and the answers leave the file."""
    store.save(1, 1, session(finished=True), 1)                      # finished, grace passes
    store.save(2, 2, session(), 1)                                   # idle for 31 days
    store.save(3, 3, None, 1, kept=session(finished=True))           # kept for 30 days
    clock.now += 3601
    assert store.purge() == {"idle_chats": 0, "finished_answers": 1, "kept_answers": 0}
    clock.now += 31 * DAY
    assert store.purge() == {"idle_chats": 3, "finished_answers": 0, "kept_answers": 1}
    assert SECRET not in raw_rows(database)


def test_kept_answers_last_thirty_days(store, clock) -> None:
    """Kept answers are listed until their 30 days are over."""
    store.save(1, 7, None, 1, kept=session(finished=True))
    assert [k.session.answers["why"] for k in store.kept(7)] == [SECRET]
    assert store.kept(7)[0].expires_at - store.kept(7)[0].kept_at == KEEP_DAYS * DAY
    clock.now += KEEP_DAYS * DAY
    assert store.kept(7) == []


def test_answers_are_sealed_at_rest_when_a_key_is_set(database: Path | str) -> None:
    """With a key, neither sessions nor kept answers show their text in the database (nor, for
    SQLite, anywhere in the file)."""
    store = SessionStore(database, Sealer(Fernet.generate_key().decode()))
    store.save(1, 1, session(), 1, kept=session(finished=True))
    assert store.load(1).session.answers["why"] == SECRET
    assert SECRET not in raw_rows(database)
    if isinstance(database, Path):
        assert SECRET.encode() not in database.read_bytes()
    store.close()


def test_rotating_keys_keeps_old_data_readable_and_reseals_it(database: Path | str) -> None:
    """Data sealed with an old key opens with OLD_KEYS, and the next save uses the new key."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    first = SessionStore(database, Sealer(old))
    first.save(1, 1, session(), 1)
    first.close()
    rotated = SessionStore(database, Sealer(new, (old,)))
    assert rotated.load(1).session.answers["why"] == SECRET
    rotated.save(1, 1, rotated.load(1).session, 2)
    rotated.close()
    only_new = SessionStore(database, Sealer(new))
    assert only_new.load(1).session.answers["why"] == SECRET
    only_new.close()


def test_sealed_data_without_its_key_reads_as_no_session(database: Path | str) -> None:
    """A lost key costs the answers, never a crash: the chat starts afresh."""
    sealed = SessionStore(database, Sealer(Fernet.generate_key().decode()))
    sealed.save(1, 1, session(), 5)
    sealed.close()
    plain = SessionStore(database)
    assert plain.load(1).session is None
    assert plain.load(1).last_update_id == 5
    plain.close()


def test_a_bad_key_is_refused_with_how_to_make_one() -> None:
    """A key that is not a Fernet key stops start-up with the command that makes one."""
    with pytest.raises(ValueError, match=r"Fernet\.generate_key"):
        Sealer("not-a-key")


def test_forget_asks_every_registered_kind_and_reports_counts(store) -> None:
    """A feature's own table is covered by /forget once it registers a DataKind."""
    store.db.execute("CREATE TABLE notes (user_id INTEGER)")
    store.db.execute("INSERT INTO notes VALUES (9), (9), (8)")

    def forget_notes(user_id: int) -> int:
        return store.db.execute("DELETE FROM notes WHERE user_id = ?", (user_id,)).rowcount

    store.register(DataKind("sessions", store.forget_sessions, lambda _u, _l: []))
    store.register(DataKind("kept_answers", store.forget_kept, lambda _u, _l: []))
    store.register(DataKind("notes", forget_notes, lambda _u, _l: []))
    store.save(9, 9, session(), 1, kept=session(finished=True))
    assert store.forget_user(9) == {"sessions": 1, "kept_answers": 1, "notes": 2}
    assert store.forget_user(9) == {}
    assert store.db.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 1


def test_the_privacy_notice_must_have_five_short_cited_lines(content_copy: Path) -> None:
    """A sixth line, an over-long line or an unknown section id is reported with its place."""
    (content_copy / "en" / "privacy.yaml").write_text(
        "source: [services-transparncy]\n"
        "lines:\n" + "".join(f"  - Line {n}\n" for n in range(5)) + "  - " + "x" * 201 + "\n")
    _library, problems = check_library(content_copy)
    report = problems.report()
    assert "en/privacy.yaml:3:3: the privacy notice has 6 lines; it should have exactly 5" in report
    assert "en/privacy.yaml:8:5: a line of the privacy notice is 201 characters" in report
    assert "unknown section id 'services-transparncy'" in report
    assert "did you mean 'services-transparency'" in report
