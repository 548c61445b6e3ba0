"""Read YAML as plain text nodes that remember where they came from.

YAML 1.1 silently turns ``Yes``, ``No``, ``On`` and ``1.10`` into booleans and numbers; in
human wording that is always a bug. We only *compose* the YAML (never construct Python
values), so every scalar stays the exact text the writer typed, and every node keeps its
line and column for error messages. Duplicate keys and tabs are rejected here.

A file may carry a top-level ``review:`` block (who approved its wording, and when). It is about
the file, not part of the content, so `read_yaml` leaves it out unless asked for it: every
loader accepts it without knowing about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from dialogues.content.problems import Mark, Problems


@dataclass(frozen=True)
class Scalar:
    value: str
    mark: Mark


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]
    mark: Mark


@dataclass(frozen=True)
class Mapping:
    """A YAML mapping: key text -> (where the key is, the value node)."""

    entries: dict[str, tuple[Mark, Node]]
    mark: Mark

    def get(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return entry[1] if entry else None

    def key_mark(self, key: str) -> Mark:
        entry = self.entries.get(key)
        return entry[0] if entry else self.mark


Node = Scalar | Sequence | Mapping

# PyYAML's wording, turned into advice for someone who has never read a YAML spec.
_PARSER_ADVICE = {
    "mapping values are not allowed here": (
        "a ': ' (colon and space) in the middle of a value — put the whole value in double "
        "quotes, or check that this line is indented like the lines above it"
    ),
    "could not find expected ':'": (
        "this line should look like 'key: value' — check for a missing colon, or an "
        "unclosed quote on an earlier line"
    ),
    "did not find expected key": (
        "the indentation here does not line up with the lines above — indent items of the "
        "same list or block by the same number of spaces"
    ),
    "did not find expected '-' indicator": (
        "this line breaks a list — every item of a list starts with '- ' at the same indentation"
    ),
    "found character that cannot start any token": (
        "a value starts with a character YAML reserves (such as ` @ % or a tab) — put the "
        "value in double quotes"
    ),
    "found undefined alias": "'*' starts a YAML alias — put the value in double quotes",
    "found unexpected end of stream": "a quote was opened and never closed — add the closing quote",
    "found unknown escape character": (
        "a backslash inside double quotes — use single quotes, or write two backslashes"
    ),
    "expected <block end>, but found '<block mapping start>'": (
        "this line is indented more than the lines above it — line it up with its siblings"
    ),
    "expected <block end>, but found '-'": (
        "this list item is not indented like the items around it — line it up with its siblings"
    ),
    "expected <block end>, but found": (
        "this line is not indented like the lines around it — line it up, with spaces, with the "
        "other lines of the same block (for example the 'id:' line just above)"
    ),
}


def _mark(path: str, node_mark: yaml.Mark) -> Mark:
    return Mark(path, node_mark.line + 1, node_mark.column + 1)


def _explain(error: yaml.MarkedYAMLError) -> str:
    problem = (error.problem or str(error)).strip()
    for known, advice in _PARSER_ADVICE.items():
        if problem.startswith(known) or known in problem:
            return advice
    context = f" ({error.context})" if error.context else ""
    return f"YAML could not read this: {problem}{context} — check the indentation and quotes"


def _report_tabs(text: str, path: str, problems: Problems) -> bool:
    found = False
    for number, line in enumerate(text.splitlines(), start=1):
        column = line.find("\t")
        if column >= 0:
            found = True
            problems.cause(
                Mark(path, number, column + 1),
                "a tab character — YAML needs spaces: replace the tab with spaces "
                "(two for each level of indentation)",
            )
    return found


def _convert(node: yaml.Node, path: str, problems: Problems) -> Node:
    mark = _mark(path, node.start_mark)
    if isinstance(node, yaml.ScalarNode):
        return Scalar(str(node.value), mark)
    if isinstance(node, yaml.SequenceNode):
        return Sequence(tuple(_convert(item, path, problems) for item in node.value), mark)
    assert isinstance(node, yaml.MappingNode)
    entries: dict[str, tuple[Mark, Node]] = {}
    for key_node, value_node in node.value:
        key_mark = _mark(path, key_node.start_mark)
        if not isinstance(key_node, yaml.ScalarNode):
            problems.error(key_mark, "a key must be a plain word, such as 'text:'")
            continue
        key = str(key_node.value)
        if key in entries:
            first = entries[key][0]
            problems.cause(
                key_mark,
                f"'{key}' appears twice in the same block (first on line {first.line}) — "
                "keep one and delete the other",
            )
            continue
        entries[key] = (key_mark, _convert(value_node, path, problems))
    return Mapping(entries, mark)


REVIEW_KEY = "review"


def _compose(text: str) -> yaml.Node | None:
    """Compose with libyaml when present (about ten times faster: the checks read every file at
    each start and reload); on a mistake, parse again in Python, whose messages we explain."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def read_yaml(file: Path, problems: Problems, shown_as: str | None = None,
              with_review: bool = False) -> Node | None:
    """Parse one YAML file into text nodes; on failure record why and return None."""
    return parse_yaml(file.read_bytes(), problems, shown_as or str(file), with_review)


def parse_yaml(data: bytes, problems: Problems, path: str, with_review: bool = False) -> Node | None:
    """Parse a YAML file's bytes (read once by the caller) into text nodes, as `read_yaml`."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.error(
            Mark(path, 1, 1),
            f"the file is not UTF-8 text (byte {error.start}) — save it as UTF-8",
        )
        return None
    if _report_tabs(text, path, problems):
        return None
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as error:
        where = error.problem_mark or error.context_mark
        mark = _mark(path, where) if where else Mark(path, 1, 1)
        problems.cause(mark, _explain(error))
        return None
    except yaml.YAMLError as error:
        problems.error(Mark(path, 1, 1), f"YAML could not read this file: {error}")
        return None
    if root is None:
        problems.error(Mark(path, 1, 1), "the file is empty — add its content or delete it")
        return None
    node = _convert(root, path, problems)
    if not with_review and isinstance(node, Mapping) and REVIEW_KEY in node.entries:
        entries = {k: v for k, v in node.entries.items() if k != REVIEW_KEY}
        return Mapping(entries, node.mark)
    return node
