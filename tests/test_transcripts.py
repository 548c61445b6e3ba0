"""Transcripts: for each exercise dialogue, a set of answers (tests/transcripts/<id>.yaml) and
the exact summary it produces, so a change in wording or logic shows up as a readable diff."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from exercise_walk import DAY, Walk

from dialogues.engine import Engine
from dialogues.events import GoBack
from dialogues.model import Library

FOLDER = Path(__file__).parent / "transcripts"
TRANSCRIPTS = sorted(p.stem for p in FOLDER.glob("*.yaml"))


def replay(engine: Engine, script: dict) -> Walk:
    """Play the moves of a transcript: `tap` a label, `ui` a button by key, `type`, `back`."""
    walk = Walk(engine, script["dialogue"])
    for move in script["moves"]:
        ((kind, value),) = move.items()
        if kind == "tap":
            walk.tap(value)
        elif kind == "ui":
            walk.tap(walk.ui(value))
        elif kind == "type":
            walk.type(value)
        else:
            assert kind == "back", f"unknown move {kind!r}"
            walk.send(GoBack())
    return walk


@pytest.fixture(scope="module")
def dated(library: Library) -> Engine:
    return Engine(library, today=lambda: DAY)


def test_every_exercise_dialogue_has_a_transcript() -> None:
    """The seven exercises of issue #3 each have a pinned transcript."""
    assert set(TRANSCRIPTS) >= {"htic_check", "transparency", "funding_audit", "partner_check",
                                "voluntary_services", "materials_review", "policy_check"}


@pytest.mark.parametrize("name", TRANSCRIPTS)
def test_the_transcript_produces_its_summary(dated: Engine, name: str) -> None:
    """Replaying the answers gives exactly the summary (and document) written in the file."""
    script = yaml.safe_load((FOLDER / f"{name}.yaml").read_text(encoding="utf-8"))
    walk = replay(dated, script)
    assert walk.session is not None and walk.session.finished
    assert walk.last.title == script["title"]
    assert walk.last.text == script["summary"]
    if "document" in script:
        document = walk.document()
        assert document.filename == script["document"]
        assert document.data.decode("utf-8") == script["document_text"]
