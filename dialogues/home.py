"""The home screen and the menu of dialogues, grouped by audience, with "resume" on top."""

from __future__ import annotations

from dialogues import callbacks
from dialogues.model import AUDIENCES, Dialogue, Locale
from dialogues.outputs import Button, Message


def menu(lang: Locale, current: Dialogue | None) -> Message:
    """One button per dialogue, grouped by audience (a line says which buttons are whose), so
    the list fits a phone's screen once; `current` (in progress) can resume. Each dialogue's
    first step says what it is and how long it takes."""
    lines = [lang.ui["menu_prompt"]]
    buttons: list[tuple[Button, ...]] = []
    if current is not None:
        label = lang.ui["resume_button"].format(title=current.title)
        buttons.append((Button(label, callbacks.RESUME),))
    for audience in AUDIENCES:
        group = [d for d in lang.dialogues.values() if d.audience == audience]
        if not group:
            continue
        span = "menu_group_next" if len(buttons) > (current is not None) else "menu_group_first"
        lines.append(lang.ui[span].format(group=lang.ui[f"menu_group_{audience}"],
                                          count=len(group)))
        buttons += [(Button(d.title, callbacks.start_button(d.id)),) for d in group]
    return Message("\n".join(lines), tuple(buttons))


def menu_button(lang: Locale, current: Dialogue | None) -> tuple[tuple[Button, ...], ...]:
    """The menu behind one button (with "resume" above it when a dialogue is in progress)."""
    rows = [(Button(lang.ui["menu_open_button"], callbacks.MENU),)]
    if current is not None:
        label = lang.ui["resume_button"].format(title=current.title)
        rows.insert(0, (Button(label, callbacks.RESUME),))
    return tuple(rows)


def menu_with(lang: Locale, current: Dialogue | None, lead: str) -> Message:
    """The menu after a line saying why it is shown."""
    shown = menu(lang, current)
    return Message(f"{lead}\n\n{shown.text}", shown.buttons)


def home(lang: Locale, current: Dialogue | None) -> Message:
    """/start: a short introduction and the privacy notice; the menu is one tap away."""
    text = f"{lang.ui['intro']}\n\n{lang.ui['privacy_notice']}"
    return Message(text, menu_button(lang, current))
