"""Messages the bot sends and edits, and the chat as the user sees it afterwards."""

from __future__ import annotations

from typing import Any

from .chats import _ChatState
from .errors import ApiError
from .formatting import render_text
from .keyboards import _KEEP, _parse_markup
from .records import Json, UploadedFile
from .wire import _as_json

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024


def _button_labels(message: Json | None) -> list[str]:
    rows = (message or {}).get("reply_markup", {}).get("inline_keyboard", [])
    return [button.get("text", "") for row in rows for button in row]


class MessagesMixin:
    """sendMessage, edits and deletions, with the checks Telegram makes on each."""

    def _store_message(self, chat: _ChatState, sender: Json, fields: Json) -> Json:
        chat.last_message_id += 1
        message = {
            "message_id": chat.last_message_id,
            "from": sender,
            "chat": chat.as_dict(),
            "date": int(self.clock()),
            **fields,
        }
        chat.messages[chat.last_message_id] = message
        return message

    def _deliver(self, chat: _ChatState, fields: Json, keyboard: Any) -> Json:
        """Store a bot message; edits later replace the dict, so ``_sent`` keeps it as sent."""
        message = self._store_message(chat, self.bot_user, fields)
        self._sent.append((chat.id, message))
        if keyboard is not _KEEP:
            chat.reply_keyboard = keyboard
        return message

    def _existing_message(self, chat: _ChatState, params: Json, missing: str) -> Json:
        message_id = params.get("message_id")
        if message_id is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = chat.messages.get(int(message_id))
        if message is None:
            raise ApiError(400, f"Bad Request: {missing}")
        return message

    def _reply_copy(self, chat: _ChatState, message_id: int) -> Json | None:
        target = chat.messages.get(message_id)
        if target is None:
            return None
        return {k: v for k, v in target.items() if k != "reply_to_message"}

    def _reply_to(self, chat: _ChatState, params: Json) -> Json | None:
        """The ``reply_to_message`` for ``reply_parameters`` (400 if it does not exist)."""
        reply = _as_json(params.get("reply_parameters")) or {}
        if "reply_to_message_id" in params:
            reply = {"message_id": params["reply_to_message_id"]}
        if not reply:
            return None
        target_chat = chat
        if reply.get("chat_id") is not None:
            target_chat = self._resolve_chat({"chat_id": reply["chat_id"]})
        copy = self._reply_copy(target_chat, int(reply.get("message_id", 0)))
        allow = reply.get("allow_sending_without_reply") or params.get(
            "allow_sending_without_reply"
        )
        if copy is None and not allow:
            raise ApiError(400, "Bad Request: message to be replied not found")
        return copy

    def _send_message(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        chat = self._writable_chat(params)
        text, entities = _message_text(params, "message text is empty", "message is too long")
        inline, keyboard = _parse_markup(params)
        fields: Json = {"text": text}
        if entities:
            fields["entities"] = entities
        return self._deliver(chat, self._decorate(chat, params, fields, inline), keyboard)

    def _decorate(
        self, chat: _ChatState, params: Json, fields: Json, inline: Json | None
    ) -> Json:
        """Add ``reply_to_message`` and inline keyboard to a message being sent."""
        reply = self._reply_to(chat, params)
        if reply is not None:
            fields["reply_to_message"] = reply
        if inline is not None:
            fields["reply_markup"] = inline
        return fields

    def _caption_fields(self, params: Json) -> Json:
        if params.get("caption") in (None, ""):
            return {}
        caption, entities = render_text(
            str(params["caption"]), params.get("parse_mode"), params.get("caption_entities")
        )
        if len(caption) > MAX_CAPTION_LENGTH:
            raise ApiError(400, "Bad Request: message caption is too long")
        fields: Json = {"caption": caption} if caption else {}
        if entities:
            fields["caption_entities"] = entities
        return fields

    def _editable(self, params: Json) -> tuple[_ChatState, Json] | None:
        """The bot message an edit targets, or ``None`` for inline messages."""
        if params.get("inline_message_id"):
            return None
        chat = self._writable_chat(params)
        message = self._existing_message(chat, params, "message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat, message

    def _apply_edit(self, chat: _ChatState, old: Json, changes: Json) -> Json:
        """Replace the message with an edited copy; raise when nothing would change."""
        keys = set(changes)
        if all(old.get(key) == changes.get(key) for key in keys):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the "
                "message",
            )
        edited = {k: v for k, v in old.items() if k not in keys}
        edited.update({k: v for k, v in changes.items() if v is not None})
        edited["edit_date"] = int(self.clock())
        chat.messages[old["message_id"]] = edited
        return edited

    def _edit_message_text(self, params: Json, files: dict[str, UploadedFile]) -> Json | bool:
        target = self._editable(params)
        text, entities = _message_text(params, "text must be non-empty", "MESSAGE_TOO_LONG")
        inline, _ = _parse_markup(params, inline_only=True)
        if target is None:
            return True
        chat, message = target
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        changes = {"text": text, "entities": entities or None, "reply_markup": inline}
        return self._apply_edit(chat, message, changes)

    def _edit_message_caption(self, params: Json, files: dict[str, UploadedFile]) -> Json | bool:
        target = self._editable(params)
        fields = self._caption_fields(params)
        inline, _ = _parse_markup(params, inline_only=True)
        if target is None:
            return True
        chat, message = target
        if "text" in message:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        changes = {
            "caption": fields.get("caption"),
            "caption_entities": fields.get("caption_entities"),
            "reply_markup": inline,
        }
        return self._apply_edit(chat, message, changes)

    def _edit_message_reply_markup(
        self, params: Json, files: dict[str, UploadedFile]
    ) -> Json | bool:
        target = self._editable(params)
        inline, _ = _parse_markup(params, inline_only=True)
        if target is None:
            return True
        chat, message = target
        return self._apply_edit(chat, message, {"reply_markup": inline})

    def _delete_message(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        chat = self._resolve_chat(params)
        message = self._existing_message(chat, params, "message to delete not found")
        is_admin = chat.members.get(self.bot_user["id"]) in ("administrator", "creator")
        foreign = message["from"]["id"] != self.bot_user["id"]
        if chat.type != "private" and foreign and not is_admin:
            raise ApiError(400, "Bad Request: message can't be deleted")
        del chat.messages[message["message_id"]]
        return True

    @property
    def sent_total(self) -> int:
        """How many messages were delivered so far (use as ``since`` for later queries)."""
        with self._lock:
            return len(self._sent)

    def sent_messages(self, chat_id: int | None = None, *, since: int = 0) -> list[Json]:
        """Delivered bot messages (text, documents, photos) in order, as sent (no edits)."""
        with self._lock:
            return [msg for cid, msg in self._sent[since:] if chat_id is None or cid == chat_id]

    def chat_view(self, chat_id: int) -> list[Json]:
        """The chat as the user sees it now: all messages, edits applied, deletions gone."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return list(chat.messages.values()) if chat else []

    def bot_messages(self, chat_id: int, *, after_message_id: int = 0) -> list[Json]:
        """Current state of the bot's messages in a chat (edits applied)."""
        return [
            msg
            for msg in self.chat_view(chat_id)
            if msg["from"]["id"] == self.bot_user["id"] and msg["message_id"] > after_message_id
        ]

    def last_message(self, chat_id: int) -> Json | None:
        """Current state of the newest surviving bot message in the chat."""
        messages = self.bot_messages(chat_id)
        return messages[-1] if messages else None

    def message(self, chat_id: int, message_id: int) -> Json | None:
        """Current state of one message, or ``None`` if unknown or deleted."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return chat.messages.get(message_id) if chat else None

    def last_message_id(self, chat_id: int) -> int:
        """Highest message_id used in the chat so far (0 for a new chat)."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return chat.last_message_id if chat else 0

    def reply_keyboard(self, chat_id: int) -> Json | None:
        """The reply keyboard currently shown to the user, if any."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return chat.reply_keyboard if chat else None

    def transcript(self, chat_id: int) -> str:
        """A readable rendering of :meth:`chat_view`, handy in assertion messages."""
        lines = []
        for msg in self.chat_view(chat_id):
            who = "bot" if msg["from"]["id"] == self.bot_user["id"] else "user"
            body = msg.get("text") or msg.get("caption") or ""
            if "document" in msg:
                body = f"[document {msg['document'].get('file_name')}] {body}"
            buttons = _button_labels(msg)
            suffix = "  " + " ".join(f"[{label}]" for label in buttons) if buttons else ""
            lines.append(f"{who}#{msg['message_id']}: {body}{suffix}")
        return "\n".join(lines)


def _message_text(params: Json, empty: str, too_long: str) -> tuple[str, list[Json]]:
    """The rendered ``text`` of a send or an edit; each method words its 400s differently."""
    text, entities = render_text(
        str(params.get("text", "")), params.get("parse_mode"), params.get("entities")
    )
    if not text:
        raise ApiError(400, f"Bad Request: {empty}")
    if len(text) > MAX_TEXT_LENGTH:
        raise ApiError(400, f"Bad Request: {too_long}")
    return text, entities
