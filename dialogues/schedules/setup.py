"""The guided /schedule setup: a small step flow driven by buttons, pure (no Telegram, no I/O).

Steps, in order: days → cadence → hour → minute → zone (or a typed zone name) → prompt set →
confirm. Each button carries its op, the draft's random token and one argument, checked here:
an op that does not belong to the draft's current step, a token of an earlier draft or an
argument out of range is a stale (or forged) button and changes nothing.

Callback data: ``1w|<op>|<ref>|<arg>`` (at most 64 bytes); ``ref`` is the draft token for
setup steps and the schedule id for the buttons that manage saved schedules.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from dialogues.content.problems import did_you_mean
from dialogues.content.prompts import PromptSet
from dialogues.outputs import Button, EditMessage, Keyboard, Message, Notice, Output
from dialogues.schedules.model import Schedule, Timing

PREFIX = "1w"  # w for "when"; every callback prefix is listed in dialogues/callbacks.py
PATTERN = r"^1w\|"
_DATA = re.compile(r"^1w\|([A-Za-z])\|([0-9a-z]{1,12})\|([0-9a-z_]{0,20})$")
MINUTES = (0, 15, 30, 45)
# Common US zones first (the guidelines come from US organizations), then UTC.
ZONES = (("eastern", "America/New_York"), ("central", "America/Chicago"),
         ("mountain", "America/Denver"), ("arizona", "America/Phoenix"),
         ("pacific", "America/Los_Angeles"), ("alaska", "America/Anchorage"),
         ("hawaii", "Pacific/Honolulu"), ("utc", "UTC"))
# Manage ops (ref = schedule id): change, pause, resume, delete; add a new one (ref 0).
CHANGE, PAUSE, RESUME, DELETE, ADD = "E", "P", "R", "X", "A"
MANAGE_OPS = frozenset({CHANGE, PAUSE, RESUME, DELETE, ADD})
# Setup ops (ref = draft token), by the step they belong to; CANCEL belongs to every step.
TOGGLE_DAY, DAYS_DONE, CADENCE, HOUR, MINUTE, ZONE, OTHER_ZONE, SET, SAVE, CANCEL = (
    "d", "n", "c", "h", "m", "z", "o", "p", "s", "x")
_STEP_OPS = {
    "days": {TOGGLE_DAY, DAYS_DONE}, "cadence": {CADENCE}, "hour": {HOUR}, "minute": {MINUTE},
    "zone": {ZONE, OTHER_ZONE}, "zone_name": {ZONE, OTHER_ZONE}, "set": {SET}, "confirm": {SAVE},
}


@dataclass(frozen=True)
class Tap:
    """Decoded callback data of a schedule button."""

    op: str
    ref: str
    arg: str


def encode(op: str, ref: str | int, arg: str | int = "") -> str:
    data = f"{PREFIX}|{op}|{ref}|{arg}"
    assert len(data.encode()) <= 64, data
    return data


def decode(data: str | None) -> Tap | None:
    """The tap a button stands for, or None for malformed data (never applied)."""
    match = _DATA.match(data or "")
    return Tap(*match.groups()) if match else None


@dataclass(frozen=True)
class Draft:
    """A schedule being set up in one chat; stored as JSON between taps."""

    token: str = field(default_factory=lambda: secrets.token_hex(4))
    schedule_id: int | None = None  # None: a new schedule; else the one being changed
    step: str = "days"
    weekdays: tuple[int, ...] = ()
    monthly: bool = False
    hour: int = 9
    minute: int = 0
    zone: str = "America/New_York"
    prompt_set: str = ""

    @classmethod
    def editing(cls, schedule: Schedule) -> Draft:
        t = schedule.timing
        return cls(schedule_id=schedule.id, weekdays=tuple(sorted(t.weekdays)), monthly=t.monthly,
                   hour=t.at.hour, minute=t.at.minute, zone=t.zone, prompt_set=schedule.prompt_set)

    @property
    def timing(self) -> Timing:
        return Timing(frozenset(self.weekdays), time(self.hour, self.minute), self.zone, self.monthly)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, data: str) -> Draft | None:
        try:
            fields = json.loads(data)
            fields["weekdays"] = tuple(fields["weekdays"])
            return cls(**fields)
        except (ValueError, TypeError, KeyError):
            return None


@dataclass(frozen=True)
class Outcome:
    """What a tap or a typed zone did: the draft now (None: setup over), what to show, the
    finished draft when it is to be saved, and a question to answer by typing (sent so that
    a reply reaches the bot in a group)."""

    draft: Draft | None
    outputs: list[Output]
    save: Draft | None = None
    ask: str = ""


@cache
def _zones() -> dict[str, str]:
    """Every IANA zone name this machine knows, by its lowercase spelling."""
    return {name.lower(): name for name in available_timezones()}


def find_zone(text: str) -> str | None:
    """The IANA zone a person typed (any case; spaces for '_'), or None."""
    return _zones().get(text.strip().replace(" ", "_").lower())


class SetupFlow:
    """Views and steps of the setup, in one locale's wording."""

    def __init__(self, ui: Mapping[str, str], sets: Mapping[str, PromptSet]) -> None:
        self.ui = ui
        self.sets = sets

    # --- describing schedules ---------------------------------------------------------------

    def when(self, timing: Timing) -> str:
        days = ", ".join(self.ui[f"weekday_{d}"] for d in sorted(timing.weekdays))
        key = "schedule_when_monthly" if timing.monthly else "schedule_when_weekly"
        return self.ui[key].format(days=days, time=timing.at.strftime("%H:%M"), zone=timing.zone)

    def next_line(self, timing: Timing, now: datetime) -> str:
        due = timing.next_due(now)
        if due is None:
            return ""
        local = due.astimezone(ZoneInfo(timing.zone))
        return self.ui["schedule_next"].format(
            day=self.ui[f"weekday_{local.weekday()}"], date=local.date().isoformat(),
            time=local.strftime("%H:%M"), zone=timing.zone)

    def title(self, prompt_set: str) -> str:
        found = self.sets.get(prompt_set)
        return found.title if found else prompt_set

    def overview(self, schedules: list[Schedule], can_change: bool, now: datetime) -> Message:
        """The chat's schedules; administrators also get buttons to manage them."""
        lines = [self.ui["schedule_intro"], ""]
        if not schedules:
            lines.append(self.ui["schedule_none"])
        for number, s in enumerate(schedules, start=1):
            status = "" if s.active else self.ui["schedule_status_paused"]
            lines.append(self.ui["schedule_entry"].format(
                number=number, title=self.title(s.prompt_set), when=self.when(s.timing),
                status=status))
            if s.active:
                lines.append(self.next_line(s.timing, now))
        if not can_change:
            return Message("\n".join([*lines, "", self.ui["schedule_admins_only"]]))
        rows: list[tuple[Button, ...]] = []
        for number, s in enumerate(schedules, start=1):
            toggle = (self._button("schedule_button_pause", encode(PAUSE, s.id), number=number)
                      if s.active else
                      self._button("schedule_button_resume", encode(RESUME, s.id), number=number))
            rows.append((self._button("schedule_button_change", encode(CHANGE, s.id), number=number),
                         toggle,
                         self._button("schedule_button_delete", encode(DELETE, s.id), number=number)))
        rows.append((self._button("schedule_button_add", encode(ADD, 0)),))
        return Message("\n".join(lines), tuple(rows))

    # --- the steps --------------------------------------------------------------------------

    def view(self, draft: Draft) -> Message:
        """The message for the draft's current step."""
        t, ui = draft.token, self.ui
        cancel = (self._button("schedule_button_cancel", encode(CANCEL, t)),)
        match draft.step:
            case "days":
                ticks = [Button(f"{ui['tick_on'] if d in draft.weekdays else ui['tick_off']} "
                                f"{ui[f'weekday_{d}']}", encode(TOGGLE_DAY, t, d)) for d in range(7)]
                rows: Keyboard = (tuple(ticks[:4]), tuple(ticks[4:]),
                                  (self._button("schedule_button_next", encode(DAYS_DONE, t)),), cancel)
                return Message(ui["schedule_ask_days"], rows)
            case "cadence":
                return Message(ui["schedule_ask_cadence"], (
                    (self._button("schedule_every_week", encode(CADENCE, t, "w")),),
                    (self._button("schedule_first_week", encode(CADENCE, t, "m")),), cancel))
            case "hour":
                hours = [Button(f"{h:02d}:00", encode(HOUR, t, h)) for h in range(24)]
                return Message(ui["schedule_ask_hour"],
                               (*(tuple(hours[i:i + 6]) for i in range(0, 24, 6)), cancel))
            case "minute":
                minutes = tuple(Button(f"{draft.hour:02d}:{m:02d}", encode(MINUTE, t, m))
                                for m in MINUTES)
                return Message(ui["schedule_ask_minute"].format(hour=f"{draft.hour:02d}"),
                               (minutes, cancel))
            case "zone" | "zone_name":
                zones = [self._button(f"zone_{key}", encode(ZONE, t, i))
                         for i, (key, _name) in enumerate(ZONES)]
                return Message(ui["schedule_ask_zone"], (
                    *(tuple(zones[i:i + 2]) for i in range(0, len(zones), 2)),
                    (self._button("schedule_button_other_zone", encode(OTHER_ZONE, t)),), cancel))
            case "set":
                text = "\n".join([ui["schedule_ask_set"], *(
                    ui["schedule_set_entry"].format(title=s.title, description=s.description)
                    for s in self.sets.values())])
                return Message(text, (*((Button(s.title, encode(SET, t, s.id)),)
                                        for s in self.sets.values()), cancel))
            case _:
                text = ui["schedule_confirm"].format(title=self.title(draft.prompt_set),
                                                     when=self.when(draft.timing))
                return Message(text, ((self._button("schedule_button_save", encode(SAVE, t)),),
                                      cancel))

    def tap(self, draft: Draft | None, tap: Tap) -> Outcome:
        """Apply one setup button; anything that does not fit the draft is stale."""
        if draft is None or tap.ref != draft.token:
            return self.stale(draft)
        if tap.op == CANCEL:
            return Outcome(None, [EditMessage(Message(self.ui["schedule_setup_cancelled"]))])
        if tap.op not in _STEP_OPS.get(draft.step, set()):
            return self.stale(draft)
        changed = self._apply(draft, tap)
        if changed is None:
            return self.stale(draft)
        if isinstance(changed, Notice):
            return Outcome(draft, [changed])
        if tap.op == SAVE:
            return Outcome(None, [], save=changed)
        if changed.step == "zone_name":
            return Outcome(changed, [Notice(self.ui["schedule_ask_zone_name"])],
                           ask=self.ui["schedule_ask_zone_name"])
        return Outcome(changed, [EditMessage(self.view(changed))])

    def zone_typed(self, draft: Draft, text: str) -> Outcome:
        """A typed zone name, while the draft waits for one."""
        zone = find_zone(text)
        if zone is None:
            shown = text.strip()[:64]
            close = did_you_mean(shown.replace(" ", "_"), available_timezones())
            if close:
                suggestion = close.split("'")[1]
                reply = self.ui["schedule_unknown_zone_close"].format(name=shown, zone=suggestion)
            else:
                reply = self.ui["schedule_unknown_zone"].format(name=shown)
            return Outcome(draft, [Message(reply)])
        changed = replace(draft, zone=zone, step="set")
        return Outcome(changed, [self.view(changed)])

    def stale(self, draft: Draft | None) -> Outcome:
        return Outcome(draft, [Notice(self.ui["schedule_stale"])])

    def _apply(self, draft: Draft, tap: Tap) -> Draft | Notice | None:
        """The draft after a tap of its current step; None when the argument is invalid."""
        arg = tap.arg
        number = int(arg) if arg.isdigit() else -1
        match tap.op:
            case "d" if 0 <= number <= 6:
                days = set(draft.weekdays) ^ {number}
                return replace(draft, weekdays=tuple(sorted(days)))
            case "n" if not arg:
                return self._days_done(draft)
            case "c" if arg in ("w", "m"):
                return replace(draft, monthly=arg == "m", step="hour")
            case "h" if 0 <= number <= 23:
                return replace(draft, hour=number, step="minute")
            case "m" if number in MINUTES:
                return replace(draft, minute=number, step="zone")
            case "z" if 0 <= number < len(ZONES):
                return replace(draft, zone=ZONES[number][1], step="set")
            case "o" if not arg:
                return replace(draft, step="zone_name")
            case "p" if arg in self.sets:
                return replace(draft, prompt_set=arg, step="confirm")
            case "s" if not arg and draft.prompt_set in self.sets:
                return draft
        return None

    def _days_done(self, draft: Draft) -> Draft | Notice:
        """On from the days, once at least one is ticked."""
        if not draft.weekdays:
            return Notice(self.ui["schedule_need_day"])
        return replace(draft, step="cadence")

    def _button(self, key: str, data: str, **fields: object) -> Button:
        return Button(self.ui[key].format(**fields), data)
