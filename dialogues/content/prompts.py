"""Scheduled reflection prompts (`content/<locale>/prompts.yaml`), loaded and checked.

A schedule stores prompt ids in its rotation state, so ids must be unique in the whole file;
a prompt's "go deeper" button opens a dialogue, so the dialogue it names must exist. Every
mistake is collected like the dialogue loader does, as `path:line:col: message`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from dialogues.content.files import ContentFiles
from dialogues.content.problems import Mark, Problems, did_you_mean
from dialogues.content.schema import Reader
from dialogues.content.yamlsource import Node

SET_ID_MAX = 20  # travels inside setup buttons
PROMPT_ID_MAX = 32
PROMPT_TEXT_MAX = 600  # one short question, readable on a phone


@dataclass(frozen=True)
class Prompt:
    id: str
    text: str
    source: tuple[str, ...]
    dialogue: str | None  # opened by the "go deeper" button; None: no button


@dataclass(frozen=True)
class PromptSet:
    """Prompts a schedule rotates through, in file order."""

    id: str
    title: str
    description: str
    prompts: tuple[Prompt, ...]

    def prompt(self, prompt_id: str) -> Prompt | None:
        return next((p for p in self.prompts if p.id == prompt_id), None)


class _PromptReader:
    def __init__(self, sections: dict[str, str], dialogues: Collection[str],
                 problems: Problems) -> None:
        self.reader = Reader(problems)
        self.sections = sections
        self.dialogues = dialogues
        self.prompt_ids: set[str] = set()

    def read(self, root: Node | None) -> dict[str, PromptSet]:
        r = self.reader
        top = r.mapping(root, "prompts.yaml", ("sets",))
        if top is None:
            return {}
        sets: dict[str, PromptSet] = {}
        for item in r.sequence(top.get("sets"), "'sets'"):
            entry = r.mapping(item, "a prompt set", ("id", "title", "description", "prompts"),
                              ("dialogue",))
            if entry is None:
                continue
            set_id = r.identifier(entry.get("id"), "prompt set id", SET_ID_MAX)
            title = r.text(entry.get("title"), "'title' of a prompt set", 60)
            description = r.text(entry.get("description"), "'description' of a prompt set", 200)
            default = self._dialogue(entry.get("dialogue"), f"prompt set '{set_id}'")
            prompts = tuple(p for p in (self._prompt(node, default)
                                        for node in r.sequence(entry.get("prompts"), "'prompts'"))
                            if p is not None)
            if set_id is None or title is None or description is None:
                continue
            if set_id in sets:
                r.error(entry.get("id").mark,  # type: ignore[union-attr]
                        f"prompt set id '{set_id}' is used twice — rename one")
                continue
            if not prompts:
                r.error(entry.mark, f"prompt set '{set_id}' has no prompts — add at least one")
                continue
            sets[set_id] = PromptSet(set_id, title, description, prompts)
        return sets

    def _dialogue(self, node: Node | None, what: str) -> str | None:
        if node is None:
            return None
        dialogue = self.reader.text(node, f"'dialogue' of {what}")
        if dialogue is not None and dialogue not in self.dialogues:
            self.reader.error(node.mark, f"'dialogue' of {what} names a dialogue that does not "
                                         f"exist: '{dialogue}'{did_you_mean(dialogue, self.dialogues)}")
            return None
        return dialogue

    def _prompt(self, node: Node, default: str | None) -> Prompt | None:
        r = self.reader
        entry = r.mapping(node, "a prompt", ("id", "text", "source"), ("dialogue",))
        if entry is None:
            return None
        prompt_id = r.identifier(entry.get("id"), "prompt id", PROMPT_ID_MAX)
        what = f"prompt '{prompt_id}'"
        text = r.text(entry.get("text"), f"'text' of {what}", PROMPT_TEXT_MAX)
        source = r.sources(entry.get("source"), what, self.sections)
        dialogue = self._dialogue(entry.get("dialogue"), what) or default
        if prompt_id is None or text is None:
            return None
        if prompt_id in self.prompt_ids:
            r.error(entry.get("id").mark,  # type: ignore[union-attr]
                    f"prompt id '{prompt_id}' is used twice in this file — rename one "
                    "(schedules remember which prompts a chat has seen by id)")
            return None
        self.prompt_ids.add(prompt_id)
        return Prompt(prompt_id, text, source, dialogue)


def load_prompts(files: ContentFiles, file: Path, sections: dict[str, str],
                 dialogues: Collection[str]) -> dict[str, PromptSet]:
    """The prompt sets of one locale; a missing file means the locale offers no schedules."""
    if not file.exists():
        return {}
    if file.stat().st_size == 0:
        files.problems.error(Mark(files.shown(file), 1, 1),
                             "the file is empty — add prompt sets or delete it")
        return {}
    return _PromptReader(sections, dialogues, files.problems).read(files.content(file))
