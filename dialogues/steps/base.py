"""What every step kind provides, and the outcomes of a press or of typed text.

Each kind (info, text, choice, yes/no, checklist, summary) is one `StepType` in its own module:
the keys its YAML may use and how its fields are read, how it looks, which buttons it accepts,
what its answer reads as, and its unconfirmed draft. The loader, the engine and the summary
templates ask the kind instead of switching over `StepKind` each in their own way.
"""

from __future__ import annotations

from collections import abc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from dialogues.content.schema import Reader
from dialogues.content.yamlsource import Mapping, Node
from dialogues.events import Action, Press
from dialogues.model import Note, Option, Step, StepKind
from dialogues.outputs import Button
from dialogues.session import Answer, Session

Row = tuple[Button, ...]
UIStrings = abc.Mapping[str, str]  # interface strings, read only
MakeButton = Callable[..., Button]  # (label, action, option="") -> a button of this step


@dataclass(frozen=True)
class Advance:
    """Leave the step by `trigger`, recording `answer`."""

    trigger: str
    answer: Answer


@dataclass(frozen=True)
class Redraw:
    """Stay on the step with `session` (a changed draft): the pressed message is edited."""

    session: Session


@dataclass(frozen=True)
class Refuse:
    """A short notice (a pop-up on Telegram); nothing changes."""

    text: str


@dataclass(frozen=True)
class Say:
    """A message in the chat, then (with `show_step`) the step again; nothing changes."""

    text: str
    show_step: bool = False


@dataclass(frozen=True)
class Hold:
    """Keep only `pending` (a masked answer) and ask with `text` which of `actions` to take."""

    pending: str
    text: str
    actions: tuple[tuple[str, Action], ...]  # (interface string key, action)


Outcome = Advance | Redraw | Refuse | Say | Hold


@dataclass(frozen=True)
class View:
    """What a step is shown with: its session, the interface strings, a button maker, and the
    answers already given in the yes/no grid it belongs to ("" outside one)."""

    step: Step
    session: Session
    ui: dict[str, str]
    button: MakeButton
    grid: str = ""


class FieldSource(Protocol):
    """The loader's reading of the parts several kinds share (options, summary notes)."""

    reader: Reader

    def options(self, node: Node | None, what: str, kind: StepKind) -> tuple[Option, ...]: ...

    def notes(self, node: Node | None, what: str) -> tuple[Note, ...]: ...


COMMON_KEYS = ("id", "kind", "text", "source")


class StepType:
    """One step kind; the defaults suit a kind with no buttons of its own and a plain answer."""

    kind: StepKind
    required: tuple[str, ...] = COMMON_KEYS
    allowed: tuple[str, ...] = ("next", "optional", "short")
    leads_on = True  # has 'next', 'optional' and 'short' (every kind but the summary)

    def fields(self, node: Mapping, what: str, source: FieldSource) -> dict[str, object]:
        """This kind's own fields of a `Step`, read from its YAML block."""
        return {}

    def body(self, view: View) -> tuple[str, list[Row]]:
        """The step's text and its own rows of buttons (back and skip are added after)."""
        return view.step.text, []

    def press(self, event: Press, step: Step, session: Session,
              ui: dict[str, str]) -> Outcome | None:
        """What a button of this step does; None when this kind has no such button."""
        return None

    def typed(self, step: Step, session: Session, text: str, ui: dict[str, str]) -> Outcome:
        """What typed text does on this step: by default, point at the buttons."""
        return Say(ui["use_buttons"], show_step=True)

    def answer_text(self, step: Step, answer: str | tuple[str, ...], ui: UIStrings) -> str:
        """The answer (never None here) as the person saw it."""
        return answer if isinstance(answer, str) else ticked_labels(step, answer, ui)

    def draft(self, answer: Answer) -> tuple[str, ...]:
        """The unconfirmed selection the step starts with when it is shown again."""
        return ()


def ticked_labels(step: Step, ticked: tuple[str, ...], ui: UIStrings) -> str:
    """The labels of the ticked options, in the step's order ("none ticked" when there are none)."""
    labels = [o.label for o in step.options if o.id in ticked]
    return ", ".join(labels) if labels else ui["answer_none_ticked"]
