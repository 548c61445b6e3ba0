"""The rate limit on a fake clock: a brisk person passes, a flood is stopped and told why once
per episode, and the people it remembers are forgotten when idle. The default is the setting
a deployment gets without COACHBOT_RATE_LIMIT."""

from __future__ import annotations

from bot.features.ratelimit.limit import RateLimit
from bot.settings import Settings

PERSON = 1


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def default_limit(clock: Clock) -> RateLimit:
    return RateLimit(Settings.from_env({}).rate_limit, lambda _update: "slow down", clock=clock)


def paced(limit: RateLimit, clock: Clock, count: int, seconds: float) -> list[bool | None]:
    """`count` updates spread evenly over `seconds`."""
    verdicts = []
    for _ in range(count):
        verdicts.append(limit.allow(PERSON))
        clock.now += seconds / count
    return verdicts


def test_a_brisk_person_is_never_stopped() -> None:
    """A burst of 20 taps in 10 seconds, then a minute of one update a second, then another
    burst after a pause: every update goes through."""
    clock = Clock()
    limit = default_limit(clock)
    assert paced(limit, clock, 20, 10) == [True] * 20
    assert paced(limit, clock, 60, 60) == [True] * 60
    clock.now += 20
    assert paced(limit, clock, 20, 10) == [True] * 20


def test_a_flood_is_stopped_and_told_once() -> None:
    """200 messages in 5 seconds: after the first burst they are refused, with one "slow
    down" (False) and silence (None) for the rest of the episode."""
    clock = Clock()
    limit = default_limit(clock)
    verdicts = paced(limit, clock, 200, 5)
    assert verdicts.count(True) <= 40
    assert verdicts.count(False) == 1
    assert verdicts.index(False) == verdicts.index(next(v for v in verdicts if v is not True))
    assert verdicts[-1] is None


def test_a_new_flood_after_a_quiet_spell_is_told_again() -> None:
    """The episode ends when the person has been quiet long enough; the next one is announced
    again, and a flood that never pauses is announced only once."""
    clock = Clock()
    limit = default_limit(clock)
    first = paced(limit, clock, 200, 5)
    continued = paced(limit, clock, 200, 20)  # still flooding: same episode
    assert first.count(False) + continued.count(False) == 1
    assert continued.count(True) >= 15  # a trickle at the sustained rate still gets through
    clock.now += 60
    assert paced(limit, clock, 200, 5).count(False) == 1


def test_people_seen_are_forgotten_when_idle() -> None:
    """Ten thousand visitors once each: after they have been idle a minute, the limit
    remembers only the person still active."""
    clock = Clock()
    limit = default_limit(clock)
    for visitor in range(10_000):
        limit.allow(10 + visitor)
    assert len(limit) == 10_000
    for _ in range(70):
        clock.now += 1
        limit.allow(PERSON)
    assert len(limit) <= 1
