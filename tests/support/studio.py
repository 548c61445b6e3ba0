"""Shared by the studio tests: a studio over a writable copy of the shipped content, served on
127.0.0.1, and small HTTP helpers."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.studio.server import StudioServer
from bot.studio.state import Studio

CONTENT = Path(__file__).resolve().parents[2] / "content"


@dataclass
class Running:
    server: StudioServer
    root: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def call(self, path: str, body: dict[str, Any] | None = None,
             token: str | None = None) -> tuple[int, Any]:
        """GET (or POST `body` as JSON) with the token in the URL; the status and parsed body."""
        token = self.server.token if token is None else token
        joiner = "&" if "?" in path else "?"
        request = urllib.request.Request(f"{self.base}{path}{joiner}token={token}")
        if body is not None:
            request.data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw, status = response.read(), response.status
        except urllib.error.HTTPError as error:
            raw, status = error.read(), error.code
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode()


def content_copy(folder: Path) -> Path:
    """A writable copy of the shipped content, still named `content` (as messages name it)."""
    root = folder / "content"
    shutil.copytree(CONTENT, root)
    return root


@contextmanager
def serve(root: Path) -> Iterator[Running]:
    """A studio over `root` on a free port of 127.0.0.1, stopped afterwards."""
    server = StudioServer(Studio(root))
    server.start()
    try:
        yield Running(server, root)
    finally:
        server.shutdown()
        server.server_close()


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """The lines that differ, pairwise (the files must have the same number of lines)."""
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new), "the save added or removed lines"
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]
