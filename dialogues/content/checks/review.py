"""Review status: which files a reviewer has approved, by whom and when.

Any content file may start with ``review: {status: draft|needed|approved, by: ..., date: ...}``.
A file without one counts as a draft. With COACHBOT_REQUIRE_APPROVED=1 the bot serves only
approved files (see `approved_only`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from pathlib import Path

from dialogues.content.files import ContentFiles, locales, shown
from dialogues.content.problems import Mark, Problems
from dialogues.content.schema import Reader
from dialogues.content.yamlsource import REVIEW_KEY, Mapping, Node
from dialogues.model import Library, Locale

STATUSES = ("draft", "needed", "approved")


@dataclass(frozen=True)
class Review:
    """The review status of one file (`path` as shown in messages: content/es/ui.yaml)."""

    path: str
    status: str
    by: str = ""
    date: str = ""

    @property
    def approved(self) -> bool:
        return self.status == "approved"


def check_reviews(files: ContentFiles, problems: Problems) -> list[Review]:
    """Every content file's review status; malformed review blocks are errors."""
    reviews: list[Review] = []
    for code in locales(files.root):
        for file in files.files(code):
            node = files.node(file)
            if node is None:
                continue
            block = node.get(REVIEW_KEY) if isinstance(node, Mapping) else None
            reviews.append(_review(shown(files.root, file), block, Reader(problems)))
    return reviews


def _review(path: str, node: Node | None, reader: Reader) -> Review:
    if node is None:
        return Review(path, "draft")
    block = reader.mapping(node, "'review'", ("status",), ("by", "date"))
    if block is None:
        return Review(path, "draft")
    status = reader.one_of(block.get("status"), "review 'status'", STATUSES) or "draft"
    by = reader.text(block.get("by"), "review 'by'") or ""
    date = reader.text(block.get("date"), "review 'date'") or ""
    if date and not _is_date(date):
        reader.error(block.get("date").mark,  # type: ignore[union-attr]
                     f"review 'date' '{date}' is not a date — write it as YYYY-MM-DD, "
                     "for example 2026-03-31")
        date = ""
    if status == "approved" and not (by and date):
        reader.error(block.mark, "an approved file needs 'by:' (who approved it) and 'date:' "
                                 "(YYYY-MM-DD) — add them")
        status = "draft"
    return Review(path, status, by, date)


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def unapproved(reviews: list[Review]) -> list[Review]:
    return [r for r in reviews if not r.approved]


def approved_only(library: Library, root: Path, problems: Problems) -> Library | None:
    """The library without unapproved files (COACHBOT_REQUIRE_APPROVED=1): an unapproved
    dialogue is left out (a translation falls back to approved English); a translation whose
    interface strings are unapproved is left out whole; unapproved English ones stop the bot.
    Cards, prompts, the privacy notice and the search lists follow the same rule, file by file.

    The review status comes from the load that built `library` (`Library.approved`): the files
    are not read again."""
    approved = library.approved
    english_ui = shown(root, root / "en" / "ui.yaml")
    if english_ui not in approved:
        problems.error(Mark(english_ui), "COACHBOT_REQUIRE_APPROVED=1 but this file is not approved "
                                         "— add review: {status: approved, by: <who>, date: "
                                         "<YYYY-MM-DD>} once a reviewer has approved it")
        return None
    english = _approved_locale(library.locales["en"], approved, None, root)
    locales: dict[str, Locale] = {"en": english}
    for code, locale in library.locales.items():
        if code != "en" and shown(root, root / code / "ui.yaml") in approved:
            locales[code] = _approved_locale(locale, approved, english, root)
    return replace(library, locales=locales)


def _approved_locale(locale: Locale, approved: frozenset[str], english: Locale | None,
                     root: Path) -> Locale:
    """What a reviewer approved of one locale; a translation borrows approved English for the
    rest (the search finds an English card where its translation is not approved)."""
    dialogues = {}
    for dialogue_id, dialogue in locale.dialogues.items():
        if dialogue.mark.path in approved:
            dialogues[dialogue_id] = dialogue
        elif english is not None and dialogue_id in english.dialogues:
            dialogues[dialogue_id] = english.dialogues[dialogue_id]

    def file_approved(name: str) -> bool:
        return shown(root, root / locale.code / name) in approved

    prompt_sets = locale.prompt_sets if file_approved("prompts.yaml") else (
        english.prompt_sets if english is not None else {})
    privacy = locale.privacy if file_approved("privacy.yaml") else (
        english.privacy if english is not None else ())
    return replace(
        locale, dialogues=dialogues, prompt_sets=prompt_sets, privacy=privacy,
        cards=tuple(c for c in locale.cards if c.mark.path in approved),
        synonyms=tuple(g for g in locale.synonyms if g.mark.path in approved),
        out_of_scope=tuple(t for t in locale.out_of_scope if t.mark.path in approved),
        unanswered=tuple(u for u in locale.unanswered if u.mark.path in approved),
    )
