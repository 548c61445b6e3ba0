"""How well a card ranking answers labelled staff questions: shared by the quality test and the
benchmark, so both report the same figures the same way.

A question is a hit at top-k when any of the first k cards shown cites one of its expected
section ids. A question the guidelines do not answer (no expected ids) is handled correctly
when the ranking declines to answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import yaml

from dialogues.guidance.cards import Card
from dialogues.guidance.hybrid import sentences
from dialogues.guidance.words import all_words, language_of, same_words
from dialogues.model import Library

# A ranking: the cards shown for a question, best first, and whether it answers at all.
Rank = Callable[[str], tuple[tuple[Card, ...], bool]]


@dataclass(frozen=True)
class Question:
    text: str
    expect: frozenset[str]
    half: str
    writer: str = ""  # which writer's set it comes from, when several wrote one file


@dataclass(frozen=True)
class Figures:
    answerable: int
    top1: float
    top3: float
    unanswerable: int
    no_guidance: float  # share of unanswerable questions correctly declined

    def __str__(self) -> str:
        return (f"top-1 {self.top1:.1%}, top-3 {self.top3:.1%} of {self.answerable}; "
                f"correct 'no guidance' {self.no_guidance:.1%} of {self.unanswerable}")


# Every file of labelled questions, in the order they were written, and the halves the search may
# be tuned on (bench.fit_confidence fits on them; the quality test and bench/guidance.py report
# the rest as held out). A new round's file is added here once, for all three.
DATA = Path(__file__).resolve().parent.parent / "data"
QUESTION_FILES = tuple(DATA / f"guidance_questions{suffix}.yaml" for suffix in (
    "", "_fresh", "_third", "_tuning", "_unseen", "_next", "_round5", "_round6", "_round7",
    "_round8", "_round9", "_round10", "_round11", "_round12"))
TUNING_HALVES = ("dev", "design", "third", "tuning", "unseen", "next", "round5", "round6",
                 "round7")

# Which tuning half each question of content/*/unanswered.yaml was written for (see the file).
ORIGINS = DATA / "unanswered_origins.yaml"

STYLES = ("short", "ordinary", "long", "Spanish", "unanswerable")
SHORT_WORDS, LONG_WORDS, LONG_SENTENCES = 6, 40, 3


def style(question: Question) -> str:
    """The kind of question, as the issue names them: unanswerable (no expected section), else
    Spanish (mostly Spanish small words), short (at most 6 words), long (3+ sentences or 40+
    words), or ordinary."""
    if not question.expect:
        return "unanswerable"
    if language_of(all_words(question.text)) == "es":
        return "Spanish"
    count = len(question.text.split())
    if count <= SHORT_WORDS:
        return "short"
    if count >= LONG_WORDS or len(sentences(question.text)) >= LONG_SENTENCES:
        return "long"
    return "ordinary"


def load_questions(file: Path) -> list[Question]:
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    return [Question(str(q["q"]), frozenset(q["expect"]), str(q["half"]), str(q.get("set", "")))
            for q in data["questions"]]


def cites(question: Question, card: Card) -> bool:
    """Whether `card` cites one of the sections that answer `question`."""
    return bool(question.expect & set(card.source))


def measure(questions: Iterable[Question], rank: Rank) -> Figures:
    top1 = top3 = answerable = declined = unanswerable = 0
    for question in questions:
        cards, answered = rank(question.text)
        if not question.expect:
            unanswerable += 1
            declined += not answered
            continue
        answerable += 1
        shown = cards[:3] if answered else ()
        cited = [cites(question, card) for card in shown]
        top1 += bool(cited) and cited[0]
        top3 += any(cited)
    return Figures(answerable, top1 / max(answerable, 1), top3 / max(answerable, 1),
                   unanswerable, declined / max(unanswerable, 1))


@cache
def unanswered_origins() -> dict[str, str]:
    """The tuning half each listed unanswered question was written for, by its text."""
    data = yaml.safe_load(ORIGINS.read_text(encoding="utf-8"))["origins"]
    return {same_words(text): half for half, texts in data.items() for text in texts}


def without_own_questions(library: Library, half: str) -> Library:
    """The library without the unanswered questions written for `half`: a tuning half measured
    with its own questions in the list would be declined by looking itself up, so it is
    measured as a new writer's questions meet the search."""
    origins = unanswered_origins()

    def kept(locale):
        return replace(locale, unanswered=tuple(
            item for item in locale.unanswered
            if origins.get(same_words(item.question)) != half))
    return replace(library, locales={code: kept(locale)
                                     for code, locale in library.locales.items()})
