"""Load a content directory into a checked `Library`, or report every problem in it.

Definition mistakes fail here, when the bot or `coachbot check` starts, never when a user
reaches the step: unknown keys and ids, missing wording, branches to steps that do not exist,
unreachable steps, paths that never reach a summary, and template fields naming unknown answers.
"""

from __future__ import annotations

import copy
import string
from dataclasses import replace
from pathlib import Path

from dialogues.content.checks import Report, check_files
from dialogues.content.checks.flow import check_flow
from dialogues.content.checks.language import language_file, load_terms
from dialogues.content.checks.summaries import check_summaries
from dialogues.content.files import ContentFiles, unreadable, with_english
from dialogues.content.privacy_notice import load_privacy_notice
from dialogues.content.problems import ContentError, Mark, Problems, did_you_mean
from dialogues.content.prompts import load_prompts
from dialogues.content.schema import Reader
from dialogues.content.uistrings import UI_FIELDS
from dialogues.content.yamlsource import Mapping, Node, Scalar, Sequence
from dialogues.guidance.cards import (
    OutOfScope,
    SynonymGroup,
    Unanswered,
    load_cards,
    load_out_of_scope,
    load_synonyms,
    load_unanswered,
)
from dialogues.guidance.checks import check_out_of_scope, check_synonyms, check_unanswered
from dialogues.model import (
    AUDIENCES,
    SKIPPED,
    Dialogue,
    Library,
    Locale,
    Note,
    Option,
    Repeat,
    Step,
    StepKind,
)
from dialogues.steps import KINDS

DIALOGUE_ID_MAX = 20
STEP_ID_MAX = 20
OPTION_ID_MAX = 12
LABEL_MAX = 40
TEXT_MAX = 3000
SHORT_MAX = 24
REPEAT_MOST = 10
REPEAT_LIMIT = 50

def load_sections(files: ContentFiles) -> dict[str, str]:
    """Section ids of the guidelines (content/sections.yaml), the vocabulary of `source:`."""
    file = files.root / "sections.yaml"
    if not file.exists():
        files.problems.error(Mark(files.shown(file)),
                             "missing: copy shared/guidelines/sections.yaml here")
        return {}
    reader = Reader(files.problems)
    top = reader.mapping(files.content(file), "sections.yaml", ("sections",))
    sections = reader.mapping(top.get("sections") if top else None, "'sections'")
    if sections is None:
        return {}
    return {key: (reader.text(value, f"section '{key}'") or key)
            for key, (_mark, value) in sections.entries.items()}


def load_ui(files: ContentFiles, file: Path,
            fallback: dict[str, str] | None = None) -> dict[str, str]:
    """Interface strings, each checked for the fields it may fill in. A translation may leave
    some out: they come from `fallback` (English), and the translation check lists them."""
    problems = files.problems
    reader = Reader(problems)
    top = reader.mapping(files.content(file), "ui.yaml")
    if top is None:
        return {}
    ui: dict[str, str] = {}
    for key, (key_mark, node) in top.entries.items():
        if key not in UI_FIELDS:
            problems.error(key_mark, f"unknown interface string '{key}'{did_you_mean(key, UI_FIELDS)}")
            continue
        value = reader.text(node, f"'{key}'")
        if value is None:
            continue
        allowed = UI_FIELDS[key]
        for _literal, name, _spec, _conv in string.Formatter().parse(value):
            if name is not None and name not in allowed:
                can_use = ", ".join(f"{{{f}}}" for f in sorted(allowed)) or "no fields"
                problems.error(
                    node.mark,
                    f"'{{{name}}}' is not a field '{key}' can fill in{did_you_mean(name, allowed)}"
                    f" — this message can use {can_use} (write {{{{ and }}}} for a literal brace)",
                )
        ui[key] = value
    if fallback is not None:
        return {**fallback, **ui}
    for key in sorted(set(UI_FIELDS) - set(ui) - {k for k in top.entries}):
        problems.error(Mark(files.shown(file), 1, 1), f"missing interface string '{key}:' — add it")
    return ui


class _DialogueReader:
    """Reads one dialogue file; all checks that need the whole dialogue run in `finish`."""

    def __init__(self, sections: dict[str, str], problems: Problems) -> None:
        self.incomplete = False  # a step could not be read: checks of the whole graph wait
        self.sections = sections
        self.problems = problems
        self.reader = Reader(problems)

    def read(self, root: Node | None, file_id: str) -> Dialogue | None:
        r = self.reader
        top = r.mapping(
            root, "the dialogue",
            ("id", "title", "description", "audience", "duration", "source", "steps"),
            ("start", "repeat"),
        )
        if top is None:
            return None
        dialogue_id = r.identifier(top.get("id"), "dialogue id", DIALOGUE_ID_MAX)
        if dialogue_id and dialogue_id != file_id:
            r.error(top.get("id").mark,  # type: ignore[union-attr]
                    f"dialogue id '{dialogue_id}' should match its file name '{file_id}.yaml' "
                    f"— write 'id: {file_id}' or rename the file")
        what = f"dialogue '{dialogue_id or file_id}'"
        title = r.text(top.get("title"), "'title'", 80)
        description = r.text(top.get("description"), "'description'", 200)
        audience = r.one_of(top.get("audience"), "'audience'", AUDIENCES)
        duration = r.text(top.get("duration"), "'duration'", 60)
        source = r.sources(top.get("source"), what, self.sections)
        steps = self._steps(top.get("steps"))
        if not steps:
            if top.get("steps") is not None:
                r.error(top.key_mark("steps"), f"{what} has no steps — add at least a summary")
            return None
        start_node = top.get("start")
        start = r.text(start_node, "'start'") if start_node else next(iter(steps))
        if start is not None and start not in steps:
            r.error(start_node.mark,  # type: ignore[union-attr]
                    f"'start' names a step that does not exist: '{start}'"
                    f"{did_you_mean(start, steps)}")
            start = None
        if None in (dialogue_id, title, description, audience, duration, start):
            return None
        repeat = self._repeat(top.get("repeat"), steps)
        dialogue = Dialogue(
            id=dialogue_id, title=title, description=description, audience=audience,  # type: ignore[arg-type]
            duration=duration, source=source, start=start, steps=steps,  # type: ignore[arg-type]
            mark=top.mark, repeat=repeat,
        )
        if not self.incomplete:
            check_flow(r, dialogue, top.get("repeat"))
            check_summaries(r, dialogue)
        return dialogue

    def _repeat(self, node: Node | None, steps: dict[str, Step]) -> Repeat | None:
        """`repeat: {first: <step>, last: <step>, most: <n>}`: the steps of one round."""
        r = self.reader
        entry = r.mapping(node, "'repeat'", ("first", "last"), ("most",))
        if entry is None:
            return None
        ends: list[str] = []
        for key in ("first", "last"):
            step_id = r.text(entry.get(key), f"'{key}' of 'repeat'")
            if step_id is not None and step_id not in steps:
                r.error(entry.get(key).mark,  # type: ignore[union-attr]
                        f"'{key}' of 'repeat' names a step that does not exist: '{step_id}'"
                        f"{did_you_mean(step_id, steps)}")
                step_id = None
            if step_id is not None:
                ends.append(step_id)
        most = REPEAT_MOST
        if entry.get("most") is not None:
            most = r.integer(entry.get("most"), "'most' of 'repeat'", 2, REPEAT_LIMIT) or REPEAT_MOST
        if len(ends) < 2:
            return None
        order = list(steps)
        first, last = ends
        if order.index(first) > order.index(last):
            r.error(entry.mark, f"'repeat' runs from '{first}' to '{last}', but '{last}' comes "
                                f"before '{first}' in the file — swap them")
            return None
        span = tuple(order[order.index(first): order.index(last) + 1])
        for step_id in span:
            if steps[step_id].kind is StepKind.SUMMARY:
                r.error(entry.mark, f"the summary '{step_id}' cannot be part of a 'repeat' — end "
                                    "the round before it")
                return None
        return Repeat(first, last, span, most)

    def _steps(self, node: Node | None) -> dict[str, Step]:
        steps: dict[str, Step] = {}
        items = self.reader.sequence(node, "'steps'")
        ids_in_order = [self._peek_id(item) for item in items]
        for index, item in enumerate(items):
            following = next((i for i in ids_in_order[index + 1:] if i), None)
            step = self._step(item, following)
            if step is None:
                continue
            if step.id in steps:
                self.problems.cause(step.mark, f"step id '{step.id}' is used twice — rename one")
                continue
            steps[step.id] = step
        return steps

    @staticmethod
    def _peek_id(node: Node) -> str | None:
        if isinstance(node, Mapping) and isinstance(node.get("id"), Scalar):
            return node.get("id").value.strip()  # type: ignore[union-attr]
        return None

    def _step(self, node: Node, following: str | None) -> Step | None:
        r = self.reader
        if not isinstance(node, Mapping):
            r.error(node.mark, "each step should be a block of 'key: value' lines under '- '")
            self.incomplete = True
            return None
        kind_name = r.one_of(node.get("kind"), "step 'kind'", [k.value for k in StepKind])
        if node.get("kind") is None:
            r.error(node.mark, "step is missing 'kind:' — one of: "
                    + ", ".join(k.value for k in StepKind))
        if kind_name is None:
            self.incomplete = True
            return None
        kind = KINDS[StepKind(kind_name)]
        article = "an" if kind_name[0] in "aeiou" else "a"
        r.mapping(node, f"{article} {kind_name} step", kind.required, kind.allowed)
        # After a reported mistake in the id or the wording, carry on with what was written,
        # so one mistake is reported once instead of again by every step that names this one.
        step_id = r.identifier(node.get("id"), "step id", STEP_ID_MAX) or self._peek_id(node)
        what = f"step '{step_id}'"
        text = r.text(node.get("text"), f"'text' of {what}", TEXT_MAX) or ""
        source = r.sources(node.get("source"), what, self.sections)
        if step_id is None:
            self.incomplete = True
            return None
        common = self._common(node, what, following)
        fields = {**common, **kind.fields(node, what, self)} if kind.leads_on else kind.fields(
            node, what, self)
        return Step(id=step_id, kind=kind.kind, text=text, source=source,
                    mark=node.mark, **fields)  # type: ignore[arg-type]

    def _common(self, node: Mapping, what: str, following: str | None) -> dict[str, object]:
        """`next` (by default the step below), `optional` and `short`, read for every kind so a
        mistake in them is reported even where the kind does not take them."""
        r = self.reader
        explicit_next = r.text(node.get("next"), f"'next' of {what}") if node.get("next") else None
        fields: dict[str, object] = {
            "next": explicit_next or following,
            "optional": r.flag(node.get("optional"), f"'optional' of {what}"),
        }
        if node.get("short") is not None:
            fields["short"] = r.text(node.get("short"), f"'short' of {what}", SHORT_MAX) or ""
        return fields

    def options(self, node: Node | None, what: str, kind: StepKind) -> tuple[Option, ...]:
        r = self.reader
        options: list[Option] = []
        for item in r.sequence(node, f"'options' of {what}"):
            optional = ("next",) if kind is StepKind.CHOICE else ()
            entry = r.mapping(item, f"an option of {what}", ("id", "label"), optional)
            if entry is None:
                continue
            option_id = r.identifier(entry.get("id"), "option id", OPTION_ID_MAX)
            label = r.text(entry.get("label"), f"option label in {what}", LABEL_MAX)
            target = r.text(entry.get("next"), "'next' of an option") if entry.get("next") else None
            if option_id is None or label is None:
                continue
            if option_id == SKIPPED:
                r.error(entry.get("id").mark,  # type: ignore[union-attr]
                        f"'{SKIPPED}' is reserved for skipped steps — choose another option id")
                continue
            if any(o.id == option_id for o in options):
                r.error(entry.get("id").mark,  # type: ignore[union-attr]
                        f"option id '{option_id}' is used twice in {what} — rename one")
                continue
            options.append(Option(option_id, label, target))
        if isinstance(node, Sequence) and not options:
            r.error(node.mark, f"{what} needs at least one option")
        return tuple(options)

    def notes(self, node: Node | None, what: str) -> tuple[Note, ...]:
        r = self.reader
        notes: list[Note] = []
        for item in r.sequence(node, f"'notes' of {what}"):
            entry = r.mapping(item, f"a note of {what}", ("text",), ("when", "when_not"))
            if entry is None:
                continue
            if entry.get("when") is None and entry.get("when_not") is None:
                r.error(entry.mark, f"a note of {what} needs 'when:' (shown when an option was "
                                    "chosen) or 'when_not:' (shown when a checklist option was "
                                    "left unticked)")
                continue
            text = r.text(entry.get("text"), f"note text in {what}", TEXT_MAX)
            conditions: dict[str, dict[str, frozenset[str]]] = {}
            marks: dict[str, Mark] = {}
            for key in ("when", "when_not"):
                found = r.mapping(entry.get(key), f"'{key}' of a note")
                conditions[key] = {} if found is None else {
                    step: frozenset(r.text_list(value, f"'{key}: {step}'"))
                    for step, (_m, value) in found.entries.items()}
                marks.update({} if found is None else {
                    step: key_mark for step, (key_mark, _v) in found.entries.items()})
            if text is None or not (conditions["when"] or conditions["when_not"]):
                continue
            notes.append(Note(conditions["when"], text, marks, conditions["when_not"]))
        return tuple(notes)

def load_dialogue(files: ContentFiles, file: Path, sections: dict[str, str],
                  english: Path | None = None) -> Dialogue | None:
    """One dialogue; a translation (`english` given) shows the English of any wording it lacks."""
    reader = _DialogueReader(sections, files.problems)
    node = files.content(file)
    if english is not None and english.exists():
        node = with_english(node, files.content(english))
    return reader.read(node, file.stem)


def load_locale(files: ContentFiles, code: str, sections: dict[str, str],
                fallback: Locale | None = None) -> Locale:
    """One locale; a translation (`fallback` given) borrows whatever it lacks from English."""
    folder = files.root / code
    problems = files.problems
    dialogues: dict[str, Dialogue] = dict(fallback.dialogues) if fallback else {}
    for file in sorted((folder / "dialogues").glob("*.y*ml")):
        if file.suffix != ".yaml":
            problems.error(Mark(files.shown(file)), "content files end in '.yaml' — rename the file")
            continue
        english = files.root / "en" / "dialogues" / file.name if fallback else None
        dialogue = load_dialogue(files, file, sections, english)
        if dialogue is not None:
            dialogues[dialogue.id] = dialogue
    ui_file = folder / "ui.yaml"
    ui = load_ui(files, ui_file, fallback.ui if fallback else None) if ui_file.exists() else {}
    if not ui_file.exists():
        problems.error(Mark(files.shown(ui_file)), "missing interface strings file")
    ordered = dict(sorted(dialogues.items(), key=lambda kv: (kv[1].audience, kv[1].title)))
    # Cards and prompts may name any dialogue that has a file, even one that failed to load just
    # now (its own problems are reported once, not again by everything that links to it).
    named = set(dialogues) | {f.stem for f in (folder / "dialogues").glob("*.yaml")}
    cards = load_cards(files, folder / "guidance", sections, named)
    prompts_file = folder / "prompts.yaml"
    prompt_sets = load_prompts(files, prompts_file, sections, named)
    if fallback is not None and not prompts_file.exists():
        prompt_sets = fallback.prompt_sets
    privacy_file = folder / "privacy.yaml"
    if fallback is not None and not privacy_file.exists():
        privacy = fallback.privacy
    else:
        privacy = load_privacy_notice(files, privacy_file, sections)
    return Locale(code, ordered, ui, cards, prompt_sets=prompt_sets, privacy=privacy)


def _with_search_lists(files: ContentFiles, locales: dict[str, Locale]) -> dict[str, Locale]:
    """Every folder's synonyms.yaml, out_of_scope.yaml and unanswered.yaml join every locale's
    search: staff type in the language that comes to them, whatever language their Telegram is
    set to."""
    words: tuple[SynonymGroup, ...] = ()
    problems = files.problems
    for file in sorted(files.root.glob("*/synonyms.yaml")):
        words += load_synonyms(files, file)
    topics: tuple[OutOfScope, ...] = ()
    for file in sorted(files.root.glob("*/out_of_scope.yaml")):
        topics += load_out_of_scope(files, file)
    asked: tuple[Unanswered, ...] = ()
    for file in sorted(files.root.glob("*/unanswered.yaml")):
        asked += load_unanswered(files, file)
    cards = {card.mark: card for locale in locales.values() for card in locale.cards}
    check_out_of_scope(topics, cards.values(), problems)
    check_unanswered(asked, cards.values(), problems)
    check_synonyms(words, locales["en"].cards, problems)  # the cards every search ranks
    quiet = copy.copy(files)  # same parsed files; mistakes in the lists are the check's to report
    quiet.problems = Problems()
    avoid = tuple(term for code in sorted(locales)
                  for term in load_terms(quiet, language_file(code)))
    return {code: replace(locale, synonyms=words, out_of_scope=topics, unanswered=asked,
                          terms_to_avoid=avoid)
            for code, locale in locales.items()}


def check_library(root: Path) -> tuple[Library | None, Problems]:
    """Load everything under `root`, returning the library (if usable) and every finding."""
    library, problems, _report = check_library_report(root)
    return library, problems


def check_library_report(root: Path) -> tuple[Library | None, Problems, Report | None]:
    """`check_library` and the reviewers' report (translation coverage, review status) of the
    same reading of the files, for `coachbot check`, which prints both."""
    problems = Problems()
    try:
        return _check_library(Path(root), problems)
    except OSError as error:  # a folder the bot may not list (files are reported one by one)
        where = Path(error.filename or root)
        problems.error(Mark(str(where)), unreadable(where, error))
        return None, problems, None


def _check_library(root: Path, problems: Problems
                   ) -> tuple[Library | None, Problems, Report | None]:
    if not root.is_dir():
        problems.error(Mark(str(root)), "no such content folder — give the path to 'content'")
        return None, problems, None
    files = ContentFiles(root, problems)
    sections = load_sections(files)
    codes = sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "ui.yaml").exists())
    if "en" not in codes:
        problems.error(Mark(str(root / "en")), "the English content (en/ui.yaml) is missing")
        return None, problems, None
    if not (root / "en" / "dialogues").is_dir():  # one clear finding, not every link to it
        problems.error(Mark(files.shown(root / "en" / "dialogues")),
                       "the folder of dialogues is missing — restore it (git checkout content)")
        return None, problems, None
    english = load_locale(files, "en", sections)
    locales = {code: english if code == "en" else load_locale(files, code, sections, english)
               for code in codes}
    locales = _with_search_lists(files, locales)
    report = check_files(files, sections)
    if problems.errors:
        return None, problems, None
    approved = frozenset(r.path for r in report.reviews if r.approved)
    return Library(sections, locales, files.version(), approved=approved), problems, report


def load_library(root: Path) -> Library:
    """The checked library; raises `ContentError` listing every problem when it is unusable."""
    library, problems = check_library(root)
    if library is None:
        raise ContentError(problems)
    return library
