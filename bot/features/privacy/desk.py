"""What a person can learn and control about their data: /privacy, /mydata, /forget, and the
job that deletes what has outlived its purpose.

The store enforces the rules; this module words them. Each kind of data is a `DataKind`
that a feature declares (`Feature.data_kinds`), so a feature that adds a table (schedules, for
example) declares one and /forget and /mydata cover it.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot import render
from bot.logsafe import who
from bot.ports import Coach
from bot.store import DAY, SessionStore
from dialogues.engine import Engine
from dialogues.model import Locale, StepKind
from dialogues.outputs import Message
from dialogues.session import Session
from dialogues.steps import answer_text

log = logging.getLogger(__name__)


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M")


class PrivacyDesk:
    """Handlers for /privacy, /mydata and /forget, the purge job, and the plain words that
    describe sessions and kept answers."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self.store = coach.store

    @property
    def engine(self) -> Engine:
        return self.coach.engine

    def lang(self, locale: str) -> Locale:
        return self.coach.engine.library.locale(locale)

    # --- plain words ----------------------------------------------------------------------

    def answers(self, session: Session, ui: dict[str, str]) -> list[str]:
        """Each answer given, as the person saw it (option labels, not ids)."""
        dialogue = self.engine.library.locale(session.locale).dialogues.get(session.dialogue_id)
        lines = []
        for step_id, answer in session.answers.items():
            step = dialogue.steps.get(step_id) if dialogue else None
            if answer is None or step is None or step.kind is StepKind.INFO:
                continue
            lines.append(ui["mydata_answer"].format(answer=answer_text(step, answer, ui) or "—"))
        if session.pending is not None:  # a masked answer waiting for keep-or-retype
            lines.append(ui["mydata_answer"].format(answer=session.pending))
        return lines

    def title(self, session: Session) -> str:
        titles = self.engine.dialogue_titles(session.locale)
        return titles.get(session.dialogue_id, session.dialogue_id)

    def describe_sessions(self, user_id: int, locale: str) -> list[str]:
        ui = self.lang(locale).ui
        lines: list[str] = []
        for _chat, session, finished, updated_at in self.store.chat_records(user_id):
            lines.append(ui["mydata_chat_record"].format(
                when=_when(updated_at), days=self.store.retention_days))
            if session is None:
                continue
            if finished:
                lines.append(ui["mydata_session_finished"].format(
                    title=self.title(session), when=_when(updated_at + self.store.grace_seconds)))
            else:
                lines.append(ui["mydata_session"].format(title=self.title(session)))
            lines.extend(self.answers(session, ui))
        return lines

    def describe_kept(self, user_id: int, locale: str) -> list[str]:
        ui = self.lang(locale).ui
        lines: list[str] = []
        for kept in self.store.kept(user_id):
            lines.append(ui["mydata_kept"].format(
                title=self.title(kept.session), kept=_when(kept.kept_at),
                expires=_when(kept.expires_at)))
            lines.extend(self.answers(kept.session, ui))
        return lines

    def mydata_text(self, user_id: int, locale: str) -> str:
        ui = self.lang(locale).ui
        held = self.store.describe_user(user_id, locale)
        if not held:
            return ui["mydata_nothing"]
        parts = [ui["mydata_intro"]]
        parts.extend("\n".join(lines) for lines in held.values())
        parts.append(ui["mydata_footer"])
        return "\n\n".join(parts)

    def forget_text(self, user_id: int, locale: str) -> str:
        ui = self.lang(locale).ui
        deleted = self.store.forget_user(user_id)
        log.info("event=Forget user=%s %s", who(user_id),
                 " ".join(f"{k}={n}" for k, n in deleted.items()) or "rows=0")
        if not deleted:
            return ui["forgotten_nothing"]
        what = "; ".join(f"{ui[f'data_{key}']} ({count})" for key, count in deleted.items())
        return ui["forgotten"].format(what=what)

    # --- handlers (private chats) -----------------------------------------------------------

    async def privacy(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Explain in five short lines what is kept, for how long, and how to delete it."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        locale = self.coach.user_locale(user) if user is not None else self.coach.locale
        await render.deliver(context.bot, chat.id, [Message("\n".join(self.lang(locale).privacy))])

    async def mydata(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Show, in plain words, everything held about this person."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        text = self.mydata_text(user.id, self.coach.user_locale(user))
        await render.deliver(context.bot, chat.id, [Message(text)])

    async def forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Delete every row held about this person, and say what was deleted."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        locale = self.coach.user_locale(user)  # before /forget deletes a chosen language
        await render.deliver(context.bot, chat.id, [Message(self.forget_text(user.id, locale))])

    async def purge(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Delete finished answers past their grace window, idle chats and expired kept answers."""
        started = time.perf_counter()
        counts = self.store.purge()
        log.info("event=Purge %s ms=%.1f", " ".join(f"{k}={n}" for k, n in counts.items()),
                 (time.perf_counter() - started) * 1000)


def purge_interval(store: SessionStore) -> int:
    """How often the purge job runs: as often as the grace window, and at least daily."""
    return max(60, min(store.grace_seconds, DAY))
