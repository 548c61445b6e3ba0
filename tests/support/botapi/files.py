"""Files: uploads, sending documents and photos, ``getFile`` and downloads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .errors import ApiError
from .keyboards import _parse_markup
from .records import Json, UploadedFile
from .wire import _NOT_FOUND, _UNAUTHORIZED, _dumps


@dataclass(slots=True)
class _StoredFile:
    """An uploaded file kept so ``getFile`` and downloads can serve it."""

    meta: Json
    content: bytes | None
    path: str


class FilesMixin:
    """Stored files, served back by ``getFile`` and the file endpoint."""

    def _input_file(
        self, params: Json, files: dict[str, UploadedFile], name: str
    ) -> UploadedFile | str:
        """An uploaded part, or a file_id/URL string, as the Bot API resolves them."""
        value = params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
        elif value is None or value == "":
            upload = files.get(name)
        else:
            return str(value)
        if upload is None:
            raise ApiError(400, f"Bad Request: there is no {name} in the request")
        if not upload.content:
            raise ApiError(400, "Bad Request: file must be non-empty")
        return upload

    def _known_file(self, reference: str) -> _StoredFile:
        stored = self._files.get(reference)
        if stored is not None:
            return stored
        if reference.startswith(("http://", "https://")):
            name = urlsplit(reference).path.rsplit("/", 1)[-1] or "file"
            return self._store_file_meta(name, None, "application/octet-stream")
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _store_file(self, upload: UploadedFile) -> Json:
        return self._store_file_meta(upload.filename, upload.content, upload.mime_type).meta

    def _store_file_meta(self, name: str, content: bytes | None, mime: str) -> _StoredFile:
        n = next(self._ids)
        file_id = f"BQACAgIAAxkBAAI{n:08d}"
        meta: Json = {"file_id": file_id, "file_unique_id": f"AgADfl{n:06d}", "file_name": name}
        if mime:
            meta["mime_type"] = mime
        if content is not None:
            meta["file_size"] = len(content)
        stored = _StoredFile(meta, content, f"documents/file_{n}{_extension(name)}")
        self._files[file_id] = stored
        self._file_paths[stored.path] = stored
        return stored

    def _send_file(
        self,
        params: Json,
        files: dict[str, UploadedFile],
        name: str,
        from_upload: Callable[[UploadedFile], Any],
        from_known: Callable[[Json], Any],
    ) -> Json:
        """Send a document or photo: an upload is stored, a file_id or URL is reused."""
        chat = self._writable_chat(params)
        source = self._input_file(params, files, name)
        if isinstance(source, UploadedFile):
            media = from_upload(source)
        else:
            media = from_known(self._known_file(source).meta)
        inline, keyboard = _parse_markup(params)
        fields = {name: media, **self._caption_fields(params)}
        return self._deliver(chat, self._decorate(chat, params, fields, inline), keyboard)

    def _send_document(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        return self._send_file(params, files, "document", self._store_file, dict)

    def _photo_sizes(self, upload: UploadedFile) -> list[Json]:
        stored = self._store_file_meta(upload.filename, upload.content, "")
        size = len(upload.content)
        base = {"file_unique_id": stored.meta["file_unique_id"], "file_size": size}
        small = {**base, "file_id": f"{stored.meta['file_id']}s", "width": 90, "height": 90}
        large = {**base, "file_id": stored.meta["file_id"], "width": 800, "height": 800}
        return [small, large]

    def _send_photo(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        return self._send_file(params, files, "photo", self._photo_sizes, _known_photo)

    def _get_file(self, params: Json, files: dict[str, UploadedFile]) -> Json:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        info = {k: stored.meta[k] for k in ("file_id", "file_unique_id") if k in stored.meta}
        if stored.content is not None:
            info["file_size"] = len(stored.content)
        info["file_path"] = stored.path
        return info

    def file_content(self, file_id: str) -> bytes | None:
        """Bytes of an uploaded file (``None`` for URL-sent or unknown files)."""
        with self._lock:
            stored = self._files.get(file_id)
            return stored.content if stored else None

    def download(self, token: str, file_path: str) -> tuple[int, bytes]:
        """Serve ``/file/bot<token>/<file_path>`` like Telegram's file endpoint."""
        with self._lock:
            if not self.check_token(token):
                return 401, _dumps(_UNAUTHORIZED)
            stored = self._file_paths.get(file_path)
            if stored is None or stored.content is None:
                return 404, _dumps(_NOT_FOUND)
            return 200, stored.content


def _extension(name: str) -> str:
    suffix = name.rpartition(".")[2] if "." in name else ""
    return f".{suffix}" if suffix and len(suffix) <= 8 else ""


def _known_photo(meta: Json) -> list[Json]:
    """The one size a photo sent by file_id or URL comes in."""
    return [{"file_id": meta["file_id"], "file_unique_id": meta["file_unique_id"],
             "width": 800, "height": 800}]
