"""Fidelity to the guidelines: every content item cites sections, and every section is cited.

An item is any block with an `id` and wording of its own (a dialogue, step, card or prompt);
options and other small parts inherit the source of the item they belong to.
"""

from __future__ import annotations

from dialogues.content.files import ContentFiles, items, locales
from dialogues.content.problems import Problems, did_you_mean
from dialogues.content.yamlsource import Mapping, Scalar, Sequence

ITEM_KEYS = ("text", "answer", "steps")


def check_fidelity(files: ContentFiles, sections: dict[str, str], problems: Problems) -> None:
    """Errors for items without a source or citing unknown sections; warnings for sections that
    nothing cites (a part of the guidelines the bot never draws on)."""
    if not sections:
        return
    cited: set[str] = set()
    for code in locales(files.root):
        for file in files.files(code):
            node = files.node(file)
            for item in items(node) if node is not None else ():
                if not any(key in item.entries for key in ITEM_KEYS):
                    continue
                cited.update(_check_item(item, sections, problems))
    _uncited(files, cited, problems)


def _check_item(item: Mapping, sections: dict[str, str], problems: Problems) -> set[str]:
    item_id = item.get("id").value  # type: ignore[union-attr]
    source = item.get("source")
    reported = {p.mark for p in problems.errors}
    if source is None:
        if item.mark not in reported:
            problems.error(item.mark, f"'{item_id}' has no 'source:' — add the ids of the sections "
                                      "of the guidelines it draws on, for example: source: [intro] "
                                      "(the ids are in content/sections.yaml)")
        return set()
    nodes = source.items if isinstance(source, Sequence) else (source,)
    ids = {n.value.strip() for n in nodes if isinstance(n, Scalar)}
    for node in nodes:
        if (isinstance(node, Scalar) and node.value.strip() not in sections
                and node.mark not in reported):
            problems.error(node.mark, f"unknown section id '{node.value.strip()}' in 'source' of "
                                      f"'{item_id}'{did_you_mean(node.value.strip(), sections)} "
                                      "(the ids are listed in content/sections.yaml)")
    return ids


def _uncited(files: ContentFiles, cited: set[str], problems: Problems) -> None:
    top = files.content(files.root / "sections.yaml")
    listed = top.get("sections") if isinstance(top, Mapping) else None
    if not isinstance(listed, Mapping):
        return
    for section_id, (key_mark, _value) in listed.entries.items():
        if section_id not in cited:
            problems.warning(key_mark, uncited_message(section_id))


def uncited_message(section_id: str) -> str:
    return (f"section '{section_id}' is not cited by any content — add it to the 'source:' of the "
            "wording that draws on it, or write wording for it")

