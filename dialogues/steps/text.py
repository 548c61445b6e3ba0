"""A text step: the person types an answer, which is checked for length and for identifying
details (only a masked copy is held until they choose to keep it or type it again)."""

from __future__ import annotations

import unicodedata

from dialogues import privacy
from dialogues.content.yamlsource import Mapping
from dialogues.events import Action, Press
from dialogues.model import Step, StepKind
from dialogues.session import Session
from dialogues.steps.base import Advance, FieldSource, Hold, Outcome, Row, Say, StepType, View

MAX_LENGTH_LIMIT = 2000
# Formatting, spacing, combining marks and unassigned or private code points draw nothing alone.
UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Mn", "Me", "Zs", "Zl", "Zp"})
# Letters and symbols that render as blank space: Hangul fillers and the blank Braille pattern.
BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def visible(text: str) -> bool:
    """Whether any character of `text` draws something a reader can see: an answer of only
    zero-width spaces, joiners, byte-order marks or fillers would show as an empty line."""
    return any(c not in BLANK_CHARACTERS and unicodedata.category(c) not in UNSEEN_CATEGORIES
               for c in text)


class Text(StepType):
    kind = StepKind.TEXT
    allowed = ("next", "optional", "max_length", "short")

    def fields(self, node: Mapping, what: str, source: FieldSource) -> dict[str, object]:
        if node.get("max_length") is None:
            return {}
        return {"max_length": source.reader.integer(
            node.get("max_length"), f"'max_length' of {what}", 1, MAX_LENGTH_LIMIT) or 500}

    def body(self, view: View) -> tuple[str, list[Row]]:
        text, ui = view.step.text, view.ui
        earlier = view.session.answers.get(view.step.id)
        rows: list[Row] = []
        if isinstance(earlier, str):  # back on this step: keep it with a tap, or type anew
            text += "\n\n" + ui["earlier_answer"].format(answer=earlier)
            rows.append((view.button(ui["button_keep_earlier"], Action.CONTINUE),))
        text += "\n\n" + ui["text_hint"].format(limit=f"{view.step.max_length:,}")
        return text, rows

    def press(self, event: Press, step: Step, session: Session,
              ui: dict[str, str]) -> Outcome | None:
        if event.action is Action.KEEP_MASKED and session.pending is not None:
            return Advance("next", session.pending)
        earlier = session.answers.get(step.id)
        if event.action is Action.CONTINUE and isinstance(earlier, str):
            return Advance("next", earlier)
        return None

    def typed(self, step: Step, session: Session, text: str, ui: dict[str, str]) -> Outcome:
        answer = text.strip()
        if not answer:
            return Say(ui["empty_text"])
        if not visible(answer):
            return Say(ui["invisible_text"])
        if len(answer) > step.max_length:
            return Say(ui["too_long"].format(length=f"{len(answer):,}",
                                             limit=f"{step.max_length:,}"))
        details = privacy.find(answer)
        if not details:
            return Advance("next", answer)
        masked = privacy.mask(answer, details, ui["masked_detail"])
        kinds = dict.fromkeys(ui[f"detail_{d.kind.value}"] for d in details)
        return Hold(masked, ui["details_found"].format(details=", ".join(kinds), answer=masked),
                    (("button_retype", Action.RETYPE), ("button_keep_masked", Action.KEEP_MASKED)))
