"""An info step: wording and a Continue button; it records no answer."""

from __future__ import annotations

from dialogues.events import Action, Press
from dialogues.model import Step, StepKind
from dialogues.session import Session
from dialogues.steps.base import Advance, Outcome, Row, StepType, View


class Info(StepType):
    kind = StepKind.INFO
    allowed = ("next",)

    def body(self, view: View) -> tuple[str, list[Row]]:
        return view.step.text, [(view.button(view.ui["button_continue"], Action.CONTINUE),)]

    def press(self, event: Press, step: Step, session: Session,
              ui: dict[str, str]) -> Outcome | None:
        return Advance("next", None) if event.action is Action.CONTINUE else None
