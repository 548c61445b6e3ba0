"""Saving from the page without breaking the bot: change one text (or a file's review block)
in its YAML file, check the result as `coachbot check --strict` would, and write only if the
change adds no problem.

`ruamel.yaml` reads and writes the file round-trip, so comments, key order, quoting and layout
stay as they were and the file's diff is the changed text alone. The check runs on a copy of
the content folder with the change applied; the real file is replaced atomically afterwards,
so the bot's /reload never sees a half-written file.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import ScalarString

from bot.studio.content import STATUSES, Library, Problem, Problems, Severity, load, shown

REVIEW_KEY = "review"


class Refused(Exception):
    """A save that was not written, with the reason in words for the page."""

    def __init__(self, reason: str, problems: list[Problem] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problems = problems or []


@dataclass(frozen=True)
class Saved:
    """A written change: the content as it is now, and what the change made stale elsewhere
    (translations of an English text that changed), which is shown, not refused."""

    library: Library | None
    problems: Problems
    elsewhere: list[Problem] = field(default_factory=list)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never re-wrap a line
    yaml.indent(mapping=2, sequence=4, offset=2)  # the content's own layout
    return yaml


class Editor:
    """Applies changes to one content folder, one at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._one_at_a_time = threading.Lock()

    def file(self, code: str, relative: str) -> Path:
        """The content file `relative` of locale `code`; refuses anything outside the folder."""
        folder = (self.root / code).resolve()
        file = (folder / relative).resolve()
        if folder.parent != self.root or folder not in file.parents or file.suffix != ".yaml":
            raise Refused(f"'{code}/{relative}' is not a content file.")
        return file

    def set_text(self, code: str, relative: str, path: str, was: str, text: str,
                 baseline: Problems) -> Saved:
        """Replace the wording at `path` ('steps/why/text'), which the page showed as `was`."""
        with self._one_at_a_time:
            file = self.file(code, relative)
            yaml, data = self._read(file)
            parent, key = _locate(data, path, file)
            old = parent[key]
            if not isinstance(old, str):
                raise Refused(f"'{path}' in {self._shown(file)} is not a piece of wording.")
            if " ".join(str(old).split()) != " ".join(was.split()):
                raise Refused(f"'{path}' changed in {self._shown(file)} since this page was "
                              "loaded — reload the page to see the current text, then edit again.")
            parent[key] = _like(old, text)
            return self._write(file, _dump(yaml, data), baseline)

    def set_review(self, code: str, relative: str, status: str, by: str, date: str,
                   baseline: Problems) -> Saved:
        """Write the file's `review:` block (status, and who approved it and when)."""
        if status not in STATUSES:
            raise Refused(f"'{status}' is not a review status — use one of: {', '.join(STATUSES)}.")
        with self._one_at_a_time:
            file = self.file(code, relative)
            yaml, data = self._read(file)
            if not isinstance(data, CommentedMap):
                raise Refused(f"{self._shown(file)} has no place for a review block.")
            block = CommentedMap(status=status)
            if by.strip():
                block["by"] = by.strip()
            if date.strip():
                block["date"] = date.strip()
            block.fa.set_flow_style()
            if REVIEW_KEY in data:
                data[REVIEW_KEY] = block
            else:
                data.insert(0, REVIEW_KEY, block)
            return self._write(file, _dump(yaml, data), baseline)

    def _read(self, file: Path) -> tuple[YAML, Any]:
        if not file.is_file():
            raise Refused(f"{self._shown(file)} does not exist.")
        text = file.read_text(encoding="utf-8")
        yaml = _yaml()
        try:
            data = yaml.load(text)
        except YAMLError as error:
            raise Refused(f"{self._shown(file)} cannot be read as YAML ({error.__class__.__name__})"
                          " — fix it with `coachbot check` first.") from error
        if _dump(yaml, data) != text:
            raise Refused(f"The studio cannot keep the exact layout of {self._shown(file)}, so it "
                          "does not edit it — change it in a text editor.")
        return yaml, data

    def _write(self, file: Path, text: str, baseline: Problems) -> Saved:
        library, problems = self._check_copy(file, text)
        added = _added(baseline, problems)
        here = self._shown(file)
        blocking = [p for p in added if p.severity is Severity.ERROR or p.mark.path == here]
        if blocking:
            raise Refused("Not saved: this change would add a problem (nothing was written).",
                          blocking)
        _replace(file, text)
        return Saved(library, problems, [p for p in added if p not in blocking])

    def _check_copy(self, file: Path, text: str) -> tuple[Library | None, Problems]:
        """Check the content with the change applied, on a copy with the same folder name (so
        every message names the real file, and the library is the one the folder now holds)."""
        with tempfile.TemporaryDirectory(prefix="coachbot-studio-") as scratch:
            copy = Path(scratch) / self.root.name
            shutil.copytree(self.root, copy, ignore=shutil.ignore_patterns("*.md"))
            (copy / file.relative_to(self.root)).write_text(text, encoding="utf-8")
            return load(copy)

    def _shown(self, file: Path) -> str:
        return shown(self.root, file)


def _locate(data: Any, path: str, file: Path) -> tuple[Any, Any]:
    """The container and key of the wording at `path`; list items are named by id or number."""
    parts = path.split("/")
    node = data
    for depth, part in enumerate(parts):
        if isinstance(node, CommentedMap) and part in node:
            key: Any = part
        elif isinstance(node, CommentedSeq):
            key = next((i for i, item in enumerate(node)
                        if isinstance(item, CommentedMap) and str(item.get("id", "")).strip() == part),
                       None)
            if key is None and part.isdigit() and 0 < int(part) <= len(node):
                key = int(part) - 1
        else:
            key = None
        if key is None:
            raise Refused(f"There is no '{'/'.join(parts[:depth + 1])}' in {file.name} any more — "
                          "reload the page.")
        if depth == len(parts) - 1:
            return node, key
        node = node[key]
    raise Refused("No place was named.")


def _like(old: str, text: str) -> str:
    """The new text in the old one's style (a `|` block stays a block, quotes stay quotes)."""
    if isinstance(old, ScalarString):
        if old.endswith("\n") and not text.endswith("\n"):
            text += "\n"
        return type(old)(text)
    return text


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _key(problem: Problem) -> tuple[str, str, str]:
    """A finding without its line: a change that moves lines does not make old findings new."""
    return (problem.mark.path, problem.severity.value, problem.message)


def _added(before: Problems, after: Problems) -> list[Problem]:
    """Findings of `after` that `before` did not have (counted, so a second copy is new)."""
    left = Counter(_key(p) for p in set(before.items))
    added = []
    for problem in sorted(set(after.items)):
        if left[_key(problem)] > 0:
            left[_key(problem)] -= 1
        else:
            added.append(problem)
    return added


def _replace(file: Path, text: str) -> None:
    """Write beside the file, then rename over it: readers see the old file or the new one."""
    handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, file.stat().st_mode & 0o777)
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
