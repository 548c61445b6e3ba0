"""The terminal coach as a new staff member meets it: buttons come back after a saved
document, a button's words work as well as its number, votes are not claimed to be kept,
documents are private, and the command line explains itself (issue 16)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from exercise_walk import DAY

from bot.cli import main
from bot.console import ConsoleCoach
from dialogues.engine import Engine
from dialogues.model import Library

REPO = Path(__file__).resolve().parent.parent
MATERIALS = ["1", "2", "2", "2", "2", "2", "2", "2"]  # as in test_documents_console


def run(library: Library, lines: list[str], dialogue: str | None = None,
        folder: Path | None = None, engine: Engine | None = None) -> list[str]:
    said: list[str] = []
    feed = iter([*lines, "/quit"])
    coach = ConsoleCoach(engine or Engine(library, today=lambda: DAY), read=lambda _: next(feed),
                         write=said.append, width=10_000,
                         **({"summaries": folder} if folder else {}))
    coach.run(dialogue)
    return said


def test_the_buttons_are_shown_again_after_a_saved_document(library: Library,
                                                            tmp_path: Path) -> None:
    said = run(library, [*MATERIALS, "1"], "materials_review", tmp_path)
    saved = next(i for i, line in enumerate(said) if line.startswith("Saved this summary"))
    assert said[saved + 1:saved + 2] == ["  1. Get this as a document"]


def test_summary_documents_are_private_to_their_owner(library: Library, tmp_path: Path) -> None:
    run(library, [*MATERIALS, "1"], "materials_review", tmp_path)
    (document,) = tmp_path.iterdir()
    assert stat.S_IMODE(document.stat().st_mode) == 0o600


@pytest.mark.parametrize("typed", ["continue", "Continue ▸", "  CONTINUE "])
def test_a_typed_button_label_taps_it(library: Library, typed: str) -> None:
    said = "\n".join(run(library, [typed], "self_reflection"))
    assert "In a sentence or two, why does your organization want" in said


def test_a_wrong_number_with_one_button_says_so_plainly(library: Library) -> None:
    said = "\n".join(run(library, ["9"], "self_reflection"))
    assert "choose 1 to 1" not in said
    assert "(There is no button 9: type 1, or the button's words.)" in said


def test_a_vote_in_the_terminal_says_nothing_was_stored(library: Library) -> None:
    """The terminal has no database: it says so rather than thanking for a vote it drops."""
    said = "\n".join(run(library, ["/ask how do we pay advocates with lived experience", "👍"],
                         engine=Engine.serving(library)))
    assert "I noted only which card" not in said
    assert "nothing is stored here" in said


def test_an_unknown_locale_is_refused_naming_the_ones_there_are(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat", "self_reflection", "--locale", "fr"]) == 2
    assert capsys.readouterr().err == (
        "There is no 'fr' content. Available languages: en, es (for example --locale es).\n")


@pytest.mark.parametrize("command", ["run", "feedback"])
def test_help_describes_the_environment(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    shown = capsys.readouterr().out
    assert "COACHBOT_DB" in shown and "COACHBOT_CONTENT" in shown and "--content DIR" in shown


def test_a_closed_pipe_ends_quietly() -> None:
    """`coachbot chat … | head -1`: no BrokenPipeError traceback."""
    chat = subprocess.Popen([sys.executable, "-m", "bot", "chat", "self_reflection"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=REPO,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert chat.stdout is not None and chat.stdin is not None
    chat.stdout.readline()
    chat.stdout.close()  # as `head` does once it has its lines
    _, error = chat.communicate(b"1\n1\n", timeout=60)  # the coach writes on: the pipe is closed
    assert b"Traceback" not in error and b"BrokenPipeError" not in error
