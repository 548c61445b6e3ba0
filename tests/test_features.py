"""How the bot is put together: every feature wired the one same way (`bot.features.FEATURES`),
handler groups and order as the coach needs them, migrations that never run twice and never
change once shipped, and no import circles in `bot/` or `dialogues/`."""

from __future__ import annotations

import ast
import hashlib
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.app import build_application
from bot.database import DatabaseUnusable
from bot.features import FEATURES
from bot.settings import Settings
from bot.store import MIGRATIONS, Migration, SessionStore
from dialogues.engine import Engine

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "dialogues")
# The migrations that have shipped, by name, with a fingerprint of their SQL: a database that
# ran one records only its name, so changing its SQL would never reach that database.
SHIPPED = {
    "sessions": "b0be0a81964087d2",
    "privacy": "377db05b16f9ac63",
    "recent_updates": "da8f53d55a571a31",
    "guidance_feedback": "53269b599ed91466",
    "user_language": "ee8e3619dc77d957",
    "schedules": "5022b81ff663ca6b",
    "schedule_claims": "5268b2ebe811640d",
    "content_generation": "1ff1e37f37322b47",
}
# The order in which the earlier releases (one MIGRATIONS list in bot/store.py) ran them.
EARLIER_ORDER = ("sessions", "guidance_feedback", "user_language", "schedules", "privacy")


def every_migration() -> list[Migration]:
    return [*MIGRATIONS, *(m for feature in FEATURES for m in feature.migrations)]


def app_on(store: SessionStore, engine: Engine) -> Application:  # type: ignore[type-arg]
    return build_application(Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:x"}), engine, store,
                             rate_limit=False)


def test_handlers_keep_their_groups_and_order(engine: Engine) -> None:
    """Someone else's tap refused first (-3), the rate limit next (-2), /schedule next (-1),
    then the rest, the coach's catch-alls last."""
    application = app_on(SessionStore(":memory:"), engine)
    table = {group: [handler.callback.__qualname__ for handler in handlers]
             for group, handlers in application.handlers.items()}
    assert table == {
        -3: ["CoachBot.refuse_foreign_tap"],
        -2: ["RateLimit.check"],
        -1: ["ScheduleFeature.show", "ScheduleFeature.tap", "ScheduleFeature.zone_typed",
             "ScheduleFeature.migrated", "ScheduleFeature.membership"],
        0: [*["CoachBot.open_private"] * 9, "CoachBot.start", "CoachBot.menu", "CoachBot.help",
            "CoachBot.back", "CoachBot.cancel", "PrivacyDesk.privacy", "PrivacyDesk.mydata",
            "PrivacyDesk.forget", "GuidanceHandlers.ask", "GuidanceHandlers.inline_query",
            "LanguageChoice.ask", "LanguageChoice.pick", "Reloader.command", "CoachBot.button",
            "CoachBot.edited", "CoachBot.unknown_command", "CoachBot.text",
            "CoachBot.unsupported"],
    }


def test_mydata_and_forget_cover_the_features_data_kinds_in_order(engine: Engine) -> None:
    """The data kinds come from the features alone, in `FEATURES` order."""
    store = SessionStore(":memory:")
    app_on(store, engine)
    assert list(store.kinds) == ["sessions", "kept_answers", "language", "schedules"]


def test_shipped_migrations_keep_their_names_and_sql() -> None:
    """No shipped migration is renamed, edited or run under two names."""
    found = {m.name: hashlib.sha256(m.sql.encode()).hexdigest()[:16] for m in every_migration()}
    assert len(found) == len(every_migration())
    assert {name: found.get(name) for name in SHIPPED} == SHIPPED


def test_a_database_runs_each_migration_once(database: Path | str, engine: Engine) -> None:
    """A new database (either engine) runs every migration once, in the declared order;
    opening it again (a restart) runs none."""
    first = SessionStore(database)
    assert first.migrate(every_migration()) == [m.name for m in every_migration()][len(MIGRATIONS):]
    app_on(first, engine)
    if first.db.kind == "sqlite":
        order = [name for (name,) in first.db.execute(
            "SELECT name FROM schema_migrations ORDER BY rowid")]
        assert order == [m.name for m in every_migration()]
    first.close()
    again = SessionStore(database)
    app_on(again, engine)
    assert again.migrate(every_migration()) == []
    assert again.db.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == \
        len(every_migration())
    again.close()


def test_processes_starting_together_apply_each_migration_once(database: Path | str) -> None:
    """Four stores opened at once on one new database: each migration is applied by exactly
    one of them."""
    with ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(SessionStore, [database] * 4))
        applied = list(pool.map(lambda store: store.migrate(every_migration()), stores))
    names = [name for names in applied for name in names]
    assert sorted(names) == sorted(m.name for m in every_migration()[len(MIGRATIONS):])
    for store in stores:
        store.close()


def test_a_database_of_a_newer_release_is_refused_in_one_sentence(database: Path | str,
                                                                  engine: Engine) -> None:
    """A migration this release does not know means a newer release set the database up."""
    newer = SessionStore(database)
    newer.migrate([Migration("from_the_future", "CREATE TABLE future (id INTEGER PRIMARY KEY)")])
    with pytest.raises(DatabaseUnusable, match=r"newer release .*from_the_future.*\.$"):
        app_on(newer, engine)
    newer.close()


def test_a_database_of_an_earlier_release_has_nothing_to_run(tmp_path: Path,
                                                            engine: Engine) -> None:
    """The earlier releases ran the same migrations in another order; their databases open
    as they are, with every table the features use."""
    database = tmp_path / "coachbot.sqlite3"
    by_name = {m.name: m for m in every_migration()}
    earlier = SessionStore(database)
    earlier.migrate(by_name[name] for name in EARLIER_ORDER)
    earlier.close()
    store = SessionStore(database)
    app_on(store, engine)
    assert store.migrate(every_migration()) == []


def modules() -> dict[str, Path]:
    """Every module of the packages above, by dotted name, with its file (`__main__` runs the
    command line when imported: it is a script, not a module to import)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if path.name == "__main__.py":
                continue
            name = ".".join(path.relative_to(REPO).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


# Imports each module first, with none of the project's modules loaded (third-party ones stay
# loaded: they take no part in the project's circles, and reloading them would take minutes).
ISOLATED_IMPORTS = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("bot", "dialogues", "tests")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as error:
        failed.append(f"{name}: {type(error).__name__}: {error}")
print("\\n".join(failed))
"""


def test_every_module_imports_on_its_own() -> None:
    """Each module imports when it is the first of the project's to be imported: a circle of
    imports fails here (``partially initialized module``)."""
    result = subprocess.run([sys.executable, "-c", ISOLATED_IMPORTS, *modules()], cwd=REPO,
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def imported(path: Path, known: set[str]) -> set[str]:
    """The project modules a file imports, anywhere in it (TYPE_CHECKING blocks included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found & known


def test_no_import_circles() -> None:
    """No module of `bot/` or `dialogues/` reaches itself through its imports, not even for
    type hints only."""
    files = modules()
    graph = {name: imported(path, set(files)) - {name} for name, path in files.items()}
    circles: list[list[str]] = []
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        for step in sorted(graph[name]):
            if step in path:
                circles.append([*path[path.index(step):], step])
            elif step not in done:
                visit(step, [*path, step])
        done.add(name)

    for name in sorted(graph):
        visit(name, [name])
    assert circles == []
