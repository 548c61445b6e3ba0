"""The terminal coach saves summary documents to a folder and says where."""

from __future__ import annotations

from pathlib import Path

from exercise_walk import DAY

from bot.console import ConsoleCoach
from dialogues.engine import Engine
from dialogues.model import Library

MATERIALS = ["1", "2", "2", "2", "2", "2", "2", "2"]  # training handout, "No" and skip thrice


def run(library: Library, folder: Path, lines: list[str]) -> list[str]:
    said: list[str] = []
    feed = iter([*lines, "/quit"])
    coach = ConsoleCoach(Engine(library, today=lambda: DAY), read=lambda _: next(feed),
                         write=said.append, summaries=folder)
    coach.run("materials_review")
    return said


def test_the_document_button_writes_the_file_and_prints_its_path(library: Library,
                                                                  tmp_path: Path) -> None:
    """Choosing "Get this as a document" saves <dialogue>-<date>.md and prints where."""
    folder = tmp_path / "summaries"
    said = run(library, folder, [*MATERIALS, "1"])
    path = folder / "materials_review-2026-11-27.md"
    assert f"Saved this summary as a document: {path}" in said
    assert path.read_text(encoding="utf-8").startswith("# Your materials review\n")


def test_a_second_document_the_same_day_does_not_overwrite_the_first(library: Library,
                                                                      tmp_path: Path) -> None:
    """Saving twice gives a second file with a number, and both remain."""
    said = run(library, tmp_path, [*MATERIALS, "1", "1"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "materials_review-2026-11-27-2.md", "materials_review-2026-11-27.md"]
    assert [line for line in said if line.startswith("Saved")][-1].endswith(
        "materials_review-2026-11-27-2.md")
