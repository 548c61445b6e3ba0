"""What a person can do, as seen by the engine: typed events, free of any front end."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Action(Enum):
    """Button actions on a dialogue step; the value is the code carried in callback data."""

    CHOOSE = "c"
    TOGGLE = "t"
    DONE = "d"
    CONTINUE = "n"
    SKIP = "s"
    BACK = "b"
    DOCUMENT = "o"  # on a finished summary: send it as a file (o for "output")
    RETYPE = "a"  # type a pending answer again, without the identifying details
    KEEP_MASKED = "p"  # keep a pending answer with its identifying details masked


@dataclass(frozen=True)
class ShowHome:
    """/start with no argument: introduction, privacy notice and menu."""


@dataclass(frozen=True)
class ShowMenu:
    """/menu, or the Menu button."""


@dataclass(frozen=True)
class ShowHelp:
    """/help."""


@dataclass(frozen=True)
class StartDialogue:
    """A menu button, a deep link (/start <id>) or "Start again"."""

    dialogue_id: str


@dataclass(frozen=True)
class Resume:
    """Show the step the person is on (the "Continue" button in the menu)."""


@dataclass(frozen=True)
class Press:
    """A button on a dialogue step; stale unless dialogue, step and turn match the session."""

    action: Action
    dialogue_id: str
    step_id: str
    option_id: str
    turn: int


@dataclass(frozen=True)
class TextInput:
    text: str


@dataclass(frozen=True)
class GoBack:
    """/back."""


@dataclass(frozen=True)
class Cancel:
    """/cancel."""


# --- Quick guidance ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """/ask <question>: search the guidance cards (the dialogue in progress is kept)."""

    question: str


@dataclass(frozen=True)
class ShowCard:
    """A runner-up card's button, or "Tell me more" (`more`) under a card."""

    card_id: str
    more: bool = False


@dataclass(frozen=True)
class Vote:
    """👍 / 👎 under a card: only the card id and the vote are kept, never the question."""

    card_id: str
    helpful: bool


@dataclass(frozen=True)
class NoneOfThese:
    """None of the cards shown fits the question."""


@dataclass(frozen=True)
class KeepAnswers:
    """"Keep my answers for 30 days" under a summary: the only event a finished session
    survives (any other action deletes its answers)."""


Event = (
    ShowHome | ShowMenu | ShowHelp | StartDialogue | Resume | Press | TextInput | GoBack | Cancel
    | Ask | ShowCard | Vote | NoneOfThese | KeepAnswers
)
