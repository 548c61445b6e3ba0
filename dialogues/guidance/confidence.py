"""Whether the hybrid search answers: a calibrated probability that the best card answers the
question, from two signals that each fail on their own.

- Lexical coverage: the share of the question's informative words the best card covers, the
  best of the whole message and each of its sentences (a long message is about one ask, and
  must not be refused because its other sentences tell the story around it).
- Semantic margin over the out-of-scope topics: how much more the question resembles the
  nearest card than the nearest phrase of the reviewers' out-of-scope list. Legal, clinical,
  statistical and grant-administration questions share the cards' words but sit closer to
  those topics in meaning, including topics nobody listed that are merely near listed ones.

A logistic model of the two, fitted once on the tuning halves only (tests/data/
guidance_questions.yaml `dev` and guidance_questions_fresh.yaml `design`; in-sample AUC 0.98,
against 0.88 for lexical coverage alone). A question naming a listed out-of-scope phrase is
refused whatever the probability (dialogues.guidance.index).
"""

from __future__ import annotations

import math

COVERAGE_WEIGHT = 2.99
MARGIN_WEIGHT = 2.94
BIAS = -0.70
ANSWER_CONFIDENCE = 0.55  # below: "no guidance"
SURE_CONFIDENCE = 0.80  # below (and answered): shown as a near match


def confidence(coverage: float, best_similarity: float, outside_similarity: float) -> float:
    """The probability, 0 to 1, that the best card answers the question."""
    z = (COVERAGE_WEIGHT * coverage + MARGIN_WEIGHT * (best_similarity - outside_similarity)
         + BIAS)
    return 1.0 / (1.0 + math.exp(-z))
