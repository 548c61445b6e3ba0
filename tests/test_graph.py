"""Dialogue diagrams: Mermaid pages under docs/dialogues/ stay exactly what `coachbot graph --all`
writes from the current content, so a reviewer never reads a stale map."""

from __future__ import annotations

from pathlib import Path

from bot.cli import main
from dialogues.graph import markdown, mermaid
from dialogues.model import Library

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "dialogues"


def test_the_diagrams_in_docs_are_current(library: Library) -> None:
    """Each dialogue has a page equal to a fresh drawing; run `coachbot graph --all` if not."""
    dialogues = library.locale("en").dialogues
    assert sorted(p.stem for p in DOCS.glob("*.md")) == sorted(dialogues)
    for dialogue in dialogues.values():
        page = (DOCS / f"{dialogue.id}.md").read_text(encoding="utf-8")
        assert page == markdown(dialogue, dialogue.mark.path), f"run: coachbot graph --all ({dialogue.id})"


def test_a_diagram_shows_every_step_and_branch(library: Library) -> None:
    """Every step is a state, and a choice's branches are labelled with their option ids."""
    dialogue = library.locale("en").dialogues["self_reflection"]
    drawing = mermaid(dialogue)
    assert drawing.splitlines()[3] == "stateDiagram-v2"
    for step_id in dialogue.steps:
        assert f'state "{step_id}" as {step_id}' in drawing
    assert "who_benefits --> reconsider: choose_us | choose_unsure" in drawing


def test_graph_writes_one_page(tmp_path: Path) -> None:
    """`coachbot graph <id> --out <folder>` writes <id>.md with a mermaid block."""
    assert main(["graph", "transparency", "--out", str(tmp_path)]) == 0
    assert "```mermaid\n" in (tmp_path / "transparency.md").read_text(encoding="utf-8")
    assert main(["graph", "no_such_dialogue", "--out", str(tmp_path)]) == 1
