"""The studio's view of one content folder: the checked content, the engine that plays it,
and the actions the page offers (play, ask, save, review, record a translation)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from bot.studio import diagram
from bot.studio.catalog import Catalog, problem_json
from bot.studio.content import Engine, Library, Problems, load, record_translation, serving
from bot.studio.edit import Editor, Refused, Saved
from bot.studio.play import Player

RELOAD_HINT = "A running bot shows it after /reload (or `kill -HUP` of its process)."


class Studio:
    """Holds the content as last checked; every save replaces it in one step. The engine and
    the catalog are built when first needed after a change, so a save answers as soon as its
    check is done."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.editor = Editor(self.root)
        self.player = Player()
        self._lock = threading.Lock()
        self.library: Library | None = None
        self.problems = Problems()
        self._engine: Engine | None = None
        self._catalog: Catalog | None = None
        self.refresh()

    def refresh(self, library: Library | None = None, problems: Problems | None = None) -> None:
        """Take up the content as it is on disk (or as a save's check just found it)."""
        if problems is None:
            library, problems = load(self.root)
        with self._lock:
            self.library, self.problems = library, problems
            self._engine = self._catalog = None

    @property
    def engine(self) -> Engine | None:
        with self._lock:
            if self._engine is None and self.library is not None:
                self._engine = serving(self.library)
            return self._engine

    @property
    def catalog(self) -> Catalog:
        with self._lock:
            if self._catalog is None:
                self._catalog = Catalog(self.root, self.problems)
            return self._catalog

    # --- reading -----------------------------------------------------------------------------

    def overview(self) -> dict[str, Any]:
        problems = self.catalog.problems
        return {
            "version": self.library.version if self.library else None,
            "usable": self.library is not None,
            "locales": self.catalog.codes,
            "groups": self.catalog.entries(),
            "problems": [problem_json(p) for p in problems],
            "errors": sum(p.severity.value == "error" for p in problems),
            "warnings": sum(p.severity.value == "warning" for p in problems),
        }

    def page(self, relative: str) -> dict[str, Any] | None:
        found = self.catalog.page(relative)
        if found is None:
            return None
        dialogue = None
        if found["dialogue"] and self.library is not None:
            dialogue = self.library.locale("en").dialogues.get(found["dialogue"])
        found["diagram"] = diagram.svg(dialogue) if dialogue is not None else ""
        found["playable"] = dialogue is not None
        return found

    # --- trying ------------------------------------------------------------------------------

    def play(self, tab: str, request: dict[str, Any]) -> dict[str, Any]:
        engine = self.engine
        if engine is None:
            raise Refused("The content has errors, so nothing can be played until they are "
                          "fixed (they are listed under Problems).")
        return self.player.play(engine, tab, request)

    def ask(self, question: str, locale: str | None) -> dict[str, Any]:
        """The cards quick guidance would return for `question`, with scores."""
        engine = self.engine
        if engine is None:
            raise Refused("The content has errors, so quick guidance cannot run until they are "
                          "fixed.")
        ranking = engine.search(question, locale, 5)
        sections = engine.library.sections
        return {
            "answered": ranking.answered, "tentative": ranking.tentative,
            "outside": ranking.outside, "near_unanswered": ranking.near_unanswered,
            "cards": [{"id": hit.card.id, "title": hit.card.title, "answer": hit.card.answer,
                       "score": round(hit.score, 3), "where": str(hit.card.mark),
                       "sources": [{"id": s, "title": sections.get(s, "")} for s in hit.card.source]}
                      for hit in ranking.hits],
        }

    # --- changing ----------------------------------------------------------------------------

    def save_text(self, request: dict[str, Any]) -> dict[str, Any]:
        saved = self.editor.set_text(
            str(request.get("locale", "")), str(request.get("id", "")),
            str(request.get("path", "")), str(request.get("was", "")),
            str(request.get("text", "")), self.problems)
        return self._after(saved, f"Saved. {RELOAD_HINT}")

    def set_review(self, request: dict[str, Any]) -> dict[str, Any]:
        saved = self.editor.set_review(
            str(request.get("locale", "")), str(request.get("id", "")),
            str(request.get("status", "")), str(request.get("by", "")),
            str(request.get("date", "")), self.problems)
        return self._after(saved, f"Review status saved. {RELOAD_HINT}")

    def record_translation(self, request: dict[str, Any]) -> dict[str, Any]:
        """What `coachbot translated <file>` does: the translation is current with the English."""
        code = str(request.get("locale", ""))
        if code in ("", "en"):
            raise Refused("Choose a translation (such as es): the English is what others are "
                          "translated from.")
        file = self.editor.file(code, str(request.get("id", "")))
        if not file.is_file():
            raise Refused(f"There is no {code} translation of this file yet.")
        count = record_translation(self.root, file)
        self.refresh()
        return {"ok": True, "message": f"Recorded {count} translated texts as up to date with "
                                       "the English."}

    def _after(self, saved: Saved, message: str) -> dict[str, Any]:
        self.refresh(saved.library, saved.problems)
        return {"ok": True, "message": message,
                "elsewhere": [problem_json(p) for p in saved.elsewhere]}
