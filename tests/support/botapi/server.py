"""Loopback HTTP transport: the fake on ``http://127.0.0.1:<port>`` with network faults."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import struct
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .api import FakeBotApi
from .errors import ApiError, InjectedFault
from .records import Call, Json, UploadedFile
from .wire import _NOT_FOUND, _UNAUTHORIZED, _dumps, _parse_route, decode_form_params

_LOG = logging.getLogger(__name__)


def _form_param(header: str, name: str) -> str | None:
    """A ``name="value"`` parameter of a Content-Disposition header (httpx escaping)."""
    match = re.search(rf'(?:^|;)\s*{name}="((?:[^"\\]|\\.)*)"', header)
    if match is None:
        return None
    value = match.group(1).replace("\\\\", "\\")
    return re.sub(r"%([01][0-9A-F]|22)", lambda m: chr(int(m.group(1), 16)), value)


def parse_multipart(
    body: bytes, content_type: str
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """Split a ``multipart/form-data`` body into string fields and file parts."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise ApiError(400, "Bad Request: multipart boundary not found")
    delimiter = b"--" + match.group(1).encode()
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = _form_param(disposition, "name") or ""
        filename = _form_param(disposition, "filename")
        if filename is None:
            fields[name] = data.decode()
        else:
            mime = headers.get("content-type", "application/octet-stream")
            files[name] = UploadedFile(name, filename, data, mime)
    return fields, files


class _Server(ThreadingHTTPServer):
    """Threaded HTTP server that can drop all live connections on shutdown."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, api: FakeBotApi) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, address = super().get_request()
        with self._connections_lock:
            self._connections.add(conn)
        return conn, address

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up (cancelled long polls, client timeouts) are normal here."""
        _LOG.debug("connection from %s ended abruptly", client_address, exc_info=True)

    def drop_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    """Serves ``/bot<token>/<method>`` and ``/file/bot<token>/<path>`` like api.telegram.org."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes; avoid 40 ms stalls
    server: _Server
    timeout = 60
    error_content_type = "application/json"
    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        route = _parse_route(self.path)
        api = self.server.api
        if route is None:
            self._send(404, _dumps(_NOT_FOUND))
            return
        if route.kind == "file":
            status, payload = api.download(route.token, route.name)
            self._send(status, payload, "application/octet-stream" if status == 200 else None)
            return
        if not api.check_token(route.token):
            self._send(401, _dumps(_UNAUTHORIZED))
            return
        try:
            params, files = self._params(body)
            status, envelope = api.handle(route.name, params, files)
        except ApiError as exc:
            status, envelope = exc.envelope()
        except InjectedFault as fault:
            self._fault(fault)
            return
        self._send(status, _dumps(envelope))

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _params(self, body: bytes) -> tuple[Json, dict[str, UploadedFile]]:
        """Decode query string plus a form, JSON or multipart body into typed params."""
        content_type = self.headers.get("Content-Type", "")
        raw: dict[str, str] = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        files: dict[str, UploadedFile] = {}
        typed: Json = {}
        if content_type.startswith("multipart/form-data"):
            fields, files = parse_multipart(body, content_type)
            raw.update(fields)
        elif content_type.startswith("application/json") and body:
            try:
                typed = json.loads(body)
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON object") from None
        elif body:
            raw.update(parse_qsl(body.decode(), keep_blank_values=True))
        return {**decode_form_params(raw), **typed}, files

    def _send(self, status: int, payload: bytes, content_type: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type or "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _fault(self, fault: InjectedFault) -> None:
        """Stall (timeout) and/or hang up without a response, as a flaky network would."""
        if fault.kind == "timeout":
            self.server.stopping.wait(fault.sleep)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )


class BotApiServer:
    """The fake Bot API on ``http://127.0.0.1:<ephemeral port>`` for real HTTP clients.

    Point PTB at it with ``base_url=server.base_url`` (or export it as
    ``TELEGRAM_API_BASE_URL`` for a bot in a subprocess).
    """

    def __init__(self, api: FakeBotApi | None = None) -> None:
        self.api = api or FakeBotApi()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> BotApiServer:
        """Bind an ephemeral loopback port and serve in a daemon thread."""
        if self._server is None:
            self._server = _Server(self.api)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="fake-bot-api",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop promptly, even with long polls or stalled (timeout-fault) requests pending."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        self.api.interrupt_polls()
        server.shutdown()
        server.drop_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> BotApiServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (server must be started)."""
        if self._server is None:
            raise RuntimeError("BotApiServer is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """Value for PTB's ``base_url`` / ``TELEGRAM_API_BASE_URL``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for PTB's ``base_file_url``, so file downloads hit this server too."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    def wait_for(
        self, predicate: str | Callable[[Call], bool], timeout: float = 5.0, *, since: int = 0
    ) -> Call:
        """Block until a recorded call matches (see :meth:`FakeBotApi.wait_for`)."""
        return self.api.wait_for(predicate, timeout, since=since)

    async def wait_for_async(
        self, predicate: str | Callable[[Call], bool], timeout: float = 5.0, *, since: int = 0
    ) -> Call:
        """Await a matching call without blocking the event loop the bot polls in."""
        return await self.api.wait_for_async(predicate, timeout, since=since)
