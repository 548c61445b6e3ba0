"""No content repeats the guidelines word for word: every run of 10 or more words shared with
the guidelines text (../shared/guidelines/ beside the repository) fails, in every locale, except
titles and names listed in content/allowed_quotes.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogues.content.checks.copying import RUN, CopiedRun, copied_runs, load_allowed, shingles
from dialogues.content.files import ContentFiles
from dialogues.content.problems import Problems

REPO = Path(__file__).resolve().parent.parent
GUIDELINES = REPO / ".." / "shared" / "guidelines"
CONTENT = REPO / "content"


@pytest.fixture(scope="module")
def guidelines() -> str:
    texts = sorted(GUIDELINES.glob("*.txt")) if GUIDELINES.is_dir() else []
    if not texts:
        pytest.skip(f"the guidelines text is not at {GUIDELINES.resolve()} (expected a .txt "
                    "file there); the copy check needs it")
    return "\n".join(text.read_text(encoding="utf-8") for text in texts)


def test_no_content_copies_ten_words_from_the_guidelines(guidelines: str) -> None:
    runs = copied_runs(ContentFiles(CONTENT, Problems()), guidelines, load_allowed(CONTENT))
    assert runs == [], "reword these in the project's own words:\n" + "\n".join(
        f"{run.file} {run.path}: {run.words}" for run in runs)


def test_a_copied_sentence_is_found_and_reported_as_one_run(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "ui.yaml").write_text(
        "greeting: Before you start, here is a quick note. Staff must be sure they understand "
        "the laws that govern funding, said the trainer.\n", encoding="utf-8")
    source = "Staff must be sure they understand the laws that govern funding. If they are unsure"
    runs = copied_runs(ContentFiles(tmp_path, Problems()), source)
    assert runs == [CopiedRun(f"{tmp_path.name}/en/ui.yaml", "greeting",
                              "staff must be sure they understand the laws that govern funding")]


def test_a_shorter_run_and_an_allowed_title_pass(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "ui.yaml").write_text(
        "about: \"Read Re-Centering Sex Worker Safety in Anti-Trafficking Work: Perspectives from "
        "the Field.\"\nnote: Staff must be sure they understand the laws here.\n", encoding="utf-8")
    title = "Re-Centering Sex Worker Safety in Anti-Trafficking Work: Perspectives from the Field"
    source = f"{title}. Staff must be sure they understand the laws that govern funding."
    assert copied_runs(ContentFiles(tmp_path, Problems()), source, [title]) == []
    assert len(copied_runs(ContentFiles(tmp_path, Problems()), source)) == 1


def test_words_ignore_case_punctuation_and_curly_apostrophes() -> None:
    assert shingles("Aren\u2019t, MORALLY: opposed!", 3) == {("aren't", "morally", "opposed")}
    assert RUN == 10
