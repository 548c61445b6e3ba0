"""Playing a dialogue on the page: the bot's own engine, one session per browser tab.

Like the terminal coach, this turns what a person does into engine events and the engine's
outputs into something to show (JSON chat bubbles). Sessions live in memory only, never on
disk: reviewers' practice answers are nobody's data.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from bot.studio.content import (
    Document,
    EditMessage,
    Engine,
    Event,
    GoBack,
    Message,
    Notice,
    Output,
    Resume,
    Session,
    StartDialogue,
    Tally,
    TextInput,
    decode_button,
)

MAX_TABS = 200  # the oldest tab's session is dropped beyond this many


class Refusal(ValueError):
    """A play request that names nothing playable; the text says what to do."""


def message_json(message: Message) -> dict[str, Any]:
    return {"title": message.title, "text": message.text,
            "buttons": [[{"label": b.label, "data": b.data, "url": b.url} for b in row]
                        for row in message.buttons]}


def outputs_json(outputs: list[Output]) -> list[dict[str, Any]]:
    """The engine's outputs as the page draws them; counts (`Tally`) are not shown."""
    shown: list[dict[str, Any]] = []
    for output in outputs:
        if isinstance(output, Notice):
            shown.append({"type": "notice", "text": output.text})
        elif isinstance(output, EditMessage):
            shown.append({"type": "edit", **message_json(output.message)})
        elif isinstance(output, Document):
            shown.append({"type": "document", "filename": output.filename,
                          "caption": output.caption,
                          "text": output.data.decode("utf-8", errors="replace")})
        elif not isinstance(output, Tally):
            shown.append({"type": "message", **message_json(output)})
    return shown


class Player:
    """Sessions per browser tab, each driven by the engine currently in use."""

    def __init__(self) -> None:
        self._sessions: OrderedDict[str, Session | None] = OrderedDict()
        self._lock = threading.Lock()

    def play(self, engine: Engine, tab: str, request: dict[str, Any]) -> dict[str, Any]:
        """Apply one thing the reviewer did; return what the bot shows and where it is now."""
        with self._lock:
            session = self._sessions.get(tab)
        locale = str(request.get("locale") or "en")
        event, session = self._event(engine, session, request, locale)
        result = engine.handle(session, event, locale)
        with self._lock:
            self._sessions[tab] = result.session
            self._sessions.move_to_end(tab)
            while len(self._sessions) > MAX_TABS:
                self._sessions.popitem(last=False)
        state = result.session
        return {"outputs": outputs_json(result.outputs),
                "at": {"dialogue": state.dialogue_id, "step": state.state,
                       "finished": state.finished} if state else None}

    def _event(self, engine: Engine, session: Session | None, request: dict[str, Any],
               locale: str) -> tuple[Event, Session | None]:
        action = request.get("action")
        if action == "start":
            return StartDialogue(str(request.get("dialogue", ""))), None
        if action == "from":
            return Resume(), self._at_step(engine, request, locale)
        if action == "press":
            event = decode_button(str(request.get("data", "")))
            if event is None:
                raise Refusal("That button only works on Telegram.")
            return event, session
        if action == "text":
            return TextInput(str(request.get("text", ""))), session
        if action == "back":
            return GoBack(), session
        raise Refusal("Say what to do: start, from, press, text or back.")

    @staticmethod
    def _at_step(engine: Engine, request: dict[str, Any], locale: str) -> Session:
        """A fresh session standing on any step ("try from here"); earlier steps unanswered."""
        lang = engine.library.locale(locale)
        dialogue = lang.dialogues.get(str(request.get("dialogue", "")))
        step_id = str(request.get("step", ""))
        if dialogue is None or step_id not in dialogue.steps:
            raise Refusal("There is no such dialogue or step any more — reload the page.")
        fresh = Session(dialogue.id, dialogue.start, engine.library.version, lang.code)
        summary = dialogue.steps[step_id].kind.value == "summary"
        return replace(fresh, state=step_id, finished=summary)
