"""The five lines /privacy shows, read from ``content/<locale>/privacy.yaml`` and checked.

Five short lines is a promise made to people using the bot; the check holds reviewers to it
(exactly five, each short enough to read at a glance, each grounded in cited sections).
"""

from __future__ import annotations

from pathlib import Path

from dialogues.problems import Mark, Problems
from dialogues.schema import Reader
from dialogues.yamlsource import read_yaml

LINES = 5
LINE_MAX = 200


def load_privacy_notice(file: Path, shown: str, sections: dict[str, str],
                        problems: Problems) -> tuple[str, ...]:
    """The notice's lines, or () after recording every problem found."""
    if not file.exists():
        problems.error(Mark(shown), f"missing: write the {LINES} lines /privacy shows here")
        return ()
    reader = Reader(problems)
    top = reader.mapping(read_yaml(file, problems, shown), "privacy.yaml", ("source", "lines"))
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
