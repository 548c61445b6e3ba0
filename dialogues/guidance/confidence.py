"""Whether the hybrid search answers: a calibrated probability that the best card answers the
question, from signals that each fail on their own.

- Lexical coverage: the share of the question's informative words the best card covers, the
  best of the whole message and each of its sentences (a long message is about one ask, and
  must not be refused because its other sentences tell the story around it).
- Semantic margin over what the guidelines leave out: how much more the question resembles the
  nearest card than the nearest phrase of the reviewers' out-of-scope list or the nearest
  question of their list of questions no card answers (content/<locale>/unanswered.yaml).
  Legal, clinical, statistical and grant-administration questions share the cards' words but
  sit closer to those in meaning, including topics nobody listed that are merely near them.
- The kind of ask: whether the question asks for a kind of fact the guidelines never give (a
  number, a deadline, the law of a place, a form, a dose, a tax rule; dialogues.guidance.asks),
  whatever its topic.
- Agreement: whether the lexical and the semantic search put the same card first. Words and
  meaning pointing at one card is what a question a card answers looks like; a question the
  guidelines leave out shares words with one card and meaning with another.
- A listed out-of-scope phrase, in a message of several sentences: a sign against answering,
  not a veto. In a long situation a T visa or SNAP mentioned in passing is context around
  another ask (the veto alone refused 7 of the 148 answerable questions of the fourth round's
  unseen set). A message of one sentence naming a listed phrase is still refused outright
  (dialogues.guidance.hybrid.vetoed): there the phrase is what it asks about.

A logistic model of these, fitted by `python -m bench.fit_confidence` on the tuning halves only
(tests/data: dev, design, third, tuning, unseen, next, round5, round6 and round7; 1,435
questions, 192 more refused outright by a listed phrase; each half read with its own questions
left out of the unanswered list); its threshold leaves the most room
above both targets at once, each averaged over those halves so that every set of questions
counts once (a right card in the first three for 93 % of the answerable ones, no guidance for
90 % of the others). Without the model (lexical search only) a listed phrase still refuses
outright (dialogues.guidance.index).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

COVERAGE_WEIGHT = 7.35
MARGIN_WEIGHT = 8.63
FACT_WEIGHT = -4.19
AGREE_WEIGHT = 1.08
NAMED_OUTSIDE_WEIGHT = -1.82
BIAS = -1.58
ANSWER_CONFIDENCE = 0.54  # below: "no guidance"
SURE_CONFIDENCE = 0.80  # below (and answered): shown as a near match


@dataclass(frozen=True)
class Signals:
    """What the decision reads of one question."""

    coverage: float  # lexical coverage by the best card, of the message or its best sentence
    best_similarity: float  # cosine similarity to the nearest card
    outside_similarity: float  # to the nearest out-of-scope phrase or unanswered question
    fact_asked: bool  # asks for a kind of fact the guidelines never give
    agree: bool  # the lexical and the semantic search put the same card first
    named_outside: bool  # names a phrase of the reviewers' out-of-scope list


def inputs(signals: Signals) -> tuple[float, ...]:
    """The model's inputs, in the order of WEIGHTS (bench/fit_confidence.py fits on these)."""
    return (signals.coverage, signals.best_similarity - signals.outside_similarity,
            float(signals.fact_asked), float(signals.agree), float(signals.named_outside))


WEIGHTS = (COVERAGE_WEIGHT, MARGIN_WEIGHT, FACT_WEIGHT, AGREE_WEIGHT, NAMED_OUTSIDE_WEIGHT)


def confidence(signals: Signals) -> float:
    """The probability, 0 to 1, that the best card answers the question."""
    z = sum(w * x for w, x in zip(WEIGHTS, inputs(signals), strict=True)) + BIAS
    return 1.0 / (1.0 + math.exp(-z))
