"""One `transitions` state machine per dialogue script, built once when content loads.

The machine is the dialogue's map: its states are the step ids, its triggers are what a person
can do on a step (``next``, ``skip``, ``choose_<option>``) and ``back`` along any edge walked
forwards. A user's session is plain data; for one event it is bound to the shared machine
through a throwaway cursor, so there is never a machine per user.
"""

from __future__ import annotations

from dataclasses import dataclass

from transitions import EventData, Machine, MachineError

from dialogues.model import Dialogue, StepKind

BACK = "back"


@dataclass
class _Cursor:
    """The model `transitions` moves: only a state, set from and read back into the session."""

    state: str


def _leads_back_to(step_id: str):
    def condition(event: EventData) -> bool:
        return event.kwargs.get("to") == step_id

    return condition


def machine_config(dialogue: Dialogue) -> dict:
    """The machine's configuration as plain data (also used to draw diagrams)."""
    transitions: list[dict] = []
    for step in dialogue.steps.values():
        for trigger, target in step.targets().items():
            transitions.append({"trigger": trigger, "source": step.id, "dest": target})
            transitions.append({
                "trigger": BACK, "source": target, "dest": step.id,
                "conditions": [_leads_back_to(step.id)],
            })
    final = [s.id for s in dialogue.steps.values() if s.kind is StepKind.SUMMARY]
    states = [{"name": s, "final": s in final} for s in dialogue.steps]
    return {
        "states": states,
        "transitions": transitions,
        "initial": dialogue.start,
        "auto_transitions": False,
        "send_event": True,
    }


class DialogueMachine:
    """Moves a step id along the dialogue's declared transitions, or refuses."""

    def __init__(self, dialogue: Dialogue) -> None:
        self.dialogue_id = dialogue.id
        self._machine = Machine(model=None, **machine_config(dialogue))

    def fire(self, state: str, trigger: str, **kwargs: str) -> str | None:
        """The state after `trigger` from `state`, or None when no such move exists."""
        event = self._machine.events.get(trigger)
        if event is None:
            return None
        cursor = _Cursor(state)
        try:
            moved = event.trigger(cursor, **kwargs)
        except (MachineError, ValueError):
            return None
        return cursor.state if moved else None
