"""A person walking a dialogue through the engine: tap by label, type, and read the result."""

from __future__ import annotations

from datetime import date

from dialogues import callbacks
from dialogues.engine import Engine, Result
from dialogues.events import Event, StartDialogue, TextInput
from dialogues.outputs import Document, EditMessage, Message, Output
from dialogues.session import Session

DAY = date(2026, 11, 27)


def shown(output: Output) -> Message | None:
    """The message an output puts on screen (an edit shows its new message)."""
    if isinstance(output, EditMessage):
        return output.message
    return output if isinstance(output, Message) else None


class Walk:
    """Drives one session; `last` is the newest message on screen."""

    def __init__(self, engine: Engine, dialogue_id: str | None = None) -> None:
        self.engine = engine
        self.session: Session | None = None
        self.result: Result | None = None
        self.last: Message | None = None
        if dialogue_id:
            self.send(StartDialogue(dialogue_id))

    def ui(self, key: str, **fields: object) -> str:
        return self.engine.library.locale("en").ui[key].format(**fields)

    def send(self, event: Event) -> Result:
        self.result = self.engine.handle(self.session, event)
        self.session = self.result.session
        for output in self.result.outputs:
            message = shown(output)
            if message is not None:
                self.last = message
        return self.result

    def labels(self) -> list[str]:
        assert self.last is not None
        return [b.label for row in self.last.buttons for b in row]

    def tap(self, label: str) -> Result:
        """Tap the button whose label is `label` (or ends with it, after a tick mark)."""
        assert self.last is not None
        for row in self.last.buttons:
            for button in row:
                if button.label == label or button.label.endswith(f" {label}"):
                    event = callbacks.decode(button.data)
                    assert event is not None, button
                    return self.send(event)
        raise AssertionError(f"no button {label!r} in {self.labels()}")

    def type(self, text: str) -> Result:
        return self.send(TextInput(text))

    def document(self) -> Document:
        """Tap "Get this as a document" and return the file produced."""
        result = self.tap(self.ui("button_document"))
        documents = [o for o in result.outputs if isinstance(o, Document)]
        assert len(documents) == 1, result.outputs
        return documents[0]
