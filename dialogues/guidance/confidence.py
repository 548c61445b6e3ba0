"""Whether the hybrid search answers: a calibrated probability that the best card answers the
question, from three signals that each fail on their own.

- Lexical coverage: the share of the question's informative words the best card covers, the
  best of the whole message and each of its sentences (a long message is about one ask, and
  must not be refused because its other sentences tell the story around it).
- Semantic margin over the out-of-scope topics: how much more the question resembles the
  nearest card than the nearest phrase of the reviewers' out-of-scope list. Legal, clinical,
  statistical and grant-administration questions share the cards' words but sit closer to
  those topics in meaning, including topics nobody listed that are merely near listed ones.
- The kind of ask: whether the question asks for a kind of fact the guidelines never give (a
  number, a deadline, the law of a place, a form, a dose, a tax rule; dialogues.guidance.asks),
  whatever its topic.

A logistic model of the three, fitted by `python -m bench.fit_confidence` on the tuning halves
only (tests/data: dev, design, third and tuning; 499 questions, 128 more refused by the listed
phrases); its threshold is the highest at which every tuning half still shows a right card in
the first three for 93 % of its answerable questions. A question naming a listed out-of-scope
phrase is refused whatever the probability (dialogues.guidance.index).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

COVERAGE_WEIGHT = 6.78
MARGIN_WEIGHT = 5.82
FACT_WEIGHT = -3.74
BIAS = -2.10
ANSWER_CONFIDENCE = 0.55  # below: "no guidance"
SURE_CONFIDENCE = 0.80  # below (and answered): shown as a near match


@dataclass(frozen=True)
class Signals:
    """What the decision reads of one question."""

    coverage: float  # lexical coverage by the best card, of the message or its best sentence
    best_similarity: float  # cosine similarity to the nearest card
    outside_similarity: float  # to the nearest out-of-scope phrase (-1 without a list)
    fact_asked: bool  # asks for a kind of fact the guidelines never give


def inputs(signals: Signals) -> tuple[float, float, float]:
    """The model's inputs, in the order of WEIGHTS (bench/fit_confidence.py fits on these)."""
    return (signals.coverage, signals.best_similarity - signals.outside_similarity,
            float(signals.fact_asked))


WEIGHTS = (COVERAGE_WEIGHT, MARGIN_WEIGHT, FACT_WEIGHT)


def confidence(signals: Signals) -> float:
    """The probability, 0 to 1, that the best card answers the question."""
    z = sum(w * x for w, x in zip(WEIGHTS, inputs(signals), strict=True)) + BIAS
    return 1.0 / (1.0 + math.exp(-z))
