"""Whether a question asks for a kind of fact the guidelines never give: a number, a time
limit, what the law of a place says, which form to file, a dose or a diagnosis, a tax rule,
someone's contact details, or a document written for them.

The guidelines say how an organization should treat and serve people in the sex trades; they
hold no statistics, deadlines, state law, filing steps, clinical or tax facts. A question that
asks for one of those, in words the cards share ("what percentage of sex workers are
trafficked?", "how long do we keep case files for the audit?"), is about a topic nobody may
have listed as out of scope. This is one signal among the others of the calibrated decision
(dialogues.guidance.confidence), not a refusal on its own: "how much should we pay a peer
consultant?" is still answered when the rest of the question is close to a card.

Phrases are matched as whole folded words (lower case, no accents), in English and Spanish.
"""

from __future__ import annotations

from dialogues.guidance.words import PhraseIndex, all_words, phrase_index, phrases_in

# Each family: phrases that ask for that kind of fact.
FACT_ASKS: dict[str, tuple[str, ...]] = {
    "a number": (
        "how many", "how much", "what percent", "what percentage", "percentage of",
        "what proportion", "statistic", "statistics", "prevalence", "what number",
        "cuantos", "cuantas", "cuanto", "cuanta", "porcentaje", "estadistica", "estadisticas",
        "que numero"),
    "a time limit": (
        "deadline", "deadlines", "how long", "how soon", "due date", "time limit",
        "plazo", "plazos", "fecha limite"),
    "a form or filing": (
        "what form", "which form", "what forms", "which forms", "fill out", "fill in",
        "how do i file", "how to file", "what do i file", "file a", "formulario",
        "formularios", "llenar el", "llenar la"),
    "a clinical fact": (
        "dose", "doses", "dosage", "dosing", "mg", "milligrams", "symptom", "symptoms",
        "diagnose", "diagnosis", "prescription", "prescribe", "side effects", "dosis",
        "sintoma", "sintomas", "diagnostico", "receta", "efectos secundarios"),
    "a tax rule": (
        "tax", "taxes", "taxable", "tax return", "1099", "1099s", "w2", "w2s", "impuesto",
        "impuestos"),
    "contact details": (
        "phone number", "phone numbers", "email address", "mailing address",
        "street address", "contact info", "numero de telefono", "telefono de"),
    "a document written for them": (
        "write me", "draft me", "can you write", "could you write", "can you draft",
        "could you draft", "help me write", "help me draft", "write up a", "translate",
        "translation of", "how do you say", "redacta", "redactame", "escribeme",
        "me escribes", "puedes escribir", "podrias escribir", "ayudas a escribir",
        "ayudame a escribir", "ayudas a redactar", "ayudame a redactar", "traduce",
        "traduceme", "traducir", "como se dice"),
}
# "How much should we pay a peer consultant?" asks for a judgement, which the guidelines may
# well make, not for a number: a number word followed closely by one of these is not an ask.
JUDGEMENT_WORDS = frozenset({"should", "deberia", "deberiamos", "debemos", "debo", "debe"})
# What the law of a place says: a law word with a place, or "which states". "Law" in "law
# enforcement" names the police, whom the cards are much about, not a law.
LAW_WORDS = ("law", "laws", "legal", "illegal", "legally", "statute", "statutes", "ley",
             "leyes", "legalmente", "ilegal")
NOT_A_LAW = frozenset({"enforcement", "enforcer", "enforcers"})
PLACE_WORDS = ("state", "states", "county", "city", "estado", "estados", "condado", "ciudad")
WHICH_PLACE = ("which states", "what states", "en que estados", "que estados")
US_STATES = (
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
    "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa",
    "kansas", "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan",
    "minnesota", "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire",
    "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio",
    "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota",
    "tennessee", "texas", "utah", "vermont", "virginia", "washington", "west virginia",
    "wisconsin", "wyoming", "puerto rico", "dc")


def _index(phrases: tuple[str, ...]) -> PhraseIndex:
    return phrase_index(tuple(all_words(phrase)) for phrase in phrases)


_FAMILIES = {family: _index(phrases) for family, phrases in FACT_ASKS.items()}
_LAW, _WHICH_PLACE = _index(LAW_WORDS), _index(WHICH_PLACE)
_PLACES = _index(PLACE_WORDS + US_STATES)


def _names(typed: list[str], phrases: PhraseIndex, judgement_allowed: bool = True,
           not_followed_by: frozenset[str] = frozenset()) -> bool:
    """Whether `typed` holds one of `phrases`; with `judgement_allowed` False, an occurrence
    followed within two words by a judgement word ("how much should…") does not count, nor
    does one followed straight by a word of `not_followed_by`."""
    for start, phrase in phrases_in(typed, phrases):
        end = start + len(phrase)
        if typed[end:end + 1] and typed[end] in not_followed_by:
            continue
        if judgement_allowed or JUDGEMENT_WORDS.isdisjoint(typed[end:end + 2]):
            return True
    return False


def fact_asked(question: str) -> str:
    """The kind of fact `question` asks for (a FACT_ASKS family or "the law of a place"), or
    "" when it asks none of them."""
    typed = all_words(question[:2000].replace("%", " percent "))  # "what % of…"
    for family, phrases in _FAMILIES.items():
        if _names(typed, phrases, judgement_allowed=family != "a number"):
            return family
    if _names(typed, _WHICH_PLACE) or (_names(typed, _LAW, not_followed_by=NOT_A_LAW)
                                            and _names(typed, _PLACES)):
        return "the law of a place"
    return ""
