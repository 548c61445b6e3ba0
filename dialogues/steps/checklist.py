"""A checklist step: options are ticked and unticked in place, then confirmed with Done."""

from __future__ import annotations

from dataclasses import replace

from dialogues.content.yamlsource import Mapping
from dialogues.events import Action, Press
from dialogues.model import Step, StepKind
from dialogues.session import Answer, Session
from dialogues.steps.base import (
    COMMON_KEYS,
    Advance,
    FieldSource,
    Outcome,
    Redraw,
    Refuse,
    Row,
    StepType,
    View,
)


class Checklist(StepType):
    kind = StepKind.CHECKLIST
    required = (*COMMON_KEYS, "options")
    allowed = ("next", "optional", "min", "short")

    def fields(self, node: Mapping, what: str, source: FieldSource) -> dict[str, object]:
        fields: dict[str, object] = {"options": source.options(node.get("options"), what, self.kind)}
        if node.get("min") is not None:
            fields["min"] = source.reader.integer(node.get("min"), f"'min' of {what}", 0, 20) or 0
        return fields

    def body(self, view: View) -> tuple[str, list[Row]]:
        ui = view.ui
        rows: list[Row] = []
        for option in view.step.options:
            mark = ui["tick_on"] if option.id in view.session.draft else ui["tick_off"]
            rows.append((view.button(f"{mark} {option.label}", Action.TOGGLE, option.id),))
        rows.append((view.button(ui["button_done"], Action.DONE),))
        return view.step.text, rows

    def press(self, event: Press, step: Step, session: Session,
              ui: dict[str, str]) -> Outcome | None:
        if event.action is Action.TOGGLE:
            if step.option(event.option_id) is None:
                return Refuse(ui["unusable_button"])
            ticked = set(session.draft) ^ {event.option_id}
            draft = tuple(o.id for o in step.options if o.id in ticked)
            return Redraw(replace(session, draft=draft))
        if event.action is Action.DONE:
            if len(session.draft) < step.min:
                return Refuse(ui["min_ticks"].format(min=step.min))
            return Advance("next", session.draft)
        return None

    def draft(self, answer: Answer) -> tuple[str, ...]:
        return answer if isinstance(answer, tuple) else ()
