"""The words a search reads: text folded (lower case, no accents), split into words, stop
words dropped and the rest stemmed (Snowball), so the index, the typo repair, the confidence and
the search-list checks all share one vocabulary; and which language a question is typed in."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

import snowballstemmer

from dialogues.guidance.cards import Card

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
shld shd cld wld abt bc cuz bcuz rn tho thx
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


def same_words(text: str) -> str:
    """`text` as its folded words joined by single spaces: two wordings that differ only in
    case, accents or punctuation give the same string."""
    return " ".join(all_words(text))


Phrase = tuple[str, ...]  # folded words, stop words included
PhraseIndex = dict[str, tuple[Phrase, ...]]  # by first word


def phrase_index(phrases: Iterable[Phrase]) -> PhraseIndex:
    """Phrases by their first word, in the order given, so finding them in a long message
    costs a look-up per word rather than a comparison per phrase."""
    by_first: dict[str, list[Phrase]] = {}
    for phrase in phrases:
        if phrase:
            by_first.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(found) for first, found in by_first.items()}


def phrases_in(typed: Sequence[str], index: PhraseIndex) -> Iterator[tuple[int, Phrase]]:
    """Each (start, phrase) of `index` that `typed` holds as whole words, by position and then
    in the index's order."""
    for start, word in enumerate(typed):
        for phrase in index.get(word, ()):
            if tuple(typed[start:start + len(phrase)]) == phrase:
                yield start, phrase


@lru_cache(maxsize=1)
def everyday_words() -> frozenset[str]:
    """About 60,000 everyday English and Spanish words (wordfreq's small lists, folded): what
    tells a misspelling ("trainnig") from a rare but right word ("restitution"). Imported on
    first use: loading wordfreq costs more than a content check needs."""
    from wordfreq import top_n_list

    return frozenset(fold(word) for language in _STOP_BY_LANGUAGE
                     for word in top_n_list(language, EVERYDAY_WORDS, wordlist="small"))


def language_of(folded_words: list[str]) -> str | None:
    """The language whose own stop words the question uses most, or None when it is unclear
    (a question of topic words only, or as many of each)."""
    counts = sorted(((sum(w in telling for w in folded_words), language)
                     for language, telling in _TELLING.items()), reverse=True)
    (best, language), (runner_up, _other) = counts[0], counts[1]
    return language if best > runner_up else None
