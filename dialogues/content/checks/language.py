"""Language care: terms listed in content/language.yaml (English; other languages have their own
list, content/language_<code>.yaml, such as language_es.yaml), found anywhere in the wording of
that language, and sentences that equate sex work with trafficking (see conflation.py).

Matching is whole-word and case-insensitive; a match inside one of the term's `allow:` phrases
(a law's name, quoted speech) is fine. Quote characters in allow phrases count, so '"the life"'
allows the quoted phrase and not the bare one. Findings are warnings: a person decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from dialogues.content.checks.conflation import conflation_message, conflations
from dialogues.content.files import ContentFiles, locales
from dialogues.content.problems import Mark, Problems
from dialogues.content.schema import Reader

LANGUAGE_FILE = "language.yaml"


@dataclass(frozen=True)
class Term:
    term: str
    forms: tuple[str, ...]
    why: str
    instead: str
    allow: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        words = sorted({self.term, *self.forms}, key=len, reverse=True)
        return re.compile("|".join(_phrase(w) for w in words), re.IGNORECASE)

    def needles(self) -> tuple[str, ...]:
        """First words of the term and its forms: text without any of them cannot match."""
        return tuple({w.split()[0].lower() for w in (self.term, *self.forms)})

    def allowed(self) -> re.Pattern[str] | None:
        if not self.allow:
            return None
        return re.compile("|".join(_phrase(a) for a in self.allow), re.IGNORECASE)


def _phrase(words: str) -> str:
    """A regular expression for a phrase: whole words at its ends, any spacing inside."""
    body = r"\s+".join(re.escape(part) for part in words.split())
    start = r"(?<!\w)" if words[:1].isalnum() else ""
    end = r"(?!\w)" if words[-1:].isalnum() else ""
    return f"{start}{body}{end}"


def language_file(code: str) -> str:
    """The list for a language: English in language.yaml, others in language_<code>.yaml."""
    return LANGUAGE_FILE if code == "en" else f"language_{code}.yaml"


def load_terms(files: ContentFiles, name: str = LANGUAGE_FILE) -> list[Term]:
    """The reviewers' list of terms; mistakes in it are reported like any content mistake."""
    file = files.root / name
    if not file.exists():
        return []
    reader = Reader(files.problems)
    top = reader.mapping(files.content(file), name, ("terms",))
    terms: list[Term] = []
    for node in reader.sequence(top.get("terms") if top else None, "'terms'"):
        entry = reader.mapping(node, "a term", ("term", "why", "instead"), ("forms", "allow"))
        if entry is None:
            continue
        term = reader.text(entry.get("term"), "'term'")
        why = reader.text(entry.get("why"), "'why'")
        instead = reader.text(entry.get("instead"), "'instead'")
        if term is None or why is None or instead is None:
            continue
        forms = reader.text_list(entry.get("forms"), f"'forms' of '{term}'")
        allow = reader.text_list(entry.get("allow"), f"'allow' of '{term}'")
        terms.append(Term(term, forms, why, instead, allow))
    return terms


def check_language(files: ContentFiles, problems: Problems) -> None:
    """Warn about every term of a language's list, and every conflating sentence, in every piece
    of wording in that language (a language without its own list is checked with English's)."""
    english = load_terms(files)
    for code in locales(files.root):
        name = language_file(code)
        terms = english if code == "en" or not (files.root / name).exists() else load_terms(
            files, name)
        shown_name = name if terms is not english else LANGUAGE_FILE
        compiled = compile_terms(terms)
        for file in files.files(code):
            lines = files.text(file).splitlines()
            for wording in files.wording(file).values():
                text = wording.node.value
                for start, end, term in findings(text, compiled):
                    mark = _locate(lines, wording.node.mark, text[start:end])
                    problems.warning(mark, language_message(text[start:end], term, shown_name))
                for start, end in conflations(text, code):
                    mark = _locate(lines, wording.node.mark, text[start:end])
                    problems.warning(mark, conflation_message(text[start:end]))


def language_message(found: str, term: Term, name: str = LANGUAGE_FILE) -> str:
    return (f"'{found}': {term.why} Instead: {term.instead}. (If this use is quoted or "
            f"explained, add the phrase to 'allow:' of '{term.term}' in content/{name}.)")


Compiled = tuple[Term, re.Pattern[str], re.Pattern[str] | None, tuple[str, ...]]


def compile_terms(terms: Iterable[Term]) -> list[Compiled]:
    """Each term with its patterns, compiled once for many texts."""
    return [(term, term.pattern(), term.allowed(), term.needles()) for term in terms]


def findings(text: str, compiled: list[Compiled]) -> list[tuple[int, int, Term]]:
    """Matches not inside an allowed phrase; a longer term wins over a shorter one it contains
    ('child prostitute' is reported once, not also as 'prostitute')."""
    matches: list[tuple[int, int, Term]] = []
    lowered = text.lower()
    for term, pattern, allowed, needles in compiled:
        if not any(needle in lowered for needle in needles):
            continue
        exempt = [m.span() for m in allowed.finditer(text)] if allowed else []
        for match in pattern.finditer(text):
            start, end = match.span()
            if not any(a <= start and end <= b for a, b in exempt):
                matches.append((start, end, term))
    kept: list[tuple[int, int, Term]] = []
    for start, end, term in sorted(matches, key=lambda m: m[0] - m[1]):
        if not any(a <= start and end <= b for a, b, _t in kept):
            kept.append((start, end, term))
    return sorted(kept, key=lambda m: m[0])


def _locate(lines: list[str], mark: Mark, found: str) -> Mark:
    """Where the matched words are in the file, so an editor can jump straight there."""
    pattern = re.compile(_phrase(found), re.IGNORECASE)
    for index in range(max(mark.line - 1, 0), len(lines)):
        offset = mark.column - 1 if index == mark.line - 1 else 0
        hit = pattern.search(lines[index], offset)
        if hit:
            return Mark(mark.path, index + 1, hit.start() + 1)
    return mark

