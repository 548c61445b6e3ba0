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
from wordfreq import top_n_list

from dialogues.guidance import Card, OutOfScope, SynonymGroup
from dialogues.model import Library
from dialogues.problems import Problems

# Below THRESHOLD a question is not answered; between THRESHOLD and SURE the best card is shown
# with a word that it may not answer exactly this. Calibrated on the dev and design halves of
# tests/data/ (see BENCHMARKS.md): staff type long questions full of context the cards never
# name, and at 0.4 one answerable question in three was refused; topics the guidelines leave
# out are refused by the reviewers' out-of-scope list rather than by a high threshold.
THRESHOLD = 0.2
SURE = 0.4
# A word no card uses weighs this share of the rarest card word's weight.
UNKNOWN_WEIGHT = 0.8
# A question word found only in a card's answer, not in its title or example phrasings.
BODY_CREDIT = 0.5
# Column weights for bm25(): title, example phrasings, answer, more.
WEIGHTS = (3.0, 2.0, 1.0, 0.5)
RERANK = 10  # bm25 candidates reordered by how much of the question they cover
TYPO_CUTOFF = 84  # rapidfuzz ratio (0-100) a misspelling must reach to count as a known word
TYPO_MIN_LENGTH = 4
EVERYDAY_WORDS = 100_000  # per language, at most: wordfreq's small lists hold about 30,000

# Words that carry no topic, in English and Spanish (Spanish questions reach the English cards
# through content/es/synonyms.yaml). The two lists also tell which language a question is
# typed in, so each language's synonyms apply to its own questions only.
_ENGLISH_STOP = """
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
"""
_SPANISH_STOP = """
el la los las un una unos unas de del al y o que en es por para con se su sus lo le les mi mis
tu tus nos como pero si ya muy mas este esta estos estas ese esa eso hay ser son fue era tiene
tienen puedo puede podemos debo debemos hacer hago cuando donde quien
ante bajo cada cual cuales desde entre hacia hasta sin sobre tras yo ella ellas ellos nosotros
usted ustedes le algo alguien nada todo todos toda todas otro otra otros otras mismo tambien
porque pues entonces aqui alli asi bien mal solo sobre segun estar estoy estamos estan he ha
han hemos haber tengo tenemos tener ir voy vamos van dar doy dice dicen decir quiero quiere
queremos deberia deberiamos podria podriamos hace hacen ahora todavia aun me te a da dan das
"""
_STOP_BY_LANGUAGE = {"en": frozenset(_ENGLISH_STOP.split()), "es": frozenset(_SPANISH_STOP.split())}
STOP_WORDS = frozenset().union(*_STOP_BY_LANGUAGE.values())
# Words of one list only tell the language ("a", "he", "me", "no" are in both).
_TELLING = {language: stop - frozenset().union(*(other for code, other in
                                                   _STOP_BY_LANGUAGE.items() if code != language))
            for language, stop in _STOP_BY_LANGUAGE.items()}


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
    return [w for w in _WORD.findall(fold(text)) if is_topic(w)]


def is_topic(word: str) -> bool:
    """A folded word carries a topic unless it is a single letter or a stop word."""
    return len(word) > 1 and word not in STOP_WORDS


def card_texts(card: Card) -> tuple[str, ...]:
    """Everything a card says that a search can match: title, answer, more, example phrasings."""
    return (card.title, card.answer, card.more, *card.also_asked)


def terms(text: str) -> list[str]:
    """The stemmed topic words of `text`, in order."""
    return [stem(w) for w in words(text)]


def all_words(text: str) -> list[str]:
    """Every word of `text` (folded), stop words and single letters included, in order."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=1)
def everyday_words() -> frozenset[str]:
    """About 60,000 everyday English and Spanish words (wordfreq's small lists, folded): what
    tells a misspelling ("trainnig") from a rare but right word ("restitution")."""
    return frozenset(fold(word) for language in _STOP_BY_LANGUAGE
                     for word in top_n_list(language, EVERYDAY_WORDS, wordlist="small"))


def language_of(folded_words: list[str]) -> str | None:
    """The language whose own stop words the question uses most, or None when it is unclear
    (a question of topic words only, or as many of each)."""
    counts = sorted(((sum(w in telling for w in folded_words), language)
                     for language, telling in _TELLING.items()), reverse=True)
    (best, language), (runner_up, _other) = counts[0], counts[1]
    return language if best > runner_up else None


def check_synonyms(groups: Iterable[SynonymGroup], cards: Iterable[Card],
                   problems: Problems) -> None:
    """A group leads its words to the words of its first phrase: when no card uses those (or
    they are all small words, like "in-kind"), the group finds nothing. Say so, where it is."""
    cards = tuple(cards)
    if not cards:
        return  # no cards, no search
    used = {term for card in cards
            for text in card_texts(card)
            for term in terms(text)}
    for group in groups:
        first = group.phrases[0]
        if used.isdisjoint(terms(first)):
            problems.warning(group.mark, f"no card uses '{first}', the first word of this "
                             "synonyms group, so searches for its other words find nothing — "
                             "put first a word the cards use (from the title of the card they "
                             "should reach)")


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

    @property
    def tentative(self) -> bool:
        """Answered, but the best card covers little of the question: say it may not fit."""
        return self.answered and self.hits[0].score < SURE


class CardIndex:
    """An in-memory FTS5 index over one locale's cards, built once at start-up."""

    def __init__(self, cards: Iterable[Card], synonyms: Iterable[SynonymGroup],
                 out_of_scope: Iterable[OutOfScope] = (), threshold: float = THRESHOLD) -> None:
        self.cards = tuple(cards)
        self.threshold = threshold
        # Out-of-scope phrases match words as typed, short and common ones too ("t visa",
        # "visa u"); not stemmed, since stems collide ("irs" and Spanish "ir", "vacate" and
        # "vacation"), so the list names its plurals like the synonyms do.
        self._outside: dict[str, list[tuple[tuple[str, ...], str]]] = {}  # by first word
        for topic in out_of_scope:
            for phrase in topic.phrases:
                if key := tuple(all_words(phrase)):
                    self._outside.setdefault(key[0], []).append((key, topic.id))
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
        # Synonyms match whole phrases as typed, stop words included ("speak at", "the life"),
        # in the language of their file; the groups list their own inflections ("cop", "cops").
        # A match adds the stems of the group's first phrase, the word the cards use.
        synonyms = tuple(synonyms)
        self._synonyms: dict[tuple[str, ...], dict[str, list[str]]] = {}
        for group in synonyms:
            card_word, *others = group.phrases
            for phrase in others:
                key = tuple(all_words(phrase))
                if key:
                    self._synonyms.setdefault(key, {}).setdefault(group.language, []).extend(
                        terms(card_word))
        # Words as written in the cards and in the synonyms of each language, by first letter:
        # a misspelling is compared with these (unstemmed, since "wrking" is far closer to
        # "working" than to its stem "work"), in the question's own language.
        card_words = {w for card in self.cards for f in card_texts(card) for w in words(f)}
        by_language: dict[str | None, set[str]] = {None: set(card_words)}
        for group in synonyms:
            typed_words = {w for phrase in group.phrases for w in words(phrase)}
            by_language.setdefault(group.language, set(card_words)).update(typed_words)
            by_language[None].update(typed_words)
        self._spelled: dict[str | None, dict[str, list[str]]] = {}
        for language, known in by_language.items():
            initials = self._spelled[language] = {}
            for word in sorted(w for w in known if len(w) >= TYPO_MIN_LENGTH):
                initials.setdefault(word[0], []).append(word)
        self._synonym_words = frozenset(w for key in self._synonyms for w in key)
        self._phrases: dict[str, list[tuple[str, ...]]] = {}  # synonym phrases by first word
        for key in self._synonyms:
            self._phrases.setdefault(key[0], []).append(key)
        everyday_words()  # read once per process at start-up (~0.2 s), not on the first question

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
        for start, word in enumerate(found):
            for key in self._phrases.get(word, ()):
                end = start + len(key)
                if tuple(found[start:end]) != key:
                    continue
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
        for start, word in enumerate(typed):
            for key, topic in self._outside.get(word, ()):
                if tuple(typed[start:start + len(key)]) == key:
                    return topic
        return ""

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
