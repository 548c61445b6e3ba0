"""The five lines /privacy shows, read from ``content/<locale>/privacy.yaml`` and checked.

Five short lines is a promise made to people using the bot; the check holds reviewers to it
(exactly five, each short enough to read at a glance, each grounded in cited sections).
"""

from __future__ import annotations

from pathlib import Path

from dialogues.content.files import ContentFiles
from dialogues.content.problems import Mark
from dialogues.content.schema import Reader

LINES = 5
LINE_MAX = 200


def load_privacy_notice(files: ContentFiles, file: Path,
                        sections: dict[str, str]) -> tuple[str, ...]:
    """The notice's lines, or () after recording every problem found."""
    if not file.exists():
        files.problems.error(Mark(files.shown(file)),
                             f"missing: write the {LINES} lines /privacy shows here")
        return ()
    reader = Reader(files.problems)
    top = reader.mapping(files.content(file), "privacy.yaml", ("source", "lines"))
    if top is None:
        return ()
    reader.sources(top.get("source"), "the privacy notice", sections)
    items = reader.sequence(top.get("lines"), "'lines'")
    lines = tuple(line for item in items
                  if (line := reader.text(item, "a line of the privacy notice", LINE_MAX)))
    lines_node = top.get("lines")
    if lines_node is not None and len(items) != LINES:
        reader.error(lines_node.mark, f"the privacy notice has {len(items)} lines; it should have "
                                      f"exactly {LINES} — merge or split lines")
    return lines
