"""The reviewers' checks, run after the loader on the whole content folder.

`check_files` runs them over the files a load already read (from `check_library`); `run_checks`
reads a folder for them on its own. Language care and translations give warnings, fidelity and
review blocks give errors, all in `path:line:col` form.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dialogues.content.checks.fidelity import check_fidelity
from dialogues.content.checks.language import check_language
from dialogues.content.checks.review import Review, check_reviews
from dialogues.content.checks.translations import Coverage, check_translations
from dialogues.content.files import ContentFiles
from dialogues.content.problems import Problems


@dataclass(frozen=True)
class Report:
    """What the check prints after the problems: translation coverage and review status."""

    coverage: list[Coverage]
    reviews: list[Review]


def run_checks(root: Path, sections: dict[str, str], problems: Problems) -> Report:
    """Add every reviewer-facing finding about `root` to `problems`."""
    return check_files(ContentFiles(Path(root), problems), sections)


def check_files(files: ContentFiles, sections: dict[str, str]) -> Report:
    """The reviewers' checks over files already read (the loader's own parse, in a load)."""
    problems = files.problems
    check_language(files, problems)
    check_fidelity(files, sections, problems)
    coverage = check_translations(files, problems)
    return Report(coverage, check_reviews(files, problems))


__all__ = ["Report", "check_files", "run_checks"]
