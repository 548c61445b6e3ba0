"""The content the bot serves: loaded and checked, and limited to approved files when
production demands it (COACHBOT_REQUIRE_APPROVED). Used at start-up and by /reload."""

from __future__ import annotations

from pathlib import Path

from dialogues.content.checks.review import approved_only
from dialogues.content.loader import check_library
from dialogues.content.problems import Problems
from dialogues.model import Library


def load_content(content: Path, require_approved: bool) -> tuple[Library | None, Problems]:
    """The checked library, limited to approved files when production demands it."""
    library, problems = check_library(content)
    if library is not None and require_approved:
        library = approved_only(library, content, problems)
    return library, problems
