"""Search quality on the labelled staff questions, held to the issue's targets on each half:
tests/data/guidance_questions.yaml (dev: written with the cards; holdout: set aside while they
were written), guidance_questions_fresh.yaml (written later by others from the guidelines only;
design: used to recalibrate the "no guidance" decision; fresh: only measured),
guidance_questions_third.yaml (third: the third round's unseen set, tuning data since),
guidance_questions_tuning.yaml (tuning: written to fit the decision), and one file per later
round of four independent writers, each measured on the search before and after its round and
tuning data since: guidance_questions_unseen.yaml (unseen), guidance_questions_next.yaml
(next), guidance_questions_round5.yaml (round5), guidance_questions_round6.yaml (round6) and
guidance_questions_round7.yaml (round7). guidance_questions_round8.yaml (round8) was measured
once before stop 22's last changes and once after, guidance_questions_round9.yaml (round9) once
after them, guidance_questions_round10.yaml (round10) and guidance_questions_round11.yaml
(round11) once before stop 23's first change and once after, and guidance_questions_round12.yaml
(round12) once before its second change and once after; nobody tuning the search has read their
misses.

Targets the search does not reach yet are marked as expected failures (strict, so reaching one
turns the mark into a failure to remove); the measured figures are in BENCHMARKS.md. The search
measured is the bot's: hybrid (dialogues.guidance.hybrid), tuned on dev, design, third, tuning,
unseen, next, round5, round6 and round7 only. Their unanswerable questions are also the
reviewers' list of questions no card answers (content/<locale>/unanswered.yaml), so each tuning
half is measured with its own questions left out of that list, as a new writer's questions meet
the search.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogues.engine import Engine
from dialogues.guidance.index import Guidance
from tests.support.evaluation import (
    QUESTION_FILES,
    TUNING_HALVES,
    Figures,
    Question,
    load_questions,
    measure,
    without_own_questions,
)

HALVES = ("dev", "holdout", "design", "fresh", "third", "tuning", "unseen", "next", "round5",
          "round6", "round7", "round8", "round9", "round10", "round11", "round12")
TARGETS = {"top1": 0.75, "top3": 0.90, "no_guidance": 0.80}
# Issue 18's targets for questions written by people who never saw the cards (the halves of
# the later file): the first card right ≥ 80 %, a right card in three ≥ 93 %, 9 in 10
# unanswerable questions declined.
FRESH_TARGETS = {"top1": 0.80, "top3": 0.93, "no_guidance": 0.90}
FRESH_HALVES = ("design", "fresh", "third", "tuning", "unseen", "next", "round5", "round6",
                "round7", "round8", "round9", "round10", "round11", "round12")
# Measured below target at the end of stop 23 (BENCHMARKS.md, "Stop 23"). The holdout and fresh
# halves decline fewer unanswerable questions than the rounds written since, and the round6 and
# round11 writers ask in words the cards use less often.
SHORT_OF_TARGET = {
    ("holdout", "no_guidance"): "measured 77.8 % (7 of 9)",
    ("tuning", "no_guidance"): "measured 77.0 % (77 of 100)",
}
SHORT_OF_FRESH_TARGET = {
    ("fresh", "no_guidance"): "measured 81.5 % (75 of 92)",
    ("tuning", "no_guidance"): "measured 77.0 % (77 of 100)",
    ("round6", "top3"): "measured 92.6 % (137 of 148)",
    ("round11", "top3"): "measured 92.6 % (137 of 148)",
}


def _params(halves: tuple[str, ...], targets: dict[str, float],
            short: dict[tuple[str, str], str]) -> list:
    return [pytest.param(half, metric, targets[metric], marks=pytest.mark.xfail(
        strict=True, reason=short[(half, metric)]) if (half, metric) in short else ())
        for half in halves for metric in targets]


def all_questions() -> list[Question]:
    return [question for file in QUESTION_FILES for question in load_questions(file)]


@pytest.fixture(scope="module")
def measured(library) -> dict[str, Figures]:
    def ranker(half: str):
        shown = without_own_questions(library, half) if half in TUNING_HALVES else library
        engine = Engine(shown, Guidance(shown))

        def rank(question: str):
            ranking = engine.search(question)
            return tuple(hit.card for hit in ranking.hits), ranking.answered
        return rank
    questions = all_questions()
    return {half: measure([q for q in questions if q.half == half], ranker(half))
            for half in HALVES}


def test_labelled_set_is_big_and_varied_enough() -> None:
    """At least 80 questions, about a tenth unanswerable, split into dev and holdout halves."""
    questions = load_questions(QUESTION_FILES[0])
    unanswerable = [q for q in questions if not q.expect]
    assert len(questions) >= 80
    assert 0.07 <= len(unanswerable) / len(questions) <= 0.2
    assert {q.half for q in questions} == {"dev", "holdout"}


@pytest.mark.parametrize(("file", "half", "writers"), [
    (QUESTION_FILES[4], "unseen", ("L", "M", "N", "O")),
    (QUESTION_FILES[5], "next", ("Q", "R", "S", "T")),
    (QUESTION_FILES[6], "round5", ("U", "V", "W", "X")),
    (QUESTION_FILES[7], "round6", ("Y", "Z", "A", "AA")),
    (QUESTION_FILES[8], "round7", ("B", "C", "D", "E")),
    (QUESTION_FILES[9], "round8", ("F", "G", "H", "P")),
    (QUESTION_FILES[10], "round9", ("BB", "CC", "DD", "EE")),
    (QUESTION_FILES[11], "round10", ("FF", "GG", "HH", "JJ")),
    (QUESTION_FILES[12], "round11", ("KK", "LL", "MM", "NN")),
    (QUESTION_FILES[13], "round12", ("PP", "QQ", "RR", "SS"))])
def test_each_unseen_set_comes_from_four_writers_in_every_style(file: Path, half: str,
                                                                writers: tuple[str, ...]) -> None:
    """200 questions, 50 from each of four writers, each writer's set holding short, ordinary,
    long, Spanish and out-of-scope questions (the last with no expected section)."""
    questions = load_questions(file)
    assert len(questions) == 200 and {q.half for q in questions} == {half}
    for writer in writers:
        assert sum(q.writer == writer for q in questions) == 50
        assert sum(q.writer == writer and not q.expect for q in questions) == 13


def test_the_third_rounds_set_keeps_its_three_writers() -> None:
    questions = load_questions(QUESTION_FILES[2])
    assert len(questions) == 180 and {q.half for q in questions} == {"third"}
    for writer in ("I", "J", "K"):
        assert sum(q.writer == writer for q in questions) == 60
        assert sum(q.writer == writer and not q.expect for q in questions) == 12


def test_the_tuning_set_leans_on_questions_the_guidelines_do_not_answer() -> None:
    questions = load_questions(QUESTION_FILES[3])
    assert len(questions) == 150 and {q.half for q in questions} == {"tuning"}
    assert sum(not q.expect for q in questions) == 100


def test_fresh_set_has_both_kinds_of_question_in_each_half() -> None:
    """The later set leans on unanswerable questions (a quarter), to measure "no guidance"."""
    questions = load_questions(QUESTION_FILES[1])
    assert {q.half for q in questions} == {"design", "fresh"}
    for half in ("design", "fresh"):
        asked = [q for q in questions if q.half == half]
        assert len(asked) >= 80
        assert 0.1 <= sum(not q.expect for q in asked) / len(asked) <= 0.4


def test_every_expected_section_exists(library) -> None:
    """A typo in a label would make a question unanswerable by accident."""
    unknown = {(q.text, s) for q in all_questions() for s in q.expect
               if s not in library.sections}
    assert not unknown


@pytest.mark.parametrize(("half", "metric", "target"),
                         _params(HALVES, TARGETS, SHORT_OF_TARGET))
def test_search_meets_the_target(measured: dict[str, Figures], half: str, metric: str,
                                 target: float) -> None:
    """Top-1 ≥ 75 %, top-3 ≥ 90 % and correct "no guidance" ≥ 80 %, on each half."""
    figures = measured[half]
    assert getattr(figures, metric) >= target, f"{half}: {figures}"


@pytest.mark.parametrize(("half", "metric", "target"),
                         _params(FRESH_HALVES, FRESH_TARGETS, SHORT_OF_FRESH_TARGET))
def test_search_meets_the_fresh_question_targets(measured: dict[str, Figures], half: str,
                                                 metric: str, target: float) -> None:
    """Top-1 ≥ 80 %, top-3 ≥ 93 % and correct "no guidance" ≥ 90 % on questions written from
    the guidelines alone."""
    figures = measured[half]
    assert getattr(figures, metric) >= target, f"{half}: {figures}"
