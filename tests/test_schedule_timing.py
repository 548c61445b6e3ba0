"""When a schedule is due: local wall time in its own zone, right across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from dialogues.schedules.model import Timing, rotate

MONDAY_9 = dict(weekdays=frozenset({0}), at=time(9, 0))
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "after", "expected"), [
    # New York, Monday 9:00: EDT (UTC-4) before 2 Nov 2026, EST (UTC-5) after.
    ("America/New_York", utc(2026, 10, 27), utc(2026, 11, 2, 14, 0)),
    ("America/New_York", utc(2026, 10, 20), utc(2026, 10, 26, 13, 0)),
    # Spring forward on Sunday 8 March 2026: Monday 9 March is already EDT.
    ("America/New_York", utc(2026, 3, 3), utc(2026, 3, 9, 13, 0)),
    ("America/New_York", utc(2026, 3, 1), utc(2026, 3, 2, 14, 0)),
    # London changes on other dates (29 March), Sydney the other way round (5 April 2026).
    ("Europe/London", utc(2026, 3, 24), utc(2026, 3, 30, 8, 0)),
    ("Australia/Sydney", utc(2026, 3, 31), utc(2026, 4, 5, 23, 0)),
    ("Australia/Sydney", utc(2026, 3, 26), utc(2026, 3, 29, 22, 0)),
    # Half-hour and no-DST zones.
    ("Asia/Kolkata", utc(2026, 7, 1), utc(2026, 7, 6, 3, 30)),
    ("America/Phoenix", utc(2026, 7, 1), utc(2026, 7, 6, 16, 0)),
])
def test_next_monday_9_is_9_local_time_in_every_zone(zone: str, after: datetime,
                                                     expected: datetime) -> None:
    """Monday 9:00 means 9:00 on the chat's own clock, whatever DST does."""
    assert Timing(**MONDAY_9, zone=zone).next_due(after) == expected


def test_a_time_skipped_by_spring_forward_runs_once_an_hour_later() -> None:
    """Sunday 2:30 in New York on 8 March 2026 (which never happens) runs once, at 3:30 EDT."""
    timing = Timing(frozenset({6}), time(2, 30), "America/New_York")
    due = timing.next_due(utc(2026, 3, 7))
    assert due == utc(2026, 3, 8, 7, 30)
    assert due.astimezone(NEW_YORK).strftime("%H:%M %Z") == "03:30 EDT"
    assert timing.next_due(due) == utc(2026, 3, 15, 6, 30)


def test_a_time_repeated_by_fall_back_runs_once() -> None:
    """Sunday 1:30 in New York on 1 November 2026 (which happens twice) runs only the first time."""
    timing = Timing(frozenset({6}), time(1, 30), "America/New_York")
    first = timing.next_due(utc(2026, 10, 31))
    assert first == utc(2026, 11, 1, 5, 30)
    assert timing.next_due(first) == utc(2026, 11, 8, 6, 30)


def test_the_due_time_itself_is_not_next_and_is_the_last() -> None:
    """At exactly 9:00 the run is due now: `last_due` finds it and `next_due` looks a week on."""
    timing = Timing(**MONDAY_9, zone="UTC")
    monday = utc(2026, 11, 30, 9, 0)
    assert timing.last_due(monday) == monday
    assert timing.next_due(monday) == utc(2026, 12, 7, 9, 0)
    assert timing.is_due_at(monday)
    assert not timing.is_due_at(utc(2026, 11, 30, 9, 1))


def test_several_weekdays_come_in_order() -> None:
    """Monday and Thursday 17:15 alternate."""
    timing = Timing(frozenset({0, 3}), time(17, 15), "UTC")
    first = timing.next_due(utc(2026, 11, 30, 18, 0))
    assert first == utc(2026, 12, 3, 17, 15)
    assert timing.next_due(first) == utc(2026, 12, 7, 17, 15)


def test_monthly_runs_on_the_first_such_weekday_of_each_month() -> None:
    """'First week of the month' on Monday: 7 December 2026, then 4 January 2027."""
    timing = Timing(frozenset({0}), time(9, 0), "UTC", monthly=True)
    first = timing.next_due(utc(2026, 11, 30, 10, 0))
    assert first == utc(2026, 12, 7, 9, 0)
    assert timing.next_due(first) == utc(2027, 1, 4, 9, 0)


def test_rotation_shows_every_prompt_once_before_any_repeats() -> None:
    """Three prompts come in order, then the rotation starts again."""
    order, seen, shown = ["a", "b", "c"], (), []
    for _ in range(7):
        prompt, seen = rotate(order, seen)
        shown.append(prompt)
    assert shown == ["a", "b", "c", "a", "b", "c", "a"]


def test_rotation_survives_prompts_added_and_removed() -> None:
    """A removed prompt is forgotten and a new one comes before any repeat."""
    prompt, seen = rotate(["a", "x", "c"], ("a", "b"))
    assert (prompt, seen) == ("x", ("a", "x"))
