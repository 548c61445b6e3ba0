"""The hybrid search: the lexical ranking (dialogues.guidance.index) and the semantic one
(dialogues.guidance.semantic) fused by reciprocal rank fusion, answered or not by the
calibrated confidence (dialogues.guidance.confidence).

Why reciprocal rank fusion: the two scores live on different scales (coverage of informative
words 0-1, cosine similarity of static embeddings mostly 0.3-0.8) that shift with each question,
so adding them needs a weight that holds for no question in particular; ranks need none, and a
card both searches place high wins. Measured on the tuning halves, its k barely matters
(k = 10 to 60 gave the same top-1), and lexical first wins ties.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from dialogues.guidance.asks import fact_asked
from dialogues.guidance.cards import Card
from dialogues.guidance.confidence import ANSWER_CONFIDENCE, Signals, confidence
from dialogues.guidance.ranking import Hit, Ranking
from dialogues.guidance.semantic import SemanticIndex, fuse
from dialogues.guidance.words import words

if TYPE_CHECKING:
    import numpy as np


class LexicalIndex(Protocol):
    """What the hybrid search needs of the lexical index (dialogues.guidance.index.CardIndex),
    named here so that the index can build a hybrid search without an import circle."""

    cards: tuple[Card, ...]

    def search(self, question: str, limit: int = 3) -> Ranking: ...

    def coverage(self, question: str, card_ids: Iterable[str]) -> dict[str, float]: ...

LEXICAL_DEPTH = 10  # the lexical search's candidates (its rerank depth)
SEMANTIC_DEPTH = 20  # the most similar cards fused with them
RRF_K = 10
# When the words of a question point clearly at one card (it covers this much more of the
# question than the next card does), that card leads whatever the meaning side says: static
# vectors know nothing of staff shorthand such as "htic", "cl" or "sw", and fused with them
# "shld our org partner w htic" led with a card about vetting any partner. On the tuning halves
# (each without its own unanswered questions) a lead of 0.10 to 0.15 raised the mean share of a
# right first card from 87.4 to 87.7-87.9 % and of a right card in three from 96.4 to 96.5-96.7 %.
LEXICAL_LEAD = 0.12
# A sentence stands for the ask only with this many topic words: "how does that work" alone
# would otherwise be fully covered by any card about work.
SENTENCE_TOPIC_WORDS = 2

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def sentences(message: str, min_words: int = 3) -> list[str]:
    """The sentences of a message of several (each of at least `min_words` words), or [] for a
    message of one sentence."""
    parts = [part.strip(" ¿¡") for part in _SENTENCE_END.split(message)]
    parts = [part for part in parts if len(part.split()) >= min_words]
    return parts if len(parts) > 1 else []


def vetoed(question: str, lexical: Ranking) -> bool:
    """Whether the reviewers' out-of-scope list refuses `question` outright: it names a listed
    phrase and is a single sentence, so the phrase is what it asks about ("can a sex worker get
    a T visa"). In a message of several sentences the phrase may be context around another ask
    ("we still need the police for the T visa endorsements"): there it is one more signal."""
    return bool(lexical.outside) and not sentences(question)


class HybridSearch:
    """Lexical and semantic search over the same cards, in the same order."""

    def __init__(self, lexical: LexicalIndex, semantic: SemanticIndex) -> None:
        self.lexical = lexical
        self.semantic = semantic
        self._position = {card.id: i for i, card in enumerate(lexical.cards)}

    def search(self, question: str, limit: int = 3) -> Ranking:
        """The best `limit` cards for `question`, with both scores and the confidence."""
        question = question[:2000]
        lexical = self.lexical.search(question, LEXICAL_DEPTH)
        similarity, outside_similarity = self.semantic.similarities(question)
        by_similarity = sorted(range(len(similarity)), key=lambda i: -similarity[i])
        semantic_ids = [self.semantic.cards[i].id for i in by_similarity[:SEMANTIC_DEPTH]]
        fused = fuse([hit.card.id for hit in lexical.hits], semantic_ids, k=RRF_K)
        if len(lexical.hits) > 1 and lexical.hits[0].score - lexical.hits[1].score >= LEXICAL_LEAD:
            fused.remove(lexical.hits[0].card.id)
            fused.insert(0, lexical.hits[0].card.id)
        fused = fused[:limit]
        coverage = {hit.card.id: hit.score for hit in lexical.hits}
        missing = [card_id for card_id in fused if card_id not in coverage]
        coverage.update(self.lexical.coverage(question, missing))
        hits = tuple(Hit(self.lexical.cards[self._position[card_id]], coverage[card_id],
                         round(float(similarity[self._position[card_id]]), 3))
                     for card_id in fused)
        sure = round(confidence(self._signals(question, lexical, similarity,
                                              outside_similarity)), 3)
        refused = vetoed(question, lexical)  # the listed topic is then the reason
        answered = bool(hits) and sure >= ANSWER_CONFIDENCE and not refused
        near = "" if answered or refused else self._near_unanswered(
            question, float(similarity.max(initial=-1.0)))
        return Ranking(question, hits, answered, lexical.outside, sure, near_unanswered=near)

    def _near_unanswered(self, question: str, best_card: float) -> str:
        """The listed unanswered question a declined one is nearer to than to any card."""
        nearest, similarity = self.semantic.nearest_unanswered(question)
        if nearest is None or similarity < best_card:
            return ""
        return f'"{nearest.question}" ({nearest.mark})'

    def signals(self, question: str) -> Signals:
        """What the decision reads of `question` (bench/fit_confidence.py fits on these)."""
        question = question[:2000]
        return self._signals(question, self.lexical.search(question, LEXICAL_DEPTH),
                             *self.semantic.similarities(question))

    def _signals(self, question: str, lexical: Ranking, similarity: np.ndarray,
                 outside_similarity: float) -> Signals:
        nearest = int(similarity.argmax()) if len(similarity) else None
        best = float(similarity[nearest]) if nearest is not None else -1.0
        agree = bool(lexical.hits) and nearest is not None and (
            lexical.hits[0].card.id == self.semantic.cards[nearest].id)
        return Signals(self._best_coverage(question, lexical), best, outside_similarity,
                       bool(fact_asked(question)), agree, bool(lexical.outside))

    def _best_coverage(self, question: str, lexical: Ranking) -> float:
        """The best card's coverage of the whole message or of any one of its sentences that
        names a topic of its own."""
        found = [lexical.hits[0].score] if lexical.hits else [0.0]
        for sentence in sentences(question):
            if len(words(sentence)) < SENTENCE_TOPIC_WORDS:
                continue
            hits = self.lexical.search(sentence, 1).hits
            found.extend(hit.score for hit in hits)
        return max(found)
