"""The content, as loaded and validated: plain immutable data, no YAML and no Telegram."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from dialogues.content.problems import Mark
from dialogues.content.prompts import PromptSet
from dialogues.guidance.cards import Card, OutOfScope, SynonymGroup, Unanswered

if TYPE_CHECKING:
    from dialogues.content.checks.language import Term


class StepKind(Enum):
    INFO = "info"
    TEXT = "text"
    CHOICE = "choice"
    CHECKLIST = "checklist"
    YESNO = "yesno"
    SUMMARY = "summary"


# Step kinds whose answer is one or more option ids (and so can be used in `when:`).
OPTION_KINDS = frozenset({StepKind.CHOICE, StepKind.CHECKLIST, StepKind.YESNO})
SKIPPED = "skipped"
AUDIENCES = ("frontline", "leadership")  # who a dialogue is for; the menu groups them in this order


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    next: str | None = None


@dataclass(frozen=True)
class Note:
    """A summary paragraph shown only when one of its conditions holds.

    `when` holds when a listed option was chosen or ticked; `when_not` (checklists only) when a
    listed option was left unticked, so a checklist can stay "tick = we do it".
    """

    when: dict[str, frozenset[str]]
    text: str
    marks: dict[str, Mark]  # where each step of `when`/`when_not` is named, for error messages
    when_not: dict[str, frozenset[str]] = field(default_factory=dict)

    def steps(self) -> set[str]:
        return set(self.when) | set(self.when_not)


@dataclass(frozen=True)
class Repeat:
    """Steps `first`..`last` (in file order) form a round, asked again for each item (funder).

    Arriving at `first` again after it was answered starts a new round: the finished round's
    answers are set aside, so nothing from the previous item shows as an earlier answer.
    """

    first: str
    last: str
    steps: tuple[str, ...]
    most: int


@dataclass(frozen=True)
class Step:
    id: str
    kind: StepKind
    text: str
    source: tuple[str, ...]
    mark: Mark
    next: str | None = None
    options: tuple[Option, ...] = ()
    optional: bool = False
    max_length: int = 500
    min: int = 0
    title: str = ""
    notes: tuple[Note, ...] = ()
    next_step: str = ""
    short: str = ""  # a column heading for `{table:…}` (a few words)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def targets(self) -> dict[str, str]:
        """Every trigger that leaves this step, and the step it leads to."""
        if self.kind is StepKind.SUMMARY:
            return {}
        assert self.next is not None, "the loader resolves a default next for every step"
        moves: dict[str, str] = {}
        if self.kind in (StepKind.CHOICE, StepKind.YESNO):
            for option in self.options:
                moves[f"choose_{option.id}"] = option.next or self.next
        else:
            moves["next"] = self.next
        if self.optional:
            moves["skip"] = self.next
        return moves


@dataclass(frozen=True)
class Dialogue:
    id: str
    title: str
    description: str
    audience: str
    duration: str
    source: tuple[str, ...]
    start: str
    steps: dict[str, Step]
    mark: Mark
    repeat: Repeat | None = None

    def step(self, step_id: str) -> Step:
        return self.steps[step_id]


@dataclass(frozen=True)
class Locale:
    """Everything one language needs: dialogues in menu order, interface strings, guidance, and
    the prompt sets schedules rotate through."""

    code: str
    dialogues: dict[str, Dialogue]
    ui: dict[str, str]
    # Quick guidance: the cards, groups of words a search treats as one, topics the guidelines
    # leave out, and questions staff asked that no card answers.
    cards: tuple[Card, ...] = ()
    synonyms: tuple[SynonymGroup, ...] = ()
    prompt_sets: dict[str, PromptSet] = field(default_factory=dict)
    out_of_scope: tuple[OutOfScope, ...] = ()
    unanswered: tuple[Unanswered, ...] = ()
    privacy: tuple[str, ...] = ()  # the lines /privacy shows
    # The reviewers' terms to avoid, every language's: a question using one is reframed.
    terms_to_avoid: tuple[Term, ...] = ()


@dataclass(frozen=True)
class Library:
    """All content of one content directory, for every locale; loaded and checked once."""

    sections: dict[str, str]
    locales: dict[str, Locale]
    version: str
    default_locale: str = "en"
    approved: frozenset[str] = frozenset()  # files a reviewer approved (content/en/ui.yaml)

    def locale(self, code: str | None) -> Locale:
        """The locale for a language code such as Telegram's 'es' or 'es-MX'; else the default."""
        code = (code or "").lower()
        found = self.locales.get(code) or self.locales.get(code.split("-")[0])
        return found or self.locales[self.default_locale]
