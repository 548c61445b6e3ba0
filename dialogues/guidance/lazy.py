"""Quick guidance built on its first question, so start-up (and a terminal session that never
asks) does not pay for the search index and the everyday-word lists (about 0.3 s)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from dialogues.model import Library

if TYPE_CHECKING:
    from dialogues.guidance.cards import Card
    from dialogues.guidance.index import Guidance, Ranking


class LazyGuidance:
    """`dialogues.guidance.index.Guidance` for `library`, built when first used (or by `warm`,
    from a background thread); threads asking meanwhile wait for the one build."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._built: Guidance | None = None
        self._lock = threading.Lock()

    def warm(self) -> Guidance:
        """Build the search now (once); the same object afterwards."""
        if self._built is None:
            with self._lock:
                if self._built is None:
                    from dialogues.guidance.index import Guidance

                    self._built = Guidance(self._library)
        return self._built

    def warm_up(self) -> None:
        """Build the lexical index and load the embedding model in a background thread, so
        the bot's start-up and /reload never wait for them (a question asked meanwhile waits
        for the index only, and is answered lexically until the model is ready)."""
        threading.Thread(target=lambda: self.warm().warm_up(), name="guidance",
                         daemon=True).start()

    def search(self, question: str, locale: str | None = None, limit: int = 3) -> Ranking:
        return self.warm().search(question, locale, limit)

    def card(self, card_id: str, locale: str | None = None) -> Card | None:
        return self.warm().card(card_id, locale)
