"""How repeats and documents scale: a funding audit with 10 funders against one with 1.

Prints figures only (no pass/fail): time per engine event, time to build the summary document,
and the stored session size, each as a ratio against the 1-funder baseline measured in the
same run. Run: .venv/bin/python bench/bench_exercises.py
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from pathlib import Path

from dialogues import callbacks
from dialogues.content.loader import load_library
from dialogues.engine import Engine
from dialogues.events import Action, Event, Press, StartDialogue, TextInput
from dialogues.session import Session

CONTENT = Path(__file__).resolve().parent.parent / "content"
QUESTIONS = 7
REPEATS = 200


def audit(engine: Engine, funders: int) -> tuple[Session, int, float]:
    """Walk the whole audit; return the finished session, the event count and seconds spent."""
    dialogue = engine.library.locale("en").dialogues["funding_audit"]
    result = engine.handle(None, StartDialogue("funding_audit"))
    session = result.session
    events = 0
    spent = 0.0

    def apply(event: Event) -> None:
        nonlocal session, events, spent
        started = time.perf_counter()
        session = engine.handle(session, event).session
        spent += time.perf_counter() - started
        events += 1

    def press(action: Action, option: str = "") -> Press:
        assert session is not None
        return Press(action, dialogue.id, session.state, option, session.turn)

    apply(press(Action.CONTINUE))
    for number in range(funders):
        apply(TextInput(f"Funder {number}"))
        for question in range(QUESTIONS):
            apply(press(Action.CHOOSE, "yes" if (number + question) % 3 == 0 else "no"))
        apply(press(Action.CHOOSE, "yes" if number < funders - 1 else "no"))
    apply(press(Action.CONTINUE))
    apply(press(Action.CONTINUE))
    apply(press(Action.TOGGLE, "budget"))
    apply(press(Action.DONE))
    assert session is not None and session.finished
    return session, events, spent


def per_event(engine: Engine, funders: int) -> float:
    samples = []
    for _ in range(REPEATS // 10):
        _, events, spent = audit(engine, funders)
        samples.append(spent / events)
    return statistics.median(samples)


def document_time(engine: Engine, session: Session) -> float:
    dialogue = engine.library.locale("en").dialogues["funding_audit"]
    data = callbacks.step_button(Action.DOCUMENT, dialogue.id, session.state, session.turn)
    event = callbacks.decode(data)
    assert event is not None
    started = time.perf_counter()
    for _ in range(REPEATS):
        engine.handle(session, event)
    return (time.perf_counter() - started) / REPEATS


def main() -> None:
    engine = Engine(load_library(CONTENT), today=lambda: date(2026, 11, 27))
    one, _, _ = audit(engine, 1)
    ten, _, _ = audit(engine, 10)
    base_event, ten_event = per_event(engine, 1), per_event(engine, 10)
    base_doc, ten_doc = document_time(engine, one), document_time(engine, ten)
    base_size, ten_size = len(one.to_json().encode()), len(ten.to_json().encode())
    print("funding audit, 1 funder (baseline) vs 10 funders (the most a run holds)")
    print(f"  time per event    {base_event * 1e6:8.1f} µs  vs {ten_event * 1e6:8.1f} µs"
          f"   ratio {ten_event / base_event:5.2f}")
    print(f"  summary document  {base_doc * 1e6:8.1f} µs  vs {ten_doc * 1e6:8.1f} µs"
          f"   ratio {ten_doc / base_doc:5.2f}")
    print(f"  stored session    {base_size:8d} B   vs {ten_size:8d} B "
          f"   ratio {ten_size / base_size:5.2f}")


if __name__ == "__main__":
    main()
