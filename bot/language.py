"""`/language`: a person picks the language the coach uses with them; the choice is stored.

Without a choice, Telegram's `language_code` picks the locale; anything a translation lacks
falls back to English (see `dialogues.loader.load_locale`).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import ContextTypes

from bot import render
from bot.logsafe import who
from bot.store import DataKind, SessionStore
from dialogues.outputs import Button, Message, Notice

if TYPE_CHECKING:  # the coach imports this module to register its handlers
    from bot.telegram_app import CoachBot

log = logging.getLogger(__name__)

# Versioned like the engine's callback data (dialogues/callbacks.py): "1l|es".
CALLBACK = re.compile(r"^1l\|([a-z]{2,3})$")


def button_data(code: str) -> str:
    return f"1l|{code}"


def chosen_locale(store: SessionStore, user_id: int) -> str | None:
    """The language this person chose with /language, if any."""
    row = store.db.execute("SELECT locale FROM user_language WHERE user_id = ?",
                           (user_id,)).fetchone()
    return row[0] if row else None


def register_language_data(store: SessionStore, coach: CoachBot) -> None:
    """/forget deletes the language choice and /mydata shows it."""

    def forget(user_id: int) -> int:
        return store.db.execute("DELETE FROM user_language WHERE user_id = ?",
                                (user_id,)).rowcount

    def describe(user_id: int, locale: str) -> list[str]:
        code = chosen_locale(store, user_id)
        if code is None:
            return []
        library = coach.engine.library
        name = library.locale(code).ui["language_name"]
        return [library.locale(locale).ui["mydata_language"].format(language=name)]

    store.register(DataKind("language", forget, describe))


def choose(store: SessionStore, user_id: int, code: str) -> None:
    with store.transaction() as db:
        db.execute("INSERT INTO user_language (user_id, locale) VALUES (?, ?) "
                   "ON CONFLICT(user_id) DO UPDATE SET locale = excluded.locale", (user_id, code))


class LanguageChoice:
    """The /language command and its buttons; reads the live engine from the coach each time."""

    def __init__(self, coach: CoachBot) -> None:
        self.coach = coach

    async def ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Offer one button per language, each labelled in its own language."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        library = self.coach.engine.library
        current = library.locale(self.coach.user_locale(user))
        buttons = tuple((Button(loc.ui["language_name"], button_data(code)),)
                        for code, loc in library.locales.items())
        await render.deliver(context.bot, chat.id,
                             [Message(current.ui["language_prompt"], buttons)])

    async def pick(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Store the chosen language and confirm in it."""
        query, chat, user = update.callback_query, update.effective_chat, update.effective_user
        if query is None or chat is None or user is None:
            return
        match = CALLBACK.match(query.data or "")
        library = self.coach.engine.library
        if match is None or match.group(1) not in library.locales:
            await render.deliver(context.bot, chat.id,
                                 [Notice(library.locale(None).ui["unusable_button"])], query)
            return
        code = match.group(1)
        choose(self.coach.store, user.id, code)
        log.info("event=Language user=%s locale=%s", who(user.id), code)
        await render.deliver(context.bot, chat.id,
                             [Message(library.locale(code).ui["language_set"])], query)
