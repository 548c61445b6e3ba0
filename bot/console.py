"""The terminal coach: the same engine and wording as Telegram, with numbered choices.

Reviewers who cannot code run a dialogue with one command and see exactly what Telegram
users will see; buttons become numbers, commands stay the same.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

from dialogues import callbacks
from dialogues.engine import Engine
from dialogues.events import (
    Ask,
    Cancel,
    Event,
    GoBack,
    ShowHelp,
    ShowHome,
    ShowMenu,
    StartDialogue,
    TextInput,
)
from dialogues.outputs import Button, Document, EditMessage, Message, Notice, Output, Tally
from dialogues.session import Session

QUIT_WORDS = ("/quit", "/exit", "/q")
SUMMARIES = Path("coachbot-summaries")  # relative to the current directory; git-ignored


class ConsoleCoach:
    """A read-print loop around `Engine`, keeping the one session in memory.

    Summary documents are written into `summaries` (created when the first one is saved).
    """

    def __init__(self, engine: Engine, read: Callable[[str], str] | None = None,
                 write: Callable[[str], None] | None = None, width: int = 78,
                 summaries: Path = SUMMARIES, locale: str | None = None,
                 show_ids: bool = False) -> None:
        self.engine = engine
        self.summaries = summaries
        self.locale = locale
        self.show_ids = show_ids
        self.read = read or input
        self.write = write or print
        self.width = width
        self.session: Session | None = None
        self.buttons: list[Button] = []

    def run(self, dialogue_id: str | None = None) -> None:
        first: Event = StartDialogue(dialogue_id) if dialogue_id else ShowHome()
        self.apply(first)
        self.write(self._ui("console_hint"))
        while True:
            try:
                line = self.read("> ")
            except (EOFError, KeyboardInterrupt):
                self.write("")
                return
            if line.strip().lower() in QUIT_WORDS:
                return
            event = self.parse(line)
            if event is not None:
                self.apply(event)

    def _ui(self, key: str, **fields: object) -> str:
        locale = self.session.locale if self.session else None
        return self.engine.library.locale(locale).ui[key].format(**fields)

    def parse(self, line: str) -> Event | None:
        """A typed line as an event: a button number, a command, or a free-text answer."""
        stripped = line.strip()
        labelled = self._labelled(stripped)
        if (stripped.isdigit() or labelled is not None) and self.buttons:
            index = int(stripped) - 1 if labelled is None else labelled
            if not 0 <= index < len(self.buttons):
                self.write(self._ui("console_one_button", number=stripped)
                           if len(self.buttons) == 1 else
                           self._ui("console_no_button", number=stripped, count=len(self.buttons)))
                return None
            event = callbacks.decode(self.buttons[index].data)
            if event is None:
                self.write(self._ui("console_telegram_only"))
            return event
        command, _, argument = stripped.partition(" ")
        commands: dict[str, Event] = {
            "/back": GoBack(), "/cancel": Cancel(), "/menu": ShowMenu(), "/help": ShowHelp(),
        }
        if command == "/start":
            return StartDialogue(argument.strip()) if argument.strip() else ShowHome()
        if command in commands:
            return commands[command]
        if command == "/ask":
            return Ask(argument)
        return TextInput(line)

    def _labelled(self, typed: str) -> int | None:
        """The button whose words were typed ("continue" for "Continue ▸"), ignoring case
        and the arrows and marks around them."""
        wanted = _words(typed)
        if not wanted:
            return None
        return next((i for i, b in enumerate(self.buttons) if _words(b.label) == wanted), None)

    def apply(self, event: Event) -> None:
        result = self.engine.handle(self.session, event, self.locale)
        self.session = result.session
        if self.show_ids:
            self._where()
        self.show(result.outputs)

    def _where(self) -> None:
        """For reviewers: the step's id, the file and line to edit, and its sources."""
        if self.session is None:
            return
        dialogue = self.engine.library.locale(self.session.locale).dialogues.get(
            self.session.dialogue_id)
        step = dialogue.steps.get(self.session.state) if dialogue else None
        if step is not None:
            sources = ", ".join(step.source) or "-"
            self.write(f"\n[step '{step.id}' ({step.kind.value}) at {step.mark} · source: {sources}]")

    def show(self, outputs: list[Output]) -> None:
        voted = any(isinstance(o, Tally) and o.card_id for o in outputs)
        for output in outputs:
            if isinstance(output, Notice) and voted:
                self.write(f"  ({self._ui('console_vote_not_stored')})")  # no database here
            elif isinstance(output, Notice):
                self.write(f"  ({output.text})")
            elif isinstance(output, EditMessage):
                self._message(output.message)
            elif isinstance(output, Document):
                path = self.save(output)
                self.write(self._ui("document_saved", path=path))
                self._list_buttons()  # the step is still there: its buttons still work
            elif isinstance(output, Tally):
                continue  # the terminal coach keeps no counts
            else:
                self._message(output)

    def save(self, document: Document) -> Path:
        """Write the document under `summaries`, never over an earlier one of the same name,
        readable by its owner only (0600, like the database): it holds their answers."""
        self.summaries.mkdir(parents=True, exist_ok=True)
        path = self.summaries / document.filename
        stem, suffix = path.stem, path.suffix
        number = 1
        while path.exists():
            number += 1
            path = self.summaries / f"{stem}-{number}{suffix}"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(document.data)
        return path

    def _message(self, message: Message) -> None:
        self.write("")
        if message.title:
            self.write(message.title.upper())
            self.write("=" * min(len(message.title), self.width))
        for paragraph in message.text.split("\n"):
            wrapped = textwrap.wrap(paragraph, self.width) or [""]
            self.write("\n".join(wrapped))
        self.buttons = [b for row in message.buttons for b in row if b.data]
        self._list_buttons()

    def _list_buttons(self) -> None:
        for number, button in enumerate(self.buttons, start=1):
            self.write(f"  {number}. {button.label}")


def _words(text: str) -> str:
    """A label or a typed line reduced to its letters, digits and emoji, lower case."""
    return " ".join(re.sub(r"[▸◂←→\u203a\u2039✓✔•·.,!?:;()\[\]\"']", " ", text).casefold().split())
