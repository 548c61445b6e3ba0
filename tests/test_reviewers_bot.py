"""Reviewers' changes reach the running bot: /reload and SIGHUP swap the content without a restart
(refusing broken content), sessions survive changed dialogues, and /language switches language."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import Application

from bot.content import load_content
from bot.settings import Settings
from bot.store import SessionStore
from dialogues.content.loader import load_library
from dialogues.engine import Engine
from dialogues.events import StartDialogue, TextInput
from tests.support.botapi import FakeBotApi
from tests.support.chat import ChatDriver, running_app
from tests.support.coach import coach_app

REPO = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-TOKEN"
ADMIN = 4242
TITLE = "Before you reach out: self-reflection"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(REPO / "content", root)
    return root


@pytest.fixture
async def app(content: Path, tmp_path: Path):
    store = SessionStore(tmp_path / "coachbot.sqlite3")
    settings = Settings.from_env({"COACHBOT_CONTENT": str(content), "COACHBOT_ADMINS": str(ADMIN)})
    application = coach_app(Engine(load_library(content)), store, FakeBotApi(token=TOKEN),
                            settings)
    async with running_app(application):
        yield application
    store.close()


def driver(app: Application, user_id: int = ADMIN, language_code: str = "en") -> ChatDriver:
    return ChatDriver(app, app.bot_data["api"], chat_id=user_id, user_id=user_id,
                      language_code=language_code)


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


async def test_broken_content_is_refused_and_the_old_content_keeps_answering(
        app: Application, content: Path) -> None:
    """/reload with a tab in a dialogue lists the error; the session carries on unchanged."""
    chat = driver(app)
    await chat.send("/start self_reflection")
    await chat.tap("Continue ▸")
    edit(content / "en/dialogues/self_reflection.yaml", "  - id: why", "\t- id: why")
    await chat.send("/reload")
    assert chat.last_text.startswith("The new content was not loaded (problems found: 1)")
    assert "content/en/dialogues/self_reflection.yaml:19:1: a tab character" in chat.last_text
    await chat.send("To learn from them")
    assert chat.last_text.startswith("Look at those reasons honestly.")


async def test_good_content_goes_live_and_sessions_in_progress_continue(
        app: Application, content: Path) -> None:
    """After /reload, a person mid-dialogue carries on and sees the new wording at the next step."""
    chat = driver(app)
    await chat.send("/start self_reflection")
    await chat.tap("Continue ▸")
    edit(content / "en/dialogues/self_reflection.yaml", "Look at those reasons honestly.",
         "Read those reasons again, honestly.")
    await chat.send("/reload")
    assert chat.last_text.startswith("Content reloaded (version ")
    await chat.send("To learn from them")
    assert chat.last_text.startswith("Read those reasons again, honestly.")


async def test_reloaded_prompts_reach_scheduled_deliveries(app: Application) -> None:
    """Schedules post prompts from the reloaded content, not from the content at start-up."""
    before = app.bot_data["coach"].engine.library
    await driver(app).send("/reload")
    live = app.bot_data["coach"].engine.library
    assert live is not before
    assert app.bot_data["schedules"].library is live
    assert app.bot_data["schedules"].delivery.library is live


async def test_only_administrators_can_reload(app: Application) -> None:
    """Anyone not in COACHBOT_ADMINS gets the unknown-command answer."""
    chat = driver(app, user_id=77)
    await chat.send("/reload")
    assert chat.last_text == "I don't know the command /reload. Send /help to see what I can do."


async def test_sighup_reloads_the_content(app: Application, content: Path) -> None:
    """`kill -HUP` swaps in the content on disk, as /reload does."""
    reloader = app.bot_data["reloader"]
    previous = signal.getsignal(signal.SIGHUP)
    reloader.install_sighup()
    try:
        edit(content / "en/ui.yaml", 'menu_prompt: "Choose a guided dialogue:"',
             'menu_prompt: "Pick a guided dialogue:"')
        before = app.bot_data["coach"].engine
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(100):  # the load runs on its own thread, off the event loop
            if app.bot_data["coach"].engine is not before:
                break
            await asyncio.sleep(0.05)
    finally:
        signal.signal(signal.SIGHUP, previous)
    chat = driver(app)
    await chat.send("/menu")
    assert chat.last_text.startswith("Pick a guided dialogue:")


def test_a_session_whose_step_vanished_goes_back_to_the_last_step_that_exists(content: Path) -> None:
    """A step removed by a reviewer: the person is taken back to the last step they visited that
    still exists, told why, and keeps the answers of steps that remain."""
    engine = Engine(load_library(content))
    session = engine.handle(None, StartDialogue("self_reflection")).session
    moved_on = replace(session, state="removed_step", history=("intro", "why"),
                       answers={"intro": None, "why": "To learn", "removed_step": "x"})
    result = engine.handle(moved_on, TextInput("an answer meant for the removed step"))
    assert result.session.state == "why" and result.session.history == ("intro",)
    assert result.session.answers == {"intro": None, "why": "To learn"}
    assert result.outputs[0].text.startswith("This dialogue was updated while you were in it")
    assert result.outputs[1].text.startswith("In a sentence or two")


def test_a_session_with_nothing_left_restarts_with_an_apology(content: Path) -> None:
    """When no step the person visited still exists, the dialogue starts again, saying sorry."""
    engine = Engine(load_library(content))
    session = engine.handle(None, StartDialogue("self_reflection")).session
    gone = replace(session, state="vanished", history=("gone",))
    result = engine.handle(gone, TextInput("hello"))
    assert result.session.state == "intro"
    assert result.outputs[0].text.startswith("Sorry: this dialogue was changed")


async def test_telegram_language_code_picks_spanish(app: Application) -> None:
    """A person whose Telegram is in Spanish (es-MX too) is greeted in Spanish."""
    chat = driver(app, user_id=55, language_code="es-MX")
    await chat.send("/menu")
    assert chat.last_text.startswith("Elija un diálogo guiado:")


async def test_language_command_switches_and_is_remembered(app: Application) -> None:
    """/language offers each language in its own name; the choice is kept for later messages."""
    chat = driver(app, user_id=56)
    await chat.send("/language")
    assert chat.last_buttons == ["English", "Español"]
    await chat.tap("Español")
    assert chat.last_text.startswith("A partir de ahora le escribiré en español.")
    await chat.send("/menu")
    assert chat.last_text.startswith("Elija un diálogo guiado:")


def test_production_serves_only_approved_content(content: Path) -> None:
    """With COACHBOT_REQUIRE_APPROVED=1, unapproved dialogues are not served; unapproved English
    interface strings stop the bot with a clear error."""
    library, problems = load_content(content, require_approved=True)
    assert library is None
    assert str(problems.errors[0]).startswith("content/en/ui.yaml: COACHBOT_REQUIRE_APPROVED=1 but")
    approve = "review: {status: approved, by: lived-experience panel, date: 2026-03-01}\n"
    for name in ("en/ui.yaml", "en/dialogues/transparency.yaml"):
        file = content / name
        file.write_text(approve + file.read_text(encoding="utf-8"), encoding="utf-8")
    library, _problems = load_content(content, require_approved=True)
    assert list(library.locale("en").dialogues) == ["transparency"]
    assert list(library.locales) == ["en"]


def test_admins_must_be_user_ids() -> None:
    """A typo in COACHBOT_ADMINS stops start-up with an example of the right form."""
    with pytest.raises(ValueError, match="for example 12345,67890"):
        Settings.from_env({"COACHBOT_ADMINS": "4242, alice"})


async def test_inline_mode_answers_from_the_reloaded_content(app: Application,
                                                            content: Path) -> None:
    """Inline results come from the content live now, not from the content at start-up."""
    edit(content / "en/guidance/law_enforcement.yaml",
         "title: Police want our staff at a sting or raid. Should we go?",
         "title: Police asked us to join a sting or raid. Do we go?")
    await driver(app).send("/reload")
    api = app.bot_data["api"]
    await app.process_update(Update.de_json(api.inline_query_update("police sting raid"), app.bot))
    (answer,) = [c for c in api.calls_of("answerInlineQuery") if c.ok]
    results = answer.params["results"]
    results = json.loads(results) if isinstance(results, str) else results
    assert results[0]["title"] == "Police asked us to join a sting or raid. Do we go?"


BROKEN_FILES = {
    "not UTF-8": ("en/dialogues/self_reflection.yaml",
                  lambda f: f.write_bytes(b"id: x\ntitle: \xff\xfe\n"),
                  "content/en/dialogues/self_reflection.yaml:1:1: the file is not UTF-8 text"),
    "not YAML": ("es/ui.yaml", lambda f: f.write_text("[1, 2\n", encoding="utf-8"),
                 "content/es/ui.yaml:2:1: YAML could not read this"),
    "a folder named like a file": ("en/dialogues/extra.yaml", lambda f: f.mkdir(),
                                   "content/en/dialogues/extra.yaml:1:1: this is a folder"),
    "a broken link": ("en/dialogues/gone.yaml", lambda f: f.symlink_to(f.parent / "nowhere"),
                      "content/en/dialogues/gone.yaml:1:1: this file is gone or is a broken link"),
    "a missing folder": ("en/dialogues", shutil.rmtree,
                         "content/en/dialogues: the folder of dialogues is missing"),
}


@pytest.mark.parametrize("case", list(BROKEN_FILES))
async def test_every_broken_file_reaches_the_admin_as_a_located_problem(
        app: Application, content: Path, case: str, caplog: pytest.LogCaptureFixture) -> None:
    """/reload with a file that cannot be read at all (not UTF-8, not YAML, a folder, a
    broken link, a missing folder) names the file and line with a fix, logs no traceback, and
    the old content keeps answering."""
    name, damage, expected = BROKEN_FILES[case]
    chat = driver(app)
    await chat.send("/start self_reflection")
    damage(content / name)
    await chat.send("/reload")
    assert chat.last_text.startswith("The new content was not loaded"), chat.last_text
    assert expected in chat.last_text
    assert " — " in chat.last_text.split(expected, 1)[1].split("\n", 1)[0]  # a fix is suggested
    assert not [r for r in caplog.records if r.exc_info or r.levelname == "ERROR"]
    await chat.tap("Continue ▸")
    assert chat.last_text.startswith("In a sentence or two")


@pytest.mark.parametrize("case", list(BROKEN_FILES))
def test_coachbot_check_and_start_up_list_a_broken_file_without_a_traceback(
        content: Path, case: str) -> None:
    """`coachbot check` and `coachbot run` print the same located problem and exit 1."""
    name, damage, expected = BROKEN_FILES[case]
    damage(content / name)
    env = {**os.environ, "COACHBOT_CONTENT": str(content), "TELEGRAM_BOT_TOKEN": ""}
    for command in (["check", str(content)], ["chat"]):
        done = subprocess.run([sys.executable, "-m", "bot", *command], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120, input="")
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert expected.removeprefix("content/") in done.stdout + done.stderr


def test_a_file_or_folder_the_bot_may_not_read_is_a_located_problem(
        content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permissions (simulated: the tests may run as root, who reads everything): an unreadable
    file and an unlistable folder are each one problem naming the place and the fix."""
    locked_file = content / "es" / "prompts.yaml"
    real_read, real_iterdir = Path.read_bytes, Path.iterdir

    def read_bytes(self: Path) -> bytes:
        if self == locked_file:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    library, problems = load_content(content, False)
    assert library is None
    assert [str(p) for p in problems.errors] == [
        f"{content.name}/es/prompts.yaml:1:1: the bot may not read this file — give it read "
        "permission (chmod -R a+rX)"]

    def iterdir(self: Path):
        if self == content:
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    library, problems = load_content(content, False)
    assert library is None
    assert [str(p) for p in problems.errors] == [
        f"{content}: the bot may not read this folder — give it read permission (chmod -R a+rX)"]
