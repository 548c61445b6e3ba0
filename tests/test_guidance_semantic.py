"""The hybrid guidance search: semantic card vectors (in every language), rank fusion, long
messages read sentence by sentence, the calibrated "no guidance", harmful framing reframed
first, and the model loaded lazily, offline, never at import time."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from dialogues.content.problems import Mark
from dialogues.guidance.cards import Card, OutOfScope
from dialogues.guidance.confidence import ANSWER_CONFIDENCE, Signals, confidence
from dialogues.guidance.hybrid import HybridSearch, sentences
from dialogues.guidance.index import CardIndex, Guidance
from dialogues.guidance.semantic import SemanticIndex, fuse
from dialogues.guidance.words import all_words

REPO = Path(__file__).resolve().parent.parent


def bag_of_words(texts: list[str]) -> np.ndarray:
    """A stand-in encoder: each word adds to one of 64 dimensions; rows L2-normalised."""
    vectors = np.zeros((len(texts), 64), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in all_words(text):
            vectors[row, sum(map(ord, word)) % 64] += 1.0
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def card(card_id: str, title: str, answer: str = "An answer.") -> Card:
    return Card(card_id, title, answer, ("intro",), Mark("cards.yaml"))


CARDS = (card("sting", "Should we join a police sting?"),
         card("narcan", "Can outreach staff carry naloxone?"),
         card("pledge", "Does the funding pledge stop us serving people?"))


def test_fusion_favours_a_card_both_rankings_place_high_and_the_first_ranking_wins_ties() -> None:
    assert fuse(["a", "b", "c"], ["b", "d", "a"], k=10) == ["b", "a", "d", "c"]
    assert fuse(["a", "b"], ["b", "a"], k=10) == ["a", "b"]


def test_a_message_of_several_sentences_is_split_and_one_sentence_is_not() -> None:
    assert sentences("We met her last week. She asked about the police. What now?") == [
        "We met her last week.", "She asked about the police."]
    assert sentences("can outreach staff carry naloxone") == []


def test_a_card_is_as_similar_as_its_closest_language() -> None:
    """A Spanish question meets the Spanish translation of an English card."""
    spanish = (card("narcan", "¿Puede el personal de calle llevar naloxona?"),)
    question = "personal de calle llevar naloxona"
    similarity, outside = SemanticIndex(CARDS, bag_of_words, [spanish]).similarities(question)
    english_only, _outside = SemanticIndex(CARDS, bag_of_words).similarities(question)
    assert int(np.argmax(similarity)) == 1 and similarity[1] > english_only[1]
    assert outside == -1.0  # no out-of-scope list


def test_a_question_near_an_out_of_scope_topic_is_less_confident() -> None:
    topics = (OutOfScope("immigration", ("visa application form", "green card"), Mark("o.yaml")),)
    index = SemanticIndex(CARDS, bag_of_words, (), topics)
    _similarity, near = index.similarities("how do we fill in the visa application form")
    _similarity, far = index.similarities("should we join the police sting")
    assert near > far
    assert sure(0.5, 0.6, near) < sure(0.5, 0.6, far)


def sure(coverage: float, best: float, outside: float, fact_asked: bool = False,
         agree: bool = False, named_outside: bool = False) -> float:
    return confidence(Signals(coverage, best, outside, fact_asked, agree, named_outside))


def test_confidence_grows_with_coverage_and_with_the_margin_over_out_of_scope() -> None:
    assert sure(0.2, 0.5, 0.4) < sure(0.8, 0.5, 0.4) < sure(0.8, 0.9, 0.4)
    assert sure(0.0, 0.3, 0.6) < ANSWER_CONFIDENCE < sure(1.0, 0.7, 0.3)


def test_asking_for_a_kind_of_fact_the_guidelines_never_give_lowers_confidence() -> None:
    assert sure(0.5, 0.6, 0.4, fact_asked=True) < sure(0.5, 0.6, 0.4)


def test_words_and_meaning_pointing_at_one_card_raise_confidence() -> None:
    assert sure(0.5, 0.6, 0.4, agree=True) > sure(0.5, 0.6, 0.4)


def test_a_listed_out_of_scope_phrase_lowers_confidence_without_refusing_outright() -> None:
    """Named in passing inside a well-covered situation, the phrase does not refuse it."""
    assert sure(0.5, 0.6, 0.4, named_outside=True) < sure(0.5, 0.6, 0.4)
    assert sure(0.9, 0.7, 0.4, agree=True, named_outside=True) >= ANSWER_CONFIDENCE


def test_a_long_message_is_never_less_covered_than_its_best_sentence() -> None:
    """The story around the ask ("my supervisor", "yesterday", "downtown") does not drown it."""
    lexical = CardIndex(CARDS, ())
    search = HybridSearch(lexical, SemanticIndex(CARDS, bag_of_words))
    ask = "Should we join the police sting?"
    story = ("My supervisor called me yesterday from the downtown office about a meeting with "
             "detectives and analysts and the mayor's staff and a reporter. " + ask)
    alone, long = search.search(ask), search.search(story)
    assert long.hits[0].card.id == "sting" and long.answered
    assert long.confidence == pytest.approx(alone.confidence, abs=0.2)
    assert long.hits[0].score < lexical.search(ask).hits[0].score  # the whole covers less


@pytest.mark.parametrize(("question", "card_id"), [
    ("cl still doing sw can we still serve her", "client_keeps_working"),
    ("shld our org partner w htic", "htic_partner_or_not"),
])
def test_staff_shorthand_the_model_does_not_know_still_reaches_the_card_its_words_name(
        library, question: str, card_id: str) -> None:
    """The synonyms read "cl", "sw" and "htic"; the static vectors cannot, and must not
    overrule words that clearly point at one card (or, with too few candidates, hide it)."""
    ranking = Guidance(library).search(question)
    assert ranking.answered and ranking.hits[0].card.id == card_id


def test_hits_carry_both_scores_and_cards_from_either_side(library) -> None:
    guidance = Guidance(library)
    ranking = guidance.search("PD wants us at a sting")
    assert ranking.confidence is not None and ranking.answered
    for hit in ranking.hits:
        assert 0 <= hit.score <= 1 and hit.semantic is not None and -1 <= hit.semantic <= 1
    lexical = Guidance(library, semantic=False).search("PD wants us at a sting")
    assert lexical.confidence is None and {h.semantic for h in lexical.hits} == {None}


def test_content_loaded_after_the_model_is_embedded_at_once(library) -> None:
    """After /reload the new cards are searched semantically from the first question."""
    Guidance(library).search("warm the model")
    fewer = library.locale("en")
    smaller = replace(library, locales={**library.locales, "en": replace(
        fewer, cards=tuple(c for c in fewer.cards if c.id != "sting_invitation"))})
    ranking = Guidance(smaller).search("PD wants us at a sting")
    assert ranking.confidence is not None
    assert "sting_invitation" not in [hit.card.id for hit in ranking.hits]


@pytest.mark.parametrize(("question", "first"), [
    ("how do we get hookers off the street", "what_to_call_people"),
    ("a prostitute came into the shelter, what do I do", "what_to_call_people"),
    ("all sex workers are trafficking victims so how do we rescue them", "sex_work_vs_trafficking"),
    ("las prostitutas del barrio necesitan ayuda, que hacemos", "what_to_call_people"),
    ("all the girls in those massage places are trafficked, how do we reach them",
     "sex_work_vs_trafficking"),
    ("las muchachas q se prostituyen todas son victimas de trata, como las ayudamos",
     "sex_work_vs_trafficking"),
])
def test_a_question_that_frames_people_harmfully_leads_with_the_card_that_reframes_it(
        library, question: str, first: str) -> None:
    ranking = Guidance(library).search(question)
    assert ranking.answered and ranking.reframed
    assert ranking.hits[0].card.id == first


@pytest.mark.parametrize("question", [
    "does the prostitution pledge apply to us",  # the reviewers allow the pledge's name
    "we got a call from a john who wants to report something",  # an everyday meaning too
    "can a prostitute get a t visa",  # outside the guidelines: still no guidance
])
def test_allowed_and_everyday_uses_are_not_reframed(library, question: str) -> None:
    assert not Guidance(library).search(question).reframed


def test_the_reframed_answer_says_kindly_why_the_words_come_first(library) -> None:
    from dialogues.engine import Engine

    engine = Engine(library, Guidance(library))
    lang = library.locale("en")
    shown = engine.asking.ask(lang, None, "a prostitute came into the shelter, what do I do")[0]
    assert shown.text.startswith(lang.ui["guidance_reframe"])
    assert shown.title == next(c.title for c in lang.cards if c.id == "what_to_call_people")


def test_a_reframing_card_shown_alone_says_so_instead_of_calling_itself_a_near_match(
        library) -> None:
    """No card answers the rest: the note does not promise cards below, nor call the reframing
    card a guess."""
    from dialogues.engine import Engine

    engine = Engine(library, Guidance(library))
    lang = library.locale("en")
    shown = engine.asking.ask(
        lang, None, "all the girls in those massage places are trafficked, how do we reach them")[0]
    assert shown.text.startswith(lang.ui["guidance_reframe_alone"])
    assert lang.ui["guidance_tentative"] not in shown.text
    assert shown.title == next(c.title for c in lang.cards if c.id == "sex_work_vs_trafficking")


def test_the_model_loads_offline_lazily_and_never_at_import_time() -> None:
    """In a fresh process with every socket refused and no offline variable set: importing the
    bot and building the serving engine load no model; the first search does, without any
    connection attempt."""
    script = textwrap.dedent("""
        import os, socket, sys
        attempts = []
        def refuse(self, *args, **kwargs):
            attempts.append(args)
            raise OSError("network blocked by the test")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = lambda *a, **k: refuse(None, *a)
        os.environ.pop("HF_HUB_OFFLINE", None)
        import bot.app, bot.cli
        from dialogues.content.loader import load_library
        from dialogues.engine import Engine
        engine = Engine.serving(load_library(sys.argv[1]))
        assert "tokenizers" not in sys.modules, "model loaded before any search"
        ranking = engine.search("PD wants us at a sting")
        assert "tokenizers" in sys.modules and ranking.confidence is not None
        assert attempts == [], attempts
        print("offline ok")
    """)
    done = subprocess.run([sys.executable, "-c", script, str(REPO / "content")], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("offline ok")


def test_without_the_model_the_search_stays_lexical(library, monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    """A missing package turns semantic search off with one log line, never an error."""
    from dialogues.guidance import semantic

    def missing() -> semantic.Encoder:
        raise ImportError("the 'wordllama' package is not installed")

    monkeypatch.setattr(semantic, "_loaded", [])
    monkeypatch.setattr(semantic, "load_wordllama", missing)
    ranking = Guidance(library).search("PD wants us at a sting")
    assert ranking.answered and ranking.confidence is None
    assert ranking.hits[0].card.id == "sting_invitation"
    assert "semantic search is off" in caplog.text
