"""Every YAML file of a content folder, read once, walked as labelled pieces of wording.

The reviewers' checks (language care, translations, fidelity, review status) are generic over
"content items": anything in any YAML file under ``content/<locale>/``. New kinds of content
(guidance cards, prompts) are covered the day their files appear, with no change here.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dialogues.content.problems import Mark, Problems
from dialogues.content.yamlsource import REVIEW_KEY, Mapping, Node, Scalar, Sequence, parse_yaml

# Values under these keys are ids, settings or search aids, not wording a person reads.
NOT_WORDING = frozenset({
    "id", "kind", "source", "next", "start", "yes", "no", "audience", "related", "dialogue",
    "optional", "min", "max_length", "when", "also_asked", "synonyms", REVIEW_KEY,
})

# Whole files that are search aids (what staff may type, slang included), not wording shown.
SEARCH_AIDS = frozenset({"synonyms.yaml", "out_of_scope.yaml", "unanswered.yaml"})


@dataclass(frozen=True)
class Wording:
    """One piece of wording: its place in the file ('steps/why/text') and its node."""

    path: str
    node: Scalar


def locales(root: Path) -> list[str]:
    """Locale folders (those with a ui.yaml), English first."""
    codes = sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "ui.yaml").exists())
    return sorted(codes, key=lambda code: code != "en")


def shown(root: Path, file: Path) -> str:
    """A file's path as reviewers see it in messages: content/en/ui.yaml."""
    return str(Path(root.name) / file.relative_to(root))


def place(folder: Path) -> str:
    """A folder as a path that opens from the current folder: relative when it is below it,
    else absolute."""
    resolved = folder.resolve()
    try:
        relative = os.path.relpath(resolved)
    except ValueError:  # another drive
        return str(resolved)
    return str(resolved) if relative.startswith("..") else relative


def from_here(root: Path) -> Callable[[str], str]:
    """Rewrites the paths in a message (content/en/ui.yaml) so they open from the current
    folder, wherever the content folder is: the reviewer can paste them into a command."""
    name = root.resolve().name
    base = place(root)
    if base == name:
        return lambda text: text
    pattern = re.compile(rf"(?<![\w/.-]){re.escape(name)}/(?=\w)")
    return lambda text: pattern.sub(lambda _m: base.rstrip(os.sep) + "/" if base != "." else "", text)


class ContentFiles:
    """Reads and parses each content file once per load: the loader, the reviewers' checks, the
    content version and the approval filter all draw on the same parse. A file that cannot be
    read is reported once, then skipped."""

    def __init__(self, root: Path, problems: Problems) -> None:
        self.root = root
        self.problems = problems
        self._bytes: dict[Path, bytes | None] = {}
        self._nodes: dict[Path, Node | None] = {}

    def files(self, code: str) -> list[Path]:
        return sorted((self.root / code).rglob("*.yaml"))

    def shown(self, file: Path) -> str:
        """The file's path as messages show it (content/en/ui.yaml)."""
        try:
            return shown(self.root, file)
        except ValueError:
            return str(file)

    def node(self, file: Path) -> Node | None:
        """The file's top node, including its review block; None when it cannot be read."""
        if file not in self._nodes:
            data = self._read(file)
            self._nodes[file] = None if data is None else parse_yaml(
                data, self.problems, self.shown(file), with_review=True)
        return self._nodes[file]

    def text(self, file: Path) -> str:
        """The file's text for locating findings by line ("" when it cannot be read or
        decoded: `node` has reported that already)."""
        return (self._read(file) or b"").decode("utf-8", errors="replace")

    def content(self, file: Path) -> Node | None:
        """The file's top node without its review block: what the loaders read."""
        node = self.node(file)
        if isinstance(node, Mapping) and REVIEW_KEY in node.entries:
            return Mapping({k: v for k, v in node.entries.items() if k != REVIEW_KEY}, node.mark)
        return node

    def version(self) -> str:
        """A short digest of every YAML file's name and bytes: sessions note the content they
        started under."""
        digest = hashlib.sha256()
        for file in sorted(self.root.rglob("*.yaml")):
            digest.update(str(file.relative_to(self.root)).encode())
            digest.update(self._read(file) or b"")
        return digest.hexdigest()[:12]

    def _read(self, file: Path) -> bytes | None:
        """The file's bytes, or None (reported once, as `file:1:1: message`) when the file
        system refuses: a folder named like a file, a broken link, no permission to read."""
        if file not in self._bytes:
            try:
                self._bytes[file] = file.read_bytes()
            except OSError as error:
                self.problems.error(Mark(self.shown(file), 1, 1), unreadable(file, error))
                self._bytes[file] = None
        return self._bytes[file]

    def wording(self, file: Path) -> dict[str, Wording]:
        """Every piece of wording in the file, keyed by its place."""
        found: dict[str, Wording] = {}
        node = None if file.name in SEARCH_AIDS else self.node(file)
        if node is not None:
            for path, scalar in walk(node):
                found[path] = Wording(path, scalar)  # type: ignore[arg-type]
        return found


def unreadable(file: Path, error: OSError) -> str:
    """Why a content file could not be read, and what to do about it."""
    if isinstance(error, IsADirectoryError):
        return "this is a folder, not a file — rename the folder or move it out of the content"
    if isinstance(error, PermissionError):
        what = "folder" if file.is_dir() else "file"
        return f"the bot may not read this {what} — give it read permission (chmod -R a+rX)"
    if isinstance(error, FileNotFoundError):
        return "this file is gone or is a broken link — restore it or remove the link"
    return f"the file could not be read ({error.strerror or type(error).__name__}) — check the disk"


def walk(node: Node, path: tuple[str, ...] = (),
         is_item: Callable[[Node], bool] | None = None) -> Iterator[tuple[str, Scalar | Mapping]]:
    """Every piece of wording in file order, labelled by its place ('steps/why/text'), the
    one labelling the translation check and the studio share; with `is_item`, also each list
    entry it accepts (a step, a card), just before that entry's wording."""
    if isinstance(node, Scalar):
        if path:
            yield "/".join(path), node
    elif isinstance(node, Mapping):
        for key, (_mark, value) in node.entries.items():
            if key not in NOT_WORDING:
                yield from walk(value, (*path, key), is_item)
    else:
        for index, item in enumerate(node.items, start=1):
            label = item_label(item, index)
            if is_item is not None and is_item(item):
                yield "/".join((*path, label)), item  # type: ignore[misc]
            yield from walk(item, (*path, label), is_item)


def item_label(item: Node, index: int) -> str:
    """A list item is named by its id when it has one (stable when items move), else by number."""
    if isinstance(item, Mapping) and isinstance(item.get("id"), Scalar):
        return item.get("id").value.strip()  # type: ignore[union-attr]
    return str(index)


def items(node: Node) -> Iterator[Mapping]:
    """Every block with an `id` (a dialogue, step, option, card, prompt...), depth first."""
    if isinstance(node, Mapping):
        if isinstance(node.get("id"), Scalar):
            yield node
        for _mark, value in node.entries.values():
            yield from items(value)
    elif isinstance(node, Sequence):
        for item in node.items:
            yield from items(item)


def with_english(translated: Node | None, english: Node | None) -> Node | None:
    """A translation with any wording it leaves out taken from the English file, so an
    untranslated label shows in English (the translation check warns about it) instead of
    stopping the bot. Only wording is borrowed, never ids, kinds or branches; list items are
    matched by id."""
    if isinstance(translated, Mapping) and isinstance(english, Mapping):
        entries = {key: (mark, with_english(value, english.get(key)))
                   for key, (mark, value) in translated.entries.items()}
        for key, (mark, value) in english.entries.items():
            if key not in entries and key not in NOT_WORDING:
                entries[key] = (mark, value)
        return Mapping(entries, translated.mark)
    if isinstance(translated, Sequence) and isinstance(english, Sequence):
        by_id = {item_label(item, 0): item for item in english.items
                 if isinstance(item, Mapping) and isinstance(item.get("id"), Scalar)}
        return Sequence(tuple(with_english(item, by_id.get(item_label(item, 0)))
                              if isinstance(item, Mapping) else item
                              for item in translated.items), translated.mark)
    return translated
