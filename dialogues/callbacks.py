"""Callback data: short, versioned and checked, so stale and forged buttons are recognised.

Format (at most 64 bytes, Telegram's limit): ``1<action>|<dialogue>|<step>|<option>|<turn>``
for step buttons (turn in base 36), ``1m|<dialogue>`` to start a dialogue, ``1h`` for the
menu, ``1v`` to resume and ``1k`` to keep a finished dialogue's answers. Guidance cards:
``1g|<card>`` shows a card, ``1r|<card>`` its longer text, ``1f|<card>|u`` or ``|d`` votes,
``1x`` is "none of these". Anything else decodes to None and is never applied.

Prefixes owned by other features, which `decode` never accepts: ``1l|`` (/language, in
bot/features/language/) and ``1w|`` (/schedule, in dialogues/schedules/setup.py). A new feature takes a letter
no one uses yet and adds it to this list and to `tests/test_callbacks.py`.
"""

from __future__ import annotations

import re

from dialogues.events import (
    Action,
    Event,
    KeepAnswers,
    NoneOfThese,
    Press,
    Resume,
    ShowCard,
    ShowMenu,
    StartDialogue,
    Vote,
)

VERSION = "1"
TURN_MODULUS = 36**6  # turns wrap at six base-36 digits
_ID = r"[a-z][a-z0-9_]{0,19}"
_STEP_BUTTON = re.compile(
    rf"^{VERSION}([{''.join(a.value for a in Action)}])\|({_ID})\|({_ID})\|([a-z0-9_]{{0,12}})"
    r"\|([0-9a-z]{1,6})$"
)
_START = re.compile(rf"^{VERSION}m\|({_ID})$")
_CARD = re.compile(rf"^{VERSION}([gr])\|([a-z][a-z0-9_]{{0,31}})$")
_VOTE = re.compile(rf"^{VERSION}f\|([a-z][a-z0-9_]{{0,31}})\|([ud])$")


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def step_button(action: Action, dialogue_id: str, step_id: str, turn: int, option: str = "") -> str:
    return f"{VERSION}{action.value}|{dialogue_id}|{step_id}|{option}|{_base36(turn % TURN_MODULUS)}"


def start_button(dialogue_id: str) -> str:
    return f"{VERSION}m|{dialogue_id}"


MENU = f"{VERSION}h"
RESUME = f"{VERSION}v"
NONE_OF_THESE = f"{VERSION}x"


def card_button(card_id: str, more: bool = False) -> str:
    return f"{VERSION}{'r' if more else 'g'}|{card_id}"


def vote_button(card_id: str, helpful: bool) -> str:
    return f"{VERSION}f|{card_id}|{'u' if helpful else 'd'}"
KEEP = f"{VERSION}k"


def decode(data: str | None) -> Event | None:
    """The event a button stands for, or None for malformed or forged data."""
    if not data or len(data) > 64:
        return None
    if data == MENU:
        return ShowMenu()
    if data == RESUME:
        return Resume()
    if data == KEEP:
        return KeepAnswers()
    if match := _START.match(data):
        return StartDialogue(match.group(1))
    if data == NONE_OF_THESE:
        return NoneOfThese()
    if match := _CARD.match(data):
        return ShowCard(match.group(2), more=match.group(1) == "r")
    if match := _VOTE.match(data):
        return Vote(match.group(1), helpful=match.group(2) == "u")
    if match := _STEP_BUTTON.match(data):
        action, dialogue_id, step_id, option, turn = match.groups()
        return Press(Action(action), dialogue_id, step_id, option, int(turn, 36))
    return None
