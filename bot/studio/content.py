"""Everything the studio takes from `dialogues/`, in one place.

The engine's modules move between packages from time to time; the studio's other modules import
only from here, so such a move is fixed by editing this file alone.
"""

from __future__ import annotations

from pathlib import Path

from dialogues import callbacks
from dialogues.content.checks import run_checks
from dialogues.content.checks.review import STATUSES, check_reviews
from dialogues.content.checks.translations import fingerprint, read_lock, record_translation
from dialogues.content.files import (
    NOT_WORDING,
    SEARCH_AIDS,
    ContentFiles,
    item_label,
    locales,
    shown,
    walk,
)
from dialogues.content.loader import check_library, load_sections
from dialogues.content.problems import Mark, Problem, Problems, Severity
from dialogues.content.yamlsource import REVIEW_KEY, Mapping, Node, Scalar, Sequence
from dialogues.engine import Engine
from dialogues.events import Event, GoBack, Resume, StartDialogue, TextInput
from dialogues.model import Dialogue, Library, Step
from dialogues.outputs import Document, EditMessage, Message, Notice, Output, Tally
from dialogues.session import Session


def decode_button(data: str) -> Event | None:
    """The event a button's callback data stands for (None: not a coach button)."""
    return callbacks.decode(data)


def load(root: Path) -> tuple[Library | None, Problems]:
    """The content checked as `coachbot check` checks it: the library (None on errors) and
    every finding, errors and warnings."""
    return check_library(root)


def serving(library: Library) -> Engine:
    """The engine the bot runs on this library, quick guidance included."""
    return Engine.serving(library)


__all__ = [
    "NOT_WORDING",
    "REVIEW_KEY",
    "SEARCH_AIDS",
    "STATUSES",
    "ContentFiles",
    "Dialogue",
    "Document",
    "EditMessage",
    "Engine",
    "Event",
    "GoBack",
    "Library",
    "Mapping",
    "Mark",
    "Message",
    "Node",
    "Notice",
    "Output",
    "Problem",
    "Problems",
    "Resume",
    "Scalar",
    "Sequence",
    "Session",
    "Severity",
    "StartDialogue",
    "Step",
    "Tally",
    "TextInput",
    "check_reviews",
    "decode_button",
    "fingerprint",
    "item_label",
    "load",
    "load_sections",
    "locales",
    "read_lock",
    "record_translation",
    "run_checks",
    "serving",
    "shown",
    "walk",
]
