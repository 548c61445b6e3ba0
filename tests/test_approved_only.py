"""COACHBOT_REQUIRE_APPROVED=1 serves everything a reviewer approved, not only the dialogues."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.content import load_content
from dialogues.content.loader import check_library
from dialogues.guidance.index import Guidance

CONTENT = Path(__file__).resolve().parent.parent / "content"
APPROVE = "review: {status: approved, by: lived-experience panel, date: 2026-03-01}\n"


def _approve(file: Path) -> None:
    """Replace the file's review block (if any) with an approval."""
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("review:")]
    file.write_text(APPROVE + "".join(kept), encoding="utf-8")


def test_every_approved_english_file_is_served_whole(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    for file in (root / "en").rglob("*.yaml"):
        _approve(file)
    _approve(root / "es" / "ui.yaml")  # Spanish is served, but none of its other files is approved
    everything, problems = check_library(root)
    assert everything is not None, problems.report()
    served, problems = load_content(root, require_approved=True)
    assert served is not None, problems.report()

    full, approved = everything.locale("en"), served.locale("en")
    assert len(full.cards) > 100
    assert len(approved.cards) == len(full.cards)
    assert len(approved.prompt_sets) == len(full.prompt_sets) > 0
    assert len(approved.privacy) == len(full.privacy) == 5
    assert len(approved.synonyms) > 0
    english_groups = [g for g in full.synonyms if g.mark.path.startswith("content/en/")]
    assert len(approved.synonyms) == len(english_groups)
    assert list(approved.dialogues) == list(full.dialogues)

    # The unapproved Spanish files fall back to the approved English ones.
    spanish = served.locale("es")
    assert spanish.ui["menu_prompt"] == everything.locale("es").ui["menu_prompt"]
    assert spanish.dialogues["transparency"] is approved.dialogues["transparency"]
    assert spanish.cards == ()
    assert spanish.privacy == approved.privacy
    card = full.cards[0]
    assert Guidance(served).card(card.id, "es") == card
    assert Guidance(everything).card(card.id, "es") != card
