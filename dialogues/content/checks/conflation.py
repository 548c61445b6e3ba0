"""Conflation: a sentence that equates sex work or the sex trades with trafficking or victimhood.

The guidelines insist that trading sex is not in itself trafficking. A single banned word cannot
catch "All sex workers are victims of trafficking.", so this looks at sentence shape: a subject
naming sex work or the people doing it, a linking verb close behind it ("is", "are", "equals"),
and, with only filler words between ("all", "always", "a form of"), trafficking, victims,
exploitation or slavery. A negation or a distancing word before the claim ("not", "the myth
that", "never assume") means the sentence discusses the conflation rather than makes it.
Findings are warnings, like the listed terms: a person decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    """One language's words for each part of a conflating sentence (regular expressions)."""

    subject: str
    between: str
    link: str
    filler: str
    label: str
    distancing: str


def _any(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


SHAPES = {
    "en": Shape(
        subject=_any(r"sex[- ]work(?:ers?)?", r"(?:the )?sex trades?", r"sex industry",
                     r"commercial sex", r"prostitution", r"trading sex", r"selling sex",
                     r"(?:people|those|anyone|everyone|women|men|girls|ladies|folks) (?:who|that)"
                     r" (?:trades?|sells?) sex", r"escorts?", r"strippers?",
                     r"(?:girls|women|ladies|workers|people)(?: who work)? (?:in|at|from|on)"
                     r" (?:the |those |these |that |our )?(?:massage (?:places?|parlou?rs?|spas?"
                     r"|businesses)|spas?|strip clubs?|brothels?|cantinas?|the (?:track|stroll"
                     r"|streets?|life|game))"),
        between=_any("all", "always", "really", "just", "basically", "essentially",
                     "inherently", "themselves", "by definition", "in reality", "automatically"),
        link=_any("is", "are", "was", "were", "=", "equals?", "means?", "amounts? to",
                  "counts? as", "becomes?", r"is the same (?:thing )?as", "are the same as"),
        filler=_any("all", "always", "really", "just", "basically", "essentially", "simply",
                    "inherently", "by definition", "automatically", "a", "an", "the",
                    "forms? of", "kinds? of", "types? of", "the same as", "no different from",
                    "nothing but", "nothing more than", "sex", "human", "potential",
                    "likely", "presumed", "modern"),
        label=_any(r"traffick\w*", r"victims?", r"victimi[sz]\w*", r"exploitation",
                   r"exploited", r"slavery", r"slaves?", r"abuse", r"rape"),
        distancing=_any(r"not", r"never", r"n't", r"no", r"myths?", r"assum\w*", r"belie\w*",
                        r"claim\w*", r"ideas?", r"notions?", r"narratives?", r"misconceptions?",
                        r"false(?:ly)?", r"wrong(?:ly)?", r"mistaken(?:ly)?", r"says?", r"said",
                        r"saying", r"thinks?", r"argu\w*", r"tells?", r"told", r"conflat\w*",
                        r"equat\w*", r"treat\w*", r"stereotyp\w*", r"as if", r"whether", r"if"),
    ),
    "es": Shape(
        subject=_any(r"trabajo sexual", r"(?:personas? )?trabajador(?:a|as|es|xs)? sexual(?:es)?",
                     r"prostituci[oó]n", r"industria del sexo", r"comercio sexual",
                     r"sexo comercial", r"(?:personas|quienes) (?:que )?(?:ejercen|hacen)"
                     r" (?:el )?trabajo sexual", r"personas en (?:la industria del sexo|el"
                     r" comercio sexual|el trabajo sexual)",
                     r"(?:muchachas|chicas|mujeres|personas|quienes) (?:que |q )?(?:se prostituyen"
                     r"|venden sexo|ejercen la prostituci[oó]n)",
                     r"(?:muchachas|chicas|mujeres|trabajadoras) (?:de|en) (?:los |las |el |la )?"
                     r"(?:spas?|salones de masajes?|masajes|cantinas?|la calle|clubs?)"),
        between=_any("todas", "todos", "siempre", "en realidad", "realmente", "por definición",
                     "en el fondo"),
        link=_any("es", "son", "era", "eran", "=", "equivalen? a", "significan?",
                  "es lo mismo que", "son lo mismo que", "se convierten? en"),
        filler=_any("todas", "todos", "siempre", "en realidad", "realmente", "simplemente",
                    "básicamente", "por definición", "una", "un", "unas", "unos",
                    "formas? de", "tipos? de", "nada más que", "solo", "sólo", "posibles",
                    "potenciales", "necesariamente"),
        label=_any(r"trata", r"tratad[ao]s?", r"v[ií]ctimas?", r"explotaci[oó]n",
                   r"explotad[ao]s?", r"esclavitud", r"esclav[ao]s?", r"abusos?",
                   r"violaci[oó]n"),
        distancing=_any(r"no", r"nunca", r"jam[aá]s", r"mitos?", r"supon\w*", r"supuest\w*",
                        r"asum\w*", r"cre[eé]\w*", r"creencias?", r"ideas?", r"nociones?",
                        r"narrativas?", r"falsa(?:mente)?", r"err[oó]ne\w*", r"dic\w*",
                        r"afirm\w*", r"pens\w*", r"piens\w*", r"confund\w*", r"equipar\w*",
                        r"trat(?:ar|an|e|en|amos) a", r"estereotip\w*", r"como si", r"si"),
    ),
}

_SENTENCE = re.compile(r"[^.!?;:\n]+")


def _compile(shape: Shape) -> tuple[re.Pattern[str], re.Pattern[str]]:
    claim = (rf"(?<!\w){shape.subject}(?:\s+{shape.between})*\s*{shape.link}"
             rf"(?:\s+{shape.filler})*\s+{shape.label}(?!\w)")
    return (re.compile(claim, re.IGNORECASE),
            re.compile(rf"(?<!\w){shape.distancing}(?!\w)|¿", re.IGNORECASE))


_COMPILED = {code: _compile(shape) for code, shape in SHAPES.items()}


def conflations(text: str, locale: str) -> list[tuple[int, int]]:
    """Spans of the claims in `text` that equate sex work with trafficking or victimhood."""
    compiled = _COMPILED.get(locale)
    if compiled is None:
        return []
    claim, distancing = compiled
    found: list[tuple[int, int]] = []
    for sentence in _SENTENCE.finditer(text.replace("\u2019", "'")):
        for match in claim.finditer(sentence.group()):
            if not distancing.search(sentence.group()[:match.start()] + " " + match.group()):
                found.append((sentence.start() + match.start(), sentence.start() + match.end()))
    return found


CONFLATION_WHY = ("This sentence equates sex work or the sex trades with trafficking or "
                  "victimhood; the guidelines keep them apart, since trafficking needs force, "
                  "fraud or coercion (or a minor).")
CONFLATION_INSTEAD = ("say what actually happened to whom, or name the difference ('some people "
                      "in the sex trades have experienced trafficking')")


def conflation_message(found: str) -> str:
    return (f"'{found}': {CONFLATION_WHY} Instead: {CONFLATION_INSTEAD}. (If the sentence "
            "quotes or rebuts the claim, make that plain in it, for example 'the myth that ...'.)")
