"""What the studio's pages show: every content file as rows of items and wording, with the
problems `coachbot check --strict` reports placed beside the row they name.

Built from the YAML nodes (which keep their line and column), not from the loaded library, so
the page still opens, and shows the errors in place, when the content has errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.studio.content import (
    SEARCH_AIDS,
    ContentFiles,
    Mapping,
    Node,
    Problem,
    Problems,
    Scalar,
    Sequence,
    Severity,
    check_reviews,
    fingerprint,
    load_sections,
    locales,
    read_lock,
    shown,
    walk,
)

ENGLISH = "en"
ITEM_KEYS = ("source", "kind", "prompts")  # what sets a step, card, prompt or set apart
TOPICS = (("dialogues", "dialogue"), ("guidance", "guidance"), ("prompts.yaml", "prompts"),
          ("ui.yaml", "ui"), ("privacy.yaml", "privacy"))
GROUP_TITLES = {"guidance": "Guidance cards", "prompts": "Scheduled prompts",
                "ui": "Interface strings and notices"}


@dataclass(frozen=True)
class Place:
    """One row of a file's page: an item (a block with an id) or a piece of wording."""

    line: int
    row: dict[str, Any]


def problem_json(problem: Problem) -> dict[str, Any]:
    """A finding in the words the check prints, and where it is."""
    return {"where": str(problem.mark), "path": problem.mark.path, "line": problem.mark.line,
            "severity": problem.severity.value, "message": problem.message, "text": str(problem)}


class Catalog:
    """The content folder as the studio shows it; rebuilt after every save."""

    def __init__(self, root: Path, problems: Problems) -> None:
        self.root = root.resolve()
        self.problems = sorted(set(problems.items))
        self.files = ContentFiles(self.root, Problems())
        self.codes = locales(self.root)
        self.sections = load_sections(self.files)  # read as the loader reads them
        self.reviews = {r.path: r for r in check_reviews(self.files, Problems())}

    # --- the menu ----------------------------------------------------------------------------

    def entries(self) -> list[dict[str, Any]]:
        """Groups of entries in the order the bot's menu uses (dialogues by audience, then
        guidance topics, prompts, interface strings)."""
        english = self.root / ENGLISH
        groups: dict[str, list[dict[str, Any]]] = {}
        dialogues = []
        for file in sorted((english / "dialogues").glob("*.yaml")):
            top = self.files.node(file)
            audience = _text(top, "audience") or "frontline"
            dialogues.append((audience, _text(top, "title") or file.stem, file))
        ui = self.files.node(english / "ui.yaml")
        for audience, title, file in sorted(dialogues):
            heading = _text(ui, f"menu_group_{audience}") or audience
            groups.setdefault(heading.rstrip(":"), []).append(self._entry(file, title))
        for file in sorted((english / "guidance").glob("*.yaml")):
            groups.setdefault(GROUP_TITLES["guidance"], []).append(
                self._entry(file, _topic(file)))
        groups.setdefault(GROUP_TITLES["prompts"], []).append(
            self._entry(english / "prompts.yaml", "Reflection prompts"))
        for name, title in (("ui.yaml", "Buttons and messages"), ("privacy.yaml", "/privacy")):
            groups.setdefault(GROUP_TITLES["ui"], []).append(self._entry(english / name, title))
        return [{"title": title, "entries": entries} for title, entries in groups.items()]

    def _entry(self, file: Path, title: str) -> dict[str, Any]:
        relative = str(file.relative_to(self.root / ENGLISH))
        paths = {shown(self.root, self.root / code / relative) for code in self.codes}
        found = [p for p in self.problems if p.mark.path in paths]
        return {"id": relative, "title": title, "file": shown(self.root, file),
                "errors": sum(p.severity is Severity.ERROR for p in found),
                "warnings": sum(p.severity is Severity.WARNING for p in found)}

    # --- one file's page ---------------------------------------------------------------------

    def page(self, relative: str) -> dict[str, Any] | None:
        """Everything about one English file and its translations; None if there is no such file."""
        english = self._file(ENGLISH, relative)
        if english is None:
            return None
        top = self.files.node(english)
        translations = {code: self.root / code / relative for code in self.codes if code != ENGLISH}
        rows = self._rows(top, translations) if top is not None else []
        by_file = {shown(self.root, english): ENGLISH,
                   **{shown(self.root, f): c for c, f in translations.items()}}
        loose = self._place_problems(rows, by_file)
        return {
            "id": relative, "file": shown(self.root, english),
            "kind": next((kind for prefix, kind in TOPICS if relative.startswith(prefix)), "other"),
            "dialogue": _text(top, "id") if relative.startswith("dialogues/") else None,
            "title": _text(top, "title") or relative,
            "locales": self.codes,
            "files": {code: {"file": path, "exists": (self.root / code / relative).is_file(),
                             **self._review(path)} for path, code in by_file.items()},
            "rows": [place.row for place in rows],
            "problems": [problem_json(p) for p in loose],
        }

    def _file(self, code: str, relative: str) -> Path | None:
        """The content file `relative` under locale `code`, refusing paths that leave it."""
        folder = (self.root / code).resolve()
        file = (folder / relative).resolve()
        if folder not in file.parents or file.suffix != ".yaml" or not file.is_file():
            return None
        if file.name in SEARCH_AIDS:
            return None
        return file

    def _review(self, path: str) -> dict[str, str]:
        review = self.reviews.get(path)
        if review is None:
            return {"status": "draft", "by": "", "date": ""}
        return {"status": review.status, "by": review.by, "date": review.date}

    def _rows(self, top: Node, translations: dict[str, Path]) -> list[Place]:
        rows: list[Place] = []
        others: dict[str, dict[str, Scalar]] = {}
        locks: dict[str, dict[str, str]] = {}
        for code, file in translations.items():
            node = self.files.node(file) if file.exists() else None
            others[code] = dict(_wording(node)) if node is not None else {}
            locks[code] = read_lock(file) if file.exists() else {}
        if isinstance(top, Mapping) and isinstance(top.get("id"), Scalar):
            rows.append(self._item(top, "", 0))
        item = ""
        for path, node in walk(top, (), _is_item):
            if isinstance(node, Mapping):
                rows.append(self._item(node, path, path.count("/") // 2 + 1))
                item = path
                continue
            inside = path.removeprefix(f"{item}/") if item and path.startswith(f"{item}/") else path
            row: dict[str, Any] = {"type": "text", "path": path, "label": inside.replace("/", " > "),
                                   "en": _scalar(node), "translations": {}, "problems": []}
            for code, file in translations.items():
                row["translations"][code] = _translation(
                    path, node, others[code].get(path), locks[code], file.exists())
            rows.append(Place(node.mark.line, row))
        return rows

    def _item(self, node: Mapping, path: str, depth: int) -> Place:
        item_id = node.get("id").value.strip()  # type: ignore[union-attr]
        source = node.get("source")
        cited = (source.items if isinstance(source, Sequence)
                 else (source,) if isinstance(source, Scalar) else ())
        sources = [{"id": s.value.strip(), "title": self.sections.get(s.value.strip(), "")}
                   for s in cited if isinstance(s, Scalar)]
        step = path.split("/")[1] if path.startswith("steps/") and path.count("/") == 1 else None
        return Place(node.mark.line, {
            "type": "item", "id": item_id, "path": path, "kind": _text(node, "kind") or "",
            "title": _text(node, "title") or "", "line": node.mark.line, "depth": depth,
            "sources": sources, "step": step, "problems": []})

    def _place_problems(self, rows: list[Place], by_file: dict[str, str]) -> list[Problem]:
        """Put each problem beside the last row that starts at or before its line; return the
        ones about the file as a whole."""
        loose: list[Problem] = []
        starts: dict[str, list[tuple[int, dict[str, Any]]]] = {code: [] for code in by_file.values()}
        for place in rows:
            row = place.row
            starts[ENGLISH].append((place.line, row))
            for code, other in row.get("translations", {}).items():
                if other.get("line"):
                    starts[code].append((other["line"], row))
        for code in starts:
            starts[code].sort(key=lambda pair: pair[0])
        for problem in self.problems:
            code = by_file.get(problem.mark.path)
            if code is None:
                continue
            before = [row for line, row in starts[code] if 0 < line <= problem.mark.line]
            if not before:
                loose.append(problem)
                continue
            before[-1]["problems"].append({**problem_json(problem), "locale": code})
        return loose

def _topic(file: Path) -> str:
    """A guidance file's topic as its opening comment names it ("Human trafficking intervention
    courts (HTICs): ..."), else its file name."""
    with file.open(encoding="utf-8") as lines:
        first = lines.readline()
    topic, colon, _rest = first.lstrip("# ").partition(": ")
    if first.startswith("#") and colon and len(topic) <= 60:
        return topic.strip()
    return file.stem.replace("_", " ").capitalize()


def _text(node: Node | None, key: str) -> str | None:
    value = node.get(key) if isinstance(node, Mapping) else None
    return value.value.strip() if isinstance(value, Scalar) else None


def _is_item(node: Node) -> bool:
    """A step, card, prompt or prompt set; an option or a note belongs to the item around it."""
    return (isinstance(node, Mapping) and isinstance(node.get("id"), Scalar)
            and any(key in node.entries for key in ITEM_KEYS))


def _wording(node: Node) -> Iterator[tuple[str, Scalar]]:
    return ((p, n) for p, n in walk(node) if isinstance(n, Scalar))


def _scalar(node: Scalar) -> dict[str, Any]:
    return {"text": node.value, "line": node.mark.line, "column": node.mark.column}


def _translation(path: str, english: Scalar, other: Scalar | None, lock: dict[str, str],
                 file_exists: bool) -> dict[str, Any]:
    """The translated text and its state: current, stale (the English changed after it was
    translated), unrecorded (no record of the English it came from), missing, or untranslated
    (the locale has no such file, so the bot shows the English)."""
    if not file_exists:
        return {"status": "untranslated", "text": "", "line": 0}
    if other is None:
        return {"status": "missing", "text": "", "line": 0}
    recorded = lock.get(path)
    status = ("current" if recorded == fingerprint(english.value)
              else "unrecorded" if recorded is None else "stale")
    return {"text": other.value, "line": other.mark.line, "column": other.mark.column,
            "status": status}
