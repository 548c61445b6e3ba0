"""A dialogue's flow as an SVG drawn on the server: no script to load, so it works offline.

The same moves `coachbot graph` draws (each step's targets), laid out in rows by distance from
the start, in file order within a row; a move back up the page is drawn as a dashed curve.
"""

from __future__ import annotations

from html import escape

from bot.studio.content import Dialogue

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 168, 44, 24, 56, 16


def _rows(dialogue: Dialogue) -> list[list[str]]:
    """Steps by distance from the start (breadth first), each row in file order."""
    depth = {dialogue.start: 0}
    todo = [dialogue.start]
    while todo:
        step = todo.pop(0)
        for target in dialogue.steps[step].targets().values():
            if target in dialogue.steps and target not in depth:
                depth[target] = depth[step] + 1
                todo.append(target)
    rows: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for step_id in dialogue.steps:
        if step_id in depth:
            rows[depth[step_id]].append(step_id)
    return rows


def _label(trigger: str) -> str:
    return trigger.removeprefix("choose_")


def svg(dialogue: Dialogue) -> str:
    """The diagram as an SVG element with a text alternative for screen readers."""
    rows = _rows(dialogue)
    widest = max(len(row) for row in rows)
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X
    height = MARGIN * 2 + len(rows) * BOX_H + (len(rows) - 1) * GAP_Y
    where: dict[str, tuple[float, float]] = {}
    for number, row in enumerate(rows):
        used = len(row) * BOX_W + (len(row) - 1) * GAP_X
        left = (width - used) / 2
        for index, step_id in enumerate(row):
            where[step_id] = (left + index * (BOX_W + GAP_X), MARGIN + number * (BOX_H + GAP_Y))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow" viewBox="0 0 {width:.0f} '
        f'{height:.0f}" width="{width:.0f}" height="{height:.0f}" role="img" '
        f'aria-labelledby="flow-{dialogue.id}">',
        f'<title id="flow-{dialogue.id}">Flow of {escape(dialogue.title)}: '
        f'{len(dialogue.steps)} steps from {escape(dialogue.start)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker></defs>',
    ]
    for step in dialogue.steps.values():
        if step.id not in where:
            continue
        moves: dict[str, list[str]] = {}
        for trigger, target in step.targets().items():
            moves.setdefault(target, []).append(_label(trigger))
        for target, labels in moves.items():
            if target in where:
                parts.append(_edge(where[step.id], where[target], ", ".join(labels)))
    for step_id, (x, y) in where.items():
        step = dialogue.steps[step_id]
        parts.append(
            f'<g class="node kind-{step.kind.value}" data-step="{escape(step_id)}" tabindex="0">'
            f'<title>{escape(step_id)} ({step.kind.value})</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="8"/>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + 18:.0f}">{escape(step_id)}</text>'
            f'<text class="kind" x="{x + BOX_W / 2:.0f}" y="{y + 34:.0f}">{step.kind.value}</text>'
            "</g>")
    parts.append("</svg>")
    return "".join(parts)


def _edge(start: tuple[float, float], end: tuple[float, float], label: str) -> str:
    (x1, y1), (x2, y2) = start, end
    if y2 > y1:  # downwards: from the bottom of one box to the top of the other
        a, b = (x1 + BOX_W / 2, y1 + BOX_H), (x2 + BOX_W / 2, y2)
        path = f"M{a[0]:.0f},{a[1]:.0f} C{a[0]:.0f},{a[1] + 30:.0f} {b[0]:.0f},{b[1] - 30:.0f} " \
               f"{b[0]:.0f},{b[1]:.0f}"
        css, middle = "edge", ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    else:  # back up, or along the same row: around the right-hand side
        a, b = (x1 + BOX_W, y1 + BOX_H / 2), (x2 + BOX_W, y2 + BOX_H / 2)
        bulge = max(a[0], b[0]) + 40
        path = f"M{a[0]:.0f},{a[1]:.0f} C{bulge:.0f},{a[1]:.0f} {bulge:.0f},{b[1]:.0f} " \
               f"{b[0]:.0f},{b[1]:.0f}"
        css, middle = "edge back", (bulge - 10, (a[1] + b[1]) / 2)
    text = (f'<text class="label" x="{middle[0]:.0f}" y="{middle[1]:.0f}">{escape(label)}</text>'
            if label != "next" else "")
    return f'<g class="{css}"><path d="{path}" marker-end="url(#arrow)"/>{text}</g>'
