"""Checks of summary templates and notes: each field names a step that exists and suits it
(`{unticked:…}` a checklist, `{each:…}` a step in the repeat, `{table:a..b}` a range with
headings), and each note's conditions name real steps and options."""

from __future__ import annotations

from dialogues.content.problems import did_you_mean
from dialogues.content.schema import Reader
from dialogues.model import OPTION_KINDS, SKIPPED, Dialogue, Note, Step, StepKind
from dialogues.templates import FIELD, TABLE_RANGE, table_columns

TEMPLATE_KINDS = ("answer", "unticked", "each", "table")


def check_summaries(reader: Reader, dialogue: Dialogue) -> None:
    """Report every mistake in the summaries' templates and notes."""
    _check_summaries(reader, dialogue)


def _check_summaries(reader: Reader, dialogue: Dialogue) -> None:
    for step in dialogue.steps.values():
        if step.kind is not StepKind.SUMMARY:
            continue
        _check_template(reader, step.text, step, dialogue)
        for note in step.notes:
            _check_template(reader, note.text, step, dialogue)
            _check_when(reader, note, step, dialogue)

def _check_template(reader: Reader, text: str, summary: Step, dialogue: Dialogue) -> None:
    for match in FIELD.finditer(text):
        kind, _, step_id = match.group(1).partition(":")
        kind, step_id = kind.strip(), step_id.strip()
        field = match.group(0)
        if kind not in TEMPLATE_KINDS or not step_id:
            reader.error(
                summary.mark,
                f"'{field}' in summary '{summary.id}' is not a template field — write "
                "{answer:<step id>}, {unticked:<step id>}, {each:<step id>} or "
                "{table:<first step>..<last step>}" + did_you_mean(kind, TEMPLATE_KINDS),
            )
        elif kind == "table":
            _check_table(reader, field, step_id, summary, dialogue)
        elif step_id not in dialogue.steps:
            reader.error(
                summary.mark,
                f"'{field}' in summary '{summary.id}' names a step that does not exist: "
                f"'{step_id}'{did_you_mean(step_id, dialogue.steps)}",
            )
        elif kind == "unticked" and dialogue.steps[step_id].kind is not StepKind.CHECKLIST:
            reader.error(
                summary.mark,
                f"'{field}' only works with a checklist step; '{step_id}' is a "
                f"{dialogue.steps[step_id].kind.value} step — use {{answer:{step_id}}}",
            )
        elif kind == "each" and (dialogue.repeat is None
                                 or step_id not in dialogue.repeat.steps):
            reader.error(
                summary.mark,
                f"'{field}' only works with a step inside the dialogue's 'repeat' — "
                f"use {{answer:{step_id}}}",
            )

def _check_table(reader: Reader, field: str, spec: str, summary: Step, dialogue: Dialogue) -> None:
    """`{table:first..last}`: a real range of steps, each with a `short:` heading."""
    first, _, last = (part.strip() for part in spec.partition(TABLE_RANGE))
    for step_id in filter(None, (first, last)):
        if step_id not in dialogue.steps:
            reader.error(
                summary.mark,
                f"'{field}' in summary '{summary.id}' names a step that does not exist: "
                f"'{step_id}'{did_you_mean(step_id, dialogue.steps)}",
            )
            return
    columns = table_columns(dialogue, spec) if last else None
    if not columns:
        reader.error(
            summary.mark,
            f"'{field}' in summary '{summary.id}' should name a range of steps in file "
            "order, such as {table:funder_name..certification}",
        )
        return
    for step in columns:
        if not step.short:
            reader.error(
                step.mark,
                f"step '{step.id}' is a column of '{field}' and needs a heading: add "
                "'short:' with a few words",
            )

def _check_when(reader: Reader, note: Note, summary: Step, dialogue: Dialogue) -> None:
    for step_id, option_ids in note.when_not.items():
        step = dialogue.steps.get(step_id)
        if step is not None and step.kind is not StepKind.CHECKLIST:
            reader.error(
                note.marks.get(step_id, summary.mark),
                f"'when_not' only works with checklist steps; '{step_id}' is a "
                f"{step.kind.value} step — list its other options under 'when' instead",
            )
            continue
        _check_options(reader, note, step_id, option_ids, summary, dialogue)
    for step_id, option_ids in note.when.items():
        _check_options(reader, note, step_id, option_ids, summary, dialogue)

def _check_options(reader: Reader, note: Note, step_id: str, option_ids: frozenset[str],
                   summary: Step, dialogue: Dialogue) -> None:
    mark = note.marks.get(step_id, summary.mark)
    step = dialogue.steps.get(step_id)
    if step is None:
        reader.error(mark, f"'when' names a step that does not exist: '{step_id}'"
                                f"{did_you_mean(step_id, dialogue.steps)}")
        return
    valid = {o.id for o in step.options} | ({SKIPPED} if step.optional else set())
    if step.kind not in OPTION_KINDS and not step.optional:
        reader.error(mark, f"'when' can only test choice, checklist, yes/no or "
                                f"optional steps; '{step_id}' is a {step.kind.value} step")
        return
    for option_id in sorted(option_ids - valid):
        hint = did_you_mean(option_id, valid) or f" (its options: {', '.join(sorted(valid))})"
        reader.error(mark, f"step '{step_id}' has no option '{option_id}'{hint}")

