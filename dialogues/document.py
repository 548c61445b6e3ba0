"""A finished summary as a Markdown file, for a leadership meeting or a shared folder.

Markdown rather than PDF: it opens in any editor, renders on most platforms, and tests can
read it back as text. Everything a person typed is escaped, so an answer cannot turn into
markup, and each line of a summary becomes its own paragraph (Markdown would join them).
"""

from __future__ import annotations

import re
from datetime import date

from dialogues.model import Dialogue, Step
from dialogues.outputs import Document
from dialogues.templates import Scope, Style, summary_body

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def escape_markdown(text: str) -> str:
    """Backslash-escape Markdown's inline markup characters; newlines become spaces."""
    return _SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))


def escape_markdown_lines(text: str) -> str:
    """Escape each line of wording, keeping its line breaks."""
    return "\n".join(escape_markdown(line) for line in text.split("\n"))


MARKDOWN = Style(escape=escape_markdown, wording=escape_markdown_lines, markdown=True)


def _paragraph(text: str) -> str:
    """Each line of wording as its own paragraph (Markdown would join them); table rows stay
    together as one table."""
    out = ""
    for line in text.strip("\n").split("\n"):
        if not line.strip():
            continue
        joint = "\n" if line.startswith("|") and out.endswith("|") else "\n\n"
        out += (joint if out else "") + line
    return out


def filename(dialogue: Dialogue, day: date) -> str:
    return f"{dialogue.id}-{day.isoformat()}.md"


def summary_document(dialogue: Dialogue, step: Step, scope: Scope, sections: dict[str, str],
                     ui: dict[str, str], day: date) -> Document:
    """The summary (table, answers, notes, next step and cited sections) as `<id>-<date>.md`."""
    title = step.title or dialogue.title
    blocks = [
        f"# {escape_markdown(title)}",
        escape_markdown(ui["document_intro"].format(dialogue=dialogue.title, date=day.isoformat())),
    ]
    for part in summary_body(step, dialogue, scope, ui, MARKDOWN):
        blocks.extend(_paragraph(p) for p in part.split("\n\n") if p.strip())
    if step.next_step:
        blocks.append(f"## {escape_markdown(ui['summary_next_step'])}")
        blocks.append(_paragraph(escape_markdown_lines(step.next_step.strip())))
    blocks.append(f"## {escape_markdown(ui['summary_sources'].rstrip(':'))}")
    blocks.append("\n".join(f"- {escape_markdown(sections[s])} \\[{escape_markdown(s)}\\]"
                            for s in dict.fromkeys(step.source or dialogue.source)))
    text = "\n\n".join(blocks) + "\n"
    caption = ui["document_caption"].format(title=title, date=day.isoformat())
    return Document(filename(dialogue, day), text.encode("utf-8"), caption)

