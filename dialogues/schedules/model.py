"""What a schedule is, when it is due, and which prompt comes next: pure data, no I/O.

Due times are computed here, and only here, from the local wall time in the schedule's IANA
zone, so daylight saving time is right and a fake clock can test every case. A time that does
not exist on a spring-forward day (02:30 in New York) runs once, an hour later by the clock
(03:30, the same instant as 02:30 standard time); a time that happens twice on a fall-back
day runs once, at its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ACTIVE, PAUSED = "active", "paused"
# Paused because the bot could not post there (removed from the group, or blocked): resumed by
# itself when the bot is back, unlike a schedule someone paused.
AWAY = "away"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SEARCH_DAYS = 40  # more than a month, so a monthly schedule always finds its next day


@dataclass(frozen=True)
class Timing:
    """When a schedule is due: weekdays (0 = Monday), a local time and an IANA zone; `monthly`
    keeps only those weekdays that fall in the first seven days of a month."""

    weekdays: frozenset[int]
    at: time
    zone: str
    monthly: bool = False

    def occurs_on(self, day: date) -> bool:
        return day.weekday() in self.weekdays and (not self.monthly or day.day <= 7)

    def due_on(self, day: date) -> datetime:
        """The instant (UTC) this schedule is due on `day`, assuming it occurs that day."""
        local = datetime.combine(day, self.at, tzinfo=ZoneInfo(self.zone))  # fold=0: see above
        return local.astimezone(UTC)

    def next_due(self, after: datetime) -> datetime | None:
        """The first due instant strictly after `after` (None when no weekday is chosen)."""
        start = after.astimezone(ZoneInfo(self.zone)).date() - timedelta(days=1)
        for offset in range(_SEARCH_DAYS + 2):
            day = start + timedelta(days=offset)
            if self.occurs_on(day) and self.due_on(day) > after:
                return self.due_on(day)
        return None

    def last_due(self, at_or_before: datetime) -> datetime | None:
        """The latest due instant at or before `at_or_before`."""
        start = at_or_before.astimezone(ZoneInfo(self.zone)).date() + timedelta(days=1)
        for offset in range(_SEARCH_DAYS + 2):
            day = start - timedelta(days=offset)
            if self.occurs_on(day) and self.due_on(day) <= at_or_before:
                return self.due_on(day)
        return None

    def is_due_at(self, instant: datetime) -> bool:
        return self.next_due(instant - timedelta(seconds=1)) == instant


@dataclass(frozen=True)
class Schedule:
    """One row of the schedules table. `since` is when it was created, changed or resumed:
    due times before it were never owed to the chat."""

    id: int
    chat_id: int
    locale: str
    prompt_set: str
    timing: Timing
    status: str = ACTIVE
    seen: tuple[str, ...] = field(default=())
    since: datetime = EPOCH

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


def rotate(order: list[str], seen: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The next prompt a chat has not seen yet (in file order) and the new rotation state; once
    all have been seen, the rotation starts again. Ids no longer in the set are forgotten."""
    if not order:
        raise ValueError("a prompt set always has prompts (the loader checks it)")
    still = tuple(s for s in seen if s in order)
    unseen = [p for p in order if p not in still]
    if not unseen:
        still, unseen = (), list(order)
    return unseen[0], (*still, unseen[0])
