"""`coachbot ask` shows reviewers which cards a phrasing reaches, as text or JSON lines."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli import main


def test_ask_prints_ranked_cards_with_score_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    """Each card line has rank, id, score, title and cited section ids."""
    assert main(["ask", "PD wants us at a sting"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "PD wants us at a sting"
    assert lines[1].strip() == "answered"
    assert lines[2].startswith(("  1. sting_invitation  ", "  1= sting_invitation  "))  # = a tie
    assert lines[2].endswith("[identification-direct, partnerships-law-enforcement]")


def test_ask_json_prints_one_object_per_question(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints {"question", "answered", "cards": [{"id", "score", "source", "lexical",
    "semantic"}]} per line: `score` is the lexical score, as before."""
    assert main(["ask", "--json", "the pledge", "what's the wifi password"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["question"] == "the pledge" and first["answered"] is True
    assert first["cards"][0]["id"] == "prostitution_pledge"
    card = first["cards"][0]
    assert set(card) == {"id", "score", "source", "lexical", "semantic"}
    assert card["lexical"] == card["score"] and 0 < card["semantic"] <= 1
    assert second["answered"] is False


def test_ask_dash_reads_questions_from_standard_input(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """`-` reads one question a line from standard input, skipping blank lines."""
    monkeypatch.setattr("sys.stdin", io.StringIO("the pledge\n\nnarcan\n"))
    assert main(["ask", "--json", "--locale", "es", "-"]) == 0
    questions = [json.loads(line)["question"] for line in capsys.readouterr().out.splitlines()]
    assert questions == ["the pledge", "narcan"]
