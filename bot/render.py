"""Engine outputs to Telegram calls: HTML escaping, 4,096-character splits, answered callbacks.

Every piece of text is escaped here, in one place, so neither content writers nor users can
inject markup; every callback query is answered exactly once, even when sending fails.

Messages and edits go through PTB's `Bot.do_api_request` (its rate limiter, retries and
errors as for any call) with their keyboard serialised once per distinct set of buttons, and
Telegram's reply left as JSON: the coach never reads the `Message` it returns, and building
that object with its keyboard cost more than the coach's own work on an update.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest

from dialogues.outputs import Document, EditMessage, Keyboard, Message, Notice, Output, Tally

TOAST_LIMIT = 200  # Telegram shows at most 200 characters in a callback answer
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_NO_PREVIEW_JSON = json.dumps(NO_PREVIEW.to_dict())
# Telegram's method names are case-insensitive; written in lower case, they are not the names
# of PTB's typed methods, which `do_api_request` would otherwise warn are there to be used
# (skipping them is the point here).
SEND, EDIT = "sendmessage", "editmessagetext"


@lru_cache(maxsize=4096)
def keyboard(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    """The inline keyboard for `buttons`. PTB objects are immutable and costly to build, and
    people on the same step at the same turn see identical keyboards, so they are shared."""
    if not buttons:
        return None
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(b.label, url=b.url) if b.url
         else InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
        for row in buttons
    ])


@lru_cache(maxsize=4096)
def keyboard_json(buttons: Keyboard) -> str | None:
    """`keyboard(buttons)` as the JSON Telegram receives, serialised once per distinct set."""
    markup = keyboard(buttons)
    return None if markup is None else json.dumps(markup.to_dict())


async def _unparsed(bot: Bot, method: str, **params: object) -> None:
    """Call `method` through PTB without turning Telegram's reply into objects."""
    await bot.do_api_request(method, {k: v for k, v in params.items() if v is not None})


def split_text(text: str, limit: int) -> list[str]:
    """Cut plain text into pieces whose *escaped* length fits `limit`, at paragraph or line
    breaks where possible, so no piece breaks an HTML entity."""
    if len(text) * 6 <= limit or len(html.escape(text, quote=False)) <= limit:
        return [text]  # the usual case: it fits (an escaped character is at most 6 long)
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(html.escape(candidate, quote=False)) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = ""
        while len(html.escape(line, quote=False)) > limit:
            cut = limit
            while len(html.escape(line[:cut], quote=False)) > limit:
                cut -= 1
            space = line.rfind(" ", 0, cut)
            cut = space if space > limit // 2 else cut
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        current = line
    if current or not pieces:
        pieces.append(current)
    return pieces


def to_html(message: Message) -> list[str]:
    """The message as one or more HTML texts, each within Telegram's limit."""
    title = f"<b>{html.escape(message.title, quote=False)}</b>\n\n" if message.title else ""
    limit = MessageLimit.MAX_TEXT_LENGTH
    chunks = split_text(message.text, limit - len(title))
    return [(title if i == 0 else "") + html.escape(c, quote=False) for i, c in enumerate(chunks)]


async def send_message(bot: Bot, chat_id: int, message: Message) -> None:
    chunks = to_html(message)
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        await _unparsed(
            bot, SEND, chat_id=chat_id, text=chunk, parse_mode=ParseMode.HTML,
            link_preview_options=_NO_PREVIEW_JSON,
            reply_markup=keyboard_json(message.buttons) if last else None,
        )


async def edit_message(bot: Bot, chat_id: int, query: CallbackQuery | None,
                       message: Message) -> None:
    """Edit the pressed message in place; fall back to a new message when that is impossible."""
    chunks = to_html(message)
    target = query.message if query is not None else None
    if target is None or len(chunks) > 1:
        await send_message(bot, chat_id, message)
        return
    try:
        await _unparsed(
            bot, EDIT, chat_id=chat_id, message_id=target.message_id, text=chunks[0],
            parse_mode=ParseMode.HTML, link_preview_options=_NO_PREVIEW_JSON,
            reply_markup=keyboard_json(message.buttons),
        )
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return
        await send_message(bot, chat_id, message)


async def send_document(bot: Bot, chat_id: int, document: Document) -> None:
    """Send a summary file; the caption is plain text (no parse mode), so nothing to escape."""
    await bot.send_document(
        chat_id, InputFile(document.data, filename=document.filename),
        caption=document.caption[:MessageLimit.CAPTION_LENGTH] or None,
    )


async def deliver(bot: Bot, chat_id: int, outputs: list[Output],
                  query: CallbackQuery | None = None) -> None:
    """Show `outputs` in the chat, answering the callback query (if any) exactly once."""
    answered = query is None
    try:
        for output in outputs:
            if isinstance(output, Notice) and not answered:
                answered = True
                await query.answer(output.text[:TOAST_LIMIT])  # type: ignore[union-attr]
            elif isinstance(output, Notice):
                await send_message(bot, chat_id, Message(output.text))
            elif isinstance(output, EditMessage):
                await edit_message(bot, chat_id, query, output.message)
            elif isinstance(output, Document):
                await send_document(bot, chat_id, output)
            elif isinstance(output, Tally):
                continue  # counted by the caller, never shown
            else:
                await send_message(bot, chat_id, output)
    finally:
        if not answered:
            await query.answer()  # type: ignore[union-attr]
