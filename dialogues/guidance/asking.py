"""Quick guidance in the chat: a question answered with the best card (and runners-up), a card
shown in full, and the 👍/👎 votes; the search itself is `dialogues.guidance.index.Guidance`."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from dialogues import callbacks
from dialogues.guidance.cards import Card
from dialogues.home import menu_button
from dialogues.model import Dialogue, Library, Locale
from dialogues.outputs import Button, Message, Notice, Output, Tally
from dialogues.summaries import citations

if TYPE_CHECKING:
    from dialogues.guidance.index import Guidance, Ranking
    from dialogues.guidance.lazy import LazyGuidance


class Asking:
    """Answers questions from the cards of `library`; without `guidance` nothing is covered."""

    def __init__(self, library: Library, guidance: Guidance | LazyGuidance | None) -> None:
        self.library = library
        self.guidance = guidance

    def search(self, question: str, locale: str | None = None, limit: int = 3) -> Ranking:
        """The cards a question reaches (no guidance configured: none)."""
        if self.guidance is None:
            from dialogues.guidance.index import Ranking  # the search module only when searching

            return Ranking(question, (), False)
        return self.guidance.search(question, self.library.locale(locale).code, limit)

    def card_message(self, card: Card, locale: str | None = None, more: bool = False) -> Message:
        """A card as a message without buttons: title, answer and the sections it cites."""
        lang = self.library.locale(locale)
        cited = citations(self.library.sections, card.source)
        body = f"{card.answer}\n\n{card.more}" if more and card.more else card.answer
        return Message(f"{body}\n\n{lang.ui['guidance_sources']}\n{cited}", (), card.title)

    def ask(self, lang: Locale, current: Dialogue | None, question: str) -> list[Output]:
        """The best card for `question`, or the menu saying the guidelines do not cover it."""
        if not question.strip():
            return [Message(lang.ui["ask_empty"])]
        ranking = self.search(question, lang.code)
        hint = self._language_hint(lang, question)
        if not ranking.answered:
            text = lang.ui["guidance_not_covered"] + hint
            return [Message(text, menu_button(lang, current)), Tally()]
        best, *others = (hit.card for hit in ranking.hits)
        view = self._card_view(lang, best, tuple(others))
        reframed_alone = ranking.reframed and not others  # its own note; not a near match
        if ranking.tentative and not reframed_alone:
            view = replace(view, text=f"{lang.ui['guidance_tentative']}\n\n{view.text}")
        if ranking.outside:
            view = replace(view, text=f"{lang.ui['guidance_partly_outside']}\n\n{view.text}")
        if ranking.reframed:
            note = lang.ui["guidance_reframe_alone" if reframed_alone else "guidance_reframe"]
            view = replace(view, text=f"{note}\n\n{view.text}")
        return [replace(view, text=view.text + hint)]

    def _language_hint(self, lang: Locale, question: str) -> str:
        """When the question is in another language the content speaks (Spanish asked of an
        English chat), that language's line about /language, so the person learns they can
        switch; empty otherwise."""
        from dialogues.guidance.words import all_words, language_of  # only when asked

        code = language_of(all_words(question))
        if code is None or code == lang.code or code not in self.library.locales:
            return ""
        return "\n\n" + self.library.locale(code).ui["guidance_language_hint"]

    def show_card(self, lang: Locale, card_id: str, more: bool) -> list[Output]:
        card = self.guidance.card(card_id, lang.code) if self.guidance else None
        if card is None:
            return [Message(lang.ui["guidance_unknown_card"])]
        return [self._card_view(lang, card, (), more)]

    @staticmethod
    def vote(lang: Locale, card_id: str, helpful: bool) -> list[Output]:
        return [Notice(lang.ui["guidance_thanks"]), Tally(card_id, helpful)]

    @staticmethod
    def none_fit(lang: Locale, current: Dialogue | None) -> list[Output]:
        return [Message(lang.ui["guidance_none_fit"], menu_button(lang, current)), Tally()]

    def _card_view(self, lang: Locale, card: Card, others: tuple[Card, ...],
                   more: bool = False) -> Message:
        """The card, with "walk me through it", runners-up, "none of these" and 👍/👎."""
        ui = lang.ui
        shown = self.card_message(card, lang.code, more)
        rows: list[tuple[Button, ...]] = []
        for dialogue_id in card.related:
            dialogue = lang.dialogues.get(dialogue_id)
            if dialogue is not None:
                label = ui["guidance_walk_through"].format(title=dialogue.title)
                rows.append((Button(label, callbacks.start_button(dialogue_id)),))
        if card.more and not more:
            rows.append((Button(ui["guidance_more"], callbacks.card_button(card.id, more=True)),))
        for other in others:
            label = ui["guidance_runner_up"].format(title=other.title)
            rows.append((Button(label, callbacks.card_button(other.id)),))
        if others:
            rows.append((Button(ui["guidance_none"], callbacks.NONE_OF_THESE),))
        rows.append((Button(ui["guidance_vote_up"], callbacks.vote_button(card.id, True)),
                     Button(ui["guidance_vote_down"], callbacks.vote_button(card.id, False))))
        return Message(f"{shown.text}\n\n{ui['guidance_helpful']}", tuple(rows), shown.title)
