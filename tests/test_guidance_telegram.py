"""Quick guidance on Telegram, through PTB's real `Application` and the local Bot API stand-in:
questions typed or sent with /ask, inline mode, and votes that keep no question text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import Application

from bot.store import SessionStore
from dialogues.content.loader import load_library
from dialogues.engine import Engine
from dialogues.guidance.index import Guidance
from dialogues.model import Library
from tests.support.botapi import FakeBotApi
from tests.support.chat import ChatDriver, running_app
from tests.support.coach import coach_app
from tests.test_engine import ui

TOKEN = "123456:TEST-TOKEN"
QUESTION = "PD wants us at a sting"
STING = "Police want our staff at a sting or raid. Should we go?"


@pytest.fixture(scope="module")
def guided(library: Library) -> Engine:
    return Engine(library, Guidance(library))


@pytest.fixture
def store(tmp_path: Path):
    store = SessionStore(tmp_path / "coachbot.sqlite3")
    yield store
    store.close()


@pytest.fixture
async def app(guided: Engine, store: SessionStore):
    application = coach_app(guided, store, FakeBotApi(token=TOKEN))
    async with running_app(application):
        yield application


@pytest.fixture
def api(app: Application) -> FakeBotApi:
    return app.bot_data["api"]


@pytest.fixture
def chat(app: Application, api: FakeBotApi) -> ChatDriver:
    return ChatDriver(app, api, chat_id=4242, user_id=4242)




def everything_stored(store: SessionStore) -> str:
    """Every row of every table, as text, to check what the bot keeps."""
    tables = [row[0] for row in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return json.dumps({t: store.db.execute(f"SELECT * FROM {t}").fetchall() for t in tables})


async def test_a_typed_question_gets_the_card_with_its_sources(chat: ChatDriver,
                                                               guided: Engine) -> None:
    """Free text with no dialogue in progress is answered with the best card and its buttons."""
    await chat.send(QUESTION)
    assert chat.last_text is not None and chat.last_text.startswith(STING)
    assert "[partnerships-law-enforcement]" in chat.last_text
    assert ui(guided, "guidance_none") in chat.last_buttons


async def test_ask_command_answers_and_is_in_telegrams_menu(
        app: Application, chat: ChatDriver, api: FakeBotApi) -> None:
    """/ask <question> answers from the cards, and /ask is registered with set_my_commands."""
    await chat.send(f"/ask {QUESTION}")
    assert chat.last_text is not None and chat.last_text.startswith(STING)
    await app.bot_data["coach"].register_commands(app)
    assert "ask" in api.commands("all_private_chats")


async def test_a_vote_keeps_only_card_and_vote_never_the_question(
        chat: ChatDriver, guided: Engine, store: SessionStore) -> None:
    """👍 is answered with a toast; the database holds the card id and vote, no question text."""
    await chat.send(QUESTION)
    await chat.tap(ui(guided, "guidance_vote_up"))
    assert chat.callback_answers[-1]["text"] == ui(guided, "guidance_thanks")
    rows = store.db.execute("SELECT card_id, helpful FROM guidance_feedback").fetchall()
    assert rows == [("sting_invitation", 1)]
    assert "sting" not in everything_stored(store).replace("sting_invitation", "")


async def test_an_unanswered_question_is_counted_not_stored(
        chat: ChatDriver, guided: Engine, store: SessionStore) -> None:
    """A question the cards don't cover adds one to a counter and leaves no text behind."""
    await chat.send("what's the wifi password")
    await chat.send("what's the wifi password")
    assert chat.last_text is not None
    assert chat.last_text.startswith(ui(guided, "guidance_not_covered"))
    assert chat.last_buttons == [ui(guided, "menu_open_button")]
    assert store.db.execute("SELECT name, count FROM guidance_counters").fetchall() == [
        ("unanswered", 2)]
    assert "wifi" not in everything_stored(store)


def inline_results(api: FakeBotApi) -> list[dict]:
    (answer,) = [c for c in api.calls_of("answerInlineQuery") if c.ok]
    results = answer.params["results"]
    return json.loads(results) if isinstance(results, str) else results


async def test_inline_mode_lists_up_to_ten_cards(app: Application, api: FakeBotApi) -> None:
    """`@bot <question>` in any chat lists the best cards as articles to send, as HTML."""
    await app.process_update(Update.de_json(api.inline_query_update("police sting raid"), app.bot))
    results = inline_results(api)
    assert 1 <= len(results) <= 10
    assert results[0]["title"] == STING
    message = results[0]["input_message_content"]
    assert message["parse_mode"] == "HTML"
    assert message["message_text"].startswith(f"<b>{STING}</b>")


async def test_inline_articles_escape_html_in_card_wording(
        content_copy: Path, store: SessionStore) -> None:
    """Card wording with <, > and & reaches Telegram escaped, never as markup."""
    (content_copy / "en" / "guidance").mkdir()
    (content_copy / "en" / "guidance" / "demo.yaml").write_text(
        "cards:\n  - id: q_and_a\n    title: Q&A <staff> sessions\n"
        "    answer: Use <b> & <i> freely.\n    source: [intro]\n", encoding="utf-8")
    library = load_library(content_copy)
    api = FakeBotApi(token=TOKEN)
    application = coach_app(Engine(library, Guidance(library)), store, api)
    async with running_app(application):
        update = api.inline_query_update("staff sessions")
        await application.process_update(Update.de_json(update, application.bot))
    (result,) = inline_results(api)
    assert result["input_message_content"]["message_text"].startswith(
        "<b>Q&amp;A &lt;staff&gt; sessions</b>\n\nUse &lt;b&gt; &amp; &lt;i&gt; freely.")


async def test_inline_mode_lists_nothing_for_an_uncovered_question(
        app: Application, api: FakeBotApi) -> None:
    """An inline question the guidelines don't cover gets an empty list, not a stray card."""
    update = api.inline_query_update("what's the wifi password")
    await app.process_update(Update.de_json(update, app.bot))
    (answer,) = [c for c in api.calls_of("answerInlineQuery") if c.ok]
    results = answer.params["results"]
    assert (json.loads(results) if isinstance(results, str) else results) == []


async def test_ask_about_an_out_of_scope_topic_says_the_guidelines_do_not_cover_it(
        chat: ChatDriver, guided: Engine) -> None:
    """On Telegram, /ask about a T visa gets the honest "not covered" answer and the menu."""
    await chat.send("/ask how do we apply for a T visa for our client")
    assert chat.last_text is not None
    assert chat.last_text.startswith(ui(guided, "guidance_not_covered"))
    assert chat.last_buttons == [ui(guided, "menu_open_button")]
