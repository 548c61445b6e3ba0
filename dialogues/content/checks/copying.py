"""Copied wording: runs of words that the content shares with the guidelines text.

The coach must say what the guidelines say in its own words (reviewers compare meaning, and
long verbatim runs read as quotation without quotation marks). A run is found by comparing
word shingles: `RUN` consecutive words, lower-cased, punctuation stripped. Titles and proper
names listed in content/allowed_quotes.yaml (the guidelines' own title, names of laws and
agencies) may be repeated word for word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dialogues.content.files import ContentFiles, locales
from dialogues.content.problems import Problems
from dialogues.content.yamlsource import Mapping, Scalar, Sequence, read_yaml

RUN = 10
ALLOWED_FILE = "allowed_quotes.yaml"
_WORD = re.compile(r"[a-z0-9áéíóúüñ]+(?:'[a-z0-9áéíóúüñ]+)*")

Shingle = tuple[str, ...]


@dataclass(frozen=True)
class CopiedRun:
    """One run of shared words in one piece of wording."""

    file: str
    path: str
    words: str


def words(text: str) -> list[str]:
    """Lower-case words without punctuation; curly apostrophes count as straight ones."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def shingles(text: str, size: int = RUN) -> set[Shingle]:
    found = words(text)
    return {tuple(found[i:i + size]) for i in range(len(found) - size + 1)}


def load_allowed(root: Path) -> list[str]:
    """The reviewers' list of titles and names that may be repeated exactly."""
    file = root / ALLOWED_FILE
    if not file.exists():
        return []
    top = read_yaml(file, Problems(), ALLOWED_FILE)
    listed = top.get("allowed") if isinstance(top, Mapping) else None
    if not isinstance(listed, Sequence):
        return []
    return [item.value for item in listed.items if isinstance(item, Scalar)]


def copied_runs(files: ContentFiles, guidelines: str, allowed: Iterable[str] = (),
                size: int = RUN) -> list[CopiedRun]:
    """Every maximal run of `size` or more words shared with the guidelines, in every locale."""
    shared = shingles(guidelines, size)
    for phrase in allowed:
        shared -= shingles(phrase, size)
    runs: list[CopiedRun] = []
    for code in locales(files.root):
        for file in files.files(code):
            shown = str(file.relative_to(files.root.parent))
            for place, wording in files.wording(file).items():
                runs.extend(CopiedRun(shown, place, run)
                            for run in _runs(words(wording.node.value), shared, size))
    return runs


def _runs(found: list[str], shared: set[Shingle], size: int) -> list[str]:
    """Overlapping shared shingles merged into the longest runs they form."""
    starts = [i for i in range(len(found) - size + 1) if tuple(found[i:i + size]) in shared]
    runs: list[str] = []
    while starts:
        first = last = starts.pop(0)
        while starts and starts[0] <= last + 1:
            last = starts.pop(0)
        runs.append(" ".join(found[first:last + size]))
    return runs
