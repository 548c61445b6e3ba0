"""Search quality on the labelled staff questions (tests/data/guidance_questions.yaml), held to
the issue's targets on each half: the dev half calibrated the search, the holdout half did not.

Targets the search does not reach yet are marked as expected failures (strict, so reaching one
turns the mark into a failure to remove); the measured figures are in BENCHMARKS.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogues.engine import Engine
from dialogues.evaluation import Figures, load_questions, measure
from dialogues.search import Guidance

QUESTIONS = Path(__file__).resolve().parent / "data" / "guidance_questions.yaml"
TARGETS = {"top1": 0.75, "top3": 0.90, "no_guidance": 0.80}
# Measured below target when this was written (see BENCHMARKS.md, "Quick guidance"); the
# holdout half was evaluated once, after the out-of-scope list and synonyms were settled on dev.
SHORT_OF_TARGET = {
    ("holdout", "top3"): "measured 86.2 % (50 of 58)",
    ("holdout", "no_guidance"): "measured 77.8 % (7 of 9)",
}


@pytest.fixture(scope="module")
def measured(library) -> dict[str, Figures]:
    engine = Engine(library, Guidance(library))

    def rank(question: str):
        ranking = engine.search(question)
        return tuple(hit.card for hit in ranking.hits), ranking.answered
    questions = load_questions(QUESTIONS)
    return {half: measure([q for q in questions if q.half == half], rank)
            for half in ("dev", "holdout")}


def test_labelled_set_is_big_and_varied_enough() -> None:
    """At least 80 questions, about a tenth unanswerable, split into dev and holdout halves."""
    questions = load_questions(QUESTIONS)
    unanswerable = [q for q in questions if not q.expect]
    assert len(questions) >= 80
    assert 0.07 <= len(unanswerable) / len(questions) <= 0.2
    assert {q.half for q in questions} == {"dev", "holdout"}


@pytest.mark.parametrize(("half", "metric"), [
    pytest.param(half, metric, marks=pytest.mark.xfail(
        strict=True, reason=SHORT_OF_TARGET[(half, metric)]) if (half, metric) in SHORT_OF_TARGET
        else ())
    for half in ("dev", "holdout") for metric in TARGETS
])
def test_search_meets_the_target(measured: dict[str, Figures], half: str, metric: str) -> None:
    """Top-1 ≥ 75 %, top-3 ≥ 90 % and correct "no guidance" ≥ 80 %, on each half."""
    figures = measured[half]
    assert getattr(figures, metric) >= TARGETS[metric], f"{half}: {figures}"
