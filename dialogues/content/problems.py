"""Content problems, collected all at once and reported as ``path:line:col: message``.

Writers fix content in batches, so every check adds to a `Problems` list instead of stopping at
the first mistake; the list is sorted by place before it is shown.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True, order=True)
class Mark:
    """A place in a content file (line and column start at 1, as editors show them)."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.column}"


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: where it is, what is wrong and what to write instead."""

    mark: Mark
    message: str
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def __str__(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.mark}: {prefix}{self.message}"


@dataclass
class Problems:
    """An ordered collection of findings for one load or check."""

    items: list[Problem] = field(default_factory=list)

    def error(self, mark: Mark, message: str) -> None:
        self.items.append(Problem(mark, message, Severity.ERROR))

    def warning(self, mark: Mark, message: str) -> None:
        self.items.append(Problem(mark, message, Severity.WARNING))

    @property
    def errors(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity is Severity.WARNING)

    def __bool__(self) -> bool:
        return bool(self.items)

    def report(self) -> str:
        """All findings, sorted by file and position, one a line."""
        return "\n".join(str(p) for p in sorted(set(self.items)))


class ContentError(Exception):
    """Raised when content cannot be loaded; carries every problem found."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        super().__init__(problems.report())


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A " — did you mean 'x'?" suffix when a close match exists, else an empty string."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" — did you mean '{matches[0]}'?" if matches else ""
