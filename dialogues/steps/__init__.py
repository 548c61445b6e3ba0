"""Every step kind in one place: `KINDS[step.kind]` knows how that kind is read, shown,
pressed, typed into and read back as text."""

from __future__ import annotations

from dialogues.model import Step, StepKind
from dialogues.session import Answer
from dialogues.steps.base import StepType, UIStrings
from dialogues.steps.checklist import Checklist
from dialogues.steps.choice import Choice
from dialogues.steps.info import Info
from dialogues.steps.summary import Summary
from dialogues.steps.text import Text
from dialogues.steps.yesno import YesNo, in_grid

KINDS: dict[StepKind, StepType] = {kind.kind: kind for kind in
                                   (Info(), Text(), Choice(), Checklist(), YesNo(), Summary())}


def kind_of(step: Step) -> StepType:
    return KINDS[step.kind]


def answer_text(step: Step, answer: Answer, ui: UIStrings) -> str:
    """An answer as the person saw it: labels, "Yes"/"No", their own words, or "(skipped)"."""
    if answer is None:
        return ui["answer_skipped"]
    return KINDS[step.kind].answer_text(step, answer, ui)


__all__ = ["KINDS", "StepType", "answer_text", "in_grid", "kind_of"]
