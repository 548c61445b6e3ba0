"""Checks of the reviewers' search lists against the cards, run when content loads: a synonyms
group whose card word no card uses finds nothing; an out-of-scope phrase in a card's own
phrasings would refuse the questions that card answers; a question listed as unanswered that a
card lists as a phrasing it answers contradicts it."""

from __future__ import annotations

from collections.abc import Iterable

from dialogues.content.problems import Problems
from dialogues.guidance.cards import Card, OutOfScope, SynonymGroup, Unanswered
from dialogues.guidance.words import card_texts, same_words, terms


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
    phrasings = [(card, f" {same_words(text)} ") for card in cards
                 for text in (card.title, *card.also_asked)]
    everything = "\n".join(found for _card, found in phrasings)
    for topic in topics:
        for phrase in topic.phrases:
            key = f" {same_words(phrase)} "
            if key not in everything:
                continue
            card = next(card for card, found in phrasings if key in found)
            problems.error(topic.mark, f"out-of-scope phrase '{phrase}' (topic '{topic.id}') "
                           f"is in card '{card.id}' at {card.mark}, a question the cards "
                           "answer — remove it from one of the two")


def check_unanswered(asked: Iterable[Unanswered], cards: Iterable[Card],
                     problems: Problems) -> None:
    """A question listed as unanswered that is also a card's title or phrasing is both answered
    and not: report it, naming both places. One listed twice is reported once, where it
    repeats."""
    phrasings = {same_words(text): card for card in cards
                 for text in (card.title, *card.also_asked)}
    seen: dict[str, Unanswered] = {}
    for item in asked:
        key = same_words(item.question)
        card = phrasings.get(key)
        if card is not None:
            problems.error(item.mark, f"this unanswered question is also a question card "
                           f"'{card.id}' answers, at {card.mark} — remove it from one of the two")
        elif key in seen:
            problems.warning(item.mark, f"this question is already listed at "
                             f"{seen[key].mark} — remove one of the two")
        else:
            seen[key] = item
