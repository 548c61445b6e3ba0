"""Every part of the guidelines is put into practice somewhere: each section id is cited by at
least one dialogue step or guidance card, and the exercised sections by dialogue steps."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import CONTENT

from dialogues.content.loader import load_library
from dialogues.model import Library

# Framing sections of the guidelines that describe the document itself, not a practice.
FRAMING = {"process", "audience", "closing"}

# The sections issue #3 turns into dialogues: each must be cited by a dialogue step.
EXERCISED = (
    "identification-htic", "identification-direct", "identification-indirect",
    "services-transparency", "services-empowerment", "funding-audit", "funding-share-power",
    "funding-policy-change", "partnerships", "partnerships-willingness", "partnerships-dig",
    "partnerships-law-enforcement", "partnerships-safety", "partnerships-transparency",
    "public-policy",
)


def dialogue_citations(library: Library) -> set[str]:
    """Section ids cited by any step of any dialogue, in every locale."""
    return {section for locale in library.locales.values()
            for dialogue in locale.dialogues.values()
            for step in dialogue.steps.values() for section in step.source}


def card_citations(library: Library) -> set[str]:
    """Section ids cited by any guidance card, in every locale."""
    return {section for locale in library.locales.values()
            for card in locale.cards for section in card.source}


# Everything that cites sections and is shown to people.
CITERS: dict[str, Callable[[Library], set[str]]] = {
    "dialogues": dialogue_citations, "cards": card_citations}


@pytest.mark.parametrize("section", EXERCISED)
def test_each_exercised_section_is_cited_by_a_dialogue_step(library: Library,
                                                            section: str) -> None:
    """The sections this issue covers are each cited by at least one dialogue step."""
    assert section in dialogue_citations(library)


def _sections() -> list[str]:
    """Every section id but the framing ones."""
    return sorted(set(load_library(CONTENT).sections) - FRAMING)


@pytest.mark.parametrize("section", _sections())
def test_every_section_is_cited_by_a_dialogue_or_card(library: Library, section: str) -> None:
    """Apart from process, audience and closing, every section is cited by something we show."""
    cited = set().union(*(cite(library) for cite in CITERS.values()))
    assert section in cited
