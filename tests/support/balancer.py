"""A small loopback HTTP load balancer in front of several bot processes in webhook mode.

Each request goes to the next backend in turn. A backend that refuses the connection, or drops
it before answering (a process killed mid-update), is skipped and the request goes to the next
one, as Telegram delivers an unanswered update again.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

ATTEMPTS = 20  # rounds over the backends before giving up on a request


class Balancer:
    """Round-robin over `ports` on 127.0.0.1; `routed` counts the requests each answered."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.routed: Counter[int] = Counter()
        self.port = 0
        self._turn = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="balancer", daemon=True)

    def __enter__(self) -> Balancer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await _read_request(reader)
            answer = await self._forward(request)
            writer.write(answer or b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
        finally:
            writer.close()

    async def _forward(self, request: bytes) -> bytes | None:
        for attempt in range(ATTEMPTS * len(self.ports)):
            port = self.ports[self._turn % len(self.ports)]
            self._turn += 1
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(request)
                await writer.drain()
                answer = await asyncio.wait_for(reader.read(), timeout=30)
                writer.close()
            except (TimeoutError, OSError):
                answer = b""
            if answer:
                self.routed[port] += 1
                return answer
            if attempt % len(self.ports) == len(self.ports) - 1:
                await asyncio.sleep(0.1)
        return None


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    """One HTTP request, re-written to close its connection after the answer."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = [line for line in lines[1:] if line and not line.lower().startswith("connection:")]
    length = next((int(line.split(":", 1)[1]) for line in headers
                   if line.lower().startswith("content-length:")), 0)
    body = await reader.readexactly(length)
    return "\r\n".join([lines[0], *headers, "Connection: close", "", ""]).encode("latin-1") + body
