"""Ranking guidance cards for a question typed in a hurry: SQLite FTS5 `bm25()` over the cards,
with typo repair (`rapidfuzz`) and the reviewers' synonyms, and an honest "no guidance".

Text is folded (lower case, no accents), split into words, stop words dropped and the rest
stemmed (Snowball) in Python, so the index, the typo repair and the confidence all share one
vocabulary. FTS5 ranks; the confidence of the best card is the share of the question's
informative weight (idf) that card covers: a question mostly made of words no card uses is
not answered, however well one stray word matches. A question that names a topic the
reviewers list as outside the guidelines (content/<locale>/out_of_scope.yaml: T visas,
statutes of limitation, ...) is not answered either, however well its other words match:
"how do I apply for a T visa for my client" shares most of its words with cards about clients.
"""

from __future__ import annotations

import math
import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz, process

from dialogues.guidance import Card, OutOfScope
from dialogues.model import Library
from dialogues.problems import Problems

# Calibrated on the dev half of tests/data/guidance_questions.yaml (see BENCHMARKS.md).
THRESHOLD = 0.4
# A word no card uses weighs this share of the rarest card word's weight.
UNKNOWN_WEIGHT = 0.8
# A question word found only in a card's answer, not in its title or example phrasings.
BODY_CREDIT = 0.5
# Column weights for bm25(): title, example phrasings, answer, more.
WEIGHTS = (3.0, 2.0, 1.0, 0.5)
RERANK = 10  # bm25 candidates reordered by how much of the question they cover
TYPO_CUTOFF = 84  # rapidfuzz ratio (0-100) a misspelling must reach to count as a known word
TYPO_MIN_LENGTH = 4

# Words that carry no topic, in English and Spanish (Spanish questions reach the English cards
# through content/es/synonyms.yaml).
_STOP_TEXT = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves out
over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves im ive dont doesnt didnt
cant wont isnt arent shes hes theyre weve youre thats whats u ur pls please okay hi
don doesn didn isn aren wasn weren won shouldn wouldn couldn ve re ll
hey also still us get got go going want wants need needs say says said tell told really
just even like kind sort thing things something anything someone anyone way ways know think
mean fine wrong best lot lots much many actually guess supposed handle deal bring
day days week weeks month months year years time times today tomorrow yesterday
el la los las un una unos unas de del al y o que en es por para con se su sus lo le les mi mis
tu tus nos como pero si ya muy mas este esta estos estas ese esa eso hay ser son fue era tiene
tienen puedo puede podemos debo debemos hacer hago cuando donde quien
ante bajo cada cual cuales desde entre hacia hasta sin sobre tras yo ella ellas ellos nosotros
usted ustedes le algo alguien nada todo todos toda todas otro otra otros otras mismo tambien
porque pues entonces aqui alli asi bien mal solo sobre segun estar estoy estamos estan he ha
han hemos haber tengo tenemos tener ir voy vamos van dar doy dice dicen decir quiero quiere
queremos deberia deberiamos podria podriamos hace hacen ahora todavia aun
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

_WORD = re.compile(r"[a-z0-9]+")
_stemmer = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower case without accents, so "sesión" and "sesion" are the same word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def words(text: str) -> list[str]:
    """The topic words of `text` as typed (folded), in order; single letters carry no topic."""
    return [w for w in _WORD.findall(fold(text)) if len(w) > 1 and w not in STOP_WORDS]


def terms(text: str) -> list[str]:
    """The stemmed topic words of `text`, in order."""
    return [stem(w) for w in words(text)]


def all_words(text: str) -> list[str]:
    """Every word of `text` (folded), stop words and single letters included, in order."""
    return _WORD.findall(fold(text))


def check_out_of_scope(topics: Iterable[OutOfScope], cards: Iterable[Card],
                       problems: Problems) -> None:
    """An out-of-scope phrase in a card's title or example phrasings would refuse questions that
    card answers: report it, naming both places."""
    # Words joined by single spaces and padded, so a phrase is found as whole words; all of
    # them in one text first, since a phrase is almost never there.
    phrasings = [(card, f" {' '.join(all_words(text))} ") for card in cards
                 for text in (card.title, *card.also_asked)]
    everything = "\n".join(found for _card, found in phrasings)
    for topic in topics:
        for phrase in topic.phrases:
            key = f" {' '.join(all_words(phrase))} "
            if key not in everything:
                continue
            card = next(card for card, found in phrasings if key in found)
            problems.error(topic.mark, f"out-of-scope phrase '{phrase}' (topic '{topic.id}') "
                           f"is in card '{card.id}' at {card.mark}, a question the cards "
                           "answer — remove it from one of the two")


@dataclass(frozen=True)
class Hit:
    card: Card
    score: float  # confidence, 0 to 1: the share of the question's weight this card covers


@dataclass(frozen=True)
class Ranking:
    """The cards a question reaches, best first; `answered` is False below the threshold or
    when the question names a topic outside the guidelines (`outside`: that topic's id)."""

    question: str
    hits: tuple[Hit, ...]
    answered: bool
    outside: str = ""


class CardIndex:
    """An in-memory FTS5 index over one locale's cards, built once at start-up."""

    def __init__(self, cards: Iterable[Card], synonyms: Iterable[tuple[str, ...]],
                 out_of_scope: Iterable[OutOfScope] = (), threshold: float = THRESHOLD) -> None:
        self.cards = tuple(cards)
        self.threshold = threshold
        # Out-of-scope phrases match words as typed, short and common ones too ("t visa",
        # "visa u"); not stemmed, since stems collide ("irs" and Spanish "ir", "vacate" and
        # "vacation"), so the list names its plurals like the synonyms do.
        self._outside: dict[tuple[str, ...], str] = {
            key: topic.id for topic in out_of_scope for phrase in topic.phrases
            if (key := tuple(all_words(phrase)))}
        self._longest = max(map(len, self._outside), default=0)
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE cards USING fts5("
                         "title, asked, answer, more, tokenize='unicode61')")
        # Per card: the stems of its question side (title, example phrasings) and of its body.
        self._asked: list[frozenset[str]] = []
        self._body: list[frozenset[str]] = []
        document_frequency: dict[str, int] = {}
        for rowid, card in enumerate(self.cards):
            fields = [terms(f) for f in (card.title, " ".join(card.also_asked), card.answer,
                                          card.more)]
            self._db.execute("INSERT INTO cards (rowid, title, asked, answer, more) "
                             "VALUES (?, ?, ?, ?, ?)", (rowid, *(" ".join(f) for f in fields)))
            self._asked.append(frozenset(fields[0] + fields[1]))
            self._body.append(frozenset(fields[2] + fields[3]))
            for term in self._asked[-1] | self._body[-1]:
                document_frequency[term] = document_frequency.get(term, 0) + 1
        count = max(len(self.cards), 1)
        self._idf = {t: math.log(1 + count / df) for t, df in document_frequency.items()}
        self._unknown_idf = UNKNOWN_WEIGHT * math.log(1 + count)
        # Synonyms match words as typed (the groups list their own inflections: "cop", "cops"),
        # and lead to the stems of the group's first phrase, the word the cards use.
        self._synonyms: dict[tuple[str, ...], list[str]] = {}
        for card_word, *others in synonyms:
            for phrase in others:
                key = tuple(words(phrase))
                if key:
                    self._synonyms.setdefault(key, []).extend(terms(card_word))
        # Words as written in the cards and synonyms: misspellings are compared with these
        # (unstemmed), since "wrking" is far closer to "working" than to its stem "work".
        texts = [f for card in self.cards
                 for f in (card.title, card.answer, card.more, *card.also_asked)]
        texts += [phrase for group in synonyms for phrase in group]
        self._spelled = sorted({w for text in texts for w in words(text)
                                if len(w) >= TYPO_MIN_LENGTH})
        self._synonym_words = frozenset(w for key in self._synonyms for w in key)
        self._phrases: dict[str, list[tuple[str, ...]]] = {}  # synonym phrases by first word
        for key in self._synonyms:
            self._phrases.setdefault(key[0], []).append(key)

    def _repair(self, word: str) -> str:
        """The word, or for a misspelt word the closest word the cards or synonyms use."""
        if (len(word) < TYPO_MIN_LENGTH or stem(word) in self._idf
                or word in self._synonym_words):
            return word
        match = process.extractOne(word, self._spelled, scorer=fuzz.ratio,
                                   score_cutoff=TYPO_CUTOFF)
        return match[0] if match else word

    def _concepts(self, question: str) -> list[set[str]]:
        """Each topic word of the question (stemmed) with the words it also means."""
        found = [self._repair(w) for w in words(question)]
        concepts = [{stem(w)} for w in found]
        for start, word in enumerate(found):
            for key in self._phrases.get(word, ()):
                end = start + len(key)
                if tuple(found[start:end]) == key:
                    for index in range(start, end):
                        concepts[index].update(self._synonyms[key])
        return concepts

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

    def outside(self, question: str) -> str:
        """The id of the first out-of-scope topic the question names, else ""."""
        found = all_words(question)
        for start in range(len(found)):
            for end in range(start + 1, min(start + self._longest, len(found)) + 1):
                topic = self._outside.get(tuple(found[start:end]))
                if topic:
                    return topic
        return ""

    def search(self, question: str, limit: int = 3) -> Ranking:
        """The best `limit` cards for `question`, each with its confidence."""
        question_text = question[:2000]
        concepts = self._concepts(question_text)
        outside = self.outside(question_text)
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
    translation of it exists, else in the default language."""

    def __init__(self, library: Library) -> None:
        default = library.locale(library.default_locale)
        self._index = (CardIndex(default.cards, default.synonyms, default.out_of_scope)
                       if default.cards else None)
        self._default = {card.id: card for card in default.cards}
        self._translated = {code: {card.id: card for card in locale.cards}
                            for code, locale in library.locales.items()}

    def search(self, question: str, locale: str | None = None, limit: int = 3) -> Ranking:
        if self._index is None:
            return Ranking(question, (), False)
        ranking = self._index.search(question, limit)
        hits = tuple(Hit(self.card(hit.card.id, locale) or hit.card, hit.score)
                     for hit in ranking.hits)
        return Ranking(question, hits, ranking.answered, ranking.outside)

    def card(self, card_id: str, locale: str | None = None) -> Card | None:
        return self._translated.get(locale or "", {}).get(card_id) or self._default.get(card_id)
