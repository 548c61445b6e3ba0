"""Content problems, collected all at once and reported as ``path:line:col: message``.

Writers fix content in batches, so every check adds to a `Problems` list instead of stopping at
the first mistake; the list is sorted by place before it is shown.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
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
    cause: bool = field(default=False, compare=False)  # later findings may follow from it

    def __str__(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.mark}: {prefix}{self.message}"


@dataclass
class Problems:
    """An ordered collection of findings for one load or check."""

    items: list[Problem] = field(default_factory=list)

    def error(self, mark: Mark, message: str) -> None:
        self.items.append(Problem(mark, message, Severity.ERROR))

    def cause(self, mark: Mark, message: str) -> None:
        """An error that usually explains others (a duplicated id, a misspelt key, a file YAML
        cannot read): the report shows it and holds back what it likely caused."""
        self.items.append(Problem(mark, message, Severity.ERROR, cause=True))

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

    def shown(self) -> dict[Problem, int]:
        """The findings a person should read now, each with how many it holds back.

        Like a compiler, a cause comes first: the other findings in its file, and in that
        file's translations when the cause is in English, are counted under the file's first
        cause instead of listed (they usually disappear once it is fixed)."""
        found = sorted(set(self.items))
        causes: dict[tuple[str, ...], Problem] = {}
        english_errors: dict[tuple[str, ...], Problem] = {}
        for problem in found:
            if problem.severity is Severity.ERROR:
                for key in _family(problem.mark.path):
                    if problem.cause:
                        causes.setdefault(key, problem)
                    elif key[0] == "*":
                        english_errors.setdefault(key, problem)
        shown: dict[Problem, int] = {}
        for problem in found:
            first = None if problem.cause else _lookup(causes, problem.mark.path)
            if first is None and problem.severity is Severity.WARNING:
                first = _lookup(english_errors, problem.mark.path)  # a translation waits
            if first is None:
                shown.setdefault(problem, 0)
            else:
                shown[first] = shown.get(first, 0) + 1
        return shown

    def held_back(self) -> int:
        return sum(self.shown().values())

    def report(self, where: Callable[[str], str] = str) -> str:
        """The findings to read now, sorted by file and position, one a line (each passed
        through `where`, which may rewrite its paths); a cause says how many more it holds."""
        lines: list[str] = []
        for problem, held in self.shown().items():
            lines.append(where(str(problem)))
            if held:
                lines.append(f"  …and {held} more caused by this (fix it, then check again)")
        return "\n".join(lines)


def _lookup(found: dict[tuple[str, ...], Problem], path: str) -> Problem | None:
    parts = _own(path)
    return found.get(parts) or found.get(("*", *parts[2:]))


def _own(path: str) -> tuple[str, ...]:
    return tuple(path.split("/"))


def _family(path: str) -> list[tuple[str, ...]]:
    """A file and, for an English one (content/en/x.yaml), the same file in every locale: the
    translation checks compare against it. Locales are matched by position in the path."""
    parts = _own(path)
    if len(parts) > 2 and parts[1] == "en":
        return [parts, ("*", *parts[2:])]
    return [parts]


class ContentError(Exception):
    """Raised when content cannot be loaded; carries every problem found."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        super().__init__(problems.report())


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A " — did you mean 'x'?" suffix when a close match exists, else an empty string."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" — did you mean '{matches[0]}'?" if matches else ""
