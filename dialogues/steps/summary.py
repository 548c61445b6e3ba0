"""A summary step: the end of a dialogue. Its text and notes are templates over the answers
(see `dialogues.templates`); what it shows is built by `dialogues.summaries`."""

from __future__ import annotations

from dialogues.content.braces import stray_brace
from dialogues.content.problems import Mark
from dialogues.content.yamlsource import Mapping, Node, Scalar, Sequence
from dialogues.model import StepKind
from dialogues.steps.base import COMMON_KEYS, FieldSource, StepType


class Summary(StepType):
    kind = StepKind.SUMMARY
    required = (*COMMON_KEYS[:2], "title", *COMMON_KEYS[2:])
    allowed = ("notes", "next_step")
    leads_on = False

    def fields(self, node: Mapping, what: str, source: FieldSource) -> dict[str, object]:
        r = source.reader
        for block in [node, *_notes(node.get("notes"))]:
            _check_braces(source, block, what)
        return {
            "title": r.text(node.get("title"), f"'title' of {what}", 80) or "",
            "notes": source.notes(node.get("notes"), what),
            "next_step": r.text(node.get("next_step"), f"'next_step' of {what}") or "",
        }


def _notes(notes: Node | None) -> list[Mapping]:
    if not isinstance(notes, Sequence):
        return []
    return [n for n in notes.items if isinstance(n, Mapping)]


def _check_braces(source: FieldSource, block: Mapping, what: str) -> None:
    """An unclosed or stray brace is an error at its own line, before the summary ships."""
    node = block.get("text")
    if not isinstance(node, Scalar) or (at := stray_brace(node.value)) is None:
        return
    before = node.value[:at]
    line, column = node.mark.line, node.mark.column + at
    if "\n" in node.value.rstrip("\n"):  # a block (`|`): its lines start below the key
        line += 1 + before.count("\n")
        column = block.key_mark("text").column + 2 + len(before) - before.rfind("\n") - 1
    end = node.value.find("\n", at)
    piece = node.value[at:end if end >= 0 else None].strip()
    source.reader.error(
        Mark(node.mark.path, line, column),
        f"'{piece}' in {what}: a '{{' without its '}}' (or the other way round) — close the "
        "field, as in {answer:why} (a summary cannot show a brace of its own)")
