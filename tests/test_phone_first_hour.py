"""What a staff member on a phone meets (issue 16): a typed answer can be kept with one tap
on the way back, a summary cites only what the path walked drew on, and a Spanish question
in an English chat learns that /language exists."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from exercise_walk import DAY, Walk

from dialogues.engine import Engine
from dialogues.events import GoBack
from dialogues.model import Library
from tests.test_transcripts import FOLDER, TRANSCRIPTS, replay


@pytest.fixture(scope="module")
def guided(library: Library) -> Engine:
    return Engine.serving(library)


def test_back_on_a_typed_step_offers_to_keep_the_earlier_answer(engine: Engine) -> None:
    walk = Walk(engine, "self_reflection")
    walk.tap(walk.ui("button_continue"))
    walk.type("To learn from people in the sex trades")
    walk.send(GoBack())
    assert walk.ui("earlier_answer", answer="To learn from people in the sex trades") in walk.last.text
    walk.tap(walk.ui("button_keep_earlier"))
    assert walk.session is not None and walk.session.state == "who_benefits"
    assert walk.session.answers["why"] == "To learn from people in the sex trades"


def test_a_first_visit_to_a_typed_step_has_no_keep_button(engine: Engine) -> None:
    walk = Walk(engine, "self_reflection")
    walk.tap(walk.ui("button_continue"))
    assert walk.ui("button_keep_earlier") not in walk.labels()


@pytest.mark.parametrize("name", TRANSCRIPTS)
def test_a_summary_cites_only_sections_behind_the_steps_walked(library: Library,
                                                                name: str) -> None:
    script = yaml.safe_load((FOLDER / f"{name}.yaml").read_text(encoding="utf-8"))
    walk = replay(Engine(library, today=lambda: DAY), script)
    dialogue = library.locale("en").dialogues[script["dialogue"]]
    assert walk.session is not None
    behind = {s for step in walk.session.history for s in dialogue.steps[step].source}
    cited = walk.last.text.split(walk.ui("summary_sources"))[1]
    listed = {line.rsplit("[", 1)[1].rstrip("]") for line in cited.split("\n") if "[" in line}
    assert listed and listed <= behind


def test_a_path_not_taken_is_not_cited(library: Library) -> None:
    """The HTIC check's training question was skipped in its transcript: the staff-training
    section it would have drawn on is not listed."""
    script = yaml.safe_load((FOLDER / "htic_check.yaml").read_text(encoding="utf-8"))
    walk = replay(Engine(library, today=lambda: DAY), script)
    assert "[outreach-educate-staff]" not in walk.last.text
    assert "[identification-htic]" in walk.last.text


def test_the_next_step_leads_the_summary(library: Library) -> None:
    script = yaml.safe_load((FOLDER / "htic_check.yaml").read_text(encoding="utf-8"))
    walk = replay(Engine(library, today=lambda: DAY), script)
    assert walk.last.text.startswith(walk.ui("summary_next_step") + ": ")


SPANISH_HINT = "¿Prefiere leer en español? Envíe /language para cambiar el idioma."


def test_a_spanish_question_in_an_english_chat_mentions_language(guided: Engine) -> None:
    walk = Walk(guided)
    walk.type("¿cómo podemos pagar a las personas con experiencia vivida que nos forman?")
    assert walk.last.text.endswith("\n\n" + SPANISH_HINT)


def test_an_english_question_gets_no_language_hint(guided: Engine) -> None:
    walk = Walk(guided)
    walk.type("how do we pay advocates with lived experience who train us")
    assert "/language" not in walk.last.text


def test_the_hint_is_the_spanish_content_s_own_words() -> None:
    ui = yaml.safe_load((Path(__file__).parent.parent / "content/es/ui.yaml").read_text("utf-8"))
    assert ui["guidance_language_hint"] == SPANISH_HINT
