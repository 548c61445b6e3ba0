"""Terminal commands start without python-telegram-bot, and without the search index unless
they search: each runs in a fresh interpreter, which then reports what it imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("telegram", "dialogues.guidance.index", "wordfreq", "rapidfuzz")
RUNNER = """
import contextlib, io, json, sys
from bot import cli
argv = json.loads(sys.argv[1])
if argv:
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(argv)
else:
    code = 0
print(json.dumps({"code": code, "loaded": [m for m in json.loads(sys.argv[2]) if m in sys.modules]}))
"""


def imported(argv: list[str], stdin: str = "") -> tuple[int, list[str]]:
    """Run `coachbot <argv>` (nothing: only import bot.cli) in a new interpreter; its exit
    code and which of `HEAVY` it had imported when it finished."""
    done = subprocess.run([sys.executable, "-c", RUNNER, json.dumps(argv), json.dumps(HEAVY)],
                          cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120,
                          env={"PATH": "", "PYTHONPATH": str(ROOT)}, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], report["loaded"]


def test_importing_the_cli_loads_neither_telegram_nor_the_search() -> None:
    assert imported([]) == (0, [])


def test_check_runs_without_telegram_or_the_search() -> None:
    assert imported(["check", "content"]) == (0, [])


def test_graph_runs_without_telegram_or_the_search(tmp_path: Path) -> None:
    assert imported(["graph", "self_reflection", "--out", str(tmp_path)]) == (0, [])


def test_chat_loads_the_search_only_when_someone_asks() -> None:
    code, loaded = imported(["chat", "self_reflection"], stdin="")
    assert (code, loaded) == (0, [])


def test_ask_searches_without_telegram() -> None:
    code, loaded = imported(["ask", "how do we pay trainers"])
    assert code == 0 and "telegram" not in loaded and "dialogues.guidance.index" in loaded
