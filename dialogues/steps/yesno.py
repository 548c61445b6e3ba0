"""A yes/no step. A run of them with `short:` headings is one grid, answered in one message
whose earlier rows show the answers already given."""

from __future__ import annotations

from dialogues.content.yamlsource import Mapping
from dialogues.events import Action, Press
from dialogues.model import Option, Step, StepKind
from dialogues.session import Session
from dialogues.steps.base import FieldSource, Outcome, Row, StepType, UIStrings, View
from dialogues.steps.choice import choose


class YesNo(StepType):
    kind = StepKind.YESNO
    allowed = ("next", "optional", "yes", "no", "short")

    def fields(self, node: Mapping, what: str, source: FieldSource) -> dict[str, object]:
        r = source.reader
        return {"options": (Option("yes", "", r.text(node.get("yes"), f"'yes' of {what}")),
                            Option("no", "", r.text(node.get("no"), f"'no' of {what}")))}

    def body(self, view: View) -> tuple[str, list[Row]]:
        text = f"{view.grid}\n\n{view.step.text}" if view.grid else view.step.text
        return text, [(view.button(view.ui["button_yes"], Action.CHOOSE, "yes"),
                       view.button(view.ui["button_no"], Action.CHOOSE, "no"))]

    def press(self, event: Press, step: Step, session: Session,
              ui: dict[str, str]) -> Outcome | None:
        return choose(event, step, ui)

    def answer_text(self, step: Step, answer: str | tuple[str, ...], ui: UIStrings) -> str:
        return ui["button_yes"] if answer == "yes" else ui["button_no"]


def in_grid(step: Step) -> bool:
    """Yes/no steps with a `short:` heading form a grid that is answered in one message."""
    return step.kind is StepKind.YESNO and bool(step.short)
