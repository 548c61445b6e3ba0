"""Callback and inline queries: building them, answering them once, and what was answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ApiError
from .records import DEFAULT_USER_ID, Json, UploadedFile
from .wire import _as_json


@dataclass(slots=True)
class _Query:
    """An open callback or inline query, answerable exactly once."""

    kind: str
    user_id: int
    chat_id: int | None = None
    answer: Json | None = None


class QueriesMixin:
    """Open queries the bot must answer exactly once (users see a spinner until it does)."""

    def callback_update(
        self,
        message: Json,
        data: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        first_name: str | None = None,
    ) -> Json:
        """A ``callback_query`` update: the user tapped a button with ``data`` on ``message``
        (a bot message; its current, edited state is embedded)."""
        with self._lock:
            user = self.user(user_id, first_name=first_name)
            chat = self._ensure_chat(message["chat"]["id"])
            current = chat.messages.get(message["message_id"], message)
            query_id = str(4_000_000_000_000_000_000 + next(self._ids))
            self._queries[query_id] = _Query("callback", user_id, chat.id)
            query = {
                "id": query_id,
                "from": user,
                "message": current,
                "chat_instance": str(-7_000_000_000 - abs(chat.id)),
                "data": data,
            }
            return {"update_id": self.next_update_id(), "callback_query": query}

    def inline_query_update(
        self,
        query: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        offset: str = "",
        chat_type: str = "sender",
    ) -> Json:
        """An ``inline_query`` update (``@bot query`` typed in any chat)."""
        with self._lock:
            user = self.user(user_id)
            query_id = str(5_000_000_000_000_000_000 + next(self._ids))
            self._queries[query_id] = _Query("inline", user_id)
            inline = {
                "id": query_id,
                "from": user,
                "query": query,
                "offset": offset,
                "chat_type": chat_type,
            }
            return {"update_id": self.next_update_id(), "inline_query": inline}

    def _answer_query(self, query_id: Any, kind: str, params: Json) -> None:
        query = self._queries.get(str(query_id))
        if query is None or query.kind != kind or query.answer is not None:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is "
                "invalid",
            )
        query.answer = params

    def _answer_callback_query(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        self._answer_query(params.get("callback_query_id"), "callback", params)
        return True

    def _answer_inline_query(self, params: Json, files: dict[str, UploadedFile]) -> bool:
        results = _as_json(params.get("results"))
        if not isinstance(results, list):
            raise ApiError(400, "Bad Request: can't parse inline query results JSON object")
        ids = [str(result.get("id", "")) for result in results]
        if len(set(ids)) != len(ids):
            raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        self._answer_query(params.get("inline_query_id"), "inline", params)
        return True

    def callback_answer(self, query_id: str) -> Json | None:
        """The ``answerCallbackQuery`` params for a query, or ``None`` while unanswered."""
        with self._lock:
            query = self._queries.get(query_id)
            return query.answer if query else None

    def callback_queries(
        self, *, user_id: int | None = None, chat_id: int | None = None
    ) -> list[str]:
        """Ids of callback queries created so far, optionally for one user and/or chat."""
        with self._lock:
            return [
                qid
                for qid, query in self._queries.items()
                if query.kind == "callback"
                and (user_id is None or query.user_id == user_id)
                and (chat_id is None or query.chat_id == chat_id)
            ]

    def unanswered_callback_queries(self) -> list[str]:
        """Callback query ids the bot never answered (users would see a spinner)."""
        with self._lock:
            return [
                qid
                for qid, query in self._queries.items()
                if query.kind == "callback" and query.answer is None
            ]
