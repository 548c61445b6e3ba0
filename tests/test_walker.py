"""Every branch of every dialogue, walked automatically through the engine: each option of each
step, Back and Skip where offered, typed answers, checklist ticks, and repeats up to a bound.
The walk fails on dead ends, loops with no way out, missing wording, unresolved template
fields, steps never reached and summary notes that no set of answers can show."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import pytest
from exercise_walk import DAY, shown

from dialogues import callbacks
from dialogues.engine import Engine
from dialogues.events import Action, Event, GoBack, Press, StartDialogue, TextInput
from dialogues.model import Dialogue, Library, StepKind
from dialogues.outputs import Document, Message, Output
from dialogues.session import Session
from dialogues.templates import FIELD

MAX_ROUNDS = 2   # a repeat is walked twice: enough to cross every round boundary both ways
MAX_TICKS = 2    # checklist drafts explored up to two ticks (every tick and untick is tried)
TYPED = "A short typed answer"
PICKS = 20  # runs choosing option `pick % count` everywhere; 20 pairs up counts 4 and 5
DIALOGUES = ("funding_audit", "htic_check", "materials_review", "partner_check", "policy_check",
             "self_reflection", "transparency", "voluntary_services", "weekly_reflection")


@pytest.fixture(scope="module")
def dated(library: Library) -> Engine:
    return Engine(library, today=lambda: DAY)


@pytest.fixture(scope="module")
def walked(dated: Engine) -> dict[str, Exploration]:
    """Each dialogue explored once, shared by the checks below."""
    return {dialogue_id: explore(dated, dialogue_id) for dialogue_id in DIALOGUES}


def key(session: Session) -> tuple:
    """Sessions the walk treats as the same place (answers aside, which the summaries test)."""
    return (session.state, session.history, len(session.rounds), session.draft, session.finished)


@dataclass
class Exploration:
    problems: list[str] = field(default_factory=list)
    edges: dict[tuple, set[tuple]] = field(default_factory=dict)
    finished: set[tuple] = field(default_factory=set)
    states: set[str] = field(default_factory=set)
    tapped: set[tuple[str, str]] = field(default_factory=set)

    def check(self, where: str, outputs: list[Output]) -> None:
        for output in outputs:
            if isinstance(output, Document):
                text = output.data.decode("utf-8")
                if FIELD.search(text.replace("\\{", "")):
                    self.problems.append(f"{where}: unresolved field in the document")
                continue
            message = shown(output)
            if message is not None:
                self.check_message(where, message)

    def check_message(self, where: str, message: Message) -> None:
        if not message.text.strip():
            self.problems.append(f"{where}: a message with no wording")
        if FIELD.search(message.text):
            self.problems.append(f"{where}: unresolved field {FIELD.search(message.text)[0]}")
        for row in message.buttons:
            for button in row:
                if not button.label.strip():
                    self.problems.append(f"{where}: a button with no label")
                if not button.url and callbacks.decode(button.data) is None:
                    self.problems.append(f"{where}: button {button.label!r} cannot be decoded")


def moves(engine: Engine, session: Session, outputs: list[Output]) -> list[Event]:
    """What a person could do next: every button of the step on screen, /back, and typing."""
    events: list[Event] = [GoBack()]
    on_screen = [m for m in map(shown, outputs) if m is not None]
    for row in on_screen[-1].buttons if on_screen else ():
        for button in row:
            event = callbacks.decode(button.data)
            if isinstance(event, Press):
                events.append(event)
    dialogue = engine.library.locale("en").dialogues[session.dialogue_id]
    if not session.finished and dialogue.step(session.state).kind is StepKind.TEXT:
        events.append(TextInput(TYPED))
    return events


def explore(engine: Engine, dialogue_id: str) -> Exploration:
    found = Exploration()
    start = engine.handle(None, StartDialogue(dialogue_id))
    assert start.session is not None
    todo = deque([(start.session, start.outputs)])
    seen = {key(start.session)}
    found.check(f"{dialogue_id} start", start.outputs)
    while todo:
        session, outputs = todo.popleft()
        here = key(session)
        found.states.add(session.state)
        found.edges.setdefault(here, set())
        if session.finished:
            found.finished.add(here)
        forward = [e for e in moves(engine, session, outputs)
                   if not (isinstance(e, GoBack) or (isinstance(e, Press)
                                                     and e.action is Action.BACK))]
        if not session.finished and not forward:
            found.problems.append(f"{dialogue_id}.{session.state}: a dead end (no way forward)")
        for event in moves(engine, session, outputs):
            result = engine.handle(session, event)
            where = f"{dialogue_id}.{session.state} after {event!r}"
            found.check(where, result.outputs)
            if isinstance(event, Press):
                found.tapped.add((session.state, event.option_id or event.action.name))
            after = result.session
            if after is None or len(after.rounds) > MAX_ROUNDS or len(after.draft) > MAX_TICKS:
                continue
            found.edges[here].add(key(after))
            if key(after) not in seen:
                seen.add(key(after))
                todo.append((after, result.outputs))
    return found


def can_finish(found: Exploration) -> set[tuple]:
    """Places from which some sequence of moves reaches a summary."""
    reverse: dict[tuple, set[tuple]] = {}
    for source, targets in found.edges.items():
        for target in targets:
            reverse.setdefault(target, set()).add(source)
    good, todo = set(found.finished), list(found.finished)
    while todo:
        for source in reverse.get(todo.pop(), ()):
            if source not in good:
                good.add(source)
                todo.append(source)
    return good


@pytest.mark.parametrize("dialogue_id", DIALOGUES)
def test_every_branch_is_walkable_and_worded(dated: Engine, walked: dict[str, Exploration],
                                             dialogue_id: str) -> None:
    """No dead ends, no missing wording or unresolved fields, and every step is reached."""
    found = walked[dialogue_id]
    assert found.problems == []
    dialogue = dated.library.locale("en").dialogues[dialogue_id]
    assert found.states == set(dialogue.steps)
    assert found.finished


@pytest.mark.parametrize("dialogue_id", DIALOGUES)
def test_every_place_can_still_reach_a_summary(dated: Engine, walked: dict[str, Exploration],
                                               dialogue_id: str) -> None:
    """From wherever a person stands (after any taps, Back or Skip), a summary is reachable."""
    found = walked[dialogue_id]
    stuck = set(found.edges) - can_finish(found)
    assert sorted(s[0] for s in stuck) == []


@pytest.mark.parametrize("dialogue_id", DIALOGUES)
def test_every_option_of_every_step_was_tapped(dated: Engine, walked: dict[str, Exploration],
                                               dialogue_id: str) -> None:
    """Each option, Skip where offered and Back on every step but the first, was tried."""
    found = walked[dialogue_id]
    dialogue = dated.library.locale("en").dialogues[dialogue_id]
    for step in dialogue.steps.values():
        wanted = {o.id for o in step.options} if step.kind is not StepKind.SUMMARY else set()
        if step.optional:
            wanted.add("SKIP")
        if step.id != dialogue.start and step.kind is not StepKind.SUMMARY:
            wanted.add("BACK")
        if step.kind is StepKind.SUMMARY:
            wanted.add("DOCUMENT")
        assert wanted <= {what for state, what in found.tapped if state == step.id}, step.id


# --- summaries under many sets of answers ------------------------------------------------------

def answer_run(engine: Engine, dialogue: Dialogue, pick: int, ticks: str) -> tuple[str, str]:
    """Walk to the summary choosing option `pick` everywhere; return its text and document."""
    result = engine.handle(None, StartDialogue(dialogue.id))
    session = result.session
    repeat = dialogue.repeat
    for _ in range(200):
        assert session is not None
        if session.finished:
            message = shown(result.outputs[-1])
            assert message is not None
            document = engine.handle(session, callbacks.decode(message.buttons[0][0].data))
            assert isinstance(document.outputs[0], Document)
            return message.text, document.outputs[0].data.decode("utf-8")
        step = dialogue.step(session.state)

        def press(action: Action, option: str = "") -> Press:
            return Press(action, dialogue.id, step.id, option, session.turn)  # noqa: B023

        if step.optional and pick % 2:
            event: Event = press(Action.SKIP)
        elif step.kind is StepKind.INFO:
            event = press(Action.CONTINUE)
        elif step.kind is StepKind.TEXT:
            event = TextInput(f"{TYPED} {pick}")
        elif step.kind is StepKind.CHECKLIST:
            chosen = {"all": step.options, "none": step.options[:step.min],
                      "one": (step.options[pick % len(step.options)],)}[ticks]
            for option in chosen:
                session = engine.handle(session, press(Action.TOGGLE, option.id)).session
            event = press(Action.DONE)
        else:
            options = [o.id for o in step.options]
            loops = repeat is not None and any(
                (o.next or step.next) == repeat.first for o in step.options)
            if loops and len(session.rounds) + 1 >= MAX_ROUNDS:
                options = [o.id for o in step.options if (o.next or step.next) != repeat.first]
            event = press(Action.CHOOSE, options[pick % len(options)])
        result = engine.handle(session, event)
        session = result.session
    raise AssertionError(f"{dialogue.id}: no summary after 200 moves")


@pytest.mark.parametrize("dialogue_id", DIALOGUES)
def test_every_summary_note_can_be_shown_and_is_fully_filled(dated: Engine,
                                                             dialogue_id: str) -> None:
    """Across many sets of answers, each note appears, with every field filled, in chat and file."""
    dialogue = dated.library.locale("en").dialogues[dialogue_id]
    summaries = [answer_run(dated, dialogue, pick, ticks)
                 for pick in range(PICKS) for ticks in ("one", "all", "none")]
    for text, document in summaries:
        assert not FIELD.search(text), text
        assert not FIELD.search(document.replace("\\{", "")), document
    notes = [n for s in dialogue.steps.values() for n in s.notes]
    for note in notes:
        opening = note.text.split("{")[0].strip()[:40]
        assert any(opening in text for text, _ in summaries), opening
