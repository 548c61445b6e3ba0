"""The coach: ``(session, event) -> (session, outputs)``, pure and shared by every front end.

No I/O and no Telegram here: the Telegram bot and the terminal coach both call `Engine.handle`
and render what it returns, so a reviewer previewing a dialogue in a terminal sees exactly the
wording Telegram users see. The engine moves through dialogue steps; each step kind
(`dialogues.steps`) says how it looks and what its buttons and typed text do, the menu is
`dialogues.home`, summaries and grids `dialogues.summaries`, quick guidance `dialogues.asking`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from dialogues import callbacks, summaries
from dialogues.events import (
    Action,
    Ask,
    Cancel,
    Event,
    GoBack,
    KeepAnswers,
    NoneOfThese,
    Press,
    Resume,
    ShowCard,
    ShowHelp,
    ShowHome,
    ShowMenu,
    StartDialogue,
    TextInput,
    Vote,
)
from dialogues.guidance.asking import Asking
from dialogues.guidance.cards import Card
from dialogues.guidance.lazy import LazyGuidance
from dialogues.home import home, menu, menu_with
from dialogues.machine import BACK, DialogueMachine
from dialogues.model import Dialogue, Library, Locale, Step, StepKind
from dialogues.outputs import Button, EditMessage, Message, Notice, Output
from dialogues.session import Answer, Session
from dialogues.steps import in_grid, kind_of
from dialogues.steps.base import Advance, Hold, Outcome, Redraw, Refuse, Say, View

if TYPE_CHECKING:
    from dialogues.guidance.index import Guidance, Ranking


@dataclass(frozen=True)
class Result:
    """The session after an event (None: no dialogue in progress) and what to show; `kept` is
    a finished session the person asked to keep for 30 days (the store files it away)."""

    session: Session | None
    outputs: list[Output] = field(default_factory=list)
    kept: Session | None = None


Handler = Callable[[Locale, "Session | None", Event], Result]


class Engine:
    """Runs every dialogue of a `Library`; one `DialogueMachine` per dialogue and locale.

    With `guidance`, typed text that no dialogue step is waiting for, and /ask, are answered
    from the guidance cards; without it such text only brings up the menu. `today` dates
    summary documents; tests pass a fixed day so documents are reproducible.
    """

    def __init__(self, library: Library, guidance: Guidance | LazyGuidance | None = None,
                 today: Callable[[], date] = date.today) -> None:
        self.library = library
        self.guidance = guidance
        self.today = today
        self.asking = Asking(library, guidance)
        self._machines = {
            (code, dialogue.id): DialogueMachine(dialogue)
            for code, locale in library.locales.items()
            for dialogue in locale.dialogues.values()
        }
        self._handlers: dict[type, Handler] = {
            ShowHome: lambda lang, session, _e: Result(session, [home(lang, self._current(session))]),
            ShowMenu: lambda lang, session, _e: Result(session, [self._menu(lang, session)]),
            ShowHelp: lambda lang, session, _e: Result(session, [Message(lang.ui["help"])]),
            StartDialogue: lambda lang, session, e: self._start(lang, session, e.dialogue_id),
            Resume: self._resume,
            Press: self._press,
            TextInput: lambda lang, session, e: self._text(lang, session, e.text),
            GoBack: self._go_back,
            Cancel: self._cancel,
            Ask: lambda lang, session, e: Result(
                session, self.asking.ask(lang, self._current(session), e.question)),
            ShowCard: lambda lang, session, e: Result(
                session, self.asking.show_card(lang, e.card_id, e.more)),
            Vote: lambda lang, session, e: Result(
                session, self.asking.vote(lang, e.card_id, e.helpful)),
            NoneOfThese: lambda lang, session, _e: Result(
                session, self.asking.none_fit(lang, self._current(session))),
            KeepAnswers: self._keep,
        }

    @classmethod
    def serving(cls, library: Library) -> Engine:
        """The engine the bot runs: every dialogue, and quick guidance over the cards (built on
        the first question, see `LazyGuidance`)."""
        return cls(library, LazyGuidance(library))

    # --- entry point ------------------------------------------------------------------------

    def handle(self, session: Session | None, event: Event, locale: str | None = None) -> Result:
        """Apply one event; never raises for anything a user can send."""
        lang = self.library.locale(session.locale if session else locale)
        apology: list[Output] = []
        if session is not None and self._dialogue(session) is None:
            session, apology = repair(lang, session)
            if apology and isinstance(event, Press | TextInput | Resume | GoBack):
                # The input was meant for a step that is gone: show where the person is now.
                shown = self._view(lang, session) if session else self._menu(lang, None)
                return Result(session, [*apology, shown])
        if session is not None and session.finished and not _uses_summary(event):
            session = None  # the summary was delivered: anything else deletes its answers
        result = self._handlers[type(event)](lang, session, event)
        return Result(result.session, [*apology, *result.outputs], kept=result.kept)

    def dialogue_titles(self, locale: str | None = None) -> dict[str, str]:
        return {d.id: d.title for d in self.library.locale(locale).dialogues.values()}

    def search(self, question: str, locale: str | None = None, limit: int = 3) -> Ranking:
        """The cards a question reaches (no guidance configured: none)."""
        return self.asking.search(question, locale, limit)

    def card_message(self, card: Card, locale: str | None = None, more: bool = False) -> Message:
        """A card as a message without buttons: title, answer and the sections it cites."""
        return self.asking.card_message(card, locale, more)

    # --- events -----------------------------------------------------------------------------

    def _resume(self, lang: Locale, session: Session | None, _event: Event) -> Result:
        if session is None:
            return Result(session, [self._menu(lang, session)])
        if session.finished:  # e.g. the summary's update delivered again after a crash
            return Result(session, [self._summary(lang, session)])
        return Result(session, [self._view(lang, session)])

    def _go_back(self, lang: Locale, session: Session | None, _event: Event) -> Result:
        if session is None or session.finished:
            return Result(session, [Message(lang.ui["no_dialogue"]), self._menu(lang, None)])
        return self._back(lang, session)

    def _cancel(self, lang: Locale, session: Session | None, _event: Event) -> Result:
        said = lang.ui["nothing_to_cancel"] if session is None else lang.ui["cancelled"]
        return Result(None, [Message(said), self._menu(lang, None)])

    def _keep(self, lang: Locale, session: Session | None, _event: Event) -> Result:
        if session is None or not session.finished:
            return Result(session, [Notice(lang.ui["stale_button"]), self._menu(lang, session)])
        return Result(None, [Notice(lang.ui["answers_kept"])], kept=session)

    def _start(self, lang: Locale, session: Session | None, dialogue_id: str) -> Result:
        dialogue = lang.dialogues.get(dialogue_id)
        if dialogue is None:
            notice = Message(lang.ui["unknown_dialogue"].format(name=dialogue_id[:40]))
            return Result(session, [notice, self._menu(lang, session)])
        outputs: list[Output] = []
        previous = self._current(session)
        if previous is not None and session is not None and session.history:
            outputs.append(Message(lang.ui["replaced_dialogue"].format(title=previous.title)))
        fresh = Session(
            dialogue_id=dialogue.id,
            state=dialogue.start,
            content_version=self.library.version,
            locale=lang.code,
            turn=(session.turn + 1) if session else 0,
        )
        outputs.append(self._view(lang, fresh))
        return Result(fresh, outputs)

    def _press(self, lang: Locale, session: Session | None, press: Event) -> Result:
        assert isinstance(press, Press)
        current = session is not None and (
            press.dialogue_id == session.dialogue_id and press.step_id == session.state
            and press.turn == session.turn % callbacks.TURN_MODULUS)
        if session is not None and session.finished and current and press.action is Action.DOCUMENT:
            dialogue = self._dialogue(session)
            assert dialogue is not None
            return Result(session, [summaries.document(lang, self.library.sections, dialogue,
                                                       session, self.today())])
        if session is None or session.finished:
            return Result(session, [Notice(lang.ui["stale_button"]), self._menu(lang, session)])
        if not current:
            return Result(session, [Notice(lang.ui["stale_button"]), self._view(lang, session)])
        step = self._step(session)
        if press.action is Action.SKIP and step.optional:
            return self._advance(lang, session, "skip", None)
        if press.action is Action.BACK:
            return self._back(lang, session)
        if press.action is Action.RETYPE and session.pending is not None:
            retyping = session.moved()
            return Result(retyping, [self._view(lang, retyping)])
        outcome = kind_of(step).press(press, step, session, lang.ui)
        return self._outcome(lang, session, outcome or Refuse(lang.ui["unusable_button"]))

    def _text(self, lang: Locale, session: Session | None, text: str) -> Result:
        if (session is None or session.finished) and self.guidance is not None:
            return Result(session, self.asking.ask(lang, self._current(session), text))
        if session is None or session.finished:
            return Result(session, [menu_with(lang, self._current(session), lang.ui["no_dialogue"])])
        step = self._step(session)
        return self._outcome(lang, session, kind_of(step).typed(step, session, text, lang.ui))

    def _outcome(self, lang: Locale, session: Session, outcome: Outcome) -> Result:
        """Carry out what a step made of a press or of typed text."""
        match outcome:
            case Advance(trigger, answer):
                return self._advance(lang, session, trigger, answer)
            case Redraw(updated):
                return Result(updated, [EditMessage(self._view(lang, updated))])
            case Refuse(text):
                return Result(session, [Notice(text)])
            case Hold(pending, text, actions):
                held = session.moved(pending=pending)
                buttons = tuple(
                    (Button(lang.ui[key], callbacks.step_button(
                        action, held.dialogue_id, held.state, held.turn)),)
                    for key, action in actions)
                return Result(held, [Message(text, buttons)])
            case Say(text, show_step):
                shown = [self._view(lang, session)] if show_step else []
                return Result(session, [Message(text), *shown])
        raise TypeError(f"unknown outcome {outcome!r}")  # pragma: no cover - exhaustive match

    # --- moving -----------------------------------------------------------------------------

    def _advance(self, lang: Locale, session: Session, trigger: str, answer: Answer) -> Result:
        machine = self._machines[(lang.code, session.dialogue_id)]
        target = machine.fire(session.state, trigger)
        if target is None:
            return Result(session, [Notice(lang.ui["unusable_button"])])
        answers = {**session.answers, session.state: answer}
        dialogue = self._dialogue(session)
        assert dialogue is not None
        rounds = session.rounds
        repeat = dialogue.repeat
        if repeat is not None and target == repeat.first and repeat.first in session.history:
            # Back at the start of the round: a new item (funder) begins, with a clean slate.
            if len(rounds) + 1 >= repeat.most:
                notice = lang.ui["repeat_limit"].format(most=repeat.most)
                return Result(session, [Notice(notice), self._view(lang, session)])
            rounds = (*rounds, {k: v for k, v in answers.items() if k in repeat.steps})
            answers = {k: v for k, v in answers.items() if k not in repeat.steps}
        arrived = dialogue.step(target)
        moved = session.moved(
            state=target, answers=answers, history=(*session.history, session.state),
            rounds=rounds, draft=kind_of(arrived).draft(answers.get(target)),
            finished=arrived.kind is StepKind.SUMMARY,
        )
        return Result(moved, self._arrival(lang, dialogue, session, moved))

    def _arrival(self, lang: Locale, dialogue: Dialogue, left: Session,
                 moved: Session) -> list[Output]:
        """What is shown on arriving at a step; a yes/no grid is edited in place."""
        leaving: list[Output] = []
        arrived = dialogue.step(moved.state)
        if in_grid(dialogue.step(left.state)):
            if in_grid(arrived):
                # A run of yes/no questions is one grid: the pressed message becomes the next row.
                return [EditMessage(self._view(lang, moved))]
            # The grid is done: it keeps its answers and loses its buttons.
            grid = "\n".join(summaries.grid_lines(lang, dialogue, moved))
            leaving.append(EditMessage(Message(grid, (), dialogue.title)))
        if moved.finished:
            return [*leaving, self._summary(lang, moved)]
        return [*leaving, self._view(lang, moved)]

    def _back(self, lang: Locale, session: Session) -> Result:
        if not session.history:
            return Result(session, [Notice(lang.ui["at_first_step"]), self._view(lang, session)])
        previous = session.history[-1]
        machine = self._machines[(lang.code, session.dialogue_id)]
        if machine.fire(session.state, BACK, to=previous) is None:
            return Result(session, [Notice(lang.ui["unusable_button"])])
        dialogue = self._dialogue(session)
        assert dialogue is not None
        answers, rounds = session.answers, session.rounds
        repeat = dialogue.repeat
        if repeat is not None and session.state == repeat.first and rounds:
            # Back out of a round just begun: the previous item's answers come back to edit.
            answers = {**{k: v for k, v in answers.items() if k not in repeat.steps}, **rounds[-1]}
            rounds = rounds[:-1]
        moved = session.moved(
            state=previous, history=session.history[:-1], answers=answers, rounds=rounds,
            draft=kind_of(dialogue.step(previous)).draft(session.answers.get(previous)),
        )
        return Result(moved, [self._view(lang, moved)])

    # --- showing ----------------------------------------------------------------------------

    def _view(self, lang: Locale, session: Session) -> Message:
        """The current step as a message with its buttons (the same on every front end)."""
        dialogue = self._dialogue(session)
        assert dialogue is not None
        step = dialogue.step(session.state)
        ui = lang.ui

        def button(label: str, action: Action, option: str = "") -> Button:
            data = callbacks.step_button(action, dialogue.id, step.id, session.turn, option)
            return Button(label, data)

        view = View(step, session, ui, button, summaries.grid(lang, dialogue, session))
        text, rows = kind_of(step).body(view)
        navigation: list[Button] = []
        if session.history:
            navigation.append(button(ui["button_back"], Action.BACK))
        if step.optional:
            navigation.append(button(ui["button_skip"], Action.SKIP))
        if navigation:
            rows.append(tuple(navigation))
        title = dialogue.title if not session.history else ""
        return Message(text, tuple(rows), title)

    def _summary(self, lang: Locale, session: Session) -> Message:
        dialogue = self._dialogue(session)
        assert dialogue is not None
        step = dialogue.step(session.state)
        return summaries.summary(lang, self.library.sections, dialogue, step, session)

    def _menu(self, lang: Locale, session: Session | None) -> Message:
        return menu(lang, self._current(session))

    # --- lookups ----------------------------------------------------------------------------

    def _current(self, session: Session | None) -> Dialogue | None:
        """The dialogue in progress (a finished one is not)."""
        return self._dialogue(session) if session and not session.finished else None

    def _dialogue(self, session: Session | None) -> Dialogue | None:
        if session is None:
            return None
        dialogue = self.library.locale(session.locale).dialogues.get(session.dialogue_id)
        if dialogue is None or session.state not in dialogue.steps:
            return None
        return dialogue

    def _step(self, session: Session) -> Step:
        dialogue = self._dialogue(session)
        assert dialogue is not None
        return dialogue.step(session.state)


def repair(lang: Locale, session: Session) -> tuple[Session | None, list[Output]]:
    """Content changed under a session (live reload): move a session whose step no longer
    exists to the last step it visited that still does, or restart its dialogue, saying so; a
    finished session is simply closed."""
    dialogue = lang.dialogues.get(session.dialogue_id)
    if session.finished:
        return None, []
    if dialogue is None:
        return None, [Message(lang.ui["content_gone"])]
    kept = {k: v for k, v in session.answers.items() if k in dialogue.steps}
    for index in range(len(session.history) - 1, -1, -1):
        state = session.history[index]
        if state in dialogue.steps:
            draft = kind_of(dialogue.step(state)).draft(kept.get(state))
            moved = session.moved(state=state, history=session.history[:index],
                                  answers=kept, draft=draft)
            return moved, [Message(lang.ui["content_moved"])]
    restarted = session.moved(state=dialogue.start, history=(), answers={}, draft=())
    return restarted, [Message(lang.ui["content_restarted"])]


def _uses_summary(event: Event) -> bool:
    """The summary's own buttons (keep the answers, get the document), and showing it again
    after a re-delivered update, are the only events a finished session survives; anything else
    deletes its answers."""
    return isinstance(event, KeepAnswers | Resume) or (
        isinstance(event, Press) and event.action is Action.DOCUMENT)
