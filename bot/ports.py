"""What a feature is (`Feature`) and what it may rely on of the coach (`Coach`, a Protocol):
features depend on this small surface and never import the coach (or each other), and the
coach never imports them.

Features attach to the coach's life through its hooks, at `Feature.install` time:
`on_start` (once, when the application has started), `after_event` (after each event's new
session is committed, before the reply) and `on_new_content` (after /reload or SIGHUP made new
content live). A feature that keeps a reference to the content follows reloads through
`on_new_content` only; anything else reads `coach.engine` when it needs it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import Update, User
from telegram.ext import Application, ContextTypes

from bot.settings import Settings
from bot.store import DataKind, Migration, SessionStore
from dialogues.engine import Engine
from dialogues.events import Event
from dialogues.model import Library
from dialogues.outputs import Output

StartHook = Callable[[Application], Awaitable[None]]  # type: ignore[type-arg]
EventHook = Callable[[Sequence[Output]], None]
ContentHook = Callable[[Library], None]
LocaleChoice = Callable[[int], str | None]


class Coach(Protocol):
    """The Telegram coach as features see it."""

    engine: Engine  # the content live now: replaced in one assignment on /reload
    store: SessionStore
    settings: Settings
    on_start: list[StartHook]
    after_event: list[EventHook]
    on_new_content: list[ContentHook]
    # The language a person chose (user id -> locale code, None: no choice); one feature sets it.
    chosen_locale: LocaleChoice

    @property
    def locale(self) -> str:
        """The default locale (COACHBOT_LOCALE)."""
        ...

    def ui(self, key: str, update: object = None, **fields: Any) -> str:
        """An interface string in the language of the person behind `update`."""
        ...

    def user_locale(self, user: User) -> str:
        """The person's chosen language, else Telegram's language_code, else the default."""
        ...

    def swap_engine(self, engine: Engine) -> None:
        """Make new content live for every handler at once, then run `on_new_content`."""
        ...

    async def run(self, update: Update, context: ContextTypes.DEFAULT_TYPE, event: Event) -> None:
        """Apply an engine event for the update's chat: load, handle, save, hooks, render."""
        ...

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer as for a command the bot does not know."""
        ...


@dataclass(frozen=True)
class Feature:
    """One feature of the Telegram bot, as `bot.app.build_application` wires every one:
    its `migrations` are applied (in `FEATURES` order, after the store's own), the `data_kinds`
    it keeps about people are registered for /forget and /mydata (in that order too), then
    `install` adds its handlers and jobs and attaches to the coach's hooks."""

    name: str
    migrations: tuple[Migration, ...]
    data_kinds: Callable[[Coach], tuple[DataKind, ...]]
    install: Callable[[Application, Coach], None]  # type: ignore[type-arg]


def no_data(_coach: Coach) -> tuple[DataKind, ...]:
    """`Feature.data_kinds` of a feature that keeps nothing about people."""
    return ()
