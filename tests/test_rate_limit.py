"""The rate limit on a fake clock: a brisk person passes, a flood is stopped and told why once
per episode, and the people it remembers are forgotten when idle. The default is the setting
a deployment gets without COACHBOT_RATE_LIMIT."""

from __future__ import annotations

from bot.features.ratelimit.limit import RateLimit
from bot.settings import Settings
from bot.store import SessionStore
from dialogues.engine import Engine
from tests.support.botapi import FakeBotApi
from tests.support.chat import ChatDriver, running_app
from tests.support.coach import coach_app

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


async def test_through_telegram_a_flood_hears_one_slow_down_per_episode(
        engine: Engine, store: SessionStore) -> None:
    """The real application with the default limit on a fake clock: a person typing and
    tapping briskly sees no "slow down"; a flood of 200 messages in 5 s hears it once, with
    every refused tap still answered; a second flood a minute later hears it once more."""
    api = FakeBotApi(token="123456:RATE")
    application = coach_app(engine, store, api, Settings.from_env({}))
    clock = Clock()
    limit = application.handlers[-2][0].callback.__self__
    limit.clock = clock
    slow = engine.library.locale("en").ui["rate_limited"]
    async with running_app(application):
        chat = ChatDriver(application, api, chat_id=PERSON, user_id=PERSON)
        await chat.send("/start self_reflection")
        for _ in range(40):  # 80 updates at one a second: a tap, then a command
            clock.now += 1
            await chat.tap("Continue ▸")
            clock.now += 1
            await chat.send("/back")
        assert slow not in chat.texts_since()
        for round_ in range(2):
            for _ in range(200):
                clock.now += 5 / 200
                await chat.send("spam")
            await chat.tap_in(chat.messages[0], "Continue ▸")
            assert chat.texts_since().count(slow) == round_ + 1
            assert chat.unanswered_callbacks == []
            clock.now += 60
