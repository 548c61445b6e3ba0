"""A choice step: one button per option; the answer is the chosen option's id."""

from __future__ import annotations

from dialogues.content.yamlsource import Mapping
from dialogues.events import Action, Press
from dialogues.model import Step, StepKind
from dialogues.session import Session
from dialogues.steps.base import (
    COMMON_KEYS,
    Advance,
    FieldSource,
    Outcome,
    Refuse,
    Row,
    StepType,
    UIStrings,
    View,
)


class Choice(StepType):
    kind = StepKind.CHOICE
    required = (*COMMON_KEYS, "options")

    def fields(self, node: Mapping, what: str, source: FieldSource) -> dict[str, object]:
        return {"options": source.options(node.get("options"), what, self.kind)}

    def body(self, view: View) -> tuple[str, list[Row]]:
        rows = [(view.button(o.label, Action.CHOOSE, o.id),) for o in view.step.options]
        return view.step.text, rows

    def press(self, event: Press, step: Step, session: Session,
              ui: dict[str, str]) -> Outcome | None:
        return choose(event, step, ui)

    def answer_text(self, step: Step, answer: str | tuple[str, ...], ui: UIStrings) -> str:
        if isinstance(answer, tuple):
            return super().answer_text(step, answer, ui)
        option = step.option(answer)
        return option.label if option else answer


def choose(event: Press, step: Step, ui: dict[str, str]) -> Outcome | None:
    """A press of one of the step's option buttons (choice and yes/no)."""
    if event.action is not Action.CHOOSE:
        return None
    if step.option(event.option_id) is None:
        return Refuse(ui["unusable_button"])
    return Advance(f"choose_{event.option_id}", event.option_id)
