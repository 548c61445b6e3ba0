"""`coachbot feedback` shows reviewers the 👍/👎 votes per card and how many questions went
unanswered, read from the bot's database without changing it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.features.guidance.store import MIGRATIONS, record
from bot.store import SessionStore
from dialogues.outputs import Tally


def test_feedback_lists_votes_per_card_least_helpful_first(
        database: Path | str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """On either engine (COACHBOT_DB or COACHBOT_DATABASE_URL)."""
    store = SessionStore(database)
    store.migrate(MIGRATIONS)
    record(store, [Tally("sting_invitation", True), Tally("sting_invitation", True),
                   Tally("narcan", False), Tally("narcan", True), Tally("gone_card", False),
                   Tally(), Tally()])
    store.close()
    monkeypatch.setenv("COACHBOT_DATABASE_URL" if isinstance(database, str) else "COACHBOT_DB",
                       str(database))
    assert main(["feedback"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == [
        "  gone_card  👍 0  👎 1  (no longer a card)",
        "  narcan  👍 1  👎 1  Should we carry and hand out Narcan?",
        "  sting_invitation  👍 2  👎 0  Police want our staff at a sting or raid. Should we go?",
        'Questions no card answered (no guidance, or "None of these"): 2']


def test_feedback_without_a_database_says_where_it_looked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / "missing.sqlite3"
    monkeypatch.setenv("COACHBOT_DB", str(database))
    assert main(["feedback"]) == 0
    assert str(database) in capsys.readouterr().out
    assert not database.exists()
