"""The language check on sentences that must and must not be flagged, in English and Spanish:
listed terms (content/language.yaml, content/language_es.yaml) and conflation (a sentence that
equates sex work or the sex trades with trafficking or victimhood), through the real check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dialogues.content.checks.conflation import conflation_message
from dialogues.content.checks.language import check_language
from dialogues.content.files import ContentFiles
from dialogues.content.problems import Problems

REPO = Path(__file__).resolve().parent.parent
LISTS = ("language.yaml", "language_es.yaml")

MUST_FLAG = {
    "en": [
        "All sex workers are victims of trafficking.",
        "Sex work is trafficking.",
        "Prostitution is a form of slavery.",
        "Sex workers are all victims.",
        "Commercial sex is always exploitation.",
        "People who sell sex are victims of abuse.",
        "The sex trade is modern slavery.",
        "Sex work is inherently abuse.",
        "Every sex worker is a potential trafficking victim.",
        "The sex industry equals exploitation.",
        "Staff told us they are a victim.",
        "She is a victim of trafficking.",
        "We rescued three girls from a hotel.",
        "They called her that stripper again.",
        "Our staff are saviors for these women.",
        "All the girls in those massage places are trafficked.",
        "Women who work at strip clubs are all victims.",
    ],
    "es": [
        "Todas las trabajadoras sexuales son víctimas de trata.",
        "El trabajo sexual es trata.",
        "La prostitución es una forma de esclavitud.",
        "Las personas trabajadoras sexuales son siempre víctimas.",
        "El comercio sexual es explotación.",
        "Quienes ejercen el trabajo sexual son víctimas.",
        "La industria del sexo equivale a explotación.",
        "Rescatamos a tres mujeres del hotel.",
        "Ella es víctima de trata.",
        "Son inmigrantes ilegales.",
        "Hay que ayudarla a salir de la vida.",
        "Las muchachas q se prostituyen todas son victimas de trata.",
        "Las chicas de los spas son víctimas de trata.",
    ],
}

MUST_PASS = {
    "en": [
        "Sex work is not trafficking.",
        "Never assume that sex work is trafficking.",
        "The myth that sex work is always trafficking harms people.",
        "Many sex workers have also survived trafficking.",
        "Sex workers who are trafficked deserve support too.",
        "Sex workers are at risk of violence from police.",
        "Trafficking needs force, fraud or coercion, or a minor.",
        "Some people in the sex trades have experienced trafficking.",
        "Respect a client who does not identify as a victim.",
        "Support victim-centered investigations.",
        "The Office for Victims of Crime doubled its funding.",
        "Savior narratives push survivors aside.",
        "Sex workers are experts in their own safety.",
        "Do not treat sex work as trafficking.",
        "Is all sex work trafficking? No.",
        "Women in massage parlors are at risk of police raids.",
        "Women who work at strip clubs are experts in their own safety.",
    ],
    "es": [
        "El trabajo sexual no es trata.",
        "Es un mito que el trabajo sexual es trata.",
        "Nunca suponga que el trabajo sexual es trata.",
        "Muchas personas trabajadoras sexuales también han sobrevivido a la trata.",
        "Las personas trabajadoras sexuales conocen su propia seguridad.",
        "La trata requiere fuerza, fraude o coerción, o una persona menor.",
        "Respete a quien no se ve como víctima.",
        "Las narrativas salvadoras dejan de lado a las personas sobrevivientes.",
        "No trate el trabajo sexual como trata.",
        "Pregunte cómo describe la persona su propia experiencia.",
        "Las chicas de los spas son trabajadoras con derechos.",
    ],
}


def flagged(tmp_path: Path, sentences: dict[str, list[str]]) -> dict[str, set[str]]:
    """The sentences of each locale that the real language check warns about."""
    for name in LISTS:
        shutil.copy(REPO / "content" / name, tmp_path / name)
    keys: dict[str, dict[str, str]] = {}
    for code, texts in sentences.items():
        (tmp_path / code).mkdir()
        keys[code] = {f"s{i}": text for i, text in enumerate(texts)}
        lines = [f"{key}: {text!r}" for key, text in keys[code].items()]
        (tmp_path / code / "ui.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = Problems()
    check_language(ContentFiles(tmp_path, problems), problems)
    found: dict[str, set[str]] = {code: set() for code in sentences}
    for problem in problems.warnings:
        code = Path(problem.mark.path).parent.name
        found[code].add(keys[code][f"s{problem.mark.line - 1}"])
    return found


@pytest.mark.parametrize("code", ["en", "es"])
def test_every_must_flag_sentence_is_flagged(tmp_path: Path, code: str) -> None:
    found = flagged(tmp_path, {"en": MUST_FLAG["en"], "es": MUST_FLAG["es"]})
    assert [s for s in MUST_FLAG[code] if s not in found[code]] == []


@pytest.mark.parametrize("code", ["en", "es"])
def test_no_must_pass_sentence_is_flagged(tmp_path: Path, code: str) -> None:
    found = flagged(tmp_path, {"en": MUST_PASS["en"], "es": MUST_PASS["es"]})
    assert sorted(found[code]) == []


def test_the_set_is_big_enough_in_both_languages() -> None:
    sizes = [len(group[code]) for group in (MUST_FLAG, MUST_PASS) for code in ("en", "es")]
    assert sum(sizes) >= 40 and min(sizes) >= 10


def test_a_conflating_sentence_gets_the_conflation_warning(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "ui.yaml").write_text("a: Honestly, sex work is trafficking.\n")
    problems = Problems()
    check_language(ContentFiles(tmp_path, problems), problems)
    assert [(p.mark.line, p.mark.column, p.message) for p in problems.warnings] == [
        (1, 14, conflation_message("sex work is trafficking"))]


def test_spanish_terms_are_checked_only_in_spanish(tmp_path: Path) -> None:
    """'niñas' is on the Spanish list; an English text quoting it is not warned about."""
    found = flagged(tmp_path, {"en": ["The word niñas appears here."],
                               "es": ["Trabajamos con niñas de 25 años."]})
    assert found == {"en": set(), "es": {"Trabajamos con niñas de 25 años."}}
