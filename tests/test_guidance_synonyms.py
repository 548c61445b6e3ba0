"""The reviewers' synonyms (content/<locale>/synonyms.yaml) as a searcher meets them: phrases
match as typed, small words included, and each language's words apply to questions typed in
that language, so a word of one language never changes the meaning of a question in another."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogues.content.loader import check_library
from dialogues.content.problems import Mark
from dialogues.guidance.cards import Card, SynonymGroup
from dialogues.guidance.index import CardIndex
from dialogues.guidance.words import all_words, language_of


def card(card_id: str, title: str) -> Card:
    return Card(id=card_id, title=title, answer="An answer.", source=("intro",),
                mark=Mark("test.yaml"))


CARDS = (card("prosecutors", "The prosecutor's office wants our files"),
         card("fear", "She is afraid to call the police"),
         card("stories", "A survivor was asked to tell her story at our gala"),
         card("speech", "Free speech and our posts online"),
         card("leaving", "Does she have to leave the sex trades first?"))
def group(language: str, *phrases: str) -> SynonymGroup:
    return SynonymGroup(language, phrases, Mark(f"content/{language}/synonyms.yaml"))


SYNONYMS = (group("en", "prosecutor", "da", "district attorney"),
            group("en", "story", "speak at"),
            group("en", "leave the sex trades", "get out"),
            group("es", "afraid", "miedo"),
            group("es", "police", "policía"))


@pytest.fixture(scope="module")
def index() -> CardIndex:
    return CardIndex(CARDS, SYNONYMS, threshold=0.0)


def best(index: CardIndex, question: str) -> str:
    return index.search(question).hits[0].card.id


@pytest.mark.parametrize(("question", "language"), [
    ("the da wants our case files", "en"),
    ("me da miedo llamar a la policía", "es"),
    ("narcan", None),
])
def test_a_question_s_language_is_told_by_its_small_words(question: str,
                                                         language: str | None) -> None:
    assert language_of(all_words(question)) == language


def test_an_english_abbreviation_applies_to_english_questions_only(index: CardIndex) -> None:
    """"da" is a district attorney in English and "gives" in Spanish."""
    assert best(index, "the da wants our case files") == "prosecutors"
    assert best(index, "me da miedo llamar a la policía") == "fear"


def test_a_phrase_with_small_words_matches_only_as_a_whole(index: CardIndex) -> None:
    """"speak at" means telling one's story; "speak" alone does not."""
    assert best(index, "can a survivor speak at our fundraiser") == "stories"
    assert best(index, "she wants to get out") == "leaving"
    assert "stories" not in [hit.card.id for hit in index.search("free speech speak up").hits[:1]]


def test_a_misspelling_reaches_the_word_it_was_meant_to_be(index: CardIndex) -> None:
    assert best(index, "prosecuter wants our files") == "prosecutors"
    assert best(index, "she is afriad to call the polise") == "fear"


def test_a_real_word_is_not_turned_into_a_card_word_that_looks_like_it() -> None:
    """"mission" is not "missing": an everyday word is only ever read as another form of
    itself, so a question about something else does not look like a card's question."""
    index = CardIndex((card("missing", "Missing from the coalition"),
                       card("grupos", "Grupo de apoyo")), (), threshold=0.0)
    assert index.search("our mission statement").hits == ()
    assert index.search("grupos").hits[0].card.id == "grupos"


def test_a_synonyms_group_whose_first_word_no_card_uses_is_reported(content_copy: Path) -> None:
    """The group would find nothing; reviewers are told where it is and what to put first."""
    (content_copy / "en" / "guidance").mkdir()
    (content_copy / "en" / "guidance" / "police.yaml").write_text(
        "cards:\n  - id: police\n    title: The police want us at a sting\n"
        "    answer: Say no.\n    source: [partnerships-law-enforcement]\n", encoding="utf-8")
    (content_copy / "en" / "synonyms.yaml").write_text(
        "groups:\n  - [police, cops]\n  - [in-kind, non-monetary]\n", encoding="utf-8")
    _library, problems = check_library(content_copy)
    assert [str(p) for p in problems.warnings if "synonyms.yaml" in str(p)] == [
        "content/en/synonyms.yaml:3:5: warning: no card uses 'in-kind', the first word of this synonyms "
        "group, so searches for its other words find nothing — put first a word the cards use "
        "(from the title of the card they should reach)"]


def test_a_spanish_question_meets_the_spanish_text_of_a_card_no_synonym_leads_to() -> None:
    """No synonym says that "albergue" is a shelter: the card's own translation does."""
    english = (card("shelter", "Can she stay in the shelter while still working?"),
               card("stories", "A survivor was asked to tell her story at our gala"))
    spanish = (card("shelter", "¿Puede quedarse en el albergue si sigue trabajando?"),)
    question = "puede seguir en el albergue"
    assert CardIndex(english, SYNONYMS, threshold=0.0).search(question).hits == ()
    found = CardIndex(english, SYNONYMS, threshold=0.0, translations={"es": spanish})
    assert found.search(question).hits[0].card.title == english[0].title  # shown in English
