"""Guidance cards and synonyms are checked when content loads: every mistake is reported at its
place with what to do, and the shipped cards cover the whole of the guidelines."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from dialogues.content.loader import check_library
from dialogues.model import Library
from tests.conftest import CONTENT

CARD = """\
cards:
  - id: keep_working
    title: A client wants to keep working. Can we still serve her?
    answer: Yes. Services never depend on leaving the sex trades.
    source: [services-empowerment]
    related: [self_reflection]
    also_asked: ["client still working, can she stay?"]
"""


@pytest.fixture
def content(content_copy: Path) -> Path:
    """The content copy with one real dialogue, so `related:` has something to name."""
    shutil.copy(CONTENT / "en" / "dialogues" / "self_reflection.yaml",
                content_copy / "en" / "dialogues")
    (content_copy / "en" / "guidance").mkdir()
    return content_copy


def problems_for(root: Path, text: str, name: str = "topic") -> list[str]:
    (root / "en" / "guidance" / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    library, problems = check_library(root)
    assert library is None, "expected the content to be refused"
    return [str(p) for p in problems.errors]


def test_a_good_card_loads(content: Path) -> None:
    """A well-formed card loads with its sources, related dialogue and example phrasings."""
    (content / "en" / "guidance" / "topic.yaml").write_text(CARD, encoding="utf-8")
    library, problems = check_library(content)
    assert library is not None, problems.report()
    (card,) = library.locale("en").cards
    assert (card.id, card.source, card.related) == ("keep_working", ("services-empowerment",),
                                                    ("self_reflection",))
    assert card.also_asked == ("client still working, can she stay?",)


@pytest.mark.parametrize(("change", "message"), [
    (("answer: Yes. Services never depend on leaving the sex trades.", "answer: " + "x" * 601),
     "content/en/guidance/topic.yaml:4:13: 'answer' of card 'keep_working' is 601 characters; "
     "it can be at most 600 — shorten it"),
    (("source: [services-empowerment]", "source: [services-empowermnt]"),
     "content/en/guidance/topic.yaml:5:14: unknown section id 'services-empowermnt' in 'source' "
     "of card 'keep_working' — did you mean 'services-empowerment'? (the ids are listed in "
     "content/sections.yaml)"),
    (("related: [self_reflection]", "related: [self_reflect]"),
     "content/en/guidance/topic.yaml:6:5: unknown dialogue 'self_reflect' in 'related' of card "
     "'keep_working' — did you mean 'self_reflection'? (the ids are the file names in "
     "content/en/dialogues/)"),
    (("also_asked:", "asked:"),
     "content/en/guidance/topic.yaml:7:5: unknown key 'asked' in a card — did you mean "
     "'also_asked'? (allowed here: id, title, answer, source, more, related, also_asked)"),
])
def test_card_mistakes_are_reported_where_they_are(content: Path, change: tuple[str, str],
                                                   message: str) -> None:
    """A too-long answer, unknown section or dialogue ids and unknown keys name file:line:col."""
    assert message in problems_for(content, CARD.replace(*change))


def test_a_card_id_used_twice_is_reported_with_both_places(content: Path) -> None:
    """Two cards with the same id, in different files, are refused naming the first place."""
    (content / "en" / "guidance" / "a.yaml").write_text(CARD, encoding="utf-8")
    assert problems_for(content, CARD, name="b") == [
        "content/en/guidance/b.yaml:2:5: card id 'keep_working' is already used at "
        "content/en/guidance/a.yaml:2:5 — rename one of the two cards"]


def test_a_synonyms_group_of_one_is_reported(content: Path) -> None:
    """A synonyms group needs at least two phrases, since it says they mean the same."""
    (content / "en" / "synonyms.yaml").write_text("groups:\n  - [police, cops]\n  - [sting]\n",
                                                  encoding="utf-8")
    library, problems = check_library(content)
    assert library is None
    assert [str(p) for p in problems.errors] == [
        "content/en/synonyms.yaml:3:5: a synonyms group needs at least two words or phrases, "
        "written as [card word, other word, ...]"]


def test_spanish_synonyms_join_the_english_vocabulary(library: Library) -> None:
    """Spanish synonyms are search words of the English cards, whatever the person's language."""
    for code in library.locales:
        assert any("policía" in group.phrases for group in library.locale(code).synonyms)


def test_shipped_cards_cover_every_section(library: Library) -> None:
    """Every section of the guidelines is cited by at least one card, answers fit a phone."""
    cards = library.locale("en").cards
    cited = {section for card in cards for section in card.source}
    assert set(library.sections) - cited == set()
    assert 60 <= len(cards) <= 120
    assert all(len(card.answer) <= 600 for card in cards)
