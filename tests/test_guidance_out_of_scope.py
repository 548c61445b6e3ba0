"""Topics the guidelines leave out (content/<locale>/out_of_scope.yaml): a question naming one
is told honestly that the guidelines don't cover it, however well its other words match a card,
and the list is checked so it never refuses a question a card answers."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.cli import main
from dialogues.content.loader import check_library
from dialogues.engine import Engine
from dialogues.guidance.index import Guidance
from dialogues.model import Library


@pytest.fixture(scope="module")
def guided(library: Library) -> Engine:
    return Engine(library, Guidance(library))


def errors_for(root: Path, text: str) -> list[str]:
    (root / "en" / "out_of_scope.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    library, problems = check_library(root)
    assert library is None, "expected the content to be refused"
    return [str(p) for p in problems.errors]


@pytest.mark.parametrize(("question", "topic"), [
    ("steps to file a U visa for a survivor we serve", "immigration_relief"),
    ("our client wants her old conviction expunged, can we help", "record_relief"),
    ("necesito ayuda con la visa U de una clienta", "immigration_relief"),
    ("how do we bill medicaid for case management hours", "health_billing"),
    ("are u a real person or a bot", "small_talk"),
    ("my client said she wants to kill herself, what do i do", "clinical_treatment"),
])
def test_a_question_naming_an_out_of_scope_topic_gets_no_card(guided: Engine, question: str,
                                                              topic: str) -> None:
    """Its other words reach cards, but it is not answered, and reviewers see which topic."""
    ranking = guided.search(question)
    assert ranking.hits, "its other words still match cards"
    assert not ranking.answered
    assert ranking.outside == topic


@pytest.mark.parametrize("question", [
    "an undocumented client is scared of the police, what can we offer her",
    "client has an arrest record from a sting, does that change our services",
])
def test_questions_near_an_out_of_scope_topic_are_still_answered(guided: Engine,
                                                                 question: str) -> None:
    """Immigration status and arrest records in general are covered: only the named topics
    (applying for a visa, clearing a record) are outside."""
    ranking = guided.search(question)
    assert ranking.answered and ranking.outside == ""


def test_a_situation_naming_a_listed_topic_in_passing_is_answered_for_its_ask(
        guided: Engine) -> None:
    """The T visa is why the attorney needs the police; what she asks is whether to keep them."""
    ranking = guided.search("Our immigration attorney needs the detective to sign certification "
                            "for a client's T visa. The board wants us to stop working with the "
                            "police department after community complaints. Can we keep some "
                            "ties with law enforcement without hurting the community's trust?")
    assert ranking.answered and ranking.outside == "immigration_relief"
    assert ranking.hits[0].card.id == "necessary_le_ties"


def test_the_answer_says_which_part_of_the_situation_the_guidelines_leave_out(
        guided: Engine, library: Library) -> None:
    """The person learns the visa steps need a specialist before reading the card."""
    lang = library.locale("en")
    shown = guided.asking.ask(lang, None, "do we have to cut ties w the police completely? we "
                              "still need them for the t visa endorsements")[0]
    assert shown.text.startswith(lang.ui["guidance_partly_outside"])
    assert shown.title == next(c.title for c in lang.cards if c.id == "necessary_le_ties")


def test_a_single_sentence_naming_a_listed_topic_is_refused_however_well_it_is_covered(
        guided: Engine) -> None:
    """"Sex worker" covers most of it, but the visa is what it asks about."""
    ranking = guided.search("can a prostitute get a t visa")
    assert not ranking.answered and ranking.outside == "immigration_relief"
    assert not ranking.reframed  # declined as outside: no reframing card either


def test_no_shipped_card_phrasing_names_an_out_of_scope_topic(guided: Engine,
                                                              library: Library) -> None:
    """Every card's title and example phrasings are still answered by the search's list."""
    assert guided.guidance is not None
    for card in library.locale("en").cards:
        for text in (card.title, *card.also_asked):
            assert guided.search(text).outside == "", (card.id, text)


def test_an_out_of_scope_phrase_a_card_answers_is_reported_with_both_places(
        one_card_content: Path) -> None:
    """A listed phrase found in a card's example phrasings would refuse that card's questions."""
    assert errors_for(one_card_content, """\
        topics:
          - id: staying
            why: Not in the guidelines.
            phrases: [keep working, still working]
        """) == [
        "content/en/out_of_scope.yaml:2:5: out-of-scope phrase 'keep working' (topic 'staying') "
        "is in card 'keep_working' at content/en/guidance/topic.yaml:2:5, a question the cards "
        "answer — remove it from one of the two",
        "content/en/out_of_scope.yaml:2:5: out-of-scope phrase 'still working' (topic "
        "'staying') is in card 'keep_working' at content/en/guidance/topic.yaml:2:5, a question "
        "the cards answer — remove it from one of the two"]


def test_an_out_of_scope_topic_needs_a_reason_and_phrases(one_card_content: Path) -> None:
    """A topic without `why:` or with an empty phrase list is refused, saying what to add."""
    assert errors_for(one_card_content, """\
        topics:
          - id: visas
            phrases: [t visa]
          - id: taxes
            why: Tax filings are outside the guidelines.
            phrases: []
        """) == [
        "content/en/out_of_scope.yaml:2:5: an out-of-scope topic is missing 'why:' — add it",
        "content/en/out_of_scope.yaml:4:5: out-of-scope topic 'taxes' needs at least one "
        "phrase, written as [phrase, other phrase, ...]"]


def test_coachbot_ask_names_the_out_of_scope_topic(capsys: pytest.CaptureFixture[str]) -> None:
    """Reviewers see why a question got no guidance: the topic that declined it."""
    assert main(["ask", "steps to file a U visa for a survivor we serve"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].strip() == "no guidance (outside the guidelines: immigration_relief)"

