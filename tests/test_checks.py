"""The reviewers' checks: language care, translations, fidelity and review status. Each message
is pinned exactly, since reviewers read them; warnings never stop the bot, errors do."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from bot.cli import main
from bot.console import ConsoleCoach
from dialogues.content.checks.translations import fingerprint, record_translation
from dialogues.content.loader import check_library
from dialogues.engine import Engine
from dialogues.model import Library

REPO = Path(__file__).resolve().parent.parent

DEMO = """\
id: demo
title: Demo
description: A small dialogue for tests.
audience: frontline
duration: about 1 minute
source: [intro]
steps:
  - id: ask
    kind: text
    text: {text}
    source: [intro]
  - id: summary
    kind: summary
    title: Done
    text: Thank you.
    source: [intro]
"""

LANGUAGE = """\
terms:
  - term: prostitute
    forms: [prostitutes]
    why: It reduces a person to one activity.
    instead: person in the sex trades
    allow: [prostitution pledge]
  - term: prostitution
    why: A criminal-law word.
    instead: sex work
    allow: [prostitution pledge]
  - term: the life
    why: Insider slang.
    instead: the sex trades
    allow: ['"the life"']
  - term: child prostitute
    forms: [child prostitutes]
    why: A minor cannot consent.
    instead: a minor who has been trafficked
"""

D = "content/en/dialogues/demo.yaml"


def write_demo(root: Path, text: str, code: str = "en") -> Path:
    file = root / code / "dialogues" / "demo.yaml"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(DEMO.format(text=text), encoding="utf-8")
    return file


def findings(root: Path, about: str) -> list[str]:
    """Every finding about files whose path starts with `about`, as the check prints them."""
    _library, problems = check_library(root)
    return [str(p) for p in sorted(problems.items) if p.mark.path.startswith(about)]


def language_advice(found: str, term: str, why: str, instead: str) -> str:
    return (f"warning: '{found}': {why} Instead: {instead}. (If this use is quoted or explained, "
            f"add the phrase to 'allow:' of '{term}' in content/language.yaml.)")


LANGUAGE_CASES = {
    "a listed form, any case": (
        "Do Prostitutes get help here?",
        [f"{D}:10:14: " + language_advice("Prostitutes", "prostitute",
                                          "It reduces a person to one activity.",
                                          "person in the sex trades")],
    ),
    "an allowed phrase": ("What is the Prostitution Pledge?", []),
    "whole words only": ("Prostitutelike is not a word.", []),
    "quote characters count in allow": (
        "'Leaving the life, or \"the life\" as some say'",
        [f"{D}:10:20: " + language_advice("the life", "the life", "Insider slang.",
                                          "the sex trades")],
    ),
    "the longer term wins": (
        "No child prostitutes exist.",
        [f"{D}:10:14: " + language_advice("child prostitutes", "child prostitute",
                                          "A minor cannot consent.",
                                          "a minor who has been trafficked")],
    ),
    "inside a block of several lines": (
        "|\n      First line.\n      Then prostitution, here.",
        [f"{D}:12:12: " + language_advice("prostitution", "prostitution", "A criminal-law word.",
                                          "sex work")],
    ),
}


@pytest.mark.parametrize("name", list(LANGUAGE_CASES))
def test_language_care_names_the_term_why_and_what_to_say_instead(content_copy: Path,
                                                                  name: str) -> None:
    """A listed term is a warning at its exact place, saying why it harms and what to write."""
    text, expected = LANGUAGE_CASES[name]
    (content_copy / "language.yaml").write_text(LANGUAGE, encoding="utf-8")
    write_demo(content_copy, text)
    assert findings(content_copy, D) == expected


def test_language_warnings_do_not_stop_the_bot(content_copy: Path) -> None:
    """Content with a listed term still loads: a person decides, the check only warns."""
    (content_copy / "language.yaml").write_text(LANGUAGE, encoding="utf-8")
    write_demo(content_copy, "Prostitutes?")
    library, problems = check_library(content_copy)
    assert library is not None and problems.warnings and not problems.errors


def test_mistakes_in_the_term_list_are_reported(content_copy: Path) -> None:
    """A term without its reason is an error in language.yaml, with the line to fix."""
    (content_copy / "language.yaml").write_text("terms:\n  - term: pimp\n    instead: x\n")
    assert findings(content_copy, "content/language.yaml") == [
        "content/language.yaml:2:5: a term is missing 'why:' — add it"]


@pytest.fixture
def bilingual(content_copy: Path) -> Path:
    """English and Spanish demo dialogues, the Spanish recorded as up to date."""
    write_demo(content_copy, "What happened?")
    (content_copy / "es" / "dialogues").mkdir(parents=True)
    for name in ("ui.yaml", "ui.lock"):
        shutil.copy(REPO / "content" / "es" / name, content_copy / "es" / name)
    write_demo(content_copy, "¿Qué pasó?", "es").write_text(
        DEMO.format(text="¿Qué pasó?").replace("title: Done", "title: Hecho")
        .replace("Thank you.", "Gracias.").replace("title: Demo", "title: Demostración")
        .replace("A small dialogue for tests.", "Un diálogo pequeño.")
        .replace("about 1 minute", "un minuto"), encoding="utf-8")
    record_translation(content_copy, content_copy / "es" / "dialogues" / "demo.yaml")
    return content_copy


E = "content/es/dialogues/demo.yaml"


def test_an_up_to_date_translation_has_no_findings(bilingual: Path) -> None:
    """A translated file with its lock has nothing to report."""
    assert findings(bilingual, E) == []


def edit(file: Path, old: str, new: str) -> None:
    file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


TRANSLATION_CASES = {
    "the English changed": (
        lambda root: edit(root / "en/dialogues/demo.yaml", "What happened?", "What happened next?"),
        [f"{E}:10:11: warning: the English of 'steps/ask/text' changed after it was translated "
         f"(see {D}:10:11) — update the translation, then run: coachbot translated {E}"],
    ),
    "a step is missing": (
        lambda root: edit(root / "es/dialogues/demo.yaml", "  - id: ask\n    kind: text\n"
                          "    text: ¿Qué pasó?\n    source: [intro]\n", ""),
        [f"{D}:10:11: warning: 'steps/ask' is missing from {E} — add its translation there"],
    ),
    "still in English": (
        lambda root: (edit(root / "es/dialogues/demo.yaml", "title: Hecho", "title: Done"),
                      edit(root / "es/dialogues/demo.lock", "steps/summary/title:", "gone:")),
        [f"{E}:14:12: warning: 'steps/summary/title' is still the English text — translate it"],
    ),
    "never recorded": (
        lambda root: (root / "es/dialogues/demo.lock").unlink(),
        [f"{E}:{line}:{col}: warning: '{path}' has no record of the English it was translated "
         f"from — once it is checked, run: coachbot translated {E}"
         for line, col, path in [(2, 8, "title"), (3, 14, "description"), (5, 11, "duration"),
                                 (10, 11, "steps/ask/text"),
                                 (14, 12, "steps/summary/title"), (15, 11, "steps/summary/text")]],
    ),
    "a misspelt id": (
        lambda root: edit(root / "es/dialogues/demo.yaml", "  - id: ask", "  - id: aks"),
        [f"{D}:10:11: warning: 'steps/ask' is missing from {E} — add its translation there",
         f"{E}:10:11: warning: 'steps/aks/text' is not in the English file — did you mean "
         "'steps/ask/text'? — check the id, or delete it"],
    ),
}


@pytest.mark.parametrize("name", list(TRANSLATION_CASES))
def test_translation_findings_say_what_to_do(bilingual: Path, name: str) -> None:
    """Missing, stale, untranslated and stray wording is a warning naming the fix."""
    change, expected = TRANSLATION_CASES[name]
    change(bilingual)
    assert [f for f in findings(bilingual, "content/") if "/demo." in f] == expected


def test_coverage_lists_files_not_translated_yet(bilingual: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A file with no translation is listed with its size in the coverage, and shown in English."""
    (bilingual / "es/dialogues/demo.yaml").unlink()
    monkeypatch.chdir(bilingual.parent)  # where the reviewer stands: paths open from here
    assert main(["check", str(bilingual)]) == 0
    out = capsys.readouterr().out
    assert f"  not translated yet (English is shown): {E} (6 texts)" in out
    assert check_library(bilingual)[0].locale("es").dialogues["demo"].title == "Demo"


def test_the_lock_holds_a_fingerprint_of_the_english(bilingual: Path) -> None:
    """`coachbot translated` stores, beside the translation, a fingerprint of its English."""
    lock = (bilingual / "es/dialogues/demo.lock").read_text(encoding="utf-8")
    assert f"steps/ask/text: {fingerprint('What happened?')}" in lock


# A kind of content no loader knows yet: the fidelity check covers it all the same.
ITEMS = """\
tips:
  - id: weekly
    title: Weekly
    items:
      - id: one
        text: A question.
{source}
"""

FIDELITY_CASES = {
    "no source": ("", ["content/en/tips.yaml:5:9: 'one' has no 'source:' — add the ids of the "
                       "sections of the guidelines it draws on, for example: source: [intro] (the "
                       "ids are in content/sections.yaml)"]),
    "an unknown section": ("        source: [intr]", [
        "content/en/tips.yaml:7:18: unknown section id 'intr' in 'source' of 'one' — did you "
        "mean 'intro'? (the ids are listed in content/sections.yaml)"]),
}


@pytest.mark.parametrize("name", list(FIDELITY_CASES))
def test_every_item_cites_known_sections(content_copy: Path, name: str) -> None:
    """Any content item, even of a kind no loader knows, without a valid source is an error."""
    source, expected = FIDELITY_CASES[name]
    (content_copy / "en" / "tips.yaml").write_text(ITEMS.format(source=source))
    assert findings(content_copy, "content/en/tips.yaml") == expected
    assert check_library(content_copy)[0] is None


def test_sections_nothing_cites_are_listed(content_copy: Path) -> None:
    """A section of the guidelines no content cites is a warning on its line in sections.yaml."""
    write_demo(content_copy, "What happened?")
    found = findings(content_copy, "content/sections.yaml")
    assert found[0] == ("content/sections.yaml:9:3: warning: section 'harm-context' is not cited by "
                        "any content — add it to the 'source:' of the wording that draws on it, or "
                        "write wording for it")
    assert not any("'intro'" in f for f in found)


REVIEW_CASES = {
    "an unknown status": ("review: {status: aproved}", [
        f"{D}:1:18: review 'status' 'aproved' is not one of: draft, needed, approved — did you "
        "mean 'approved'?"]),
    "a date that is not a date": ("review: {status: needed, date: 31/03/2026}", [
        f"{D}:1:32: review 'date' '31/03/2026' is not a date — write it as YYYY-MM-DD, for "
        "example 2026-03-31"]),
    "approved by nobody": ("review: {status: approved}", [
        f"{D}:1:9: an approved file needs 'by:' (who approved it) and 'date:' (YYYY-MM-DD) — add "
        "them"]),
    "approved properly": ("review: {status: approved, by: SW advisory panel, date: 2026-03-31}", []),
}


@pytest.mark.parametrize("name", list(REVIEW_CASES))
def test_review_blocks_are_checked(content_copy: Path, name: str) -> None:
    """A file's review block is accepted by every loader and checked for its status and date."""
    block, expected = REVIEW_CASES[name]
    file = write_demo(content_copy, "What happened?")
    file.write_text(block + "\n" + file.read_text(), encoding="utf-8")
    assert findings(content_copy, D) == expected


def test_shipped_content_passes_the_strict_check(capsys: pytest.CaptureFixture[str]) -> None:
    """`coachbot check --strict` passes on content/ as shipped: no stigmatizing term anywhere."""
    assert main(["check", "--strict", str(REPO / "content")]) == 0
    out = capsys.readouterr().out
    assert "; 0 warnings." in out and "Translated: es:" in out


def test_strict_fails_on_warnings(content_copy: Path) -> None:
    """A warning fails the check only with --strict."""
    (content_copy / "language.yaml").write_text(LANGUAGE, encoding="utf-8")
    write_demo(content_copy, "Prostitutes?")
    assert main(["check", str(content_copy)]) == 0
    assert main(["check", "--strict", str(content_copy)]) == 1


def test_everything_is_reported_at_once_and_sorted(content_copy: Path) -> None:
    """Errors and warnings from every check come out together, sorted by file and line."""
    (content_copy / "language.yaml").write_text(LANGUAGE, encoding="utf-8")
    write_demo(content_copy, textwrap.dedent("Prostitutes?"))
    (content_copy / "en" / "tips.yaml").write_text(ITEMS.format(source=""))
    _library, problems = check_library(content_copy)
    shown = [str(p.mark) for p in sorted(problems.items)]
    assert shown == sorted(shown, key=lambda m: (m.split(":")[0], *map(int, m.split(":")[1:] or [0])))
    assert any("tips.yaml:5:9" in m for m in shown) and any("demo.yaml:10:11" in m for m in shown)


def test_a_misindented_line_is_explained_in_plain_words(content_copy: Path) -> None:
    """A label indented less than its option's id gets advice about lining it up, at its line."""
    file = write_demo(content_copy, "What happened?")
    file.write_text(file.read_text().replace("    kind: text\n", "  kind: text\n"), encoding="utf-8")
    assert findings(content_copy, D) == [
        f"{D}:9:3: this line is not indented like the lines around it — line it up, with spaces, "
        "with the other lines of the same block (for example the 'id:' line just above)"]


def test_an_unreadable_english_file_is_not_buried_under_translation_warnings(bilingual: Path) -> None:
    """When the English cannot be read, only its error is shown, not a warning per translation."""
    edit(bilingual / "en/dialogues/demo.yaml", "    kind: text\n", "\tkind: text\n")
    assert [f for f in findings(bilingual, "content/") if "/demo." in f] == [
        f"{D}:9:1: a tab character — YAML needs spaces: replace the tab with spaces (two for each "
        "level of indentation)"]


def test_the_preview_shows_where_each_step_is_written(library: Library) -> None:
    """`coachbot chat --show-ids` prints the step id, its file and line, and its sources."""
    lines: list[str] = []
    answers = iter(["/quit"])
    ConsoleCoach(Engine(library), read=lambda _prompt: next(answers), write=lines.append,
                 show_ids=True).run("self_reflection")
    assert lines[0] == ("\n[step 'intro' (info) at content/en/dialogues/self_reflection.yaml:11:5 "
                        "· source: outreach-self-reflection]")


def test_the_spanish_preview_is_in_spanish(library: Library) -> None:
    """`coachbot chat --locale es` runs the Spanish wording, English where it is missing."""
    lines: list[str] = []
    answers = iter(["/quit"])
    ConsoleCoach(Engine(library), read=lambda _prompt: next(answers), write=lines.append,
                 locale="es").run("self_reflection")
    assert "ANTES DE CONTACTAR: AUTORREFLEXIÓN" in lines
