"""Scheduled reflection prompts on Telegram: the /schedule setup and what follows the chat
(a group upgraded to a supergroup, the bot removed or back).

Handlers run in their own handler group (-1) and stop further handling of what they answer,
so the coach's own handlers never see /schedule, its buttons or a typed time zone. In groups,
every change is checked with getChatMember (or, for an anonymous administrator, by the message
being sent on behalf of the group itself). Every change re-arms the schedule's job (`jobs`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import ChatMember, ForceReply, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes, filters

from bot import render
from bot.features.schedules.delivery import BroadcastBudget, Clock, Delivery, unpaced, utc_now
from bot.features.schedules.jobs import Jobs
from bot.features.schedules.store import ScheduleStore
from bot.logsafe import who
from bot.store import SessionStore
from dialogues import outputs
from dialogues.model import Library
from dialogues.schedules.model import ACTIVE, PAUSED
from dialogues.schedules.setup import (
    ADD,
    CHANGE,
    DELETE,
    MANAGE_OPS,
    PAUSE,
    RESUME,
    Draft,
    Outcome,
    SetupFlow,
    decode,
    find_zone,
)

log = logging.getLogger(__name__)

MAX_PER_CHAT = 10
CHANGERS = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)
GONE = (ChatMember.LEFT, ChatMember.BANNED)


def setup_flow(library: Library, locale: str) -> SetupFlow:
    """The setup's views and steps in one locale's wording."""
    lang = library.locale(locale)
    return SetupFlow(lang.ui, lang.prompt_sets)


def describe_private(schedules: ScheduleStore, library: Library, user_id: int,
                     locale: str) -> list[str]:
    """For /mydata: the schedules of this person's private chat, in plain words."""
    flow = setup_flow(library, locale)
    return [flow.ui["mydata_schedule"].format(title=flow.title(s.prompt_set), when=flow.when(s.timing))
            for s in schedules.for_chat(user_id)]


class AwaitingZone(filters.MessageFilter):
    """Text that answers "type the zone's name": a reply to the bot's question, or, in a private
    chat, a known zone name typed without replying. Anything else stays with the coach, so a
    setup left half-way never swallows the answers of a dialogue."""

    def __init__(self, schedules: ScheduleStore) -> None:
        super().__init__(name="awaiting_zone")
        self.schedules = schedules

    def filter(self, message: Message) -> bool:
        data = self.schedules.load_draft(message.chat.id)
        draft = Draft.from_json(data) if data else None
        if draft is None or draft.step != "zone_name":
            return False
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == message.get_bot().id:
            return True
        return message.chat.type == ChatType.PRIVATE and find_zone(message.text or "") is not None


class ScheduleFeature:
    """Holds the schedule store, the setup flow and the delivery; one per application."""

    def __init__(self, library: Library, store: SessionStore, grace: timedelta,
                 locale: str = "en", clock: Clock = utc_now,
                 broadcast_rate: float | None = None) -> None:
        self.library = library
        self.locale = locale
        self.schedules = ScheduleStore(store)
        pace = BroadcastBudget(self.schedules, broadcast_rate) if broadcast_rate else unpaced
        self.delivery = Delivery(self.schedules, library, grace, clock, pace=pace)
        self.jobs = Jobs(self.schedules, self.delivery)

    def use_library(self, library: Library) -> None:
        """Reloaded content: new prompts and wording from the next setup step or delivery on."""
        self.library = library
        self.delivery.library = library

    def now(self) -> datetime:
        return self.jobs.now()

    def flow(self, locale: str | None = None) -> SetupFlow:
        return setup_flow(self.library, locale or self.locale)

    # --- who may change schedules -----------------------------------------------------------

    async def may_change(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool | None:
        """True for a private chat or a group administrator; None when Telegram could not say."""
        chat, user, message = update.effective_chat, update.effective_user, update.message
        assert chat is not None
        if chat.type == ChatType.PRIVATE:
            return True
        if message is not None and message.sender_chat is not None \
                and message.sender_chat.id == chat.id:
            return True  # an anonymous administrator, posting as the group itself
        if user is None:
            return False
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
        except TelegramError as error:
            log.warning("getChatMember failed (chat %s): %s", who(chat.id), type(error).__name__)
            return None
        return member.status in CHANGERS

    async def _refuse(self, update: Update, context: ContextTypes.DEFAULT_TYPE,
                      allowed: bool | None) -> bool:
        """Tell someone who may not change schedules why; True when refused."""
        if allowed:
            return False
        flow = self.flow()
        key = "schedule_admin_check_failed" if allowed is None else "schedule_admins_only"
        chat = update.effective_chat
        assert chat is not None
        if update.callback_query is not None:
            await render.deliver(context.bot, chat.id, [outputs.Notice(flow.ui[key])],
                                 update.callback_query)
        else:
            await render.deliver(context.bot, chat.id, [outputs.Message(flow.ui[key])])
        return True

    # --- handlers ---------------------------------------------------------------------------

    async def show(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Show this chat's schedules, with buttons to manage them for those who may."""
        chat = update.effective_chat
        assert chat is not None
        allowed = await self.may_change(update, context)
        if allowed is None:
            await self._refuse(update, context, allowed)
            raise ApplicationHandlerStop
        overview = self.flow().overview(self.schedules.for_chat(chat.id), bool(allowed), self.now())
        await render.deliver(context.bot, chat.id, [overview])
        raise ApplicationHandlerStop

    async def tap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Apply a /schedule button, after checking who tapped it."""
        query, chat = update.callback_query, update.effective_chat
        assert query is not None and chat is not None
        flow = self.flow()
        tap = decode(query.data)
        if tap is None:
            await render.deliver(context.bot, chat.id, flow.stale(None).outputs, query)
            raise ApplicationHandlerStop
        if await self._refuse(update, context, await self.may_change(update, context)):
            raise ApplicationHandlerStop
        if tap.op in MANAGE_OPS:
            shown = self._manage(context, chat.id, tap.op, int(tap.ref) if tap.ref.isdigit() else -1)
        else:
            data = self.schedules.load_draft(chat.id)
            shown = self._settle(context, chat.id, flow.tap(Draft.from_json(data) if data else None,
                                                            tap))
        await render.deliver(context.bot, chat.id, shown.outputs, query)
        if shown.ask:
            await context.bot.send_message(chat.id, render.to_html(outputs.Message(shown.ask))[0],
                                           parse_mode=ParseMode.HTML,
                                           reply_markup=ForceReply(selective=True))
        raise ApplicationHandlerStop

    async def zone_typed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Use a typed time zone name for the setup waiting for one."""
        chat, message = update.effective_chat, update.effective_message
        assert chat is not None and message is not None
        if await self._refuse(update, context, await self.may_change(update, context)):
            raise ApplicationHandlerStop
        data = self.schedules.load_draft(chat.id)
        draft = Draft.from_json(data) if data else None
        if draft is not None:
            shown = self._settle(context, chat.id, self.flow().zone_typed(draft, message.text or ""))
            await render.deliver(context.bot, chat.id, shown.outputs)
        raise ApplicationHandlerStop

    async def migrated(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group became a supergroup: move its schedules to the new chat id."""
        message = update.effective_message
        assert message is not None
        if message.migrate_to_chat_id:
            old, new = message.chat.id, message.migrate_to_chat_id
        else:
            old, new = message.migrate_from_chat_id or 0, message.chat.id
        moved = self.schedules.move_chat(old, new)
        log.info("chat=%s became a supergroup: %d schedule(s) moved", who(old), moved)
        raise ApplicationHandlerStop

    async def membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was removed from a group (or blocked): pause that chat's schedules; back
        again: resume the ones that paused because it was away, and say so in the chat."""
        change = update.my_chat_member
        assert change is not None
        chat_id = change.chat.id
        if change.new_chat_member.status in GONE:
            paused = self.schedules.pause_chat(chat_id, self.now())
            for schedule_id in paused:
                self.jobs.unarm(context.job_queue, schedule_id)
            log.info("chat=%s removed or blocked the bot: paused %s", who(chat_id), paused)
        elif change.old_chat_member.status in GONE:
            resumed = self.schedules.resume_chat(chat_id, self.now())
            for schedule_id in resumed:
                self.jobs.rearm(context.job_queue, schedule_id)
            log.info("chat=%s has the bot back: resumed %s", who(chat_id), resumed)
            first = self.schedules.get(resumed[0]) if resumed else None
            if first is not None:  # in the language the schedule was set up in
                text = self.flow(first.locale).ui["schedule_back"].format(count=len(resumed))
                await render.deliver(context.bot, chat_id, [outputs.Message(text)])

    # --- applying changes -------------------------------------------------------------------

    def _manage(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, op: str,
                schedule_id: int) -> Outcome:
        flow = self.flow()
        ui = flow.ui
        if op == ADD:
            if len(self.schedules.for_chat(chat_id)) >= MAX_PER_CHAT:
                return Outcome(None, [outputs.Notice(ui["schedule_limit"].format(limit=MAX_PER_CHAT))])
            return self._settle(context, chat_id, Outcome(Draft(), []), show_draft=True)
        schedule = self.schedules.get(schedule_id)
        if schedule is None or schedule.chat_id != chat_id:
            return flow.stale(None)
        title, now = flow.title(schedule.prompt_set), self.now()
        if op == CHANGE:
            return self._settle(context, chat_id, Outcome(Draft.editing(schedule), []),
                                show_draft=True)
        if op == PAUSE and schedule.active:
            self.schedules.set_status(schedule.id, PAUSED, now)
            text = ui["schedule_paused"].format(title=title)
        elif op == RESUME and not schedule.active:
            self.schedules.set_status(schedule.id, ACTIVE, now)
            text = ui["schedule_resumed"].format(title=title, when=flow.when(schedule.timing))
        elif op == DELETE:
            self.schedules.delete(schedule.id)
            text = ui["schedule_deleted"].format(title=title)
        else:
            return flow.stale(None)
        self.jobs.rearm(context.job_queue, schedule.id)
        overview = flow.overview(self.schedules.for_chat(chat_id), True, now)
        return Outcome(None, [outputs.EditMessage(overview), outputs.Message(text)])

    def _settle(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, outcome: Outcome,
                show_draft: bool = False) -> Outcome:
        """Store the draft (or drop it), save a finished one, and say what happened."""
        now = self.now()
        if outcome.draft is None:
            self.schedules.drop_draft(chat_id)
        else:
            self.schedules.save_draft(chat_id, outcome.draft.to_json(), now)
        if show_draft and outcome.draft is not None:
            return Outcome(outcome.draft, [outputs.EditMessage(self.flow().view(outcome.draft))])
        draft = outcome.save
        if draft is None:
            return outcome
        flow = self.flow()
        existing = self.schedules.get(draft.schedule_id) if draft.schedule_id else None
        if existing is not None and existing.chat_id == chat_id:
            self.schedules.change(existing.id, draft.prompt_set, draft.timing, now)
            schedule_id, key = existing.id, "schedule_changed"
        elif len(self.schedules.for_chat(chat_id)) >= MAX_PER_CHAT:
            return Outcome(None, [outputs.Notice(flow.ui["schedule_limit"].format(limit=MAX_PER_CHAT))])
        else:
            schedule_id = self.schedules.add(chat_id, self.locale, draft.prompt_set, draft.timing,
                                             now).id
            key = "schedule_saved"
        self.jobs.rearm(context.job_queue, schedule_id)
        text = flow.ui[key].format(title=flow.title(draft.prompt_set), when=flow.when(draft.timing))
        text = f"{text}\n{flow.next_line(draft.timing, now)}"
        return Outcome(None, [outputs.EditMessage(outputs.Message(text))])
