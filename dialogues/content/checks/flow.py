"""Checks of a dialogue's flow: every branch leads to a step that exists, every step can be
reached, every path can reach a summary, and a `repeat` can come round again."""

from __future__ import annotations

from dialogues.content.problems import did_you_mean
from dialogues.content.schema import Reader
from dialogues.content.yamlsource import Node
from dialogues.model import Dialogue, StepKind


def check_flow(reader: Reader, dialogue: Dialogue, repeat: Node | None) -> None:
    """Report every flow mistake of a dialogue whose steps could all be read."""
    _check_graph(reader, dialogue)
    _check_repeat(reader, dialogue, repeat)


def _check_graph(reader: Reader, dialogue: Dialogue) -> None:
    """Branch targets exist, every step is reachable, and every path can reach a summary."""
    steps = dialogue.steps
    broken = False
    for step in steps.values():
        if step.kind is not StepKind.SUMMARY and step.next is None:
            broken = True
            reader.error(
                step.mark,
                f"step '{step.id}' is the last step but not a summary — add 'next:' "
                "naming the step that follows, or end the dialogue with a summary step",
            )
            continue
        branches = [step.next] + [o.next for o in step.options]
        for target in filter(None, branches):
            if target not in steps:
                broken = True
                reader.error(
                    step.mark,
                    f"step '{step.id}' leads to a step that does not exist: '{target}'"
                    f"{did_you_mean(target, steps)}",
                )
    if broken:
        return
    graph = {s.id: set(s.targets().values()) for s in steps.values()}
    reachable = _reach(graph, dialogue.start)
    for step in steps.values():
        if step.id not in reachable:
            reader.error(
                step.mark,
                f"step '{step.id}' can never be reached — point a 'next:' or an option's "
                "'next:' to it, or delete it",
            )
    summaries = {s.id for s in steps.values() if s.kind is StepKind.SUMMARY}
    for step in steps.values():
        if step.id in reachable and not (_reach(graph, step.id) & summaries):
            reader.error(
                step.mark,
                f"from step '{step.id}' there is no way to reach a summary — one of the "
                "steps after it must lead on to the summary",
            )

def _check_repeat(reader: Reader, dialogue: Dialogue, node: Node | None) -> None:
    """A repeat needs a way back to its first step from within or after the round."""
    repeat = dialogue.repeat
    if repeat is None or node is None:
        return
    graph = {s.id: set(s.targets().values()) for s in dialogue.steps.values()}
    after_first = _reach(graph, repeat.first) - {repeat.first}
    if not any(repeat.first in graph[s] for s in after_first | {repeat.first}):
        reader.error(
            node.mark,
            f"nothing leads back to '{repeat.first}', so the round can never repeat — add a "
            f"yes/no step after '{repeat.last}' with 'yes: {repeat.first}'",
        )

def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target in graph and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


