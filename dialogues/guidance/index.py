"""Ranking guidance cards for a question typed in a hurry: SQLite FTS5 `bm25()` over the cards,
with typo repair (`rapidfuzz`) and the reviewers' synonyms, and an honest "no guidance".

Questions and cards are read as the same words (`dialogues.guidance.words`). FTS5 ranks; the
confidence of the best card is the share of the question's informative weight (idf) that card
covers: a question mostly made of words no card uses is not answered, however well one stray
word matches. A question that names a topic the
reviewers list as outside the guidelines (content/<locale>/out_of_scope.yaml: T visas,
statutes of limitation, ...) is not answered either, however well its other words match:
"how do I apply for a T visa for my client" shares most of its words with cards about clients.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from rapidfuzz import fuzz, process

from dialogues.guidance.cards import Card, OutOfScope, SynonymGroup
from dialogues.guidance.framing import Framing
from dialogues.guidance.hybrid import HybridSearch
from dialogues.guidance.ranking import Hit, Ranking
from dialogues.guidance.semantic import SemanticIndex, encoder_ready, shared_encoder
from dialogues.guidance.words import (
    Phrase,
    all_words,
    card_texts,
    everyday_words,
    is_topic,
    language_of,
    phrase_index,
    phrases_in,
    stem,
    terms,
    words,
)
from dialogues.model import Library

# Below THRESHOLD a question is not answered; between THRESHOLD and SURE (ranking.py) the best card is shown
# with a word that it may not answer exactly this. Calibrated on the dev and design halves of
# tests/data/ (see BENCHMARKS.md): staff type long questions full of context the cards never
# name, and at 0.4 one answerable question in three was refused; topics the guidelines leave
# out are refused by the reviewers' out-of-scope list rather than by a high threshold.
THRESHOLD = 0.2
# A word no card uses weighs this share of the rarest card word's weight.
UNKNOWN_WEIGHT = 0.8
# A question word found only in a card's answer, not in its title or example phrasings.
BODY_CREDIT = 0.5
# Column weights for bm25(): title, example phrasings, answer, more.
WEIGHTS = (3.0, 2.0, 1.0, 0.5)
# What each FTS5 column holds, in the order of WEIGHTS.
_FIELDS: tuple[Callable[[Card], str], ...] = (
    lambda card: card.title, lambda card: " ".join(card.also_asked),
    lambda card: card.answer, lambda card: card.more)
RERANK = 20  # bm25 candidates reordered by how much of the question they cover (at 10, "cl still
# doing sw can we still serve her" never reached the card that answers it: bm25 ranked it below
# cards saying "client" and "worker" more often)
TYPO_CUTOFF = 84  # rapidfuzz ratio (0-100) a misspelling must reach to count as a known word
TYPO_MIN_LENGTH = 4

class CardIndex:
    """An in-memory FTS5 index over one locale's cards, built once at start-up."""

    def __init__(self, cards: Iterable[Card], synonyms: Iterable[SynonymGroup],
                 out_of_scope: Iterable[OutOfScope] = (), threshold: float = THRESHOLD,
                 translations: Mapping[str, Iterable[Card]] | None = None) -> None:
        self.cards = tuple(cards)
        self.threshold = threshold
        # Each card's translations are read as more of the same card, so a Spanish question
        # meets the Spanish card text itself, not only the synonyms that lead to English words.
        self._translated: dict[str, list[tuple[str, Card]]] = {}
        for language, translated in (translations or {}).items():
            for card in translated:
                self._translated.setdefault(card.id, []).append((language, card))
        # Out-of-scope phrases match words as typed, short and common ones too ("t visa",
        # "visa u"); not stemmed, since stems collide ("irs" and Spanish "ir", "vacate" and
        # "vacation"), so the list names its plurals like the synonyms do.
        self._outside_topic: dict[Phrase, str] = {}  # the first topic listing each phrase
        for topic in out_of_scope:
            for phrase in topic.phrases:
                self._outside_topic.setdefault(tuple(all_words(phrase)), topic.id)
        self._outside = phrase_index(self._outside_topic)
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE cards USING fts5("
                         "title, asked, answer, more, tokenize='unicode61')")
        self._index_cards()
        synonyms = tuple(synonyms)
        self._index_synonyms(synonyms)
        self._index_spellings(synonyms)
        everyday_words()  # read once per process at start-up (~0.2 s), not on the first question

    def _index_cards(self) -> None:
        """Per card: the stems of its question side (title, example phrasings) and of its body,
        in FTS5 and in sets for the coverage; and every stem's idf."""
        self._asked: list[frozenset[str]] = []
        self._body: list[frozenset[str]] = []
        document_frequency: dict[str, int] = {}
        for rowid, card in enumerate(self.cards):
            versions = [card, *(version for _, version in self._translated.get(card.id, ()))]
            fields = [[t for version in versions for t in terms(field(version))]
                      for field in _FIELDS]
            self._db.execute("INSERT INTO cards (rowid, title, asked, answer, more) "
                             "VALUES (?, ?, ?, ?, ?)", (rowid, *(" ".join(f) for f in fields)))
            self._asked.append(frozenset(fields[0] + fields[1]))
            self._body.append(frozenset(fields[2] + fields[3]))
            for term in self._asked[-1] | self._body[-1]:
                document_frequency[term] = document_frequency.get(term, 0) + 1
        count = max(len(self.cards), 1)
        self._idf = {t: math.log(1 + count / df) for t, df in document_frequency.items()}
        self._unknown_idf = UNKNOWN_WEIGHT * math.log(1 + count)

    def _index_synonyms(self, synonyms: tuple[SynonymGroup, ...]) -> None:
        """Synonyms match whole phrases as typed, stop words included ("speak at", "the life"),
        in the language of their file; the groups list their own inflections ("cop", "cops").
        A match adds the stems of the group's first phrase, the word the cards use."""
        self._synonyms: dict[tuple[str, ...], dict[str, list[str]]] = {}
        for group in synonyms:
            card_word, *others = group.phrases
            for phrase in others:
                key = tuple(all_words(phrase))
                if key:
                    self._synonyms.setdefault(key, {}).setdefault(group.language, []).extend(
                        terms(card_word))
        self._synonym_words = frozenset(w for key in self._synonyms for w in key)
        self._phrases = phrase_index(self._synonyms)

    def _index_spellings(self, synonyms: tuple[SynonymGroup, ...]) -> None:
        """Words as written in the cards and in the synonyms of each language, by first letter:
        a misspelling is compared with these (unstemmed, since "wrking" is far closer to
        "working" than to its stem "work"), in the question's own language."""
        card_words = {w for card in self.cards for f in card_texts(card) for w in words(f)}
        by_language: dict[str | None, set[str]] = {None: set(card_words)}
        for translated in self._translated.values():
            for language, card in translated:
                typed = {w for f in card_texts(card) for w in words(f)}
                by_language.setdefault(language, set(card_words)).update(typed)
                by_language[None].update(typed)
        for group in synonyms:
            typed_words = {w for phrase in group.phrases for w in words(phrase)}
            by_language.setdefault(group.language, set(card_words)).update(typed_words)
            by_language[None].update(typed_words)
        self._spelled: dict[str | None, dict[str, list[str]]] = {}
        for language, known in by_language.items():
            initials = self._spelled[language] = {}
            for word in sorted(w for w in known if len(w) >= TYPO_MIN_LENGTH):
                initials.setdefault(word[0], []).append(word)

    def _repair(self, word: str, language: str | None) -> str:
        """The word, or for a misspelt word the closest word the cards or synonyms use.

        Typos keep their first letter far more often than not, so only words with the same
        first letter are compared (which also keeps this fast). A word of everyday English or
        Spanish is spelled right: it only becomes another form of itself ("grupos" → "grupo"),
        never a card word that merely looks like it ("restitution" is not "prostitution")."""
        if (len(word) < TYPO_MIN_LENGTH or stem(word) in self._idf
                or word in self._synonym_words):
            return word
        spelled = self._spelled.get(language, self._spelled[None]).get(word[0], [])
        if word in everyday_words():
            spelled = [known for known in spelled if known.startswith(word) or word.startswith(known)]
        match = process.extractOne(word, spelled, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return match[0] if match else word

    def _concepts(self, typed: list[str]) -> list[set[str]]:
        """Each topic word of the question (stemmed) with the words it also means."""
        language = language_of(typed)
        topical = [is_topic(w) for w in typed]
        found = [self._repair(w, language) if topic else w
                 for w, topic in zip(typed, topical, strict=True)]
        concepts: dict[int, set[str]] = {i: {stem(w)} for i, w in enumerate(found) if topical[i]}
        for start, key in phrases_in(found, self._phrases):
            end = start + len(key)
            meant = [t for code, stems in self._synonyms[key].items()
                     if language in (None, code) for t in stems]
            # A phrase of stop words only ("in kind", "get out") stands as a concept itself.
            for index in [i for i in range(start, end) if i in concepts] or [start]:
                concepts.setdefault(index, set()).update(meant)
        return [concepts[i] for i in sorted(concepts) if concepts[i]]

    def _weight(self, concept: set[str]) -> float:
        known = [self._idf[t] for t in concept if t in self._idf]
        return max(known) if known else self._unknown_idf

    def _coverage(self, concepts: list[tuple[set[str], float]], rowid: int) -> float:
        """The share of the question's weight a card covers; words found only in its answer
        count for less than words of its question side (title and example phrasings)."""
        total = covered = 0.0
        asked, body = self._asked[rowid], self._body[rowid]
        for concept, weight in concepts:
            total += weight
            if not concept.isdisjoint(asked):
                covered += weight
            elif not concept.isdisjoint(body):
                covered += BODY_CREDIT * weight
        return round(covered / total, 3) if total else 0.0

    def outside(self, typed: list[str]) -> str:
        """The id of the first out-of-scope topic the question's words name, else ""."""
        return next((self._outside_topic[key] for _start, key in phrases_in(typed, self._outside)),
                    "")

    def coverage(self, question: str, card_ids: Iterable[str]) -> dict[str, float]:
        """The lexical confidence of each of `card_ids` for `question` (for cards the semantic
        search brings in, which the lexical candidates may lack)."""
        card_ids = list(card_ids)
        if not card_ids:
            return {}
        weighed = [(concept, self._weight(concept))
                   for concept in self._concepts(all_words(question[:2000]))]
        rowid = {card.id: i for i, card in enumerate(self.cards)}
        return {card_id: self._coverage(weighed, rowid[card_id]) for card_id in card_ids}

    def search(self, question: str, limit: int = 3) -> Ranking:
        """The best `limit` cards for `question`, each with its confidence."""
        typed = all_words(question[:2000])
        concepts = self._concepts(typed)
        outside = self.outside(typed)
        vocabulary = sorted({t for c in concepts for t in c if t in self._idf})
        if not vocabulary:
            return Ranking(question, (), False, outside)
        match = " OR ".join(f'"{t}"' for t in vocabulary)
        rows = self._db.execute(
            "SELECT rowid FROM cards WHERE cards MATCH ? ORDER BY bm25(cards, ?, ?, ?, ?) LIMIT ?",
            (match, *WEIGHTS, max(limit, RERANK)),
        ).fetchall()
        weighed = [(concept, self._weight(concept)) for concept in concepts]
        hits = [Hit(self.cards[rowid], self._coverage(weighed, rowid)) for (rowid,) in rows]
        # bm25 finds the candidates; among them, covering more of the question comes first
        # (a stable sort keeps bm25's order between cards that cover as much).
        hits = sorted(hits, key=lambda hit: -hit.score)[:limit]
        answered = bool(hits) and hits[0].score >= self.threshold and not outside
        return Ranking(question, tuple(hits), answered, outside)


class Guidance:
    """Search over the default locale's cards (with every locale's synonyms, so staff can ask
    in the language that comes to them); each card is shown in the person's language when a
    translation of it exists, else in the default language.

    With `semantic`, the search is hybrid (dialogues.guidance.hybrid) once the embedding model
    is loaded: on the first search (so commands that never search never load it), or in the
    background after `warm_up()`, answering lexically until it is ready. A model already loaded
    in this process (content reloaded) embeds the new cards at once."""

    def __init__(self, library: Library, semantic: bool = True) -> None:
        default = library.locale(library.default_locale)
        self._translations = {code: locale.cards for code, locale in library.locales.items()
                              if code != library.default_locale}
        self._index = (CardIndex(default.cards, default.synonyms, default.out_of_scope,
                                 translations=self._translations) if default.cards else None)
        self._default = {card.id: card for card in default.cards}
        self._translated = {code: {card.id: card for card in locale.cards}
                            for code, locale in library.locales.items()}
        self._out_of_scope = default.out_of_scope
        self._unanswered = default.unanswered
        self._framing = Framing(default.terms_to_avoid)
        self._hybrid: HybridSearch | None = None
        self._waiting = semantic and self._index is not None  # load on the first search
        if self._waiting and encoder_ready():
            self._build()

    def warm_up(self) -> None:
        """Load the model and embed the cards in a background thread; until then, searches
        are lexical instead of waiting."""
        if not self._waiting:
            return
        self._waiting = False
        threading.Thread(target=self._build, name="guidance-model", daemon=True).start()

    def _build(self) -> None:
        self._waiting = False
        encode = shared_encoder()
        if encode is None or self._index is None:
            return
        semantic = SemanticIndex(self._index.cards, encode, self._translations.values(),
                                 self._out_of_scope, self._unanswered)
        self._hybrid = HybridSearch(self._index, semantic)

    def hybrid(self) -> HybridSearch | None:
        """The hybrid search, its model loaded now (None without the model or cards)."""
        if self._waiting:
            self._build()
        return self._hybrid

    def search(self, question: str, locale: str | None = None, limit: int = 3) -> Ranking:
        if self._index is None:
            return Ranking(question, (), False)
        ranking = self._reframed((self.hybrid() or self._index).search(question, limit), limit)
        hits = tuple(Hit(self.card(hit.card.id, locale) or hit.card, hit.score, hit.semantic)
                     for hit in ranking.hits)
        return replace(ranking, hits=hits)

    def _reframed(self, ranking: Ranking, limit: int) -> Ranking:
        """An answer to a question that frames people harmfully leads with the card that
        reframes it; the cards that answer it follow. Unanswered, the reframing card alone is
        shown as a near match (never for a question declined as outside the guidelines)."""
        declined_as_outside = ranking.outside and not ranking.answered
        card_id = "" if declined_as_outside else self._framing.card_for(ranking.question)
        if card_id not in self._default:
            return ranking
        first = next((hit for hit in ranking.hits if hit.card.id == card_id),
                     Hit(self._default[card_id], 0.0))
        others = tuple(hit for hit in ranking.hits if hit.card.id != card_id)
        hits = (first, *others)[:limit] if ranking.answered else (first,)
        return replace(ranking, hits=hits, answered=True, reframed=True)

    def card(self, card_id: str, locale: str | None = None) -> Card | None:
        return self._translated.get(locale or "", {}).get(card_id) or self._default.get(card_id)
