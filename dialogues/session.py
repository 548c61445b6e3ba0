"""A user's place in a dialogue, as plain data that survives restarts.

Sessions are stored as JSON before any reply is sent, so a crash or redeploy between two
messages loses nothing. `from_json` re-validates stored data instead of trusting it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

# A text answer, the id of a chosen option, the ids of ticked options, or None when skipped.
Answer = str | tuple[str, ...] | None


class InvalidSession(ValueError):
    """Stored session data that cannot be used (corrupt, or from an incompatible version)."""


@dataclass(frozen=True)
class Session:
    dialogue_id: str
    state: str
    content_version: str
    locale: str = "en"
    answers: dict[str, Answer] = field(default_factory=dict)
    history: tuple[str, ...] = ()
    turn: int = 0
    draft: tuple[str, ...] = ()  # checklist ticks not yet confirmed with "Done"
    finished: bool = False
    rounds: tuple[dict[str, Answer], ...] = ()  # finished rounds of a repeat (one per funder)
    # A typed answer with identifying details masked, waiting for the person to keep it or
    # type it again; the unmasked text is never stored.
    pending: str | None = None

    def moved(self, **changes: Any) -> Session:
        """A copy with `changes`, one turn later (so buttons from earlier messages go stale);
        moving on drops any pending answer unless `changes` sets one."""
        changes.setdefault("pending", None)
        return replace(self, turn=self.turn + 1, **changes)

    def to_json(self) -> str:
        return json.dumps(
            {
                "v": 1,
                "dialogue": self.dialogue_id,
                "state": self.state,
                "content": self.content_version,
                "locale": self.locale,
                "answers": _plain(self.answers),
                "rounds": [_plain(r) for r in self.rounds],
                "history": list(self.history),
                "turn": self.turn,
                "draft": list(self.draft),
                "finished": self.finished,
                "pending": self.pending,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Session:
        try:
            data = json.loads(text)
            if data.get("v") != 1:
                raise InvalidSession("unknown session format")
            session = cls(
                dialogue_id=_text(data["dialogue"]),
                state=_text(data["state"]),
                content_version=_text(data["content"]),
                locale=_text(data["locale"]),
                answers=_answers(data["answers"]),
                # sessions stored before repeats existed have no "rounds"
                rounds=tuple(_answers(r) for r in data.get("rounds", [])),
                history=tuple(_text(s) for s in data["history"]),
                turn=int(data["turn"]),
                draft=tuple(_text(s) for s in data["draft"]),
                finished=bool(data["finished"]),
                pending=None if data.get("pending") is None else _text(data["pending"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise InvalidSession(str(error)) from error
        return session


def _plain(answers: dict[str, Answer]) -> dict[str, list[str] | str | None]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}


def _answers(data: dict) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for key, value in data.items():
        if isinstance(value, list):
            answers[str(key)] = tuple(_text(v) for v in value)
        else:
            answers[str(key)] = None if value is None else _text(value)
    return answers


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidSession(f"expected text, found {type(value).__name__}")
    return value
