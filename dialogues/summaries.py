"""What a finished dialogue shows (the summary message and its document) and the yes/no grid
rows answered so far: both read the answers on the path actually walked."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dialogues import callbacks
from dialogues.document import summary_document
from dialogues.events import Action
from dialogues.model import Dialogue, Locale, Step
from dialogues.outputs import Button, Document, Keyboard, Message
from dialogues.session import Session
from dialogues.steps import answer_text, in_grid
from dialogues.templates import Scope, summary_body


def scope(dialogue: Dialogue, session: Session) -> Scope:
    """The answers on the path actually walked, and every round of a repeat."""
    walked = set(session.history)
    answers = {k: v for k, v in session.answers.items() if k in walked}
    if dialogue.repeat is None:
        return Scope(answers, (answers,))
    steps = frozenset(dialogue.repeat.steps)
    current = {k: v for k, v in answers.items() if k in steps}
    return Scope(answers, (*session.rounds, current), steps)


def citations(sections: dict[str, str], section_ids: Iterable[str]) -> str:
    """Cited sections as chat lines: the guidelines' own heading, then the id in brackets."""
    return "\n".join(f"• {sections[s]} [{s}]" for s in section_ids)


def summary(lang: Locale, sections: dict[str, str], dialogue: Dialogue, step: Step,
            session: Session) -> Message:
    """The summary with its next step, sources, and the document / keep / again / menu buttons."""
    parts = summary_body(step, dialogue, scope(dialogue, session), lang.ui)
    cited = citations(sections, walked_sources(dialogue, step, session))
    if step.next_step:  # what to do next comes first: on a phone it is all that shows at once
        parts.insert(0, f"{lang.ui['summary_next_step']}: {step.next_step}")
    parts.append(f"{lang.ui['summary_sources']}\n{cited}")
    parts.append(lang.ui["summary_done"])
    document = callbacks.step_button(Action.DOCUMENT, dialogue.id, step.id, session.turn)
    buttons: Keyboard = (
        (Button(lang.ui["button_document"], document),),
        (Button(lang.ui["button_keep_answers"], callbacks.KEEP),),
        (Button(lang.ui["button_start_again"], callbacks.start_button(dialogue.id)),
         Button(lang.ui["button_menu"], callbacks.MENU)),
    )
    return Message("\n\n".join(parts), buttons, step.title)


def walked_sources(dialogue: Dialogue, summary: Step, session: Session) -> list[str]:
    """The summary's sections that lie behind the steps this person went through: its list
    names the sections of every path, and a path not taken informed nothing here. When no
    step walked cites one of them, the whole list stands."""
    behind = {s for step_id in session.history if step_id in dialogue.steps
              for s in dialogue.steps[step_id].source}
    listed = summary.source or dialogue.source
    return [s for s in listed if s in behind] or list(listed)


def document(lang: Locale, sections: dict[str, str], dialogue: Dialogue, session: Session,
             today: date) -> Document:
    """The finished summary as a file, built again from the kept session on each request."""
    step = dialogue.step(session.state)
    return summary_document(dialogue, step, scope(dialogue, session), sections, lang.ui, today)


def grid(lang: Locale, dialogue: Dialogue, session: Session) -> str:
    """Answers already given in the current run of yes/no grid rows, one line each."""
    if not in_grid(dialogue.step(session.state)):
        return ""
    return "\n".join(grid_lines(lang, dialogue, session))


def grid_lines(lang: Locale, dialogue: Dialogue, session: Session) -> list[str]:
    """The answered grid rows just before the current step, in the order asked."""
    lines: list[str] = []
    for step_id in reversed(session.history):
        step = dialogue.step(step_id)
        if not in_grid(step) or step_id not in session.answers:
            break
        answer = answer_text(step, session.answers[step_id], lang.ui)
        lines.insert(0, lang.ui["grid_line"].format(column=step.short, answer=answer))
    return lines
