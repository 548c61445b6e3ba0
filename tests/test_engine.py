"""The engine alone: every step kind, navigation, branching, stale buttons and summaries."""

from __future__ import annotations

import pytest

from dialogues import callbacks
from dialogues.engine import Engine, Result
from dialogues.events import Cancel, GoBack, Press, Resume, ShowHome, StartDialogue, TextInput
from dialogues.outputs import EditMessage, Message, Notice
from dialogues.session import InvalidSession, Session

DIALOGUE = "self_reflection"


class Walk:
    """Drives the engine like a person: tap by label, type text, and look at the last message."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session: Session | None = None
        self.result: Result | None = None

    def send(self, event) -> Result:
        self.result = self.engine.handle(self.session, event)
        self.session = self.result.session
        return self.result

    @property
    def last(self) -> Message:
        assert self.result is not None
        for output in reversed(self.result.outputs):
            if isinstance(output, Message):
                return output
            if isinstance(output, EditMessage):
                return output.message
        raise AssertionError(f"no message in {self.result.outputs}")

    def labels(self) -> list[str]:
        return [b.label for row in self.last.buttons for b in row]

    def tap(self, label: str) -> Result:
        for row in self.last.buttons:
            for button in row:
                if button.label == label or button.label.endswith(f" {label}"):
                    event = callbacks.decode(button.data)
                    assert event is not None
                    return self.send(event)
        raise AssertionError(f"no button {label!r} in {self.labels()}")

    def type(self, text: str) -> Result:
        return self.send(TextInput(text))


@pytest.fixture
def walk(engine: Engine) -> Walk:
    w = Walk(engine)
    w.send(StartDialogue(DIALOGUE))
    return w


def ui(engine: Engine, key: str, **fields) -> str:
    return engine.library.locale("en").ui[key].format(**fields)


def answer_all(walk: Walk) -> None:
    walk.tap(ui(walk.engine, "button_continue"))
    walk.type("We want referrals and to learn")
    walk.tap("Both us and the community")
    walk.tap("Humility")
    walk.tap("Transparency")
    walk.tap(ui(walk.engine, "button_done"))
    walk.tap(ui(walk.engine, "button_skip"))
    walk.tap("Both")
    walk.tap(ui(walk.engine, "button_no"))
    walk.tap(ui(walk.engine, "button_continue"))
    walk.type("A neighborhood clinic we both refer to")
    walk.tap(ui(walk.engine, "button_skip"))     # referral_area
    walk.tap(ui(walk.engine, "button_yes"))
    walk.type("Meeting space and paid speaking slots")
    walk.tap(ui(walk.engine, "button_yes"))
    walk.tap("Ask each one how they want credit")
    walk.tap(ui(walk.engine, "button_yes"))


def test_home_shows_intro_privacy_notice_and_menu(engine: Engine) -> None:
    """/start shows what the coach is and the privacy line, with the menu behind one button so
    the first screen of a phone holds it all (issue 16: it was about 37 lines)."""
    message = engine.handle(None, ShowHome()).outputs[0]
    assert message.text == f"{ui(engine, 'intro')}\n\n{ui(engine, 'privacy_notice')}"
    assert len(message.text) < 400
    assert [b.label for row in message.buttons for b in row] == [ui(engine, "menu_open_button")]


def test_starting_shows_the_title_and_first_step(walk: Walk) -> None:
    """The first step carries the dialogue's title and a Continue button, and no Back."""
    assert walk.last.title == "Before you reach out: self-reflection"
    assert walk.labels() == [ui(walk.engine, "button_continue")]


def test_full_walk_produces_a_summary_of_own_answers_with_sources(walk: Walk) -> None:
    """Every answer appears in the summary, with notes for 'no' answers and the cited sections."""
    answer_all(walk)
    summary = walk.last
    assert summary.title == "Your self-reflection before reaching out"
    assert "We want referrals and to learn" in summary.text
    assert "Humility, Transparency" in summary.text
    assert "Your own value: (skipped)" in summary.text
    assert "Meeting space and paid speaking slots" in summary.text
    assert "Budget to pay trainers with lived experience" in summary.text
    assert "outreach-follow-through" in summary.text
    assert walk.session is not None and walk.session.finished
    assert walk.labels() == [ui(walk.engine, "button_document"), ui(walk.engine, "button_keep_answers"),
                             ui(walk.engine, "button_start_again"), ui(walk.engine, "button_menu")]


def test_a_choice_branches_to_its_own_step(walk: Walk) -> None:
    """Choosing 'Mostly our organization' leads to the step that asks the team to pause."""
    walk.tap(ui(walk.engine, "button_continue"))
    walk.type("Referrals")
    walk.tap("Mostly our organization")
    assert walk.session.state == "reconsider"


def test_back_returns_to_the_step_actually_visited_and_shows_the_earlier_answer(walk: Walk) -> None:
    """Back from the branch goes to the choice; back again shows the typed answer to change it."""
    walk.tap(ui(walk.engine, "button_continue"))
    walk.type("Referrals")
    walk.tap("Mostly our organization")
    walk.send(GoBack())
    assert walk.session.state == "who_benefits"
    walk.tap(ui(walk.engine, "button_back"))
    assert walk.session.state == "why"
    assert ui(walk.engine, "earlier_answer", answer="Referrals") in walk.last.text


def test_summary_leaves_out_answers_from_a_branch_abandoned_with_back(walk: Walk) -> None:
    """A 'no' that was changed to 'yes' after going back does not produce its note."""
    walk.tap(ui(walk.engine, "button_continue"))
    walk.type("Referrals")
    walk.tap("Both us and the community")
    walk.tap("Equity")
    walk.tap(ui(walk.engine, "button_done"))
    walk.type("Care")
    walk.tap("Both")
    walk.tap(ui(walk.engine, "button_no"))       # trainer_paid: no -> pay_note
    walk.send(GoBack())
    walk.tap(ui(walk.engine, "button_yes"))      # changed mind
    assert walk.session.state == "shared_interest"
    walk.tap(ui(walk.engine, "button_skip"))
    walk.tap(ui(walk.engine, "button_skip"))     # referral_area
    walk.tap(ui(walk.engine, "button_yes"))
    walk.type("Space")
    walk.tap(ui(walk.engine, "button_yes"))
    walk.tap("Ask each one how they want credit")
    walk.tap(ui(walk.engine, "button_yes"))
    assert "Trainers paid: Yes" in walk.last.text
    assert "Budget to pay trainers" not in walk.last.text


def test_checklist_ticks_edit_the_message_in_place_and_keep_the_turn(walk: Walk) -> None:
    """Ticking a value edits the same message; the buttons on it stay valid."""
    walk.tap(ui(walk.engine, "button_continue"))
    walk.type("Referrals")
    walk.tap("Both us and the community")
    turn = walk.session.turn
    result = walk.tap("Equity")
    assert isinstance(result.outputs[0], EditMessage)
    assert walk.session.turn == turn
    assert f"{ui(walk.engine, 'tick_on')} Equity" in walk.labels()
    walk.tap("Equity")
    assert f"{ui(walk.engine, 'tick_off')} Equity" in walk.labels()


def test_checklist_done_needs_the_minimum_ticks(walk: Walk) -> None:
    """Done with nothing ticked is refused with a short note; the step stays."""
    walk.tap(ui(walk.engine, "button_continue"))
    walk.type("Referrals")
    walk.tap("Both us and the community")
    result = walk.tap(ui(walk.engine, "button_done"))
    assert result.outputs == [Notice(ui(walk.engine, "min_ticks", min=1))]
    assert walk.session.state == "values"


def test_free_text_where_a_button_is_expected_reshows_the_step(walk: Walk) -> None:
    """Typing on a button step gives a hint and the same step again; nothing changes."""
    before = walk.session
    result = walk.type("hello?")
    assert result.outputs[0] == Message(ui(walk.engine, "use_buttons"))
    assert result.outputs[1].text == walk.engine.handle(before, Resume()).outputs[0].text
    assert walk.session == before


def test_a_message_over_the_limit_is_refused_with_the_limit_and_nothing_is_lost(walk: Walk) -> None:
    """10,000 characters to a 500-character step is refused, saying both numbers."""
    walk.tap(ui(walk.engine, "button_continue"))
    before = walk.session
    result = walk.type("x" * 10_000)
    assert result.outputs == [Message(ui(walk.engine, "too_long", length="10,000", limit="500"))]
    assert walk.session == before


def test_a_button_from_an_earlier_step_is_stale_and_never_applied(walk: Walk) -> None:
    """An old Continue button, tapped after moving on, re-shows the current step instead."""
    old = walk.last
    walk.tap(ui(walk.engine, "button_continue"))
    before = walk.session
    event = callbacks.decode(old.buttons[0][0].data)
    result = walk.send(event)
    assert result.outputs[0] == Notice(ui(walk.engine, "stale_button"))
    assert walk.session == before


def test_forged_option_is_rejected_without_touching_the_session(walk: Walk) -> None:
    """A well-formed button naming an option the step does not have changes nothing."""
    walk.tap(ui(walk.engine, "button_continue"))
    walk.type("Referrals")
    before = walk.session
    forged = Press(callbacks.decode(walk.last.buttons[0][0].data).action, DIALOGUE,
                   "who_benefits", "nope", before.turn)
    result = walk.send(forged)
    assert result.outputs == [Notice(ui(walk.engine, "unusable_button"))]
    assert walk.session == before


def test_skip_is_offered_only_on_optional_steps(walk: Walk) -> None:
    """Required steps have no Skip button; optional ones do."""
    skip = ui(walk.engine, "button_skip")
    walk.tap(ui(walk.engine, "button_continue"))
    assert skip not in walk.labels()
    walk.type("Referrals")
    walk.tap("Both us and the community")
    walk.tap("Equity")
    walk.tap(ui(walk.engine, "button_done"))
    assert skip in walk.labels()


def test_cancel_deletes_the_session_and_shows_the_menu(walk: Walk) -> None:
    """/cancel ends the dialogue and forgets its answers."""
    walk.tap(ui(walk.engine, "button_continue"))
    walk.type("Referrals")
    result = walk.send(Cancel())
    assert walk.session is None
    assert result.outputs[0] == Message(ui(walk.engine, "cancelled"))


def test_back_at_the_first_step_says_so(walk: Walk) -> None:
    """There is nothing before the first step; the person is told and stays."""
    result = walk.send(GoBack())
    assert result.outputs[0] == Notice(ui(walk.engine, "at_first_step"))
    assert walk.session.state == "intro"


def test_unknown_dialogue_in_a_deep_link_shows_the_menu(engine: Engine) -> None:
    """/start nonsense says the dialogue does not exist and offers the menu."""
    result = engine.handle(None, StartDialogue("nonsense"))
    assert result.outputs[0] == Message(ui(engine, "unknown_dialogue", name="nonsense"))
    assert result.session is None


def test_text_with_no_dialogue_in_progress_offers_the_menu(engine: Engine) -> None:
    """Typing outside a dialogue explains and shows the menu."""
    result = engine.handle(None, TextInput("hello"))
    assert result.outputs[0].text.startswith(ui(engine, "no_dialogue"))


def test_menu_offers_to_resume_a_dialogue_in_progress(walk: Walk) -> None:
    """With a dialogue in progress, the menu's first button continues it."""
    walk.tap(ui(walk.engine, "button_continue"))
    walk.send(ShowHome())
    assert walk.labels()[0] == ui(walk.engine, "resume_button",
                                  title="Before you reach out: self-reflection")
    walk.tap(walk.labels()[0])
    assert walk.session.state == "why"


def test_sessions_round_trip_through_json(walk: Walk) -> None:
    """A stored session reads back equal, answers and draft ticks included."""
    answer_all(walk)
    assert Session.from_json(walk.session.to_json()) == walk.session


@pytest.mark.parametrize("data", ["", "{}", "[]", '{"v": 2}', '{"v":1,"dialogue":3}'])
def test_corrupt_stored_sessions_are_refused(data: str) -> None:
    """Corrupt or foreign data is never used as a session."""
    with pytest.raises(InvalidSession):
        Session.from_json(data)


def test_every_button_fits_telegrams_64_bytes(walk: Walk) -> None:
    """Callback data of every button met on a full walk stays within Telegram's limit."""
    seen = []
    original = walk.send

    def recording(event):
        result = original(event)
        for output in result.outputs:
            message = output.message if isinstance(output, EditMessage) else output
            if isinstance(message, Message):
                seen.extend(b.data for row in message.buttons for b in row)
        return result

    walk.send = recording
    answer_all(walk)
    assert seen and all(len(d.encode()) <= 64 for d in seen)


@pytest.mark.parametrize("data", [
    None, "", "x", "1c|self_reflection|why", "1z|a|b||0", "1c|A|b||0", "1m|", "2h", "1c|a|b||" + "z" * 7,
])
def test_malformed_callback_data_decodes_to_nothing(data) -> None:
    """Garbage or forged callback data is never turned into an event."""
    assert callbacks.decode(data) is None


def test_a_summary_lost_in_a_crash_is_shown_again_not_deleted(walk: Walk) -> None:
    """If the update that finished a dialogue is delivered again, the summary is re-sent and
    the answers stay for its buttons (instead of being deleted unseen)."""
    answer_all(walk)
    summary = walk.last
    result = walk.send(Resume())
    assert walk.session is not None and walk.session.finished
    assert [o for o in result.outputs if isinstance(o, Message)][-1] == summary
