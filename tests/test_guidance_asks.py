"""The kind of ask: questions for a number, a deadline, the law of a place, a form, a dose, a tax
rule, contact details or a written document are told apart from practice questions in the
cards' own words, and the bot declines them even when nobody listed their topic."""

from __future__ import annotations

import pytest

from dialogues.engine import Engine
from dialogues.guidance.asks import fact_asked


@pytest.mark.parametrize(("question", "family"), [
    ("how many people in the sex trades live in our county", "a number"),
    ("what percentage of our clients were trafficked? board wants it", "a number"),
    ("what % of youth in foster care get trafficked? need it for a slide", "a number"),
    ("cuantas personas trabajadoras sexuales atendimos el año pasado", "a number"),
    ("what's the deadline for the quarterly report to the funder", "a time limit"),
    ("cuanto tiempo tenemos para entregar el plazo del informe", "a number"),
    ("is it legal in Ohio to hand out test strips", "the law of a place"),
    ("which states let survivors clear old charges", "the law of a place"),
    ("que dice la ley del estado sobre los refugios", "the law of a place"),
    ("which form do I fill out for the county shelter grant", "a form or filing"),
    ("what dose of naloxone do we train volunteers on", "a clinical fact"),
    ("clienta con sintomas de una infeccion, que hago", "a clinical fact"),
    ("are stipends for peer advocates taxable", "a tax rule"),
    ("do we send 1099s to the survivors who consult for us", "a tax rule"),
    ("do you have the phone number of the local sex worker collective", "contact details"),
    ("translate our intake form into Tagalog", "a document written for them"),
    ("can you write a press release about our new drop-in hours", "a document written for them"),
    ("me ayudas a escribir una carta para un donante?", "a document written for them"),
    ("como se dice reduccion de daños en ingles", "a document written for them"),
])
def test_a_question_for_a_fact_the_guidelines_never_give_is_recognised(
        question: str, family: str) -> None:
    assert fact_asked(question) == family


@pytest.mark.parametrize("question", [
    "should we join a police sting",
    "how much should we pay survivors who consult on our training",
    "cuanto deberiamos pagar a una consultora con experiencia vivida",
    "our state coalition wants us to partner with police on outreach",
    "is it ok to hand out condoms at drop-in",
    "how do we do a funding audit",
    "heading out tonight w 2 new volunteers, what do i tell them",
    "can we still serve a client who keeps working",
    "the state task force wants law enforcement at our outreach nights, should we agree",
    "how do i write it in my case notes when she doesnt want the word victim in her file",
])
def test_a_practice_question_is_not_taken_for_a_fact_ask(question: str) -> None:
    assert fact_asked(question) == ""


@pytest.mark.parametrize("question", [
    "how many sex workers live in Ohio? need a number for the grant",
    "what's the deadline to submit our quarterly performance report to the funder",
    "is it legal in Nevada to work in a licensed brothel",
])
def test_a_fact_question_in_the_cards_words_gets_no_guidance(library, question: str) -> None:
    ranking = Engine.serving(library).search(question)
    assert not ranking.answered and not ranking.outside  # declined, though nobody listed it


def test_a_practice_question_in_the_same_words_is_still_answered(library) -> None:
    ranking = Engine.serving(library).search("PD wants us at a sting, should we go?")
    assert ranking.answered and ranking.hits[0].card.id == "sting_invitation"
