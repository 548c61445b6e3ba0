"""Repeats, tables, grids, "not ticked" notes and summary documents, as a person meets them."""

from __future__ import annotations

import pytest
from exercise_walk import DAY, Walk

from dialogues.engine import Engine
from dialogues.events import Cancel, GoBack, StartDialogue
from dialogues.model import Library
from dialogues.outputs import EditMessage, Notice
from dialogues.session import Session

QUESTIONS = ("restricts_active", "legal_system", "reporting", "conflates", "end_demand",
             "other_reqs", "certification")


@pytest.fixture
def dated(library: Library) -> Engine:
    return Engine(library, today=lambda: DAY)


@pytest.fixture
def audit(dated: Engine) -> Walk:
    walk = Walk(dated, "funding_audit")
    walk.tap(walk.ui("button_continue"))
    return walk


def funder(walk: Walk, name: str, yes: set[str] = frozenset()) -> None:
    """Type a funder's nickname and answer the seven questions (Yes for those in `yes`)."""
    walk.type(name)
    for question in QUESTIONS:
        walk.tap(walk.ui("button_yes" if question in yes else "button_no"))


def finish(walk: Walk) -> None:
    walk.tap(walk.ui("button_no"))               # no other funder
    walk.tap(walk.ui("button_continue"))
    walk.tap(walk.ui("button_continue"))
    walk.tap("Budget for sex worker safety groups")
    walk.tap(walk.ui("button_done"))


def test_another_funder_starts_a_fresh_round_with_no_earlier_answer(audit: Walk) -> None:
    """After "Add another funder? Yes", the nickname step shows nothing from the first funder."""
    funder(audit, "Blue Fund", {"legal_system"})
    audit.tap(audit.ui("button_yes"))
    assert audit.session.state == "funder_name"
    assert "Blue Fund" not in audit.last.text
    assert audit.ui("earlier_answer", answer="Blue Fund") not in audit.last.text
    assert audit.session.rounds == ({"funder_name": "Blue Fund",
                                     **{q: "yes" if q == "legal_system" else "no"
                                        for q in QUESTIONS}},)


def test_summary_tables_every_funder_and_names_funders_in_each_prompt(audit: Walk) -> None:
    """Two funders give two table rows; each "Yes" prompt names exactly the funders it concerns."""
    funder(audit, "Blue Fund", {"legal_system"})
    audit.tap(audit.ui("button_yes"))
    funder(audit, "City Grant", {"legal_system", "certification"})
    finish(audit)
    text = audit.last.text
    assert "• Blue Fund: Bars serving sex trades: No, Legal system cooperation: Yes," in text
    assert "• City Grant: Bars serving sex trades: No, Legal system cooperation: Yes," in text
    assert "Criminal legal system (Blue Fund, City Grant):" in text
    assert "Proof of trafficking (City Grant):" in text
    assert "Reporting (" not in text


def test_back_across_a_round_boundary_returns_to_the_previous_funder(audit: Walk) -> None:
    """Back from a new round's first step restores the last funder's answers to change them."""
    funder(audit, "Blue Fund")
    audit.tap(audit.ui("button_yes"))
    audit.type("Half-typed")
    audit.send(GoBack())                          # to the new round's nickname
    assert audit.ui("earlier_answer", answer="Half-typed") in audit.last.text
    audit.send(GoBack())                          # across the boundary
    assert audit.session.state == "another"
    assert audit.session.rounds == ()
    assert audit.session.answers["funder_name"] == "Blue Fund"
    audit.send(GoBack())
    audit.tap(audit.ui("button_yes"))             # certification changed to Yes
    audit.tap(audit.ui("button_no"))
    audit.tap(audit.ui("button_continue"))
    audit.tap(audit.ui("button_continue"))
    audit.tap(audit.ui("button_done"))
    assert "Half-typed" not in audit.last.text
    assert "Proof of trafficking (Blue Fund):" in audit.last.text


def test_the_yes_no_questions_edit_one_message_as_a_grid(audit: Walk) -> None:
    """Each answer edits the same message, which lists the answers given so far."""
    audit.type("Blue Fund")
    first = audit.tap(audit.ui("button_yes"))
    assert isinstance(first.outputs[0], EditMessage)
    second = audit.tap(audit.ui("button_no"))
    assert isinstance(second.outputs[0], EditMessage)
    assert audit.last.text.startswith(
        "Bars serving sex trades: Yes\nLegal system cooperation: No\n\n")


def test_rounds_stop_at_the_declared_most_with_a_clear_note(audit: Walk) -> None:
    """At the tenth funder, "Yes, another" is refused with a note saying how to go on."""
    for number in range(10):
        funder(audit, f"Funder {number}")
        if number < 9:
            audit.tap(audit.ui("button_yes"))
    before = audit.session
    result = audit.tap(audit.ui("button_yes"))
    assert result.outputs[0] == Notice(audit.ui("repeat_limit", most=10))
    assert audit.session == before


def test_a_session_with_rounds_survives_storage(audit: Walk) -> None:
    """Finished rounds are stored as plain JSON and read back unchanged."""
    funder(audit, "Blue Fund", {"reporting"})
    audit.tap(audit.ui("button_yes"))
    assert Session.from_json(audit.session.to_json()) == audit.session


def test_the_document_has_the_table_answers_notes_next_step_and_sources(audit: Walk) -> None:
    """"Get this as a document" gives funding_audit-<date>.md with a Markdown table."""
    funder(audit, "Blue | Fund", {"legal_system"})
    audit.tap(audit.ui("button_yes"))
    funder(audit, "City *Grant*")
    finish(audit)
    document = audit.document()
    assert document.filename == "funding_audit-2026-11-27.md"
    text = document.data.decode("utf-8")
    assert text.startswith("# Your funding audit\n")
    assert ("| Funder | Bars serving sex trades | Legal system cooperation | Risky reporting |"
            in text)
    assert "| Blue \\| Fund | No | Yes | No | No | No | No | No |" in text
    assert "| City \\*Grant\\* | No | No | No | No | No | No | No |" in text
    assert "Criminal legal system (Blue \\| Fund):" in text
    assert "## Next step\n\nPick one funder" in text
    assert "- Funding and Resources / Do a funding audit (worksheet) \\[funding-audit\\]" in text
    assert document.caption == "Your funding audit (2026-11-27)"


def test_the_document_button_works_while_the_finished_session_is_kept(audit: Walk) -> None:
    """Tapping it twice gives the same file; after /cancel the button is stale."""
    funder(audit, "Blue Fund")
    finish(audit)
    summary = audit.last
    assert audit.document() == audit.document()
    audit.send(Cancel())
    audit.last = summary
    result = audit.tap(audit.ui("button_document"))
    assert result.outputs[0] == Notice(audit.ui("stale_button"))


def test_an_old_summarys_document_button_is_stale_after_starting_again(dated: Engine) -> None:
    """A summary button from a dialogue that was replaced produces no document."""
    walk = Walk(dated, "materials_review")
    walk.tap(walk.ui("button_continue"))
    walk.tap("An awareness training")
    for _ in range(3):
        walk.tap("No")
        walk.tap(walk.ui("button_skip"))
    summary = walk.last
    walk.send(StartDialogue("materials_review"))
    walk.last = summary
    assert walk.tap(walk.ui("button_document")).outputs[0] == Notice(walk.ui("stale_button"))


def transparency(walk: Walk, firm: list[str]) -> str:
    walk.tap(walk.ui("button_continue"))
    walk.tap("With sex worker safety advocates")
    walk.tap(walk.ui("button_continue"))
    walk.tap("Supplies, services and resources")
    walk.tap(walk.ui("button_done"))
    walk.tap(walk.ui("button_done"))             # what to tell partners: nothing ticked
    for label in firm:
        walk.tap(label)
    walk.tap(walk.ui("button_done"))
    return walk.last.text


def test_unticked_never_commitments_get_their_notes(engine: Engine) -> None:
    """Ticking a "never" item means it is firm; only the unticked ones get a note."""
    text = transparency(Walk(engine, "transparency"), ["Never pose as a customer or answer ads"])
    assert '"Never" commitments that are firm: Never pose as a customer or answer ads' in text
    assert "False pretenses:" not in text
    assert "Police operations:" in text
    assert "Street outreach:" in text


def test_all_never_commitments_firm_gives_no_never_notes(engine: Engine) -> None:
    """With all three ticked there is nothing left to work on."""
    text = transparency(Walk(engine, "transparency"), [
        "Never pose as a customer or answer ads", "No operations without prior evidence",
        "Street outreach that draws no attention"])
    assert '"Never" commitments that still need work: (none)' in text
    assert not any(n in text for n in ("False pretenses:", "Police operations:", "Street outreach:"))


def test_the_menu_groups_dialogues_by_audience_once(engine: Engine) -> None:
    """Frontline dialogues come before leadership ones, a line saying which buttons are whose;
    each dialogue is named once, on its button (no described list repeating the buttons)."""
    walk = Walk(engine)
    walk.send(StartDialogue("nonsense"))
    dialogues = list(engine.library.locale("en").dialogues.values())
    frontline = sum(d.audience == "frontline" for d in dialogues)
    assert walk.last.text.endswith("\n".join([
        walk.ui("menu_prompt"),
        walk.ui("menu_group_first", group=walk.ui("menu_group_frontline"), count=frontline),
        walk.ui("menu_group_next", group=walk.ui("menu_group_leadership"),
                count=len(dialogues) - frontline)]))
    labels = [b.label for row in walk.last.buttons for b in row]
    assert labels == [d.title for d in dialogues]
    assert [d.audience for d in dialogues] == sorted(d.audience for d in dialogues)
    assert not any(d.title in walk.last.text for d in dialogues)


@pytest.mark.parametrize("dialogue_id", ["funding_audit", "htic_check", "materials_review",
                                         "partner_check", "policy_check", "self_reflection",
                                         "transparency", "voluntary_services",
                                         "weekly_reflection"])
def test_each_dialogue_says_up_front_how_long_it_takes_and_how_long_answers_are_kept(
        engine: Engine, dialogue_id: str) -> None:
    """The first message names the time it takes and that answers are kept only while needed."""
    text = Walk(engine, dialogue_id).last.text
    assert "minutes" in text
    assert "Answers are kept only as long as this dialogue and its summary need them." in text
