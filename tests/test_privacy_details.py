"""Identifying details in typed answers: what is spotted, what is left alone, and how the
coach holds only a masked copy until the person decides."""

from __future__ import annotations

import pytest

from dialogues import callbacks
from dialogues.engine import Engine
from dialogues.events import Action, KeepAnswers, Press, ShowMenu, StartDialogue, TextInput
from dialogues.outputs import Message, Notice
from dialogues.privacy import Kind, find, mask
from tests.test_engine import Walk, answer_all, ui


@pytest.mark.parametrize(("text", "kind"), [
    ("Call her at 555-123-4567 tonight", Kind.PHONE),
    ("+1 (212) 555 0199", Kind.PHONE),
    ("her number is 07700 900123", Kind.PHONE),
    ("write to jo.doe@example.org", Kind.EMAIL),
    ("she is @safe_space_collective on there", Kind.SOCIAL),
    ("see instagram.com/someone.here", Kind.SOCIAL),
    ("message t.me/someone", Kind.SOCIAL),
    ("she lives at 123 Main Street", Kind.ADDRESS),
    ("near 42 5th Ave.", Kind.ADDRESS),
    ("Apt 4B", Kind.ADDRESS),
    ("PO Box 77", Kind.ADDRESS),
    ("case 2023-CV-001234 in court", Kind.NUMBER),
    ("case #4821", Kind.NUMBER),
    ("file 12345678", Kind.NUMBER),
])
def test_identifying_details_are_spotted(text: str, kind: Kind) -> None:
    """Phone numbers, emails, handles, addresses and case numbers are each recognised."""
    assert [d.kind for d in find(text)] == [kind]


@pytest.mark.parametrize("text", [
    "In 2023 we met 24/7 and named 7 values",
    "section 3.2.1 of the guidelines, 2023-2024 plan",
    "we got $250,000 and $100000 between 2019 2020 2021",
    "on 2023-05-12 and 12/05/2023 we met",
    "Room 101 at the clinic",
    "We met 3 times in the way we planned",
    "COVID-19 in 2020, FY-2023 budget, 10 000 people",
    "Email the team and ask the program lead @ the meeting",
    "We work with people in the sex trades, 5 days a week, 9-5",
])
def test_ordinary_answers_are_left_alone(text: str) -> None:
    """Years, 24/7, counts, section numbers, money and dates are not identifying details."""
    assert find(text) == []


def test_masking_replaces_each_detail_and_keeps_the_rest() -> None:
    """Every detail becomes the placeholder; the surrounding words stay as typed."""
    text = "Ask Sam at 555-123-4567 or sam@example.org about it"
    assert mask(text, find(text), "[removed]") == "Ask Sam at [removed] or [removed] about it"


@pytest.fixture
def walk(engine: Engine) -> Walk:
    walk = Walk(engine)
    walk.send(StartDialogue("self_reflection"))
    return walk


@pytest.fixture
def at_text_step(engine: Engine) -> Walk:
    walk = Walk(engine)
    walk.send(StartDialogue("self_reflection"))
    walk.tap(ui(engine, "button_continue"))
    return walk


def test_an_answer_with_details_is_held_masked_and_never_stored_in_full(at_text_step) -> None:
    """The coach explains kindly, shows the masked answer, and stores only that copy."""
    walk = at_text_step
    walk.type("Her cell is 555-123-4567, she wants to learn")
    assert walk.session.state == "why"
    assert walk.session.pending == "Her cell is [removed], she wants to learn"
    assert "555" not in walk.session.to_json()
    assert ui(walk.engine, "detail_phone") in walk.last.text
    assert walk.labels() == [ui(walk.engine, "button_retype"), ui(walk.engine, "button_keep_masked")]


def test_keeping_the_masked_answer_moves_on_with_it(at_text_step) -> None:
    """"Keep it with the details masked" saves the masked answer and shows the next step."""
    walk = at_text_step
    walk.type("Reach me at me@example.org")
    walk.tap(ui(walk.engine, "button_keep_masked"))
    assert walk.session.state == "who_benefits"
    assert walk.session.answers["why"] == "Reach me at [removed]"
    assert walk.session.pending is None


def test_sending_it_again_asks_the_same_step_and_drops_the_masked_copy(at_text_step) -> None:
    """"Send it again" drops the held copy, re-asks, and a clean answer then moves on."""
    walk = at_text_step
    walk.type("Reach me at me@example.org")
    walk.tap(ui(walk.engine, "button_retype"))
    assert walk.session.state == "why" and walk.session.pending is None
    assert walk.last.text.startswith("In a sentence or two")
    walk.type("To learn from the community")
    assert walk.session.answers["why"] == "To learn from the community"


def test_nudge_buttons_from_an_earlier_turn_are_stale(at_text_step) -> None:
    """A "keep masked" button pressed after the person moved on is not applied."""
    walk = at_text_step
    walk.type("Reach me at me@example.org")
    old = walk.last
    walk.tap(ui(walk.engine, "button_retype"))
    before = walk.session
    keep = next(b for row in old.buttons for b in row if b.label == ui(walk.engine, "button_keep_masked"))
    walk.send(callbacks.decode(keep.data))
    assert walk.session == before
    assert isinstance(walk.result.outputs[0], Notice)


def test_a_forged_keep_masked_press_without_a_held_answer_changes_nothing(at_text_step) -> None:
    """Callback data claiming a held answer when there is none is refused."""
    walk = at_text_step
    before = walk.session
    walk.send(Press(Action.KEEP_MASKED, "self_reflection", "why", "", before.turn))
    assert walk.session == before
    assert walk.result.outputs == [Notice(ui(walk.engine, "unusable_button"))]


def test_after_the_summary_anything_else_deletes_the_answers(walk) -> None:
    """Once the summary is shown, opening the menu leaves no answers behind."""
    answer_all(walk)
    assert walk.session.finished
    walk.send(ShowMenu())
    assert walk.session is None


def test_keep_my_answers_hands_the_finished_session_to_the_store(walk) -> None:
    """The keep button returns the finished session as `kept`, and the chat holds none."""
    answer_all(walk)
    finished = walk.session
    walk.tap(ui(walk.engine, "button_keep_answers"))
    assert walk.result.kept == finished
    assert walk.session is None
    assert walk.result.outputs == [Notice(ui(walk.engine, "answers_kept"))]


def test_keep_without_a_finished_dialogue_is_stale(engine) -> None:
    """A keep button with nothing finished to keep is answered as an old button."""
    result = engine.handle(None, KeepAnswers())
    assert result.kept is None
    assert result.outputs[0] == Notice(ui(engine, "stale_button"))
    assert isinstance(result.outputs[1], Message)


def test_text_typed_at_a_nudge_replaces_the_held_copy(at_text_step) -> None:
    """Typing a new answer instead of tapping is treated as the answer to the step."""
    walk = at_text_step
    walk.type("call 555-123-4567")
    walk.send(TextInput("We want to listen first"))
    assert walk.session.answers["why"] == "We want to listen first"
    assert walk.session.pending is None
