"""Shared fixtures: the shipped content, an engine over it, small content folders, and a
fresh store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import SessionStore
from dialogues.content.loader import load_library
from dialogues.engine import Engine
from dialogues.model import Library

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


# --- The store a module's coach runs on ------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    """A fresh SQLite store for one test."""
    store = SessionStore(tmp_path / "coachbot.sqlite3")
    yield store
    store.close()

