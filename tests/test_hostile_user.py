"""What a hostile or careless person can try through Telegram, and what they see: answers made
of invisible characters, taps forged on someone else's chat, inline answers in the wrong
language. Runs PTB's real Application against the in-process Bot API stand-in."""

from __future__ import annotations

import json

import pytest
from telegram import Update
from telegram.ext import Application

from bot.store import SessionStore
from dialogues.engine import Engine
from dialogues.model import Library
from tests.support.botapi import FakeBotApi
from tests.support.chat import ChatDriver, running_app
from tests.support.coach import coach_app

TOKEN = "123456:HOSTILE"
OWNER, STRANGER = 6060, 7070
INVISIBLE = {
    "zero-width space": "\u200b",
    "joiners and a byte-order mark": "\u200d\u200c\ufeff\u2060",
    "Hangul fillers": "\u3164\u115f\u1160\uffa0",
    "combining marks on a no-break space": "\u00a0\u0301\u0308",
    "blank Braille and an ideographic space": "\u2800\u3000",
    "direction marks": "\u200e\u200f\u202e",
}


@pytest.fixture(scope="module")
def engine(library: Library) -> Engine:
    """The engine the bot serves, quick guidance included (inline mode searches the cards)."""
    return Engine.serving(library)


@pytest.fixture
async def app(engine: Engine, store: SessionStore):
    application = coach_app(engine, store, FakeBotApi(token=TOKEN))
    async with running_app(application):
        yield application


def person(app: Application, user_id: int = OWNER, language_code: str = "en") -> ChatDriver:
    return ChatDriver(app, app.bot_data["api"], chat_id=user_id, user_id=user_id,
                      language_code=language_code)


def ui(engine: Engine, key: str, code: str = "en") -> str:
    return engine.library.locale(code).ui[key]


@pytest.mark.parametrize("typed", list(INVISIBLE.values()), ids=list(INVISIBLE))
async def test_an_answer_of_only_invisible_characters_is_refused(
        app: Application, engine: Engine, store: SessionStore, typed: str) -> None:
    """The person is told the answer shows nothing and stays on the question; a real answer
    afterwards is taken."""
    chat = person(app)
    await chat.send("/start self_reflection")
    await chat.tap("Continue ▸")
    await chat.send(f"  {typed} ")
    assert chat.last_text == ui(engine, "invisible_text")
    session = store.load(OWNER).session
    assert session is not None and session.state == "why" and "why" not in session.answers
    await chat.send(f"{typed}To listen{typed}")
    assert store.load(OWNER).session.answers["why"] == f"{typed}To listen{typed}".strip()


async def test_the_invisible_answer_notice_is_in_the_persons_language(
        app: Application, engine: Engine) -> None:
    chat = person(app, language_code="es")
    await chat.send("/start self_reflection")
    await chat.tap(ui(engine, "button_continue", "es"))
    await chat.send("\u200b\u200b")
    assert chat.last_text == ui(engine, "invisible_text", "es")


async def test_a_tap_by_someone_else_on_a_private_chat_changes_nothing(
        app: Application, engine: Engine, store: SessionStore) -> None:
    """A forged callback_query whose `from` is not the chat's person: answered with a short
    notice, nothing applied, nothing sent into the owner's chat; the owner carries on."""
    api: FakeBotApi = app.bot_data["api"]
    owner = person(app)
    await owner.send("/start self_reflection")
    before = store.load(OWNER)
    message = owner.last_message
    button = message["reply_markup"]["inline_keyboard"][0][0]
    forged = api.callback_update(message, button["callback_data"], user_id=STRANGER)
    stranger = ChatDriver(app, api, chat_id=OWNER, user_id=STRANGER)
    sent = await stranger.send_update(forged)
    assert sent == []
    answer = api.callback_answer(forged["callback_query"]["id"])
    assert answer is not None and answer["text"] == ui(engine, "foreign_button")
    assert store.load(OWNER) == before
    await owner.tap("Continue ▸")
    assert store.load(OWNER).session.state == "why"


async def test_someone_elses_language_button_sets_no_language(
        app: Application, engine: Engine) -> None:
    """The /language buttons are checked too: a forged tap chooses nothing for anyone."""
    api: FakeBotApi = app.bot_data["api"]
    owner = person(app)
    await owner.send("/language")
    message = owner.last_message
    spanish = next(b for row in message["reply_markup"]["inline_keyboard"] for b in row
                   if b["text"] == "Español")
    forged = api.callback_update(message, spanish["callback_data"], user_id=STRANGER)
    await ChatDriver(app, api, chat_id=OWNER, user_id=STRANGER).send_update(forged)
    coach = app.bot_data["coach"]
    assert coach.chosen_locale(OWNER) is None and coach.chosen_locale(STRANGER) is None


def inline_answer(api: FakeBotApi) -> dict:
    answer = [c for c in api.calls_of("answerInlineQuery") if c.ok][-1].params
    results = answer["results"]
    return {**answer, "results": json.loads(results) if isinstance(results, str) else results}


async def test_inline_answers_are_personal_and_follow_the_language_chosen(
        app: Application, engine: Engine) -> None:
    """Inline results are marked personal (Telegram must not show one person's language to
    another), and someone who chose Spanish with /language gets Spanish cards even though
    their Telegram is in English."""
    api: FakeBotApi = app.bot_data["api"]
    question = "police sting raid"
    await app.process_update(Update.de_json(api.inline_query_update(question, user_id=OWNER),
                                            app.bot))
    english = inline_answer(api)
    assert english["is_personal"] is True
    chat = person(app)
    await chat.send("/language")
    await chat.tap("Español")
    await app.process_update(Update.de_json(api.inline_query_update(question, user_id=OWNER),
                                            app.bot))
    spanish = inline_answer(api)
    assert spanish["is_personal"] is True
    spanish_titles = {card.title for card in engine.library.locale("es").cards}
    assert spanish["results"] and spanish["results"][0]["title"] in spanish_titles
    assert spanish["results"][0]["title"] != english["results"][0]["title"]
