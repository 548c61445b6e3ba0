"""The funding audit on Telegram, through PTB's real `Application` and the local Bot API
stand-in: two funders, the yes/no grid edited in place, and the summary downloaded as a file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.store import SessionStore
from dialogues.engine import Engine
from dialogues.model import Library
from tests.support.botapi import FakeBotApi
from tests.support.chat import ChatDriver, running_app
from tests.support.coach import coach_app

TOKEN = "123456:TEST-TOKEN"
DAY = date(2026, 11, 27)


@pytest.fixture
def dated(library: Library) -> Engine:
    return Engine(library, today=lambda: DAY)


@pytest.fixture
async def app(dated: Engine, tmp_path: Path):
    store = SessionStore(tmp_path / "coachbot.sqlite3")
    application = coach_app(dated, store, FakeBotApi(token=TOKEN))
    async with running_app(application):
        yield application
    store.close()


@pytest.fixture
def chat(app: Application) -> ChatDriver:
    return ChatDriver(app, app.bot_data["api"], chat_id=5151, user_id=5151)


def ui(engine: Engine, key: str) -> str:
    return engine.library.locale("en").ui[key]


async def answer_funder(chat: ChatDriver, engine: Engine, name: str, yes: set[int]) -> int:
    """Type the nickname and tap the seven answers; return how many messages the grid added."""
    await chat.send(name)
    before = len(chat.messages)
    for number in range(7):
        await chat.tap(ui(engine, "button_yes" if number in yes else "button_no"))
    return len(chat.messages) - before


async def test_two_funders_end_in_a_table_and_a_downloadable_document(chat: ChatDriver,
                                                                      app: Application,
                                                                      dated: Engine) -> None:
    """Both funders appear in the summary; the document arrives by sendDocument and reads back."""
    await chat.send("/start funding_audit")
    await chat.tap(ui(dated, "button_continue"))
    grid_growth = await answer_funder(chat, dated, "Federal grant", {1, 6})
    assert grid_growth == 1                       # the grid is edited; only "Add another?" is new
    grid = chat.messages[-2]                      # done: every answer shown, no buttons left
    assert grid["text"].startswith("Funding audit\n\nBars serving sex trades: No\n"
                                   "Legal system cooperation: Yes\n")
    assert grid["text"].endswith("Proof of trafficking: Yes")
    assert "reply_markup" not in grid or not grid["reply_markup"].get("inline_keyboard")
    await chat.tap(ui(dated, "button_yes"))       # add another funder
    assert "Federal grant" not in chat.last_text
    await answer_funder(chat, dated, "Family & <friends> fund", set())
    await chat.tap(ui(dated, "button_no"))
    await chat.tap(ui(dated, "button_continue"))
    await chat.tap(ui(dated, "button_continue"))
    await chat.tap("In-kind support")
    await chat.tap(ui(dated, "button_done"))
    summary = chat.last_text
    assert "• Federal grant: Bars serving sex trades: No, Legal system cooperation: Yes" in summary
    assert "• Family & <friends> fund: Bars serving sex trades: No" in summary

    await chat.tap(ui(dated, "button_document"))
    document = chat.last_message["document"]
    assert document["file_name"] == "funding_audit-2026-11-27.md"
    assert chat.last_message["caption"] == "Your funding audit (2026-11-27)"
    file = await app.bot.get_file(document["file_id"])
    text = bytes(await file.download_as_bytearray()).decode("utf-8")
    assert "| Federal grant | No | Yes | No | No | No | No | Yes |" in text
    assert "| Family & \\<friends\\> fund | No | No | No | No | No | No | No |" in text
    assert "Criminal legal system (Federal grant):" in text
    assert chat.unanswered_callbacks == []
