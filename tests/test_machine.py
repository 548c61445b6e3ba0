"""Each dialogue is a `transitions` machine built once from its script: only declared moves."""

from __future__ import annotations

from transitions.extensions.markup import MarkupMachine

from dialogues.machine import DialogueMachine, machine_config
from dialogues.model import Library


def test_declared_moves_are_allowed_and_others_refused(library: Library) -> None:
    """The machine follows the script's branches and refuses anything else."""
    machine = DialogueMachine(library.locale("en").dialogues["self_reflection"])
    assert machine.fire("intro", "next") == "why"
    assert machine.fire("who_benefits", "choose_us") == "reconsider"
    assert machine.fire("who_benefits", "choose_both") == "values"
    assert machine.fire("reconsider", "back", to="who_benefits") == "who_benefits"
    assert machine.fire("intro", "choose_us") is None
    assert machine.fire("values", "back", to="intro") is None
    assert machine.fire("why", "no_such_trigger") is None


def test_every_dialogue_builds_one_machine_with_auto_transitions_off(library: Library) -> None:
    """Machines carry only the script's triggers (no generated to_<state> shortcuts)."""
    for dialogue in library.locale("en").dialogues.values():
        config = machine_config(dialogue)
        markup = MarkupMachine(model=None, **{**config, "transitions": [
            {k: v for k, v in t.items() if k != "conditions"} for t in config["transitions"]]})
        triggers = {t["trigger"] for t in markup.markup["transitions"]}
        assert not any(t.startswith("to_") for t in triggers), dialogue.id
        assert {s["name"] for s in markup.markup["states"]} == set(dialogue.steps)
