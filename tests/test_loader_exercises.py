"""Loader checks for repeats, tables, `each`, `when_not` and `short:`, each message pinned
exactly with its `path:line:col`, since content writers read them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dialogues.content.loader import check_library, load_library

ROUNDS = """\
id: demo
title: Demo
description: A small dialogue for tests.
audience: leadership
duration: about 1 minute
source: [intro]
repeat:
  first: name
  last: ok
steps:
  - id: name
    kind: text
    text: Who?
    short: Name
    source: [intro]
  - id: ok
    kind: yesno
    text: All right?
    short: All right
    source: [intro]
  - id: ticks
    kind: checklist
    text: Tick any.
    options:
      - {id: a, label: A}
    source: [intro]
  - id: more
    kind: yesno
    text: Another?
    yes: name
    source: [intro]
  - id: summary
    kind: summary
    title: Done
    text: "{table:name..ok}"
    notes:
      - when: {ok: ["yes"]}
        text: "Fine for {each:name}."
      - when_not: {ticks: [a]}
        text: Not A.
    source: [intro]
"""
F = "content/en/dialogues/demo.yaml"


def problems_for(root: Path, text: str) -> list[str]:
    (root / "en" / "dialogues" / "demo.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    library, problems = check_library(root)
    assert library is None, "expected the content to be refused"
    return [str(p) for p in problems.errors]


def test_a_dialogue_with_a_repeat_loads(content_copy: Path) -> None:
    """The round's steps, its limit and the `when_not` note are read as written."""
    (content_copy / "en" / "dialogues" / "demo.yaml").write_text(ROUNDS, encoding="utf-8")
    dialogue = load_library(content_copy).locale("en").dialogues["demo"]
    assert dialogue.repeat is not None
    assert (dialogue.repeat.steps, dialogue.repeat.most) == (("name", "ok"), 10)
    assert dialogue.steps["summary"].notes[1].when_not == {"ticks": frozenset({"a"})}


CASES = {
    "unknown repeat step": (
        ROUNDS.replace("  first: name", "  first: nmae"),
        f"{F}:8:10: 'first' of 'repeat' names a step that does not exist: 'nmae' — did you "
        "mean 'name'?",
    ),
    "repeat ends swapped": (
        ROUNDS.replace("  first: name\n  last: ok", "  first: ok\n  last: name"),
        f"{F}:8:3: 'repeat' runs from 'ok' to 'name', but 'name' comes before 'ok' in the file "
        "— swap them",
    ),
    "nothing leads back": (
        ROUNDS.replace("    yes: name\n", ""),
        f"{F}:8:3: nothing leads back to 'name', so the round can never repeat — add a yes/no "
        "step after 'ok' with 'yes: name'",
    ),
    "repeat limit": (
        ROUNDS.replace("  last: ok\n", "  last: ok\n  most: 1\n"),
        f"{F}:10:9: 'most' of 'repeat' should be a whole number from 2 to 50",
    ),
    "column without a heading": (
        ROUNDS.replace("    short: All right\n", ""),
        f"{F}:16:5: step 'ok' is a column of '{{table:name..ok}}' and needs a heading: add "
        "'short:' with a few words",
    ),
    "table range backwards": (
        ROUNDS.replace("{table:name..ok}", "{table:ok..name}"),
        f"{F}:32:5: '{{table:ok..name}}' in summary 'summary' should name a range of steps in "
        "file order, such as {table:funder_name..certification}",
    ),
    "table of an unknown step": (
        ROUNDS.replace("{table:name..ok}", "{table:name..okk}"),
        f"{F}:32:5: '{{table:name..okk}}' in summary 'summary' names a step that does not "
        "exist: 'okk' — did you mean 'ok'?",
    ),
    "each outside the repeat": (
        ROUNDS.replace("{each:name}", "{each:ticks}"),
        f"{F}:32:5: '{{each:ticks}}' only works with a step inside the dialogue's 'repeat' — "
        "use {answer:ticks}",
    ),
    "when_not on a yes/no step": (
        ROUNDS.replace("when_not: {ticks: [a]}", "when_not: {ok: [\"yes\"]}"),
        f"{F}:39:20: 'when_not' only works with checklist steps; 'ok' is a yesno step — list "
        "its other options under 'when' instead",
    ),
    "when_not with an unknown option": (
        ROUNDS.replace("when_not: {ticks: [a]}", "when_not: {ticks: [b]}"),
        f"{F}:39:20: step 'ticks' has no option 'b' (its options: a)",
    ),
    "note with no condition": (
        ROUNDS.replace("      - when_not: {ticks: [a]}\n        text: Not A.",
                       "      - text: Not A."),
        f"{F}:39:9: a note of step 'summary' needs 'when:' (shown when an option was chosen) "
        "or 'when_not:' (shown when a checklist option was left unticked)",
    ),
    "heading too long": (
        ROUNDS.replace("short: All right", "short: " + "x" * 25),
        f"{F}:19:12: 'short' of step 'ok' is 25 characters; it can be at most 24 — shorten it",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_repeat_or_table_mistake_is_reported_where_it_is(content_copy: Path,
                                                              name: str) -> None:
    """Each mistake gives one exact `path:line:col: message` line saying what to write."""
    text, expected = CASES[name]
    assert expected in problems_for(content_copy, text)
