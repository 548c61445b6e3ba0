"""Questions that frame people harmfully: a word from the reviewers' list of terms to avoid
(content/language.yaml, language_es.yaml), or a sentence that equates sex work with
trafficking (dialogues.content.checks.conflation). Such a question is still answered, but the
card that reframes it comes first, so the person meets the guidelines' words before the answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from dialogues.content.checks.conflation import conflations
from dialogues.content.checks.language import Term, compile_terms, findings

# The cards that reframe: one about the words for people, one about sex work and trafficking.
WORDS_CARD = "what_to_call_people"
CONFLATION_CARD = "sex_work_vs_trafficking"
# Listed terms with everyday meanings in a staff question ("is there a trick to...", a colleague
# named John, "the girls on our team", "prostitution charges" on a record, "víctima" of a crime,
# Mexican "chulo" for "nice"): alone, they do not mean the question frames anyone harmfully.
EVERYDAY_MEANINGS = frozenset({"trick", "john", "girls", "victim", "rescue", "the life",
                               "prostitution", "savior", "víctima", "rescate", "niñas", "chulo",
                               "prostitución", "salvadora"})


class Framing:
    """Finds the reframing card a question calls for, among the reviewers' terms."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self._terms = compile_terms(term for term in terms
                                    if term.term.lower() not in EVERYDAY_MEANINGS)

    def card_for(self, question: str) -> str:
        """The id of the card that reframes `question`, or "" when it frames no one harmfully
        (a listed term inside one of its `allow:` phrases does not count, as in the content
        check)."""
        if any(conflations(question, code) for code in ("en", "es")):
            return CONFLATION_CARD
        return WORDS_CARD if findings(question, self._terms) else ""
