"""Small typed accessors over YAML nodes that record a clear problem instead of raising.

Each accessor returns ``None`` when the value is unusable, after recording where and why, so
the loader can carry on and report every mistake in a file at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dialogues.content.problems import Mark, Problems, did_you_mean
from dialogues.content.yamlsource import Mapping, Node, Scalar, Sequence

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class Reader:
    """Checks shapes of YAML nodes, recording problems in one shared list."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def error(self, mark: Mark, message: str) -> None:
        self.problems.error(mark, message)

    def mapping(
        self,
        node: Node | None,
        what: str,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
    ) -> Mapping | None:
        """A mapping with exactly the allowed keys (any keys when none are named)."""
        if not isinstance(node, Mapping):
            if node is not None:
                self.error(node.mark, f"{what} should be a block of 'key: value' lines")
            return None
        required = tuple(required)
        allowed = (*required, *optional)
        for key, (key_mark, _value) in node.entries.items():
            if allowed and key not in allowed:
                hint = did_you_mean(key, allowed)
                if not hint and what.endswith(" step"):
                    hint = " — is this step's 'kind:' the one you meant?"
                if " " in key.strip() and not hint:
                    hint = (" — it looks like the end of the wording before it: put that whole "
                            "wording in double quotes (a ', ' inside {…} or a ': ' ends a value)")
                self.problems.cause(
                    key_mark,
                    f"unknown key '{key}' in {what}{hint} (allowed here: {', '.join(allowed)})",
                )
        for key in required:
            if key not in node.entries:
                hint = (" with the ids of the sections of the guidelines it draws on, for example: "
                        "source: [intro] (the ids are in content/sections.yaml)"
                        if key == "source" else "")
                self.error(node.mark, f"{what} is missing '{key}:' — add it{hint}")
        return node

    def text(self, node: Node | None, what: str, max_length: int | None = None) -> str | None:
        """Non-empty wording; a list or block where a sentence belongs is reported."""
        if node is None:
            return None
        if not isinstance(node, Scalar):
            self.error(node.mark, f"{what} should be text, not a list or a block")
            return None
        value = node.value.strip()
        if not value:
            self.error(node.mark, f"{what} is empty — write the wording, or remove the key")
            return None
        if max_length is not None and len(value) > max_length:
            self.error(
                node.mark,
                f"{what} is {len(value)} characters; it can be at most {max_length} — shorten it",
            )
        return value

    def identifier(self, node: Node | None, what: str, max_length: int) -> str | None:
        value = self.text(node, what)
        if value is None or node is None:
            return None
        if not ID_PATTERN.match(value):
            suggestion = re.sub(r"[^a-z0-9_]+", "_", value.lower()).strip("_") or "my_id"
            if not suggestion[0].isalpha():
                suggestion = f"x_{suggestion}"
            self.error(
                node.mark,
                f"{what} '{value}' can only use lowercase letters, digits and '_', starting "
                f"with a letter — for example '{suggestion[:max_length]}'",
            )
            return None
        if len(value) > max_length:
            self.error(
                node.mark,
                f"{what} '{value}' is {len(value)} characters; ids can be at most {max_length} "
                "(they travel inside Telegram buttons) — shorten it",
            )
            return None
        return value

    def integer(self, node: Node | None, what: str, low: int, high: int) -> int | None:
        value = self.text(node, what)
        if value is None or node is None:
            return None
        if not value.isdigit() or not low <= int(value) <= high:
            self.error(node.mark, f"{what} should be a whole number from {low} to {high}")
            return None
        return int(value)

    def flag(self, node: Node | None, what: str) -> bool:
        """A yes/no setting; accepts true/false/yes/no in any case."""
        value = self.text(node, what)
        if value is None or node is None:
            return False
        lowered = value.lower()
        if lowered in ("true", "yes"):
            return True
        if lowered not in ("false", "no"):
            self.error(node.mark, f"{what} should be true or false, not '{value}'")
        return False

    def sequence(self, node: Node | None, what: str) -> tuple[Node, ...]:
        if node is None:
            return ()
        if not isinstance(node, Sequence):
            self.error(node.mark, f"{what} should be a list: one item a line, starting with '- '")
            return ()
        return node.items

    def text_list(self, node: Node | None, what: str) -> tuple[str, ...]:
        """A list of words; a single word on its own is accepted as a list of one."""
        if isinstance(node, Scalar):
            value = self.text(node, what)
            return (value,) if value else ()
        values = [self.text(item, what) for item in self.sequence(node, what)]
        return tuple(v for v in values if v)

    def one_of(self, node: Node | None, what: str, choices: Iterable[str]) -> str | None:
        value = self.text(node, what)
        choices = tuple(choices)
        if value is None or node is None:
            return None
        if value not in choices:
            self.error(
                node.mark,
                f"{what} '{value}' is not one of: {', '.join(choices)}"
                f"{did_you_mean(value, choices)}",
            )
            return None
        return value

    def sources(self, node: Node | None, what: str, sections: dict[str, str]) -> tuple[str, ...]:
        """Section ids of the guidelines; unknown ids are reported with the nearest match."""
        if node is None:
            return ()
        ids = self.text_list(node, f"'source' of {what}")
        items = node.items if isinstance(node, Sequence) else (node,)
        for section_id, item in zip(ids, items, strict=False):
            if section_id not in sections:
                self.error(
                    item.mark,
                    f"unknown section id '{section_id}' in 'source' of {what}"
                    f"{did_you_mean(section_id, sections)} (the ids are listed in "
                    "content/sections.yaml)",
                )
        return tuple(i for i in ids if i in sections)
