"""The studio's web server: the standard library's `ThreadingHTTPServer`, on 127.0.0.1 only.

Like a notebook server, it prints a URL with a random token; a request without the token
(in the URL, or the cookie the first visit sets) gets 403, and so does one addressed to another
host name (a web page elsewhere cannot reach it by rebinding a name to 127.0.0.1).
"""

from __future__ import annotations

import hmac
import json
import mimetypes
import secrets
import threading
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from bot.studio.edit import Refused
from bot.studio.play import Refusal
from bot.studio.state import Studio

HOST = "127.0.0.1"
STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "coachbot_studio"
MAX_BODY = 64 * 1024  # a sentence, a question or a button: far less than this


class StudioServer(ThreadingHTTPServer):
    """One studio, one token; requests are answered on threads of their own."""

    daemon_threads = True

    def __init__(self, studio: Studio, port: int = 0, token: str | None = None) -> None:
        self.studio = studio
        self.token = token or secrets.token_urlsafe(24)
        super().__init__((HOST, port), _Handler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/?token={self.token}"

    def start(self) -> threading.Thread:
        """Serve on a background thread (tests and the benchmark); `shutdown()` stops it."""
        thread = threading.Thread(target=self.serve_forever, name="studio", daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: StudioServer
    server_version = "coachbot-studio"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests carry the reviewer's words and the token, so none are logged."""

    # --- access ------------------------------------------------------------------------------

    def _allowed(self) -> bool:
        port = self.server.server_address[1]
        if self.headers.get("Host", "") not in (f"{HOST}:{port}", f"localhost:{port}"):
            return False
        given = parse_qs(urlparse(self.path).query).get("token", [""])[0]
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        if not given and COOKIE in cookie:
            given = cookie[COOKIE].value
        return hmac.compare_digest(given.encode(), self.server.token.encode())

    def _refuse(self) -> None:
        body = (b"403: this studio needs its access token. Open the address that "
                b"`coachbot studio` printed, with ?token=... at its end.\n")
        self._send(HTTPStatus.FORBIDDEN, body, "text/plain; charset=utf-8")

    # --- answering ---------------------------------------------------------------------------

    def _send(self, status: HTTPStatus, body: bytes, kind: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self'")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, data: Any, status: HTTPStatus = HTTPStatus.OK) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def do_GET(self) -> None:
        if not self._allowed():
            self._refuse()
            return
        url = urlparse(self.path)
        studio = self.server.studio
        if url.path in ("/", "/index.html"):
            cookie = f"{COOKIE}={self.server.token}; HttpOnly; SameSite=Strict; Path=/"
            body = (STATIC / "index.html").read_bytes()
            self._send(HTTPStatus.OK, body, "text/html; charset=utf-8", {"Set-Cookie": cookie})
        elif url.path.startswith("/static/"):
            self._static(url.path.removeprefix("/static/"))
        elif url.path == "/api/overview":
            self._json(studio.overview())
        elif url.path == "/api/page":
            page = studio.page(parse_qs(url.query).get("id", [""])[0])
            if page is None:
                self._json({"reason": "There is no such content file."}, HTTPStatus.NOT_FOUND)
            else:
                self._json(page)
        else:
            self._json({"reason": "Nothing here."}, HTTPStatus.NOT_FOUND)

    def _static(self, name: str) -> None:
        file = (STATIC / name).resolve()
        if STATIC not in file.parents or not file.is_file():
            self._json({"reason": "Nothing here."}, HTTPStatus.NOT_FOUND)
            return
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self._send(HTTPStatus.OK, file.read_bytes(), f"{kind}; charset=utf-8")

    def do_POST(self) -> None:
        if not self._allowed():
            self._refuse()
            return
        request = self._body()
        if request is None:
            self._json({"reason": "Send a JSON object."}, HTTPStatus.BAD_REQUEST)
            return
        studio = self.server.studio
        actions = {
            "/api/play": lambda: studio.play(str(request.get("tab", "")), request),
            "/api/ask": lambda: studio.ask(str(request.get("question", "")), request.get("locale")),
            "/api/save": lambda: studio.save_text(request),
            "/api/review": lambda: studio.set_review(request),
            "/api/translated": lambda: studio.record_translation(request),
        }
        action = actions.get(urlparse(self.path).path)
        if action is None:
            self._json({"reason": "Nothing here."}, HTTPStatus.NOT_FOUND)
            return
        try:
            self._json(action())
        except Refused as refused:
            self._json({"ok": False, "reason": refused.reason,
                        "problems": [{"text": str(p), "severity": p.severity.value}
                                     for p in refused.problems]},
                       HTTPStatus.UNPROCESSABLE_ENTITY)
        except Refusal as refusal:
            self._json({"ok": False, "reason": str(refusal), "problems": []},
                       HTTPStatus.UNPROCESSABLE_ENTITY)

    def _body(self) -> dict[str, Any] | None:
        """The request's JSON object; None for anything else (forms from other pages too)."""
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            return None
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            return None
        if not 0 < length <= MAX_BODY:
            return None
        try:
            data = json.loads(self.rfile.read(length))
        except ValueError:
            return None
        return data if isinstance(data, dict) else None
