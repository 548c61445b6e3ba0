"""What a guidance search returns: the cards a question reaches, each with its scores, and
whether the search answers at all (and how sure it is)."""

from __future__ import annotations

from dataclasses import dataclass

from dialogues.guidance.cards import Card
from dialogues.guidance.confidence import SURE_CONFIDENCE

# Lexical search alone: between its threshold and SURE the best card is shown with a word that
# it may not answer exactly this (the hybrid search says so below its own confidence, in
# dialogues.guidance.confidence).
SURE = 0.4


@dataclass(frozen=True)
class Hit:
    card: Card
    score: float  # lexical confidence, 0 to 1: the share of the question's weight it covers
    semantic: float | None = None  # cosine similarity to the question, when the model runs


@dataclass(frozen=True)
class Ranking:
    """The cards a question reaches, best first; `answered` is False below the threshold or
    when the question names a topic outside the guidelines (`outside`: that topic's id).
    `confidence` is the hybrid search's probability that a card answers it (None when the
    search is lexical only); `reframed`: the question frames people harmfully, and the first
    card is the one that reframes it (dialogues.guidance.framing); `near_unanswered`: for a
    question declined while nearer in meaning to a question of the reviewers' unanswered list
    than to any card, that question and where it is listed, for reviewers (`coachbot ask`)."""

    question: str
    hits: tuple[Hit, ...]
    answered: bool
    outside: str = ""
    confidence: float | None = None
    reframed: bool = False
    near_unanswered: str = ""

    @property
    def tentative(self) -> bool:
        """Answered, but only a near match: say it may not fit."""
        if not self.answered:
            return False
        if self.confidence is None:
            return self.hits[0].score < SURE
        return self.confidence < SURE_CONFIDENCE
