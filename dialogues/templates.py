"""Summary templates: ``{answer:<step>}`` and ``{unticked:<step>}``, nothing more.

One small syntax, checked at load time (an unknown step is a load error, never a blank in
production). Typed answers are inserted as plain text; front ends escape everything they show.
"""

from __future__ import annotations

import re

from dialogues.model import SKIPPED, Dialogue, Note, Step, StepKind
from dialogues.session import Answer

FIELD = re.compile(r"\{([^{}]*)\}")


def answer_text(step: Step, answer: Answer, ui: dict[str, str]) -> str:
    """An answer as the person saw it: labels, "Yes"/"No", their own words, or "(skipped)"."""
    if answer is None:
        return ui["answer_skipped"]
    if step.kind is StepKind.YESNO:
        return ui["button_yes"] if answer == "yes" else ui["button_no"]
    if isinstance(answer, tuple):
        labels = [o.label for o in step.options if o.id in answer]
        return ", ".join(labels) if labels else ui["answer_none_ticked"]
    if step.kind is StepKind.CHOICE:
        option = step.option(answer)
        return option.label if option else answer
    return answer


def _unticked(step: Step, answer: Answer, ui: dict[str, str]) -> str:
    ticked = answer if isinstance(answer, tuple) else ()
    labels = [o.label for o in step.options if o.id not in ticked]
    return ", ".join(labels) if labels else ui["answer_none_ticked"]


def fill(template: str, dialogue: Dialogue, answers: dict[str, Answer], ui: dict[str, str]) -> str:
    """Replace every template field; the loader has already checked that each one is valid."""

    def value(match: re.Match[str]) -> str:
        kind, _, step_id = match.group(1).partition(":")
        step = dialogue.steps[step_id.strip()]
        answer = answers.get(step.id)
        if kind.strip() == "unticked":
            return _unticked(step, answer, ui)
        return answer_text(step, answer, ui)

    return FIELD.sub(value, template)


def note_applies(note: Note, answers: dict[str, Answer]) -> bool:
    """True when any step named in `when` has any of the listed options (or was skipped)."""
    for step_id, wanted in note.when.items():
        if step_id not in answers:
            continue
        answer = answers[step_id]
        given = {SKIPPED} if answer is None else set(answer) if isinstance(answer, tuple) else {answer}
        if given & wanted:
            return True
    return False


def render_summary(step: Step, dialogue: Dialogue, answers: dict[str, Answer],
                   ui: dict[str, str]) -> str:
    parts = [fill(step.text, dialogue, answers, ui)]
    parts += [fill(n.text, dialogue, answers, ui) for n in step.notes if note_applies(n, answers)]
    return "\n\n".join(parts)
