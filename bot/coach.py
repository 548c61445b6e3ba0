"""The Telegram coach: the core callbacks (start, menu, help, back, cancel, typed text,
buttons, errors) and `CoachBot.run`, which every event goes through: load the chat's session,
apply the event, store the new session *before* replying, run the features' after-event
hooks, then render. Features see the coach only as `bot.ports.Coach`.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllPrivateChats,
    Update,
    User,
)
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes

from bot import render
from bot.logsafe import who
from bot.ports import ContentHook, EventHook, LocaleChoice, StartHook
from bot.settings import Settings
from bot.store import SessionStore
from dialogues import callbacks
from dialogues.engine import Engine
from dialogues.events import (
    Cancel,
    Event,
    GoBack,
    Resume,
    ShowHelp,
    ShowHome,
    ShowMenu,
    StartDialogue,
    TextInput,
)
from dialogues.outputs import Button, Message, Notice

log = logging.getLogger(__name__)

COMMANDS = ("start", "menu", "help", "ask", "back", "cancel", "schedule", "language", "privacy",
            "mydata", "forget")
GROUP_ADMIN_COMMANDS = ("schedule",)  # the one thing a group itself can set up
# Telegram never sends longer messages; we cap anyway so hostile input costs nothing.
MAX_INPUT = 10_000


class CoachBot:
    """Holds the engine, the store and the features' hooks (see `bot.ports.Coach`); every
    event goes through `run`."""

    def __init__(self, engine: Engine, store: SessionStore, settings: Settings) -> None:
        self.engine = engine
        self.store = store
        self.settings = settings
        self.on_start: list[StartHook] = []
        self.after_event: list[EventHook] = []
        self.on_new_content: list[ContentHook] = []
        self.chosen_locale: LocaleChoice = _no_choice

    @property
    def locale(self) -> str:
        return self.settings.locale

    def swap_engine(self, engine: Engine) -> None:
        """Make newly loaded content live for every handler at once (/reload, SIGHUP)."""
        self.engine = engine
        for follow in self.on_new_content:
            follow(engine.library)

    async def start_up(self, application: Application) -> None:  # type: ignore[type-arg]
        """`post_init`: register the commands with Telegram, then each feature's start."""
        await self.register_commands(application)
        for started in self.on_start:
            await started(application)

    async def shut_down(self, _application: Application) -> None:  # type: ignore[type-arg]
        """`post_shutdown` (after SIGTERM or SIGINT, once the updates in hand are done): close
        the database, so its last writes are checkpointed into the main file and the process
        leaves no -wal file behind."""
        self.store.close()
        log.info("stopped; the database is closed")

    def ui(self, key: str, update: object = None, **fields: Any) -> str:
        """An interface string in the language of the person behind `update` (else the default)."""
        user = update.effective_user if isinstance(update, Update) else None
        locale = self.user_locale(user) if user is not None else self.locale
        return self.engine.library.locale(locale).ui[key].format(**fields)

    async def run(self, update: Update, context: ContextTypes.DEFAULT_TYPE, event: Event) -> None:
        """Apply `event` for this chat: load, handle, save (before replying), the after-event
        hooks, render."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        started = time.perf_counter()
        query = update.callback_query
        # The chat's turn: no other process applies an update of this chat meanwhile. Nothing
        # in it awaits, so no other update of this process can use the connection mid-turn.
        with self.store.turn(chat.id):
            stored = self.store.load(chat.id)
            if stored.already_applied(update.update_id):
                # Telegram delivered this update again (we crashed before confirming it): it
                # was already applied, so only show where the person is now.
                event = Resume()
            # A dialogue in progress keeps the language it started in; only without one does
            # the person's language need looking up.
            locale = stored.session.locale if stored.session else self.user_locale(user)
            result = self.engine.handle(stored.session, event, locale)
            self.store.save(chat.id, user.id, result.session, update.update_id, kept=result.kept)
            for hook in self.after_event:
                hook(result.outputs)
        await render.deliver(context.bot, chat.id, result.outputs, query)
        if log.isEnabledFor(logging.INFO):
            log.info(
                "event=%s user=%s step=%s ms=%.1f", type(event).__name__, who(user.id),
                result.session.state if result.session else "-",
                (time.perf_counter() - started) * 1000,
            )

    def user_locale(self, user: User) -> str:
        """The language chosen with /language, else Telegram's language_code, else the default."""
        return self.chosen_locale(user.id) or user.language_code or self.locale

    # --- commands (private chats) ------------------------------------------------------------

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Show the introduction and menu, or open the dialogue named in a deep link."""
        argument = context.args[0] if context.args else ""
        event = StartDialogue(argument[:64]) if argument else ShowHome()
        await self.run(update, context, event)

    async def menu(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Show the menu of guided dialogues."""
        await self.run(update, context, ShowMenu())

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Explain what the coach does and its commands."""
        await self.run(update, context, ShowHelp())

    async def back(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Go back to the previous step actually visited."""
        await self.run(update, context, GoBack())

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop the current dialogue and delete its answers."""
        await self.run(update, context, Cancel())

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Say the command is unknown and point to /help."""
        assert update.effective_message is not None and update.effective_chat is not None
        command = (update.effective_message.text or "").split()[0].split("@")[0][:32]
        await render.deliver(context.bot, update.effective_chat.id,
                             [Message(self.ui("unknown_command", update, command=command))])

    # --- messages and buttons ----------------------------------------------------------------

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Use typed text as the answer to the current step."""
        message = update.effective_message
        assert message is not None
        await self.run(update, context, TextInput((message.text or "")[:MAX_INPUT + 1]))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Apply a button press; stale or forged buttons are answered and never applied."""
        query = update.callback_query
        assert query is not None
        event = callbacks.decode(query.data)
        chat = update.effective_chat
        if chat is not None and chat.type != chat.PRIVATE:
            await self.open_private(update, context)
            return
        if event is None or chat is None:
            await query.answer(self.ui("unusable_button", update)[: render.TOAST_LIMIT])
            return
        await self.run(update, context, event)

    async def refuse_foreign_tap(self, update: Update,
                                 context: ContextTypes.DEFAULT_TYPE) -> None:
        """Ahead of every button handler: a tap in a private chat by anyone but that chat's
        person is answered with a short notice and applied nowhere. Telegram cannot send one
        today, but a forged update can, and it must never move someone else's dialogue."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None or chat.type != chat.PRIVATE \
                or query.from_user.id == chat.id:
            return
        log.warning("event=ForeignTap chat=%s user=%s", who(chat.id), who(query.from_user.id))
        await query.answer(self.ui("foreign_button", update)[: render.TOAST_LIMIT])
        raise ApplicationHandlerStop

    async def edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Explain that edits are not used; the earlier answer stands."""
        assert update.effective_chat is not None
        await render.deliver(context.bot, update.effective_chat.id,
                             [Message(self.ui("edited_message", update))])

    async def unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer photos, stickers, voice and the like with what the coach can read."""
        assert update.effective_chat is not None
        await render.deliver(context.bot, update.effective_chat.id,
                             [Message(self.ui("unsupported_message", update))])

    async def open_private(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In a group, offer a deep link that continues the dialogue in a private chat."""
        chat = update.effective_chat
        assert chat is not None
        argument = context.args[0] if context.args else ""
        dialogue = argument if argument in self.engine.dialogue_titles(self.locale) else ""
        url = f"https://t.me/{context.bot.username}"
        url += f"?start={dialogue}" if dialogue else "?start"
        message = Message(self.ui("group_private_only", update),
                          ((Button(self.ui("button_open_private", update), url=url),),))
        if update.callback_query is not None:
            await render.deliver(context.bot, chat.id, [Notice(self.ui("group_private_only", update))],
                                 update.callback_query)
            return
        await render.deliver(context.bot, chat.id, [message])

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure (never message text) and tell the person something useful."""
        error = context.error
        chat_id = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
        log.error("error=%s chat=%s", type(error).__name__, who(chat_id),
                  exc_info=(type(error), error, error.__traceback__) if error else None)
        if not isinstance(update, Update) or chat_id is None:
            return
        try:
            if update.callback_query is not None:
                await update.callback_query.answer()
            await render.deliver(context.bot, chat_id, [Message(self.ui("error", update))])
        except Exception as failure:
            log.warning("could not report an error to the chat: %s", type(failure).__name__)

    async def register_commands(self, application: Application) -> None:  # type: ignore[type-arg]
        """What people see before and around a chat (at start-up), in the default language
        for everyone and in each other language for people whose Telegram uses it: the bot's
        description and short description, every command in private chats, /schedule for
        group administrators, and no menu for other group members (their commands would only
        point them to a private chat)."""
        library, bot = self.engine.library, application.bot
        await bot.delete_my_commands()  # an earlier version's menu for everyone, groups included
        for code, locale in library.locales.items():
            ui = locale.ui
            language = None if code == library.default_locale else code
            await bot.set_my_description(ui["bot_description"], language_code=language)
            await bot.set_my_short_description(ui["bot_short_description"], language_code=language)
            personal = [BotCommand(name, ui[f"command_{name}"]) for name in COMMANDS]
            await bot.set_my_commands(personal, scope=BotCommandScopeAllPrivateChats(),
                                      language_code=language)
            await bot.set_my_commands([BotCommand(name, ui[f"command_{name}"])
                                       for name in GROUP_ADMIN_COMMANDS],
                                      scope=BotCommandScopeAllChatAdministrators(),
                                      language_code=language)


def _no_choice(_user_id: int) -> str | None:
    return None
