"""The braces of summary templates: a field is `{…}`; any other brace is a mistake.

Kept apart from `dialogues.templates` so the loader can check wording without importing the
steps that the templates fill in.
"""

from __future__ import annotations

import re

FIELD = re.compile(r"\{([^{}]*)\}")


def stray_brace(text: str) -> int | None:
    """Where a `{` or `}` belongs to no field (an unclosed `{answer:why`), else None: left in,
    it would show the raw template to the person instead of their answer."""
    rest = FIELD.sub(lambda m: " " * len(m.group(0)), text)
    found = [i for i in (rest.find("{"), rest.find("}")) if i >= 0]
    return min(found) if found else None
