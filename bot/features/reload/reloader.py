"""Live reload: `/reload` from an administrator, or SIGHUP, loads and checks the content again.

On success the new `Engine` replaces the old one in a single assignment, so every update sees
either the old content or the new, never a mix; sessions in progress carry on (the engine moves
a session whose step vanished). On failure the old content stays live and the errors are shown.

Several processes: a successful reload advances the content generation in the database, and
every other process, checking it every `FOLLOW_SECONDS`, loads the content from its own disk
when it grew, so all of them serve the same content within seconds.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading

from telegram import Update
from telegram.ext import ContextTypes

from bot import render
from bot.content import load_content
from bot.features.reload.store import advance, generation
from bot.logsafe import who
from bot.ports import Coach
from dialogues.content.problems import Problems
from dialogues.engine import Engine
from dialogues.outputs import Message

log = logging.getLogger(__name__)
SHOWN_PROBLEMS = 30  # enough to start fixing; the full list is one `coachbot check` away
FOLLOW_SECONDS = 2  # how often each process checks whether another one reloaded


class Reloader:
    """Swaps the coach's engine for one built from the content as it is on disk now."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self.settings = coach.settings
        self._one_at_a_time = threading.Lock()  # /reload, SIGHUP and following may overlap
        self.seen = generation(coach.store)  # the content generation this process serves

    def reload(self) -> tuple[bool, Problems]:
        """Load the content again here, and on success have every other process follow."""
        with self._one_at_a_time:
            done, problems = self._reload()
            if done:
                self.seen = advance(self.coach.store)
            return done, problems

    def follow(self) -> bool:
        """Load the content again if another process reloaded since; whether it did."""
        with self._one_at_a_time:
            latest = generation(self.coach.store)
            if latest <= self.seen:
                return False
            self.seen = latest
            log.info("content generation %d: another process reloaded, loading here too", latest)
            return self._reload()[0]

    async def follow_job(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """The repeating job behind `follow`, off the event loop like every reload."""
        await asyncio.to_thread(self.follow)

    def _reload(self) -> tuple[bool, Problems]:
        library, problems = load_content(self.settings.content, self.settings.require_approved)
        if library is None:
            log.warning("reload refused: %d content errors; the earlier content stays live",
                        len(problems.errors))
            return False, problems
        self.coach.swap_engine(Engine.serving(library))
        log.info("reloaded content version %s", library.version)
        return True, problems

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Reload the content for an administrator; anyone else sees an unknown command."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        if user.id not in self.settings.admins:
            await self.coach.unknown_command(update, context)
            return
        # Loading takes a noticeable moment: do it off the event loop, so other chats keep
        # being answered (from the old engine) meanwhile.
        done, problems = await asyncio.to_thread(self.reload)
        ui = self.coach.engine.library.locale(self.coach.user_locale(user)).ui
        if done:
            text = ui["reload_done"].format(version=self.coach.engine.library.version,
                                            warnings=len(problems.warnings))
        else:
            listed = [str(p) for p in problems.errors]
            more = [f"… ({len(listed) - SHOWN_PROBLEMS} more)"] if len(listed) > SHOWN_PROBLEMS else []
            text = ui["reload_failed"].format(count=len(listed),
                                              problems="\n".join(listed[:SHOWN_PROBLEMS] + more))
        log.info("event=Reload user=%s ok=%s", who(user.id), done)
        await render.deliver(context.bot, chat.id, [Message(text)])

    def on_signal(self, _signum: int, _frame: object) -> None:
        """Load on a thread of its own: a signal handler runs on the event loop's thread, and
        loading takes a noticeable moment during which other chats must keep being answered."""
        threading.Thread(target=self.reload, name="sighup-reload", daemon=True).start()

    def install_sighup(self) -> None:
        """Reload on SIGHUP (`kill -HUP <pid>`), the usual way to ask a server to re-read files."""
        signal.signal(signal.SIGHUP, self.on_signal)

