"""A free port on the loopback interface, for a server a test or bench starts."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on now (the system's choice; another process could take it
    before it is used, which on a test machine does not happen in practice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    """Whether a server accepts connections on the loopback `port` now."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
