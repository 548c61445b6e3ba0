"""Reflection prompts: checked like dialogues, every mistake reported where it is."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from dialogues.content.loader import check_library
from dialogues.model import Library
from tests.conftest import CONTENT

GOOD = """\
sets:
  - id: weekly
    title: Weekly reflection
    description: One short question each week.
    dialogue: demo
    prompts:
      - id: first
        text: "What did we learn this week?"
        source: [services]
      - id: second
        text: "Whose words did we use?"
        source: [glossary]
        dialogue: demo
"""
F = "content/en/prompts.yaml"


@pytest.fixture
def content(content_copy: Path) -> Path:
    """The test content plus one dialogue ('demo') for prompts to link to."""
    shutil.copy(CONTENT / "en" / "dialogues" / "weekly_reflection.yaml",
                content_copy / "en" / "dialogues" / "demo.yaml")
    demo = content_copy / "en" / "dialogues" / "demo.yaml"
    demo.write_text(demo.read_text().replace("id: weekly_reflection", "id: demo"))
    return content_copy


def errors_for(root: Path, text: str) -> list[str]:
    (root / "en" / "prompts.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    library, problems = check_library(root)
    assert library is None, "expected the prompts to be refused"
    return [str(p) for p in problems.errors]


def test_good_prompts_load_with_their_links(content: Path) -> None:
    """Prompts load in file order; a prompt without a dialogue uses its set's."""
    (content / "en" / "prompts.yaml").write_text(GOOD)
    library, problems = check_library(content)
    assert library is not None, problems.report()
    weekly = library.locale("en").prompt_sets["weekly"]
    assert [p.id for p in weekly.prompts] == ["first", "second"]
    assert weekly.prompts[0].dialogue == "demo"


CASES = {
    "unknown key": (GOOD.replace("        text: \"What", "        txet: x\n        text: \"What"),
                    f"{F}:8:9: unknown key 'txet' in a prompt — did you mean 'text'? (allowed "
                    "here: id, text, source, dialogue)"),
    "unknown section": (GOOD.replace("source: [glossary]", "source: [glosary]"),
                        f"{F}:12:18: unknown section id 'glosary' in 'source' of prompt 'second' "
                        "— did you mean 'glossary'? (the ids are listed in content/sections.yaml)"),
    "unknown dialogue": (GOOD.replace("        dialogue: demo", "        dialogue: dmeo"),
                         f"{F}:13:19: 'dialogue' of prompt 'second' names a dialogue that does "
                         "not exist: 'dmeo' — did you mean 'demo'?"),
    "duplicate prompt id": (GOOD.replace("id: second", "id: first"),
                            f"{F}:10:13: prompt id 'first' is used twice in this file — rename one "
                            "(schedules remember which prompts a chat has seen by id)"),
    "duplicate set id": (GOOD + GOOD.split("sets:\n")[1].replace("id: first", "id: third")
                         .replace("id: second", "id: fourth"),
                         f"{F}:14:9: prompt set id 'weekly' is used twice — rename one"),
    "missing text": (GOOD.replace("        text: \"Whose words did we use?\"\n", ""),
                     f"{F}:10:9: a prompt is missing 'text:' — add it"),
    "bad set id": (GOOD.replace("id: weekly", "id: Weekly Set"),
                   f"{F}:2:9: prompt set id 'Weekly Set' can only use lowercase letters, digits "
                   "and '_', starting with a letter — for example 'weekly_set'"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_prompt_mistake_is_reported_where_it_is(content: Path, name: str) -> None:
    """Each mistake in prompts.yaml gives one exact `path:line:col: message` line."""
    text, expected = CASES[name]
    assert expected in errors_for(content, text)


def test_shipped_prompts_cover_every_practical_section(library: Library) -> None:
    """At least 30 prompts, and every section with practical guidance is cited by one."""
    sets = library.locale("en").prompt_sets
    prompts = [p for s in sets.values() for p in s.prompts]
    assert len(prompts) >= 30
    cited = {section for p in prompts for section in p.source}
    background = {"process", "audience", "closing"}  # about the guidelines, not practice
    assert set(library.sections) - background - cited == set()


def test_shipped_prompts_use_person_first_language(library: Library) -> None:
    """No prompt uses a stigmatizing term for people in the sex trades."""
    for prompt_set in library.locale("en").prompt_sets.values():
        for prompt in prompt_set.prompts:
            assert not re.search(r"\bprostitutes?\b", prompt.text, re.IGNORECASE), prompt.id


def test_every_shipped_prompt_has_a_go_deeper_dialogue(library: Library) -> None:
    """Each prompt opens a guided reflection in private chat (its own or its set's)."""
    lang = library.locale("en")
    for prompt_set in lang.prompt_sets.values():
        for prompt in prompt_set.prompts:
            assert prompt.dialogue in lang.dialogues, prompt.id
