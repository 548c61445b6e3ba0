"""Shared fixtures: the shipped content, an engine over it, small content folders, a real
PostgreSQL server for the session, and a fresh database and store per test on either engine."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import SessionStore
from dialogues.content.loader import load_library
from dialogues.engine import Engine
from dialogues.model import Library
from tests.support.postgres import MISSING, PostgresServer, server_programs

# Fixtures of the scheduled prompts feature (a fake clock, a Bot on the local Bot API stand-in).
pytest_plugins = ["tests.schedule_fixtures"]

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(CONTENT)


@pytest.fixture(scope="session")
def engine(library: Library) -> Engine:
    return Engine(library)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped sections, English interface strings and privacy notice,
    no dialogues."""
    root = tmp_path / "content"
    (root / "en" / "dialogues").mkdir(parents=True)
    shutil.copy(CONTENT / "sections.yaml", root / "sections.yaml")
    shutil.copy(CONTENT / "en" / "ui.yaml", root / "en" / "ui.yaml")
    shutil.copy(CONTENT / "en" / "privacy.yaml", root / "en" / "privacy.yaml")
    return root


ONE_CARD = """\
cards:
  - id: keep_working
    title: A client wants to keep working. Can we still serve her?
    answer: Yes. Services never depend on leaving the sex trades.
    source: [services-empowerment]
    also_asked: ["client still working, can she stay?"]
"""


@pytest.fixture
def one_card_content(content_copy: Path) -> Path:
    """The content copy with one dialogue and one card (a client who keeps working), to try the
    reviewers' search lists against."""
    shutil.copy(CONTENT / "en" / "dialogues" / "self_reflection.yaml",
                content_copy / "en" / "dialogues")
    (content_copy / "en" / "guidance").mkdir()
    (content_copy / "en" / "guidance" / "topic.yaml").write_text(ONE_CARD, encoding="utf-8")
    return content_copy


# --- The store a module's coach runs on ------------------------------------------------------


ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole run (skipped only when its programs are not
    installed)."""
    programs = server_programs()
    if programs is None:
        pytest.skip(MISSING)
    server = PostgresServer(programs).start()
    yield server
    server.stop()


@pytest.fixture(params=ENGINES)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where one test's database is, on each engine in turn: a new SQLite file, or a new
    database on the session's PostgreSQL server (its URL)."""
    if request.param == "sqlite":
        return tmp_path / "coachbot.sqlite3"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def store(database: Path | str) -> Iterator[SessionStore]:
    """A fresh store for one test, on each engine."""
    store = SessionStore(database)
    yield store
    store.close()



# The quick default for developers: `python -m pytest` leaves out the tests marked `slow` (the
# SIGKILL crash loop) and `browser` (the studio in headless Chromium); `--everything` (the
# README's command, and .ci/run) runs them too. An explicit `-m` chooses for itself.
QUICK_LEAVES_OUT = ("slow", "browser")
LEFT_OUT = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--everything", action="store_true",
                     help="also run the tests marked slow and browser (as .ci/run does)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--everything") or config.getoption("markexpr"):
        return
    left_out = [item for item in items if any(m in item.keywords for m in QUICK_LEAVES_OUT)]
    if left_out:
        items[:] = [item for item in items if item not in left_out]
        config.hook.pytest_deselected(items=left_out)
        config.stash[LEFT_OUT] = len(left_out)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if config.stash.get(LEFT_OUT, 0):
        terminalreporter.write_line(
            f"{config.stash[LEFT_OUT]} slow and browser tests were left out; "
            "`python -m pytest --everything` runs them too (as .ci/run does).")
