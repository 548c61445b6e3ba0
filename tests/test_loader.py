"""The content loader: strings stay strings, and every mistake is reported where it is and
how to fix it, all at once. Each message is pinned exactly, since reviewers read them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dialogues.content.loader import check_library, load_library
from dialogues.content.problems import ContentError
from dialogues.model import StepKind

GOOD = """\
id: demo
title: Demo
description: A small dialogue for tests.
audience: frontline
duration: about 1 minute
source: [intro]
steps:
  - id: ask
    kind: choice
    text: Pick one.
    options:
      - id: "no"
        label: No
        next: why
      - id: "yes"
        label: Yes
    source: [intro]
  - id: why
    kind: text
    text: Why?
    optional: true
    source: [intro]
  - id: summary
    kind: summary
    title: Done
    text: "You picked {answer:ask}; because {answer:why}."
    source: [intro]
"""


def write(root: Path, text: str, name: str = "demo") -> Path:
    file = root / "en" / "dialogues" / f"{name}.yaml"
    file.write_text(textwrap.dedent(text), encoding="utf-8")
    return file


def problems_for(root: Path, text: str) -> list[str]:
    write(root, text)
    library, problems = check_library(root)
    assert library is None, "expected the content to be refused"
    return [str(p) for p in problems.errors]


def test_good_content_loads(content_copy: Path) -> None:
    """A well-formed dialogue loads with its steps in order."""
    write(content_copy, GOOD)
    dialogue = load_library(content_copy).locale("en").dialogues["demo"]
    assert list(dialogue.steps) == ["ask", "why", "summary"]
    assert dialogue.steps["summary"].kind is StepKind.SUMMARY


def test_yes_and_no_stay_the_words_the_writer_typed(content_copy: Path) -> None:
    """`label: No` is the text "No", never the boolean False (YAML 1.1's trap)."""
    write(content_copy, GOOD.replace("text: Pick one.", "text: On"))
    step = load_library(content_copy).locale("en").dialogues["demo"].steps["ask"]
    assert [o.label for o in step.options] == ["No", "Yes"]
    assert [o.id for o in step.options] == ["no", "yes"]
    assert step.text == "On"


F = "content/en/dialogues/demo.yaml"

CASES = {
    "tab": (
        GOOD.replace("    text: Why?", "\ttext: Why?"),
        f"{F}:20:1: a tab character — YAML needs spaces: replace the tab with spaces (two for "
        "each level of indentation)",
    ),
    "duplicate key": (
        GOOD.replace("    text: Why?", "    text: Why?\n    text: Why not?"),
        f"{F}:21:5: 'text' appears twice in the same block (first on line 20) — keep one and "
        "delete the other",
    ),
    "unknown key": (
        GOOD.replace("    text: Why?", "    txt: Why?\n    text: Why?"),
        f"{F}:20:5: unknown key 'txt' in a text step — did you mean 'text'? (allowed here: id, "
        "kind, text, source, next, optional, max_length, short)",
    ),
    "missing wording": (
        GOOD.replace("    text: Why?", "    text:"),
        f"{F}:20:10: 'text' of step 'why' is empty — write the wording, or remove the key",
    ),
    "misspelt step in next": (
        GOOD.replace("        next: why", "        next: wyh"),
        f"{F}:8:5: step 'ask' leads to a step that does not exist: 'wyh' — did you mean 'why'?",
    ),
    "unreachable step": (
        GOOD.replace("        next: why\n", "        next: summary\n").replace(
            "      - id: \"yes\"\n        label: Yes\n",
            "      - id: \"yes\"\n        label: Yes\n        next: summary\n"),
        f"{F}:19:5: step 'why' can never be reached — point a 'next:' or an option's 'next:' "
        "to it, or delete it",
    ),
    "loop without exit": (
        GOOD.replace("    optional: true\n", "    optional: true\n    next: ask\n"),
        f"{F}:8:5: from step 'ask' there is no way to reach a summary — one of the steps after "
        "it must lead on to the summary",
    ),
    "unknown template field": (
        GOOD.replace("{answer:why}", "{answer:wyh}"),
        f"{F}:23:5: '{{answer:wyh}}' in summary 'summary' names a step that does not exist: "
        "'wyh' — did you mean 'why'?",
    ),
    "not a template field": (
        GOOD.replace("{answer:why}", "{answr:why}"),
        f"{F}:23:5: '{{answr:why}}' in summary 'summary' is not a template field — write "
        "{answer:<step id>}, {unticked:<step id>}, {each:<step id>} or "
        "{table:<first step>..<last step>} — did you mean 'answer'?",
    ),
    "unknown section": (
        GOOD.replace("source: [intro]\nsteps", "source: [intro, funding-adit]\nsteps"),
        f"{F}:6:17: unknown section id 'funding-adit' in 'source' of dialogue 'demo' — did you "
        "mean 'funding-audit'? (the ids are listed in content/sections.yaml)",
    ),
    "bad id": (
        GOOD.replace("  - id: why", "  - id: Why Now").replace("next: why", "next: Why Now"),
        f"{F}:18:9: step id 'Why Now' can only use lowercase letters, digits and '_', starting "
        "with a letter — for example 'why_now'",
    ),
    "last step not a summary": (
        GOOD.split("  - id: summary")[0].replace("{answer", ""),
        f"{F}:18:5: step 'why' is the last step but not a summary — add 'next:' naming the step "
        "that follows, or end the dialogue with a summary step",
    ),
    "colon inside a value": (
        GOOD.replace("    text: Why?", "    text: Why: tell us"),
        f"{F}:20:14: a ': ' (colon and space) in the middle of a value — put the whole value in "
        "double quotes, or check that this line is indented like the lines above it",
    ),
    "comma inside a flow block": (
        GOOD.replace("      - id: \"yes\"\n        label: Yes\n",
                     "      - {id: maybe, label: Maybe, or later}\n"),
        f"{F}:15:35: unknown key 'or later' in an option of step 'ask' — it looks like the end "
        "of the wording before it: put that whole wording in double quotes (a ', ' inside {…} "
        "or a ': ' ends a value) (allowed here: id, label, next)",
    ),
    "unknown kind": (
        GOOD.replace("kind: text", "kind: txt"),
        f"{F}:19:11: step 'kind' 'txt' is not one of: info, text, choice, checklist, yesno, "
        "summary — did you mean 'text'?",
    ),
}


@pytest.mark.parametrize("name", [k for k, v in CASES.items() if v[1] is not None])
def test_each_mistake_is_reported_where_it_is_and_how_to_fix_it(content_copy: Path,
                                                                 name: str) -> None:
    """Each content mistake gives one exact `path:line:col: message` line."""
    text, expected = CASES[name]
    assert expected in problems_for(content_copy, text)


def test_a_note_naming_an_unknown_option_is_reported(content_copy: Path) -> None:
    """`when: {ask: [mabye]}` names the step's real options."""
    text = GOOD.rstrip("\n") + "\n    notes:\n      - when: {ask: [mabye]}\n        text: Hm.\n"
    assert (f"{F}:29:16: step 'ask' has no option 'mabye' (its options: no, skipped, yes)"
            not in problems_for(content_copy, text))
    assert f"{F}:29:16: step 'ask' has no option 'mabye' (its options: no, yes)" in problems_for(
        content_copy, text)


def test_all_problems_are_reported_together_and_sorted(content_copy: Path) -> None:
    """Three mistakes in one file give three lines, in file order."""
    text = (GOOD.replace("next: why", "next: wyh").replace("{answer:why}", "{answer:zzz}")
            .replace("source: [intro]\nsteps", "source: [intr]\nsteps"))
    found = problems_for(content_copy, text)
    assert len(found) == 3
    assert found == sorted(found, key=lambda line: int(line.split(":")[1]))


def test_broken_interface_strings_name_the_fields_they_can_use(content_copy: Path) -> None:
    """A misspelt {field} in ui.yaml is reported with the fields that message can use."""
    ui = content_copy / "en" / "ui.yaml"
    ui.write_text(ui.read_text().replace("at most {limit}", "at most {limt}"))
    write(content_copy, GOOD)
    _, problems = check_library(content_copy)
    assert any("'{limt}' is not a field 'too_long' can fill in — did you mean 'limit'? — this "
               "message can use {length}, {limit}" in str(p) for p in problems.errors)


def test_a_missing_interface_string_is_reported(content_copy: Path) -> None:
    """Deleting a ui.yaml entry names the missing key."""
    ui = content_copy / "en" / "ui.yaml"
    ui.write_text("\n".join(line for line in ui.read_text().splitlines()
                            if not line.startswith("button_skip:")))
    write(content_copy, GOOD)
    _, problems = check_library(content_copy)
    assert "content/en/ui.yaml:1:1: missing interface string 'button_skip:' — add it" in [
        str(p) for p in problems.errors]


def test_load_library_raises_with_every_problem(content_copy: Path) -> None:
    """The bot refuses to start on broken content, with the same messages as the check."""
    write(content_copy, GOOD.replace("next: why", "next: wyh"))
    with pytest.raises(ContentError) as caught:
        load_library(content_copy)
    assert "did you mean 'why'?" in str(caught.value)


def test_shipped_content_passes_the_check(library) -> None:
    """The content in the repository loads with no errors."""
    assert "self_reflection" in library.locale("en").dialogues
