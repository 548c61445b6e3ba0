"""The home screen and the menu of dialogues, grouped by audience, with "resume" on top."""

from __future__ import annotations

from dialogues import callbacks
from dialogues.model import AUDIENCES, Dialogue, Locale
from dialogues.outputs import Button, Message


def menu(lang: Locale, current: Dialogue | None) -> Message:
    """Every dialogue with its duration and description; `current` (in progress) can resume."""
    lines = [lang.ui["menu_prompt"]]
    buttons: list[tuple[Button, ...]] = []
    if current is not None:
        label = lang.ui["resume_button"].format(title=current.title)
        buttons.append((Button(label, callbacks.RESUME),))
    for audience in AUDIENCES:
        group = [d for d in lang.dialogues.values() if d.audience == audience]
        if not group:
            continue
        lines.append("")
        lines.append(lang.ui[f"menu_group_{audience}"])
        for dialogue in group:
            lines.append(lang.ui["menu_entry"].format(
                title=dialogue.title, duration=dialogue.duration,
                description=dialogue.description))
            buttons.append((Button(dialogue.title, callbacks.start_button(dialogue.id)),))
    return Message("\n".join(lines), tuple(buttons))


def menu_with(lang: Locale, current: Dialogue | None, lead: str) -> Message:
    """The menu after a line saying why it is shown."""
    shown = menu(lang, current)
    return Message(f"{lead}\n\n{shown.text}", shown.buttons)


def home(lang: Locale, current: Dialogue | None) -> Message:
    """/start: the introduction, the privacy notice, then the menu."""
    shown = menu(lang, current)
    text = f"{lang.ui['intro']}\n\n{lang.ui['privacy_notice']}\n\n{shown.text}"
    return Message(text, shown.buttons)
