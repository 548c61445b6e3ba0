"""A summary step: the end of a dialogue. Its text and notes are templates over the answers
(see `dialogues.templates`); what it shows is built by `dialogues.summaries`."""

from __future__ import annotations

from dialogues.content.yamlsource import Mapping
from dialogues.model import StepKind
from dialogues.steps.base import COMMON_KEYS, FieldSource, StepType


class Summary(StepType):
    kind = StepKind.SUMMARY
    required = (*COMMON_KEYS[:2], "title", *COMMON_KEYS[2:])
    allowed = ("notes", "next_step")
    leads_on = False

    def fields(self, node: Mapping, what: str, source: FieldSource) -> dict[str, object]:
        r = source.reader
        return {
            "title": r.text(node.get("title"), f"'title' of {what}", 80) or "",
            "notes": source.notes(node.get("notes"), what),
            "next_step": r.text(node.get("next_step"), f"'next_step' of {what}") or "",
        }
