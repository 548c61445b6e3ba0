"""`/language`: a person picks the language the coach uses with them, with buttons.

Without a choice, Telegram's `language_code` picks the locale; anything a translation lacks
falls back to English (see `dialogues.content.loader.load_locale`).
"""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.ext import ContextTypes

from bot import render
from bot.features.language.store import choose
from bot.logsafe import who
from bot.ports import Coach
from dialogues.outputs import Button, Message, Notice

log = logging.getLogger(__name__)

# Versioned like the engine's callback data (dialogues/callbacks.py): "1l|es".
CALLBACK = re.compile(r"^1l\|([a-z]{2,3})$")


def button_data(code: str) -> str:
    return f"1l|{code}"


class LanguageChoice:
    """The /language command and its buttons; reads the live engine from the coach each time."""

    def __init__(self, coach: Coach) -> None:
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
