"""The coach: ``(session, event) -> (session, outputs)``, pure and shared by every front end.

No I/O and no Telegram here: the Telegram bot and the terminal coach both call `Engine.handle`
and render what it returns, so a reviewer previewing a dialogue in a terminal sees exactly the
wording Telegram users see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from dialogues import callbacks, privacy
from dialogues.document import summary_document
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
from dialogues.guidance import Card
from dialogues.machine import BACK, DialogueMachine
from dialogues.model import Dialogue, Library, Locale, Step, StepKind
from dialogues.outputs import (
    Button,
    Document,
    EditMessage,
    Keyboard,
    Message,
    Notice,
    Output,
    Tally,
)
from dialogues.search import Guidance, Ranking
from dialogues.session import Answer, Session
from dialogues.templates import Scope, answer_text, summary_body


@dataclass(frozen=True)
class Result:
    """The session after an event (None: no dialogue in progress) and what to show; `kept` is
    a finished session the person asked to keep for 30 days (the store files it away)."""

    session: Session | None
    outputs: list[Output] = field(default_factory=list)
    kept: Session | None = None


class Engine:
    """Runs every dialogue of a `Library`; one `DialogueMachine` per dialogue and locale.

    With `guidance`, typed text that no dialogue step is waiting for, and /ask, are answered
    from the guidance cards; without it such text only brings up the menu. `today` dates
    summary documents; tests pass a fixed day so documents are reproducible.
    """

    def __init__(self, library: Library, guidance: Guidance | None = None,
                 today: Callable[[], date] = date.today) -> None:
        self.library = library
        self.guidance = guidance
        self.today = today
        self._machines = {
            (code, dialogue.id): DialogueMachine(dialogue)
            for code, locale in library.locales.items()
            for dialogue in locale.dialogues.values()
        }

    @classmethod
    def serving(cls, library: Library) -> Engine:
        """The engine the bot runs: every dialogue, and quick guidance over the cards."""
        return cls(library, Guidance(library))

    # --- entry point ------------------------------------------------------------------------

    def handle(self, session: Session | None, event: Event, locale: str | None = None) -> Result:
        """Apply one event; never raises for anything a user can send."""
        lang = self.library.locale(session.locale if session else locale)
        apology: list[Output] = []
        if session is not None and self._dialogue(session) is None:
            session, apology = self._repair(lang, session)
            if apology and isinstance(event, Press | TextInput | Resume | GoBack):
                # The input was meant for a step that is gone: show where the person is now.
                shown = self._view(lang, session) if session else self._menu(lang, None)
                return Result(session, [*apology, shown])
        if session is not None and session.finished and not _uses_summary(event):
            session = None  # the summary was delivered: anything else deletes its answers
        result = self._dispatch(lang, session, event)
        return Result(result.session, [*apology, *result.outputs], kept=result.kept)

    def _dispatch(self, lang: Locale, session: Session | None, event: Event) -> Result:
        match event:
            case ShowHome():
                return Result(session, [self._home(lang, session)])
            case ShowMenu():
                return Result(session, [self._menu(lang, session)])
            case ShowHelp():
                return Result(session, [Message(lang.ui["help"])])
            case StartDialogue(dialogue_id):
                return self._start(lang, session, dialogue_id)
            case Resume():
                if session is None:
                    return Result(session, [self._menu(lang, session)])
                if session.finished:  # e.g. the summary's update delivered again after a crash
                    dialogue = self._dialogue(session)
                    assert dialogue is not None
                    return Result(session, self._summary(lang, dialogue, self._step(session),
                                                         session))
                return Result(session, [self._view(lang, session)])
            case Press():
                return self._press(lang, session, event)
            case TextInput(text):
                return self._text(lang, session, text)
            case GoBack():
                if session is None or session.finished:
                    return Result(session, [Message(lang.ui["no_dialogue"]), self._menu(lang, None)])
                return self._back(lang, session)
            case Cancel():
                if session is None:
                    return Result(None, [Message(lang.ui["nothing_to_cancel"]),
                                         self._menu(lang, None)])
                return Result(None, [Message(lang.ui["cancelled"]), self._menu(lang, None)])
            case Ask(question):
                return self._ask(lang, session, question)
            case ShowCard(card_id, more):
                return self._show_card(lang, session, card_id, more)
            case Vote(card_id, helpful):
                return Result(session, [Notice(lang.ui["guidance_thanks"]), Tally(card_id, helpful)])
            case NoneOfThese():
                return Result(session, [self._menu_with(lang, session, lang.ui["guidance_none_fit"]),
                                        Tally()])
            case KeepAnswers():
                if session is None or not session.finished:
                    return Result(session, [Notice(lang.ui["stale_button"]),
                                            self._menu(lang, session)])
                return Result(None, [Notice(lang.ui["answers_kept"])], kept=session)
        raise TypeError(f"unknown event {event!r}")  # pragma: no cover - exhaustive match

    def dialogue_titles(self, locale: str | None = None) -> dict[str, str]:
        return {d.id: d.title for d in self.library.locale(locale).dialogues.values()}

    # --- home and menu ----------------------------------------------------------------------

    def _home(self, lang: Locale, session: Session | None) -> Message:
        menu = self._menu(lang, session)
        text = f"{lang.ui['intro']}\n\n{lang.ui['privacy_notice']}\n\n{menu.text}"
        return Message(text, menu.buttons)

    def _menu(self, lang: Locale, session: Session | None) -> Message:
        lines = [lang.ui["menu_prompt"]]
        buttons: list[tuple[Button, ...]] = []
        current = self._dialogue(session) if session and not session.finished else None
        if current is not None:
            label = lang.ui["resume_button"].format(title=current.title)
            buttons.append((Button(label, callbacks.RESUME),))
        for audience in ("frontline", "leadership"):
            group = [d for d in lang.dialogues.values() if d.audience == audience]
            if not group:
                continue
            lines.append("")
            lines.append(lang.ui[f"menu_group_{audience}"])
            for dialogue in group:
                lines.append(lang.ui["menu_entry"].format(
                    title=dialogue.title, duration=dialogue.duration,
                    description=dialogue.description))
                buttons.append((Button(dialogue.title, callbacks.start_button(dialogue.id)),))
        return Message("\n".join(lines), tuple(buttons))

    def _start(self, lang: Locale, session: Session | None, dialogue_id: str) -> Result:
        dialogue = lang.dialogues.get(dialogue_id)
        if dialogue is None:
            notice = Message(lang.ui["unknown_dialogue"].format(name=dialogue_id[:40]))
            return Result(session, [notice, self._menu(lang, session)])
        outputs: list[Output] = []
        previous = self._dialogue(session) if session and not session.finished else None
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

    # --- buttons ----------------------------------------------------------------------------

    def _press(self, lang: Locale, session: Session | None, press: Press) -> Result:
        current = session is not None and (
            press.dialogue_id == session.dialogue_id and press.step_id == session.state
            and press.turn == session.turn % callbacks.TURN_MODULUS)
        if session is not None and session.finished and current and press.action is Action.DOCUMENT:
            return Result(session, [self._document(lang, session)])
        if session is None or session.finished:
            return Result(session, [Notice(lang.ui["stale_button"]), self._menu(lang, session)])
        if not current:
            return Result(session, [Notice(lang.ui["stale_button"]), self._view(lang, session)])
        step = self._step(session)
        match press.action:
            case Action.CONTINUE if step.kind is StepKind.INFO:
                return self._advance(lang, session, "next", None)
            case Action.CHOOSE if step.kind in (StepKind.CHOICE, StepKind.YESNO):
                if step.option(press.option_id) is None:
                    return Result(session, [Notice(lang.ui["unusable_button"])])
                return self._advance(lang, session, f"choose_{press.option_id}", press.option_id)
            case Action.TOGGLE if step.kind is StepKind.CHECKLIST:
                if step.option(press.option_id) is None:
                    return Result(session, [Notice(lang.ui["unusable_button"])])
                ticked = set(session.draft) ^ {press.option_id}
                draft = tuple(o.id for o in step.options if o.id in ticked)
                updated = replace(session, draft=draft)
                return Result(updated, [EditMessage(self._view(lang, updated))])
            case Action.DONE if step.kind is StepKind.CHECKLIST:
                if len(session.draft) < step.min:
                    return Result(session, [Notice(lang.ui["min_ticks"].format(min=step.min))])
                return self._advance(lang, session, "next", session.draft)
            case Action.SKIP if step.optional:
                return self._advance(lang, session, "skip", None)
            case Action.BACK:
                return self._back(lang, session)
            case Action.RETYPE if session.pending is not None:
                retyping = session.moved()
                return Result(retyping, [self._view(lang, retyping)])
            case Action.KEEP_MASKED if session.pending is not None and step.kind is StepKind.TEXT:
                return self._advance(lang, session, "next", session.pending)
        return Result(session, [Notice(lang.ui["unusable_button"])])

    # --- typed text -------------------------------------------------------------------------

    def _text(self, lang: Locale, session: Session | None, text: str) -> Result:
        if (session is None or session.finished) and self.guidance is not None:
            return self._ask(lang, session, text)
        if session is None or session.finished:
            return Result(session, [self._menu_with(lang, session, lang.ui["no_dialogue"])])
        step = self._step(session)
        if step.kind is not StepKind.TEXT:
            return Result(session, [Message(lang.ui["use_buttons"]), self._view(lang, session)])
        answer = text.strip()
        if not answer:
            return Result(session, [Message(lang.ui["empty_text"])])
        if len(answer) > step.max_length:
            refusal = lang.ui["too_long"].format(length=f"{len(answer):,}",
                                                 limit=f"{step.max_length:,}")
            return Result(session, [Message(refusal)])
        details = privacy.find(answer)
        if details:
            return self._nudge(lang, session, answer, details)
        return self._advance(lang, session, "next", answer)

    # --- quick guidance ---------------------------------------------------------------------

    def search(self, question: str, locale: str | None = None, limit: int = 3) -> Ranking:
        """The cards a question reaches (no guidance configured: none)."""
        if self.guidance is None:
            return Ranking(question, (), False)
        return self.guidance.search(question, self.library.locale(locale).code, limit)

    def card_message(self, card: Card, locale: str | None = None, more: bool = False) -> Message:
        """A card as a message without buttons: title, answer and the sections it cites."""
        lang = self.library.locale(locale)
        cited = self._citations(card.source)
        body = f"{card.answer}\n\n{card.more}" if more and card.more else card.answer
        return Message(f"{body}\n\n{lang.ui['guidance_sources']}\n{cited}", (), card.title)

    def _ask(self, lang: Locale, session: Session | None, question: str) -> Result:
        if not question.strip():
            return Result(session, [Message(lang.ui["ask_empty"])])
        ranking = self.search(question, lang.code)
        if not ranking.answered:
            return Result(session, [self._menu_with(lang, session, lang.ui["guidance_not_covered"]),
                                    Tally()])
        best, *others = (hit.card for hit in ranking.hits)
        view = self._card_view(lang, best, tuple(others))
        if ranking.tentative:
            view = replace(view, text=f"{lang.ui['guidance_tentative']}\n\n{view.text}")
        return Result(session, [view])

    def _show_card(self, lang: Locale, session: Session | None, card_id: str, more: bool) -> Result:
        card = self.guidance.card(card_id, lang.code) if self.guidance else None
        if card is None:
            return Result(session, [Message(lang.ui["guidance_unknown_card"])])
        return Result(session, [self._card_view(lang, card, (), more)])

    def _card_view(self, lang: Locale, card: Card, others: tuple[Card, ...],
                   more: bool = False) -> Message:
        """The card, with "walk me through it", runners-up, "none of these" and 👍/👎."""
        ui = lang.ui
        shown = self.card_message(card, lang.code, more)
        rows: list[tuple[Button, ...]] = []
        for dialogue_id in card.related:
            dialogue = lang.dialogues.get(dialogue_id)
            if dialogue is not None:
                label = ui["guidance_walk_through"].format(title=dialogue.title)
                rows.append((Button(label, callbacks.start_button(dialogue_id)),))
        if card.more and not more:
            rows.append((Button(ui["guidance_more"], callbacks.card_button(card.id, more=True)),))
        for other in others:
            label = ui["guidance_runner_up"].format(title=other.title)
            rows.append((Button(label, callbacks.card_button(other.id)),))
        if others:
            rows.append((Button(ui["guidance_none"], callbacks.NONE_OF_THESE),))
        rows.append((Button(ui["guidance_vote_up"], callbacks.vote_button(card.id, True)),
                     Button(ui["guidance_vote_down"], callbacks.vote_button(card.id, False))))
        return Message(f"{shown.text}\n\n{ui['guidance_helpful']}", tuple(rows), shown.title)

    def _nudge(self, lang: Locale, session: Session, answer: str,
               details: list[privacy.Detail]) -> Result:
        """Hold only a masked copy and ask whether to keep it masked or type it again."""
        masked = privacy.mask(answer, details, lang.ui["masked_detail"])
        kinds = dict.fromkeys(lang.ui[f"detail_{d.kind.value}"] for d in details)
        held = session.moved(pending=masked)
        dialogue = self._dialogue(held)
        assert dialogue is not None

        def button(key: str, action: Action) -> tuple[Button, ...]:
            data = callbacks.step_button(action, dialogue.id, held.state, held.turn)
            return (Button(lang.ui[key], data),)

        text = lang.ui["details_found"].format(details=", ".join(kinds), answer=masked)
        buttons = (button("button_retype", Action.RETYPE),
                   button("button_keep_masked", Action.KEEP_MASKED))
        return Result(held, [Message(text, buttons)])

    # --- moving -----------------------------------------------------------------------------

    def _advance(self, lang: Locale, session: Session, trigger: str, answer: Answer) -> Result:
        machine = self._machines[(lang.code, session.dialogue_id)]
        target = machine.fire(session.state, trigger)
        if target is None:
            return Result(session, [Notice(lang.ui["unusable_button"])])
        answers = {**session.answers, session.state: answer}
        history = (*session.history, session.state)
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
            state=target, answers=answers, history=history, rounds=rounds,
            draft=self._ticked(answers.get(target)) if arrived.kind is StepKind.CHECKLIST else (),
            finished=arrived.kind is StepKind.SUMMARY,
        )
        leaving: list[Output] = []
        if _in_grid(dialogue.step(session.state)):
            if _in_grid(arrived):
                # A run of yes/no questions is one grid: the pressed message becomes the next row.
                return Result(moved, [EditMessage(self._view(lang, moved))])
            # The grid is done: it keeps its answers and loses its buttons.
            grid = "\n".join(self._grid_lines(lang, dialogue, moved))
            leaving.append(EditMessage(Message(grid, (), dialogue.title)))
        if moved.finished:
            return Result(moved, leaving + self._summary(lang, dialogue, arrived, moved))
        return Result(moved, [*leaving, self._view(lang, moved)])

    def _back(self, lang: Locale, session: Session) -> Result:
        if not session.history:
            return Result(session, [Notice(lang.ui["at_first_step"]), self._view(lang, session)])
        previous = session.history[-1]
        machine = self._machines[(lang.code, session.dialogue_id)]
        if machine.fire(session.state, BACK, to=previous) is None:
            return Result(session, [Notice(lang.ui["unusable_button"])])
        dialogue = self._dialogue(session)
        assert dialogue is not None
        kind = dialogue.step(previous).kind
        answers, rounds = session.answers, session.rounds
        repeat = dialogue.repeat
        if repeat is not None and session.state == repeat.first and rounds:
            # Back out of a round just begun: the previous item's answers come back to edit.
            answers = {**{k: v for k, v in answers.items() if k not in repeat.steps}, **rounds[-1]}
            rounds = rounds[:-1]
        moved = session.moved(
            state=previous, history=session.history[:-1], answers=answers, rounds=rounds,
            draft=self._ticked(session.answers.get(previous)) if kind is StepKind.CHECKLIST else (),
        )
        return Result(moved, [self._view(lang, moved)])

    # --- showing a step ---------------------------------------------------------------------

    def _view(self, lang: Locale, session: Session) -> Message:
        """The current step as a message with its buttons (the same on every front end)."""
        dialogue = self._dialogue(session)
        assert dialogue is not None
        step = dialogue.step(session.state)
        ui = lang.ui

        def button(label: str, action: Action, option: str = "") -> Button:
            data = callbacks.step_button(action, dialogue.id, step.id, session.turn, option)
            return Button(label, data)

        rows: list[tuple[Button, ...]] = []
        text = step.text
        earlier = session.answers.get(step.id)
        if step.kind is StepKind.INFO:
            rows.append((button(ui["button_continue"], Action.CONTINUE),))
        elif step.kind is StepKind.TEXT:
            if isinstance(earlier, str):
                text += "\n\n" + ui["earlier_answer"].format(answer=earlier)
            text += "\n\n" + ui["text_hint"].format(limit=f"{step.max_length:,}")
        elif step.kind is StepKind.CHOICE:
            rows.extend((button(o.label, Action.CHOOSE, o.id),) for o in step.options)
        elif step.kind is StepKind.YESNO:
            grid = self._grid(lang, dialogue, session)
            if grid:
                text = f"{grid}\n\n{text}"
            rows.append((button(ui["button_yes"], Action.CHOOSE, "yes"),
                         button(ui["button_no"], Action.CHOOSE, "no")))
        elif step.kind is StepKind.CHECKLIST:
            for option in step.options:
                mark = ui["tick_on"] if option.id in session.draft else ui["tick_off"]
                rows.append((button(f"{mark} {option.label}", Action.TOGGLE, option.id),))
            rows.append((button(ui["button_done"], Action.DONE),))
        navigation: list[Button] = []
        if session.history:
            navigation.append(button(ui["button_back"], Action.BACK))
        if step.optional:
            navigation.append(button(ui["button_skip"], Action.SKIP))
        if navigation:
            rows.append(tuple(navigation))
        title = dialogue.title if not session.history else ""
        return Message(text, tuple(rows), title)

    @staticmethod
    def _scope(dialogue: Dialogue, session: Session) -> Scope:
        """The answers on the path actually walked, and every round of a repeat."""
        walked = set(session.history)
        answers = {k: v for k, v in session.answers.items() if k in walked}
        if dialogue.repeat is None:
            return Scope(answers, (answers,))
        steps = frozenset(dialogue.repeat.steps)
        current = {k: v for k, v in answers.items() if k in steps}
        return Scope(answers, (*session.rounds, current), steps)

    def _document(self, lang: Locale, session: Session) -> Document:
        """The finished summary as a file, built again from the kept session on each request."""
        dialogue = self._dialogue(session)
        assert dialogue is not None
        step = dialogue.step(session.state)
        return summary_document(dialogue, step, self._scope(dialogue, session),
                                self.library.sections, lang.ui, self.today())

    def _citations(self, section_ids: Iterable[str]) -> str:
        """Cited sections as chat lines: the guidelines' own heading, then the id in brackets."""
        return "\n".join(f"• {self.library.sections[s]} [{s}]" for s in section_ids)

    def _summary(self, lang: Locale, dialogue: Dialogue, step: Step,
                 session: Session) -> list[Output]:
        parts = summary_body(step, dialogue, self._scope(dialogue, session), lang.ui)
        cited = self._citations(dict.fromkeys(step.source or dialogue.source))
        if step.next_step:
            parts.append(f"{lang.ui['summary_next_step']}: {step.next_step}")
        parts.append(f"{lang.ui['summary_sources']}\n{cited}")
        parts.append(lang.ui["summary_done"])
        document = callbacks.step_button(Action.DOCUMENT, dialogue.id, step.id, session.turn)
        buttons: Keyboard = (
            (Button(lang.ui["button_document"], document),),
            (Button(lang.ui["button_keep_answers"], callbacks.KEEP),),
            (Button(lang.ui["button_start_again"], callbacks.start_button(dialogue.id)),
             Button(lang.ui["button_menu"], callbacks.MENU)),
        )
        return [Message("\n\n".join(parts), buttons, step.title)]

    def _grid(self, lang: Locale, dialogue: Dialogue, session: Session) -> str:
        """Answers already given in the current run of yes/no grid rows, one line each."""
        if not _in_grid(dialogue.step(session.state)):
            return ""
        return "\n".join(self._grid_lines(lang, dialogue, session))

    @staticmethod
    def _grid_lines(lang: Locale, dialogue: Dialogue, session: Session) -> list[str]:
        """The answered grid rows just before the current step, in the order asked."""
        lines: list[str] = []
        for step_id in reversed(session.history):
            step = dialogue.step(step_id)
            if not _in_grid(step) or step_id not in session.answers:
                break
            answer = answer_text(step, session.answers[step_id], lang.ui)
            lines.insert(0, lang.ui["grid_line"].format(column=step.short, answer=answer))
        return lines

    def _menu_with(self, lang: Locale, session: Session | None, lead: str) -> Message:
        menu = self._menu(lang, session)
        return Message(f"{lead}\n\n{menu.text}", menu.buttons)

    # --- content that changed under a session (live reload) ----------------------------------

    def _repair(self, lang: Locale, session: Session) -> tuple[Session | None, list[Output]]:
        """Move a session whose step no longer exists to the last step it visited that still
        does, or restart its dialogue, saying so; a finished session is simply closed."""
        dialogue = lang.dialogues.get(session.dialogue_id)
        if session.finished:
            return None, []
        if dialogue is None:
            return None, [Message(lang.ui["content_gone"])]
        kept = {k: v for k, v in session.answers.items() if k in dialogue.steps}
        for index in range(len(session.history) - 1, -1, -1):
            state = session.history[index]
            if state in dialogue.steps:
                step = dialogue.step(state)
                draft = self._ticked(kept.get(state)) if step.kind is StepKind.CHECKLIST else ()
                moved = session.moved(state=state, history=session.history[:index],
                                      answers=kept, draft=draft)
                return moved, [Message(lang.ui["content_moved"])]
        restarted = session.moved(state=dialogue.start, history=(), answers={}, draft=())
        return restarted, [Message(lang.ui["content_restarted"])]

    # --- lookups ----------------------------------------------------------------------------

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

    @staticmethod
    def _ticked(answer: Answer) -> tuple[str, ...]:
        return answer if isinstance(answer, tuple) else ()


def _in_grid(step: Step) -> bool:
    """Yes/no steps with a `short:` heading form a grid that is answered in one message."""
    return step.kind is StepKind.YESNO and bool(step.short)


def _uses_summary(event: Event) -> bool:
    """The summary's own buttons (keep the answers, get the document), and showing it again
    after a re-delivered update, are the only events a finished session survives; anything else
    deletes its answers."""
    return isinstance(event, KeepAnswers | Resume) or (
        isinstance(event, Press) and event.action is Action.DOCUMENT)
