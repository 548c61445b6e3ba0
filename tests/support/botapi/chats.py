"""Chats, members and admins, group migrations, bot commands and chat actions."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError
from .records import DEFAULT_USER_ID, Json, UploadedFile
from .wire import _as_json


@dataclass
class _ChatState:
    """Everything the fake knows about one chat, including the user's view of it."""

    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    status: str = "ok"
    migrated_to: int | None = None
    members: dict[int, str] = field(default_factory=dict)
    last_message_id: int = 0
    messages: dict[int, Json] = field(default_factory=dict)
    reply_keyboard: Json | None = None
    _as_dict: Json | None = None

    def as_dict(self) -> Json:
        """The ``Chat`` object embedded in messages (cached; rebuilt after changes)."""
        if self._as_dict is None:
            chat: Json = {"id": self.id, "type": self.type}
            if self.type == "private":
                chat["first_name"] = self.first_name or f"User {self.id}"
            else:
                chat["title"] = self.title or f"Group {self.id}"
            if self.username:
                chat["username"] = self.username
            self._as_dict = chat
        return self._as_dict

    def changed(self) -> None:
        """Forget the cached ``Chat`` dict after an attribute changed."""
        self._as_dict = None


_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)
_RESTRICTED_RIGHTS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_edit_tag",
)
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
CHAT_STATUSES = frozenset({"ok", "blocked", "kicked", "left", "deactivated"})
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


def _member(user: Json, status: str) -> Json:
    """A complete ``ChatMember`` object for ``status`` (PTB rejects missing required fields)."""
    member: Json = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(can_be_edited=False, is_anonymous=False)
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
    elif status == "restricted":
        member.update(is_member=True, until_date=0)
        member.update(dict.fromkeys(_RESTRICTED_RIGHTS, False))
    elif status == "kicked":
        member["until_date"] = 0
    return member


class ChatsMixin:
    """Which chats exist, who is in them, and whether the bot may write there."""

    def set_chat(
        self,
        chat_id: int,
        *,
        type: str | None = None,
        title: str | None = None,
        first_name: str | None = None,
        username: str | None = None,
    ) -> Json:
        """Create or update a chat; returns its ``Chat`` dict."""
        with self._lock:
            chat = self._ensure_chat(chat_id, type)
            for name, value in (("title", title), ("first_name", first_name)):
                if value is not None:
                    setattr(chat, name, value)
            if username is not None:
                chat.username = username.lstrip("@")
            if type is not None:
                chat.type = type
            chat.changed()
            return chat.as_dict()

    def set_chat_status(self, chat_id: int, status: str) -> None:
        """Make sends to the chat fail: ``blocked``, ``kicked``, ``left``, ``deactivated``; or
        ``ok`` again."""
        if status not in CHAT_STATUSES:
            raise ValueError(f"status must be one of {sorted(CHAT_STATUSES)}")
        with self._lock:
            chat = self._ensure_chat(chat_id)
            chat.status = status
            if status == "ok" and chat.members.get(self.bot_user["id"]) in ("kicked", "left"):
                del chat.members[self.bot_user["id"]]

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What ``getChatMember`` reports for ``user_id`` (``member`` unless set)."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {sorted(MEMBER_STATUSES)}")
        with self._lock:
            self._ensure_chat(chat_id).members[user_id] = status

    def my_chat_member_update(
        self,
        chat_id: int,
        new_status: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        old_status: str | None = None,
    ) -> Json:
        """A ``my_chat_member`` update; ``kicked``/``left`` also makes later sends fail with
        403, as when a user blocks the bot or a group removes it."""
        if new_status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {sorted(MEMBER_STATUSES)}")
        with self._lock:
            chat = self._ensure_chat(chat_id)
            user = self.user(user_id)
            previous = old_status or self._bot_status(chat)
            chat.status = self._chat_status_for(chat, new_status)
            chat.members[self.bot_user["id"]] = new_status
            change = {
                "chat": chat.as_dict(),
                "from": user,
                "date": int(self.clock()),
                "old_chat_member": _member(self.bot_user, previous),
                "new_chat_member": _member(self.bot_user, new_status),
            }
            return {"update_id": self.next_update_id(), "my_chat_member": change}

    @staticmethod
    def _chat_status_for(chat: _ChatState, member_status: str) -> str:
        if member_status == "kicked":
            return "blocked" if chat.type == "private" else "kicked"
        return "left" if member_status == "left" else "ok"

    def _bot_status(self, chat: _ChatState) -> str:
        if chat.status in ("blocked", "kicked"):
            return "kicked"
        if chat.status == "left":
            return "left"
        return chat.members.get(self.bot_user["id"], "member")

    def migrate_update(
        self,
        old_chat_id: int,
        new_chat_id: int,
        *,
        user_id: int = DEFAULT_USER_ID,
        in_new_chat: bool = False,
    ) -> Json:
        """The service message of a group upgrade: ``migrate_to_chat_id`` in the old group
        (default) or ``migrate_from_chat_id`` in the new supergroup; later sends to the old id
        fail with ``ChatMigrated``."""
        with self._lock:
            old = self._ensure_chat(old_chat_id, "group")
            new = self._ensure_chat(new_chat_id, "supergroup")
            if new.title is None:
                new.title = old.title
                new.changed()
            old.migrated_to = new_chat_id
            user = self.user(user_id)
            if in_new_chat:
                fields: Json = {"migrate_from_chat_id": old_chat_id}
                message = self._store_message(new, user, fields)
            else:
                message = self._store_message(old, user, {"migrate_to_chat_id": new_chat_id})
            return {"update_id": self.next_update_id(), "message": message}

    def _ensure_chat(self, chat_id: int, chat_type: str | None = None) -> _ChatState:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = _ChatState(chat_id, chat_type or _guess_chat_type(chat_id))
            self._chats[chat_id] = chat
        return chat

    def _resolve_chat(self, params: Json) -> _ChatState:
        """The chat a call targets; unknown chats are created unless ``strict_chats``."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat_id = _chat_id(raw)
        if isinstance(chat_id, str):
            found = next((c for c in self._chats.values() if c.username == chat_id[1:]), None)
            if found is None:
                raise ApiError(400, "Bad Request: chat not found")
            return found
        if chat_id not in self._chats and self.strict_chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self._ensure_chat(chat_id)

    def _writable_chat(self, params: Json) -> _ChatState:
        """Resolve the chat and fail the way Telegram does when the bot can't write there."""
        chat = self._resolve_chat(params)
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.status == "ok":
            return chat
        kind = "supergroup" if chat.type == "supergroup" else chat.type
        if chat.status == "blocked" or (chat.status == "kicked" and chat.type == "private"):
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat.status == "deactivated":
            raise ApiError(403, "Forbidden: user is deactivated")
        if chat.status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
        raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")

    def _commands_key(self, params: Json) -> tuple[str, str]:
        scope = _as_json(params.get("scope")) or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        commands = _as_json(params.get("commands"))
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not _COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned = [{"command": c["command"], "description": c["description"]} for c in commands]
        self._commands[self._commands_key(params)] = cleaned
        return True

    def _get_my_commands(self, params: Json, files: dict[str, UploadedFile]) -> list[Json]:
        return [dict(c) for c in self._commands.get(self._commands_key(params), [])]

    def _delete_my_commands(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _set_description(self, kind: str, params: Json, limit: int) -> bool:
        text = str(params.get(kind) or "")
        if len(text) > limit:
            raise ApiError(400, f"Bad Request: bot {kind.replace('_', ' ')} is too long")
        self._descriptions[(kind, str(params.get("language_code") or ""))] = text
        return True

    def _set_my_description(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        return self._set_description("description", params, 512)

    def _set_my_short_description(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        return self._set_description("short_description", params, 120)

    def _get_my_description(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        language = str(params.get("language_code") or "")
        return {"description": self._descriptions.get(("description", language), "")}

    def _get_my_short_description(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        language = str(params.get("language_code") or "")
        return {"short_description": self._descriptions.get(("short_description", language), "")}

    def description(self, language_code: str = "", short: bool = False) -> str:
        """The (short) description people see before /start in that language ("" if unset)."""
        with self._lock:
            return self._descriptions.get(
                ("short_description" if short else "description", language_code), "")

    def commands(self, scope: str = "default", language_code: str = "") -> list[str]:
        """The command names set for a scope type ('all_private_chats', ...) and language."""
        with self._lock:
            key = (json.dumps({"type": scope}, sort_keys=True), language_code)
            return [c["command"] for c in self._commands.get(key, [])]

    def _send_chat_action(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        self._writable_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _get_chat(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        chat = self._resolve_chat(params)
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return {
            **chat.as_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    def _member_of(self, chat: _ChatState, user_id: int) -> Json:
        if user_id == self.bot_user["id"]:
            return _member(self.bot_user, self._bot_status(chat))
        user = self._users.get(user_id) or {
            "id": user_id,
            "is_bot": False,
            "first_name": f"User {user_id}",
        }
        return _member(user, chat.members.get(user_id, "member"))

    def _get_chat_member(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        chat = self._resolve_chat(params)
        user_id = params.get("user_id")
        if user_id is None:
            raise ApiError(400, "Bad Request: user_id is empty")
        return self._member_of(chat, int(user_id))

    def _get_chat_administrators(
        self, params: Json, files: dict[str, UploadedFile]
    ) -> list[Json]:
        chat = self._resolve_chat(params)
        if chat.type == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        return [
            self._member_of(chat, user_id)
            for user_id, status in chat.members.items()
            if status in ("creator", "administrator")
        ]


def default_chat_id(user_id: int, chat_type: str) -> int:
    """A plausible chat id for a user's chat of ``chat_type`` (private chats use the user id)."""
    if chat_type == "private":
        return user_id
    if chat_type == "group":
        return -(1_000_000 + user_id)
    return -(1_000_000_000_000 + user_id)


def _guess_chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


def _chat_id(raw: Any) -> int | str:
    if isinstance(raw, bool):
        raise ApiError(400, "Bad Request: chat not found")
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    if text.startswith("@") and len(text) > 1:
        return text
    raise ApiError(400, "Bad Request: chat not found")
