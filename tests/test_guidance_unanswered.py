"""Questions staff asked that no card answers (content/<locale>/unanswered.yaml): a question close
to one of them in meaning, and further from every card, is told honestly that the guidelines
don't cover it, even when no out-of-scope phrase names its topic; the list is checked so it
never contradicts a card, and its mistakes are reported where they are."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from bot.cli import main
from dialogues.content.loader import check_library
from dialogues.content.problems import Mark
from dialogues.guidance.cards import Unanswered
from dialogues.guidance.index import Guidance
from dialogues.guidance.semantic import SemanticIndex
from dialogues.model import Library
from tests.test_guidance_semantic import CARDS, bag_of_words


def without_list(library: Library) -> Library:
    return replace(library, locales={code: replace(locale, unanswered=())
                                     for code, locale in library.locales.items()})


def test_a_question_like_a_listed_unanswered_one_is_nearer_the_outside() -> None:
    question = "the office printer is jammed again, how do I fix it"
    printer = Unanswered("how do I fix the office printer", Mark("content/en/unanswered.yaml", 2))
    listed = SemanticIndex(CARDS, bag_of_words, (), (), [printer])
    _cards, near = listed.similarities(question)
    _cards, alone = SemanticIndex(CARDS, bag_of_words).similarities(question)
    assert alone == -1.0 and near > 0.5
    assert listed.nearest_unanswered(question) == (printer, pytest.approx(near))


@pytest.mark.parametrize("question", [
    "what is a good curfew policy for a shelter",
    "necesito una plantilla de politica de visitas para el albergue",
])
def test_a_question_on_a_topic_no_phrase_names_is_declined_when_listed_ones_are_near(
        library: Library, question: str) -> None:
    """No out-of-scope phrase names shelter curfews or visiting rules, and their words meet the
    cards' on policy; near the listed questions about shelter rules, they get no card."""
    assert Guidance(without_list(library)).search(question).answered
    declined = Guidance(library).search(question)
    assert not declined.answered and declined.outside == ""


def test_coachbot_ask_shows_reviewers_the_listed_question_a_refusal_came_near(
        capsys: pytest.CaptureFixture[str]) -> None:
    """So a reviewer who finds a wrong refusal knows which line to reword or remove."""
    assert main(["ask", "what is a good curfew policy for a shelter",
                 "client wants to keep working, can we still serve her"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "  no guidance (below the threshold)"
    assert out[2].startswith("  nearer to a question listed as unanswered than to any card: \"")
    assert "(content/en/unanswered.yaml:" in out[2]
    assert out[4] == "  answered" and "unanswered" not in "\n".join(out[3:])


@pytest.mark.parametrize("question", [
    "client wants to keep working, can we still serve her",
    "PD wants us at a sting",
    "mi clienta sigue trabajando, la podemos seguir atendiendo?",
])
def test_questions_the_cards_answer_are_still_answered(library: Library, question: str) -> None:
    assert Guidance(library).search(question).answered


def test_the_shipped_lists_load_in_both_languages(
        library: Library) -> None:
    listed = library.locale("en").unanswered
    assert {item.mark.path for item in listed} == {"content/en/unanswered.yaml",
                                                   "content/es/unanswered.yaml"}
    assert len(listed) >= 400


def problems_for(root: Path, text: str) -> tuple[list[str], list[str]]:
    (root / "en" / "unanswered.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    _library, problems = check_library(root)
    return [str(p) for p in problems.errors], [str(p) for p in problems.warnings]


def test_a_listed_question_a_card_answers_is_reported_with_both_places(one_card_content: Path) -> None:
    errors, _warnings = problems_for(one_card_content, """\
        questions:
          - how do I fix the office printer
          - Client still working, can she stay?
        """)
    assert errors == [
        "content/en/unanswered.yaml:3:5: this unanswered question is also a question card "
        "'keep_working' answers, at content/en/guidance/topic.yaml:2:5 — remove it from one of "
        "the two"]


def test_a_mistaken_entry_says_where_and_what_to_do(one_card_content: Path) -> None:
    errors, warnings = problems_for(one_card_content, """\
        questions:
          - how do I fix the office printer
          - [what, is, payroll]
          - ""
          - How do I fix the office printer?
        """)
    assert errors == [
        "content/en/unanswered.yaml:3:5: an unanswered question should be text, not a list or "
        "a block",
        "content/en/unanswered.yaml:4:5: this line of the list is empty — write the question, "
        "or remove the line"]
    assert [w for w in warnings if w.startswith("content/en/unanswered.yaml")] == [
        "content/en/unanswered.yaml:5:5: warning: this question is already listed at "
        "content/en/unanswered.yaml:2:5 — remove one of the two"]


def test_a_file_without_its_list_says_what_it_needs(one_card_content: Path) -> None:
    errors, _warnings = problems_for(one_card_content, "asked:\n  - how do I fix the office printer\n")
    assert any("content/en/unanswered.yaml" in error and "questions" in error
               for error in errors), errors
