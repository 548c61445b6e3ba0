"""A dialogue's flow as a Mermaid diagram (renders on GitHub), for reviewers to see at a glance.

Built with transitions' `GraphMachine` from the same `machine_config` as the runtime machine, but
as a separate machine: the runtime one stays lean, and the diagram leaves out the conditions
(callables) and the "back" moves, which mirror every forward move and would double the arrows.
"""

from __future__ import annotations

from transitions.extensions import GraphMachine

from dialogues.machine import BACK, machine_config
from dialogues.model import Dialogue


class _Drawing:
    """The model GraphMachine attaches `get_graph` to."""


def mermaid(dialogue: Dialogue) -> str:
    """The dialogue's states and moves as a Mermaid state diagram (without the fences)."""
    config = machine_config(dialogue)
    transitions = [{k: v for k, v in t.items() if k != "conditions"}
                   for t in config["transitions"] if t["trigger"] != BACK]
    model = _Drawing()
    title = dialogue.title.replace('"', "'")
    GraphMachine(model=model, states=config["states"], transitions=transitions,
                 initial=config["initial"], auto_transitions=False, graph_engine="mermaid",
                 title=f'title: "{title}"', show_state_attributes=False)
    return model.get_graph().draw(None).rstrip() + "\n"  # type: ignore[attr-defined]


def markdown(dialogue: Dialogue, source: str) -> str:
    """A Markdown page with the diagram, as `coachbot graph` writes it."""
    return (
        f"# {dialogue.title} (`{dialogue.id}`)\n\n"
        f"Generated from `{source}` by `coachbot graph {dialogue.id}` — do not edit by hand.\n"
        "Boxes are step ids; arrows are what a person can do there (`next`, `skip`, "
        "`choose_<option id>`). Every step also has a Back button, not drawn.\n\n"
        f"```mermaid\n{mermaid(dialogue)}```\n"
    )
