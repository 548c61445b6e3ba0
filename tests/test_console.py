"""The terminal coach and the command line: the same wording as Telegram, numbered buttons,
and a content check that reviewers can run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.cli import main
from bot.console import ConsoleCoach
from dialogues.engine import Engine
from dialogues.events import StartDialogue

REPO = Path(__file__).resolve().parent.parent


def run_console(engine: Engine, lines: list[str], dialogue: str | None = None) -> str:
    typed = iter(lines)
    shown: list[str] = []

    def read(prompt: str) -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    ConsoleCoach(engine, read=read, write=shown.append, width=10_000).run(dialogue)
    return "\n".join(shown)


def test_terminal_shows_exactly_the_wording_telegram_users_see(engine: Engine) -> None:
    """The first step's text and button labels are the engine's, word for word."""
    step = engine.handle(None, StartDialogue("self_reflection")).outputs[0]
    shown = run_console(engine, [], "self_reflection")
    for paragraph in step.text.split("\n"):
        assert paragraph in shown
    assert "1. Continue ▸" in shown


def test_buttons_are_numbers_and_text_is_an_answer(engine: Engine) -> None:
    """Typing 1 taps the first button; typing words answers a text step."""
    shown = run_console(engine, ["1", "We want to listen first", "2"], "self_reflection")
    assert "Look at those reasons honestly" in shown
    assert "Pick a short list of values" in shown


def test_a_number_without_a_button_is_explained(engine: Engine) -> None:
    """Typing 9 when there is one button says what to type instead."""
    shown = run_console(engine, ["9"], "self_reflection")
    assert "(There is no button 9: type 1, or the button's words.)" in shown


def test_back_and_quit_work_in_the_terminal(engine: Engine) -> None:
    """/back goes back a step and /quit leaves."""
    shown = run_console(engine, ["1", "/back", "/quit", "1"], "self_reflection")
    assert shown.count("BEFORE YOU REACH OUT: SELF-REFLECTION") == 2


def test_without_a_token_the_bot_runs_in_the_terminal(monkeypatch, capsys) -> None:
    """`coachbot` with no TELEGRAM_BOT_TOKEN explains and opens the terminal coach."""
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt="": (_ for _ in ()).throw(EOFError))
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "TELEGRAM_BOT_TOKEN is not set" in out
    assert "Choose a guided dialogue" in out


def test_check_passes_on_the_shipped_content(capsys) -> None:
    """`coachbot check` says the content is fine and exits 0."""
    assert main(["check"]) == 0
    assert "Content OK" in capsys.readouterr().out


def test_check_lists_problems_and_fails(content_copy: Path, capsys) -> None:
    """`coachbot check DIR` prints path:line:col problems and exits 1."""
    (content_copy / "en" / "dialogues" / "broken.yaml").write_text("id: broken\ntitle:\n\tx\n")
    assert main(["check", str(content_copy)]) == 1
    captured = capsys.readouterr()
    assert "content/en/dialogues/broken.yaml:3:1: a tab character" in captured.out
    assert "1 error" in captured.err


def test_the_bot_refuses_to_start_on_broken_content(content_copy: Path) -> None:
    """With broken content, `coachbot` prints the same problems and exits non-zero."""
    (content_copy / "en" / "dialogues" / "broken.yaml").write_text("id: [\n")
    env = {**os.environ, "COACHBOT_CONTENT": str(content_copy), "TELEGRAM_BOT_TOKEN": "1:x"}
    result = subprocess.run([sys.executable, "-m", "bot"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "content/en/dialogues/broken.yaml:2:1:" in result.stderr
    assert "the bot did not start" in result.stderr


def test_a_rejected_token_is_explained(tmp_path: Path) -> None:
    """A token the Bot API refuses ends with a plain explanation and exit code 1."""
    from tests.support.botapi import BotApiServer, FakeBotApi

    with BotApiServer(FakeBotApi(token="1:right")) as server:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": "1:wrong", "COACHBOT_DB": str(tmp_path / "db"),
               "TELEGRAM_API_BASE_URL": server.base_url}
        result = subprocess.run([sys.executable, "-m", "bot"], cwd=REPO, env=env,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(
        "Telegram did not accept TELEGRAM_BOT_TOKEN")


def test_an_unreachable_bot_api_is_explained(tmp_path: Path) -> None:
    """With no Bot API answering, the bot says where it tried and what to check."""
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "1:x", "COACHBOT_DB": str(tmp_path / "db"),
           "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot"}
    result = subprocess.run([sys.executable, "-m", "bot"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Could not reach the Telegram Bot API at http://127.0.0.1:9/bot" in result.stderr
