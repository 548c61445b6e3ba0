"""Guidance cards and the reviewers' search lists (synonyms, topics the guidelines leave out,
questions staff asked that no card answers), loaded and checked like dialogues.

Cards answer quick questions; every mistake in them (an answer too long for a phone screen, an
unknown section or dialogue id, a card id used twice) is reported as ``path:line:col`` when the
bot starts or `coachbot check` runs, never when someone asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dialogues.content.files import ContentFiles
from dialogues.content.problems import Mark, did_you_mean
from dialogues.content.schema import Reader
from dialogues.content.yamlsource import Mapping, Scalar

CARD_ID_MAX = 32
TITLE_MAX = 120
ANSWER_MAX = 600
MORE_MAX = 2000


@dataclass(frozen=True)
class Card:
    """One practical question and its short, cited answer."""

    id: str
    title: str
    answer: str
    source: tuple[str, ...]
    mark: Mark
    more: str = ""
    related: tuple[str, ...] = ()
    also_asked: tuple[str, ...] = ()


def _card(entry: Mapping, reader: Reader, sections: dict[str, str],
          dialogue_ids: Iterable[str]) -> Card | None:
    card_id = reader.identifier(entry.get("id"), "card id", CARD_ID_MAX)
    what = f"card '{card_id or '?'}'"
    title = reader.text(entry.get("title"), f"'title' of {what}", TITLE_MAX)
    answer = reader.text(entry.get("answer"), f"'answer' of {what}", ANSWER_MAX)
    more = reader.text(entry.get("more"), f"'more' of {what}", MORE_MAX) or ""
    source = reader.sources(entry.get("source"), what, sections)
    related = reader.text_list(entry.get("related"), f"'related' of {what}")
    known = tuple(dialogue_ids)
    for dialogue_id in related:
        if dialogue_id not in known:
            reader.error(entry.key_mark("related"),
                         f"unknown dialogue '{dialogue_id}' in 'related' of {what}"
                         f"{did_you_mean(dialogue_id, known)} (the ids are the file names in "
                         "content/en/dialogues/)")
    also_asked = reader.text_list(entry.get("also_asked"), f"'also_asked' of {what}")
    if entry.get("source") is not None and not source:
        return None
    if None in (card_id, title, answer):
        return None
    return Card(id=card_id, title=title, answer=answer, source=source,  # type: ignore[arg-type]
                mark=entry.mark, more=more,
                related=tuple(d for d in related if d in known), also_asked=also_asked)


def load_cards(files: ContentFiles, folder: Path, sections: dict[str, str],
               dialogue_ids: Iterable[str]) -> tuple[Card, ...]:
    """Every card in `folder/*.yaml`, in file order; problems are recorded, not raised."""
    problems = files.problems
    reader = Reader(problems)
    cards: dict[str, Card] = {}
    known = tuple(dialogue_ids)
    for file in sorted(folder.glob("*.y*ml")):
        if file.suffix != ".yaml":
            problems.error(Mark(files.shown(file)), "content files end in '.yaml' — rename the file")
            continue
        top = reader.mapping(files.content(file), "a guidance file", ("cards",))
        for item in reader.sequence(top.get("cards") if top else None, "'cards'"):
            entry = reader.mapping(item, "a card", ("id", "title", "answer", "source"),
                                   ("more", "related", "also_asked"))
            card = _card(entry, reader, sections, known) if entry is not None else None
            if card is None:
                continue
            if card.id in cards:
                first = cards[card.id].mark
                reader.error(card.mark, f"card id '{card.id}' is already used at {first} — "
                                        "rename one of the two cards")
                continue
            cards[card.id] = card
    return tuple(cards.values())


@dataclass(frozen=True)
class SynonymGroup:
    """Words and phrases that mean the same thing to a searcher: the first is the word the cards
    use, the others are typed in `language` (the folder of the synonyms file), so a Spanish "da"
    (gives) is not read as the English "DA" (district attorney)."""

    language: str
    phrases: tuple[str, ...]
    mark: Mark


def load_synonyms(files: ContentFiles, file: Path) -> tuple[SynonymGroup, ...]:
    """Reviewer-owned search vocabulary of the language whose folder holds `file`."""
    reader = Reader(files.problems)
    top = reader.mapping(files.content(file), "synonyms file", ("groups",))
    groups: list[SynonymGroup] = []
    for node in reader.sequence(top.get("groups") if top else None, "'groups'"):
        group = reader.text_list(node, "a synonyms group")
        if len(group) < 2:
            reader.error(node.mark, "a synonyms group needs at least two words or phrases, "
                                    "written as [card word, other word, ...]")
            continue
        groups.append(SynonymGroup(file.parent.name, group, node.mark))
    return tuple(groups)


@dataclass(frozen=True)
class OutOfScope:
    """A topic the guidelines do not address: a question naming one of its phrases is told so
    honestly instead of getting a loosely related card."""

    id: str
    phrases: tuple[str, ...]
    mark: Mark


def load_out_of_scope(files: ContentFiles, file: Path) -> tuple[OutOfScope, ...]:
    """Reviewer-owned topics outside the guidelines, each with the reason it is outside."""
    reader = Reader(files.problems)
    top = reader.mapping(files.content(file), "out-of-scope file", ("topics",))
    topics: list[OutOfScope] = []
    for node in reader.sequence(top.get("topics") if top else None, "'topics'"):
        entry = reader.mapping(node, "an out-of-scope topic", ("id", "why", "phrases"))
        if entry is None:
            continue
        topic_id = reader.identifier(entry.get("id"), "out-of-scope topic id", CARD_ID_MAX)
        reader.text(entry.get("why"), f"'why' of out-of-scope topic '{topic_id or '?'}'")
        phrases = reader.text_list(entry.get("phrases"),
                                   f"'phrases' of out-of-scope topic '{topic_id or '?'}'")
        if entry.get("phrases") is not None and not phrases:
            reader.error(entry.mark, f"out-of-scope topic '{topic_id or '?'}' needs at least "
                                     "one phrase, written as [phrase, other phrase, ...]")
        elif topic_id is not None and phrases:
            topics.append(OutOfScope(topic_id, phrases, entry.mark))
    return tuple(topics)


UNANSWERED_MAX = 2000  # as long as the search reads of a message


@dataclass(frozen=True)
class Unanswered:
    """A question staff asked that the guidelines do not answer: the search compares questions
    with these in meaning, so one near a question nobody could answer is declined, even on a
    topic no phrase of the out-of-scope list names."""

    question: str
    mark: Mark


def load_unanswered(files: ContentFiles, file: Path) -> tuple[Unanswered, ...]:
    """Reviewer-owned examples of questions outside the guidelines, one per item."""
    reader = Reader(files.problems)
    top = reader.mapping(files.content(file), "unanswered questions file", ("questions",))
    found: list[Unanswered] = []
    for node in reader.sequence(top.get("questions") if top else None, "'questions'"):
        if isinstance(node, Scalar) and not node.value.strip():
            reader.error(node.mark, "this line of the list is empty — write the question, or "
                                    "remove the line")
            continue
        question = reader.text(node, "an unanswered question", UNANSWERED_MAX)
        if question:
            found.append(Unanswered(question, node.mark))
    return tuple(found)
