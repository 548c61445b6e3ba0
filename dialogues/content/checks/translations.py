"""Translations: what each locale is missing, and what changed in English since it was translated.

Each translated file has a lock file beside it (``dialogues/self_reflection.lock`` next to
``dialogues/self_reflection.yaml``) holding, for each piece of wording, a fingerprint of the
English it was translated from — as Yarn Spinner's "lock" column does. When the English
changes, the fingerprint no longer matches and the check says which translation to revisit.
`coachbot translated <file>` records the fingerprints once a translation is up to date.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from dialogues.content.files import ContentFiles, Wording, locales, shown
from dialogues.content.problems import Problems, did_you_mean

LOCK_SUFFIX = ".lock"
LOCK_HEADER = (
    "# Written by `coachbot translated`: a fingerprint of the English each translation was made\n"
    "# from. Do not edit by hand; the check uses it to tell you when the English has changed.\n"
)


@dataclass(frozen=True)
class Coverage:
    """How much of the English one locale has, translated and still current, and which English
    files it has no translation of at all (shown in English meanwhile)."""

    code: str
    current: int
    total: int
    untranslated: tuple[str, ...] = ()

    def __str__(self) -> str:
        share = 100 * self.current // self.total if self.total else 100
        return f"{self.code}: {self.current} of {self.total} texts translated and current ({share}%)"


def fingerprint(text: str) -> str:
    """Eight hex digits of the English, ignoring how it is wrapped across lines."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:8]


def lock_file(file: Path) -> Path:
    return file.with_suffix(LOCK_SUFFIX)


def read_lock(file: Path) -> dict[str, str]:
    lock = lock_file(file)
    if not lock.exists():
        return {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 20x the pure-Python parser
    data = yaml.load(lock.read_text(encoding="utf-8"), Loader=loader) or {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def check_translations(files: ContentFiles, problems: Problems) -> list[Coverage]:
    """Warn about missing, untranslated, stale and stray wording in translated files; return
    coverage per locale. A file with no translation yet is listed in the coverage, not warned
    about: a translation can be added one file at a time while the bot shows the English."""
    root = files.root
    # An English file that cannot be read is reported as an error already; comparing against
    # it would only bury that error under a warning for every translated text.
    english = {file.relative_to(root / "en"): files.wording(file) for file in files.files("en")
               if files.node(file) is not None}
    coverage: list[Coverage] = []
    for code in locales(root):
        if code == "en":
            continue
        current, untranslated = 0, []
        for relative, source in english.items():
            target = root / code / relative
            if target.exists():
                current += _compare(files, target, source, problems)
            elif source:
                untranslated.append(f"{shown(root, target)} ({len(source)} texts)")
        total = sum(len(source) for source in english.values())
        coverage.append(Coverage(code, current, total, tuple(untranslated)))
    return coverage


def _compare(files: ContentFiles, target: Path, source: dict[str, Wording],
             problems: Problems) -> int:
    """Report one translated file; return how many of its texts are current."""
    translated = files.wording(target)
    if files.node(target) is None:
        return 0
    name = shown(files.root, target)
    lock = read_lock(target)
    current = 0
    for path in _missing_items(source, translated):
        problems.warning(source[_first_under(source, path)].node.mark,
                         f"'{path}' is missing from {name} — add its translation there")
    for path, wording in translated.items():
        english = source.get(path)
        if english is None:
            problems.warning(wording.node.mark,
                             f"'{path}' is not in the English file{did_you_mean(path, source)} "
                             "— check the id, or delete it")
        elif lock.get(path) == fingerprint(english.node.value):
            current += 1  # recorded as translated from this English (even if spelt the same: "No")
        elif _same_words(wording.node.value, english.node.value):
            problems.warning(wording.node.mark, f"'{path}' is still the English text — translate it")
        elif path not in lock:
            problems.warning(wording.node.mark,
                             f"'{path}' has no record of the English it was translated from — "
                             f"once it is checked, run: coachbot translated {name}")
        else:
            problems.warning(wording.node.mark,
                             f"the English of '{path}' changed after it was translated (see "
                             f"{english.node.mark}) — update the translation, then run: "
                             f"coachbot translated {name}")
    return current


def _same_words(translation: str, english: str) -> bool:
    """Identical wording, ignoring text with no words of its own (a tick mark, '{title}')."""
    has_words = any(c.isalpha() for c in re.sub(r"\{[^}]*\}", "", english))
    return has_words and " ".join(translation.split()) == " ".join(english.split())


def _missing_items(source: dict[str, Wording], translated: dict[str, Wording]) -> list[str]:
    """The shortest missing places: a missing step is reported once, not once per text in it."""
    present = {"/".join(path.split("/")[:n]) for path in translated
               for n in range(1, path.count("/") + 2)}
    missing: list[str] = []
    for path in source:
        if path in translated:
            continue
        parts = path.split("/")
        prefix = next("/".join(parts[:n]) for n in range(1, len(parts) + 1)
                      if "/".join(parts[:n]) not in present)
        if prefix not in missing:
            missing.append(prefix)
    return missing


def _first_under(source: dict[str, Wording], prefix: str) -> str:
    return next(p for p in source if p == prefix or p.startswith(prefix + "/"))


def record_translation(root: Path, target: Path) -> int:
    """Write the lock of a translated file: the current English of every text it translates."""
    relative = target.resolve().relative_to(root.resolve())
    english_file = root / "en" / Path(*relative.parts[1:])
    files = ContentFiles(root, Problems())
    source = files.wording(english_file)
    translated = files.wording(root / relative)
    lock = {path: fingerprint(source[path].node.value) for path in translated if path in source}
    body = yaml.safe_dump(lock, allow_unicode=True, sort_keys=True, width=1000) if lock else ""
    lock_file(root / relative).write_text(LOCK_HEADER + body, encoding="utf-8")
    return len(lock)
