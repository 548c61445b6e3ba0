"""A gallery of a reviewer's mistakes, each pinned by the exact text `coachbot check` prints,
so what a reviewer reads about an error never regresses. Each case changes one thing in a copy
of the shipped content (tests/gallery_cases.py); the expected text is in
tests/data/gallery/<case>.txt (with the content version and the coverage counts masked,
since any content edit changes them)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from tests.gallery_cases import CASES

REPO = Path(__file__).resolve().parent.parent
EXPECTED = Path(__file__).resolve().parent / "data" / "gallery"


def masked(text: str) -> str:
    """The check's output without what any content edit changes: the content version and the
    translation and review counts (their own tests pin those)."""
    text = re.sub(r"version [0-9a-f]{12}", "version …", text)
    text = re.sub(r"\d+ of \d+ texts translated and current \(\d+%\)",
                  "… of … texts translated and current (…%)", text)
    return re.sub(r"Approved: \d+ of \d+ files \(waiting: [^;]*;", "Approved: … files (waiting: …;", text)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@pytest.mark.parametrize("name", list(CASES))
def test_check_says_exactly_this(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    relative, old, new = CASES[name]
    shutil.copytree(REPO / "content", tmp_path / "content")
    file = tmp_path / "content" / relative
    text = file.read_text(encoding="utf-8")
    assert old in text, f"the gallery case '{name}' no longer finds its text"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the reviewer stands beside the content folder
    monkeypatch.delenv("COACHBOT_CONTENT", raising=False)
    code = main(["check", "content"])
    captured = capsys.readouterr()
    shown = masked(captured.out + captured.err)
    expected = (EXPECTED / f"{slug(name)}.txt").read_text(encoding="utf-8")
    assert f"exit {code}\n{shown}" == expected
