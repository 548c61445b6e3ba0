"""The command line as a new reviewer meets it (issue 16): `check` says what matters in a few
lines, paths open from where the reviewer stands, every command can read an edited copy of
the content, and `ask` says one thing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An edited copy of the content beside the reviewer, who stands in its parent folder."""
    shutil.copytree(REPO / "content", tmp_path / "edited")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COACHBOT_CONTENT", raising=False)
    return tmp_path / "edited"


def test_check_sums_up_review_status_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(REPO / "content")]) == 0
    out = capsys.readouterr().out
    assert "not yet approved" not in out
    assert "Content OK: 9 dialogues in 2 languages (en, es;" in out
    assert re.search(r"^Approved: \d+ of \d+ files \(waiting: \d+ draft, \d+ needed; list them "
                     r"with --review\)\.$", out, re.M)
    assert len(out.strip().splitlines()) == 3


def test_check_review_lists_every_file_waiting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(REPO / "content"), "--review"]) == 0
    out = capsys.readouterr().out
    waiting = re.search(r"waiting: (\d+) draft, (\d+) needed\)", out)
    assert waiting and out.count("  not yet approved (") == sum(map(int, waiting.groups()))


def test_paths_in_messages_open_from_here_and_the_printed_command_works(
        copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    english = copy / "en" / "ui.yaml"
    english.write_text(english.read_text("utf-8").replace(
        'menu_prompt: "Choose a guided dialogue:"', 'menu_prompt: "Pick a guided dialogue:"'),
        "utf-8")
    assert main(["check", "--content", "edited"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("edited/es/ui.yaml:")
    command = out.split("run: ", 1)[1].split()[:3]
    assert command == ["coachbot", "translated", "edited/es/ui.yaml"]
    assert main(command[1:]) == 0  # as printed, from here
    assert main(["check", "--content", "edited", "--strict"]) == 0


@pytest.mark.parametrize("command", [
    ["chat", "self_reflection"], ["ask", "peer support"], ["graph", "self_reflection"],
    ["feedback"]])
def test_every_command_reads_the_content_given(copy: Path, command: list[str],
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (copy / "en" / "dialogues" / "self_reflection.yaml").write_text("id: [broken\n", "utf-8")
    monkeypatch.setattr("builtins.input", lambda _prompt: "/quit")
    monkeypatch.setenv("COACHBOT_DB", str(copy / "missing.sqlite3"))
    extra = ["--out", str(copy / "graphs")] if command[0] == "graph" else []
    code = main([*command, "--content", "edited", *extra])
    shown = capsys.readouterr()
    if command == ["feedback"]:  # no database: it says so before reading content
        assert code == 0 and "No feedback yet" in shown.out
    else:
        assert code == 1 and "edited/en/dialogues/self_reflection.yaml:2:1: YAML could not read" in shown.err


def test_an_unanswered_question_lists_no_cards(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "how do we apply for a T visa"]) == 0
    assert capsys.readouterr().out == (
        "how do we apply for a T visa\n  no guidance (outside the guidelines: immigration_relief)\n")


def test_tied_cards_are_marked_and_the_tie_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "peer support"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].startswith("  1= ") and lines[3].startswith("  2= ")
    assert lines[-1].startswith("  (cards marked = tie at 1.000: the bot shows the first")


def test_a_missing_spanish_label_shows_the_english_and_is_a_warning(copy: Path) -> None:
    """As promised: untranslated wording shows in English, and the bot still starts."""
    from dialogues.content.loader import check_library

    spanish = copy / "es" / "dialogues" / "self_reflection.yaml"
    spanish.write_text(spanish.read_text("utf-8").replace(
        "        label: A nosotros y a la comunidad\n", "", 1), "utf-8")
    library, problems = check_library(copy)
    assert library is not None and not problems.errors
    step = library.locale("es").dialogues["self_reflection"].steps["who_benefits"]
    assert [o.label for o in step.options if o.id == "both"] == ["Both us and the community"]
    assert [o.label for o in step.options if o.id == "us"] == ["Sobre todo a nuestra organización"]
    assert any("'steps/who_benefits/options/both' is missing" in p.message for p in problems.warnings)
