"""Every feature's buttons carry their own callback prefix, so no handler takes another's taps."""

from __future__ import annotations

from bot.features.language import handlers as language
from dialogues import callbacks
from dialogues.events import Action
from dialogues.schedules import setup as schedule_setup


def test_dialogue_buttons_are_never_schedule_or_language_buttons() -> None:
    """A Skip (or any step button) is not matched by the /schedule or /language handlers."""
    import re

    for action in Action:
        data = callbacks.step_button(action, "self_reflection", "own_value", 7, "x")
        assert not re.match(schedule_setup.PATTERN, data), action
        assert not language.CALLBACK.match(data), action


def test_schedule_and_language_buttons_are_never_dialogue_events() -> None:
    """Buttons of /schedule and /language never decode to a dialogue event."""
    for data in (f"{schedule_setup.PREFIX}|d|abc|1", "1l|es"):
        assert callbacks.decode(data) is None
