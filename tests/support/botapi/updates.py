"""Building the updates a user's actions produce: messages, photos, documents, stickers, edits."""

from __future__ import annotations

import re
from typing import Any

from .chats import _ChatState, default_chat_id
from .formatting import _entity, utf16_len
from .records import DEFAULT_USER_ID, Json, UploadedFile

_AUTO_ENTITY_RE = re.compile(
    r"(?P<bot_command>(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@]))"
    r"|(?P<url>https?://[^\s]+)"
    r"|(?P<mention>(?<!\w)@[A-Za-z0-9_]{5,32})"
)


def _auto_entities(text: str) -> list[Json]:
    """The entities Telegram detects in user text: commands, URLs and mentions."""
    entities = []
    for match in _AUTO_ENTITY_RE.finditer(text):
        kind = match.lastgroup or "url"
        start = utf16_len(text[: match.start()])
        entities.append(_entity(kind, start, start + utf16_len(match.group())))
    return entities


class UpdatesMixin:
    """Builders for incoming updates; each stores what the user sent so the chat view is whole."""

    def user(
        self,
        user_id: int = DEFAULT_USER_ID,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> Json:
        """A ``User`` dict, remembered so later builders and ``getChatMember`` reuse it; a new
        user speaks English unless told otherwise, and keeps their language after that."""
        with self._lock:
            user = dict(self._users.get(user_id)
                        or {"id": user_id, "is_bot": False, "language_code": "en"})
            user["first_name"] = first_name or user.get("first_name") or "Tester"
            for key, value in (
                ("last_name", last_name),
                ("username", username),
                ("language_code", language_code),
            ):
                if value is not None:
                    user[key] = value
            self._users[user_id] = user
            return user

    def message_update(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        title: str | None = None,
        reply_to: Json | None = None,
        entities: list[Json] | None = None,
    ) -> Json:
        """A ``message`` update from a user; commands, URLs and mentions get entities."""
        fields: Json = {"text": text}
        found = _auto_entities(text) if entities is None else entities
        if found:
            fields["entities"] = found
        return self._user_message_update(
            fields,
            chat_id=chat_id,
            user_id=user_id,
            chat_type=chat_type,
            title=title,
            reply_to=reply_to,
            first_name=first_name,
            username=username,
            language_code=language_code,
        )

    def photo_update(
        self,
        *,
        caption: str | None = None,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        first_name: str | None = None,
    ) -> Json:
        """A ``message`` update carrying a photo (downloadable via ``getFile``)."""
        with self._lock:
            photo = self._photo_sizes(UploadedFile("photo", "photo.jpg", content, "image/jpeg"))
        fields: Json = {"photo": photo}
        if caption is not None:
            fields["caption"] = caption
        return self._user_message_update(
            fields, chat_id=chat_id, user_id=user_id, chat_type=chat_type, first_name=first_name
        )

    def document_update(
        self,
        file_name: str,
        content: bytes,
        *,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
    ) -> Json:
        """A ``message`` update carrying a document the user uploaded."""
        with self._lock:
            document = self._store_file(UploadedFile("document", file_name, content, mime_type))
        fields: Json = {"document": document}
        if caption is not None:
            fields["caption"] = caption
        return self._user_message_update(
            fields, chat_id=chat_id, user_id=user_id, chat_type=chat_type
        )

    def sticker_update(
        self,
        emoji: str = "\N{THUMBS UP SIGN}",
        *,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
    ) -> Json:
        """A ``message`` update carrying a regular sticker."""
        n = next(self._ids)
        sticker = {
            "file_id": f"CAACAgIAAxkBAAI{n:08d}",
            "file_unique_id": f"AgADst{n:06d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._user_message_update(
            {"sticker": sticker}, chat_id=chat_id, user_id=user_id, chat_type=chat_type
        )

    def _user_message_update(
        self,
        fields: Json,
        *,
        chat_id: int | None,
        user_id: int,
        chat_type: str,
        title: str | None = None,
        reply_to: Json | None = None,
        **user_fields: Any,
    ) -> Json:
        """Store a message the user sent and wrap it in an update."""
        with self._lock:
            user = self.user(user_id, **user_fields)
            chat = self._chat_for_user(chat_id, user, chat_type, title)
            if reply_to is not None:
                fields["reply_to_message"] = self._reply_copy(chat, reply_to["message_id"])
            message = self._store_message(chat, user, fields)
            return {"update_id": self.next_update_id(), "message": message}

    def _chat_for_user(
        self, chat_id: int | None, user: Json, chat_type: str, title: str | None
    ) -> _ChatState:
        if chat_id is None:
            chat_id = default_chat_id(user["id"], chat_type)
        chat = self._ensure_chat(chat_id, chat_type)
        if chat.type == "private" and chat.first_name != user["first_name"]:
            chat.first_name, chat.username = user["first_name"], user.get("username")
            chat.changed()
        if title and chat.title != title:
            chat.title = title
            chat.changed()
        return chat

    def edited_message_update(
        self,
        text: str,
        *,
        message: Json | None = None,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
    ) -> Json:
        """An ``edited_message`` update: the user changed one of their messages to ``text``.

        Edits ``message`` if given, else the user's newest message in the chat (one is created
        first if the user has not written there yet).
        """
        with self._lock:
            if message is None:
                message = self._latest_user_message(chat_id, user_id, chat_type)
            chat = self._ensure_chat(message["chat"]["id"])
            current = chat.messages.get(message["message_id"], message)
            edited = {k: v for k, v in current.items() if k != "entities"}
            edited.update(text=text, edit_date=int(self.clock()))
            found = _auto_entities(text)
            if found:
                edited["entities"] = found
            chat.messages[edited["message_id"]] = edited
            return {"update_id": self.next_update_id(), "edited_message": edited}

    def _latest_user_message(self, chat_id: int | None, user_id: int, chat_type: str) -> Json:
        if chat_id is None:
            chat_id = default_chat_id(user_id, chat_type)
        chat = self._chats.get(chat_id)
        mine = [m for m in (chat.messages.values() if chat else ()) if m["from"]["id"] == user_id]
        if mine:
            return mine[-1]
        update = self.message_update(
            "(original text)", chat_id=chat_id, user_id=user_id, chat_type=chat_type
        )
        return update["message"]
