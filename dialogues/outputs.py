"""What the engine asks a front end to show; Telegram and the terminal render the same outputs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    """A button: `data` is callback data (see `callbacks`); `url` makes it a link instead."""

    label: str
    data: str = ""
    url: str = ""


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Message:
    """A message to send. `title` is shown in bold above the plain-text body."""

    text: str
    buttons: Keyboard = ()
    title: str = ""


@dataclass(frozen=True)
class EditMessage:
    """Replace the message whose button was pressed (checklists tick in place)."""

    message: Message


@dataclass(frozen=True)
class Notice:
    """A short note answering a button press (a toast on Telegram), with no new message."""

    text: str


@dataclass(frozen=True)
class Document:
    """A file to send (Telegram's sendDocument; the terminal saves it): a shareable summary."""

    filename: str
    data: bytes
    caption: str = ""


@dataclass(frozen=True)
class Tally:
    """Something to count, never shown: a vote on a card (`card_id`, `helpful`), or a question
    the guidance could not answer (no card id). Front ends that keep no counts ignore it."""

    card_id: str = ""
    helpful: bool | None = None


Output = Message | EditMessage | Notice | Document | Tally
