"""Summary templates: ``{answer:<step>}``, ``{unticked:<step>}``, ``{each:<step>}`` and
``{table:<first>..<last>}``, nothing more.

One small syntax, checked at load time (an unknown step is a load error, never a blank in
production). Typed answers are inserted as plain text; front ends escape everything they show,
and the Markdown document escapes them through its `Style`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dialogues.content.braces import FIELD
from dialogues.model import SKIPPED, Dialogue, Note, Step, StepKind
from dialogues.session import Answer
from dialogues.steps import answer_text
from dialogues.steps.base import ticked_labels

TABLE_RANGE = ".."
Answers = dict[str, Answer]


@dataclass(frozen=True)
class Style:
    """How text is written: as it is (chat), or escaped for a Markdown document.

    `escape` is for inserted values (one line each); `wording` for the template's own text.
    """

    escape: Callable[[str], str] = field(default=lambda text: text)
    wording: Callable[[str], str] = field(default=lambda text: text)
    markdown: bool = False


PLAIN = Style()


@dataclass(frozen=True)
class Scope:
    """The answers a summary draws on: the current ones, and every round of a repeat."""

    answers: Answers
    rounds: tuple[Answers, ...] = ()  # each round's answers, the current round last
    round_steps: frozenset[str] = frozenset()


def _unticked(step: Step, answer: Answer, ui: dict[str, str]) -> str:
    ticked = answer if isinstance(answer, tuple) else ()
    return ticked_labels(step, tuple(o.id for o in step.options if o.id not in ticked), ui)


def table_columns(dialogue: Dialogue, spec: str) -> list[Step] | None:
    """The answerable steps from `first` to `last` in file order (None if not a valid range)."""
    first, _, last = (part.strip() for part in spec.partition(TABLE_RANGE))
    order = list(dialogue.steps)
    if first not in dialogue.steps or last not in dialogue.steps:
        return None
    if order.index(first) > order.index(last):
        return None
    span = order[order.index(first): order.index(last) + 1]
    return [dialogue.steps[s] for s in span if dialogue.steps[s].kind is not StepKind.INFO]


def _table(columns: list[Step], rounds: Sequence[Answers], ui: dict[str, str],
           style: Style) -> str:
    def cell(step: Step, answers: Answers) -> str:
        return style.escape(answer_text(step, answers.get(step.id), ui))

    if style.markdown:
        lines = ["| " + " | ".join(style.escape(c.short) for c in columns) + " |",
                 "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(cell(c, r) for c in columns) + " |" for r in rounds]
        return "\n".join(lines)
    head, *rest = columns
    return "\n".join(
        ui["table_row"].format(
            row=cell(head, r),
            cells=", ".join(ui["table_cell"].format(column=c.short, answer=cell(c, r))
                            for c in rest),
        )
        for r in rounds
    )


def fill(template: str, dialogue: Dialogue, scope: Scope, ui: dict[str, str],
         style: Style = PLAIN, rounds: Sequence[Answers] | None = None) -> str:
    """Replace every template field; the loader has already checked that each one is valid.

    `rounds` narrows `{each:…}` to the rounds a note is about (default: every round).
    """
    chosen = scope.rounds if rounds is None else rounds

    def value(match: re.Match[str]) -> str:
        kind, _, argument = (part.strip() for part in match.group(1).partition(":"))
        if kind == "table":
            return _table(table_columns(dialogue, argument) or [], scope.rounds, ui, style)
        step = dialogue.steps[argument]
        if kind == "each":
            return ", ".join(style.escape(answer_text(step, r.get(step.id), ui)) for r in chosen)
        answer = scope.answers.get(step.id)
        if kind == "unticked":
            return style.escape(_unticked(step, answer, ui))
        return style.escape(answer_text(step, answer, ui))

    pieces: list[str] = []
    position = 0
    for match in FIELD.finditer(template):
        pieces += [style.wording(template[position:match.start()]), value(match)]
        position = match.end()
    pieces.append(style.wording(template[position:]))
    return "".join(pieces)


def _holds(note: Note, step_id: str, answers: Answers) -> bool:
    if step_id not in answers:
        return False
    answer = answers[step_id]
    given = {SKIPPED} if answer is None else set(answer) if isinstance(answer, tuple) else {answer}
    if given & note.when.get(step_id, frozenset()):
        return True
    # "not ticked" needs a confirmed checklist: a skipped one says nothing either way
    return isinstance(answer, tuple) and bool(note.when_not.get(step_id, frozenset()) - given)


def note_rounds(note: Note, scope: Scope) -> tuple[bool, list[Answers]]:
    """Whether the note applies, and the rounds it is about (for `{each:…}`).

    Conditions on steps outside a repeat are tested once; conditions on steps inside it are
    tested in every round, and the note names the rounds where one holds.
    """
    inside = note.steps() & scope.round_steps
    outside = note.steps() - scope.round_steps
    matching = [r for r in scope.rounds if any(_holds(note, s, r) for s in inside)]
    applies = bool(matching) or any(_holds(note, s, scope.answers) for s in outside)
    return applies, (matching if inside else list(scope.rounds))


def summary_body(step: Step, dialogue: Dialogue, scope: Scope, ui: dict[str, str],
                 style: Style = PLAIN) -> list[str]:
    """The summary's paragraphs: its text, then each note whose condition holds."""
    parts = [fill(step.text, dialogue, scope, ui, style)]
    for note in step.notes:
        applies, rounds = note_rounds(note, scope)
        if applies:
            parts.append(fill(note.text, dialogue, scope, ui, style, rounds))
    return parts
