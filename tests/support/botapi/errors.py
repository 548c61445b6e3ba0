"""Bot API error replies and injected faults (flood control, 500s, timeouts, resets)."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from .records import Envelope, Json, UploadedFile

FAULT_KINDS = frozenset({"429", "500", "timeout", "reset"})
DEFAULT_FAULT_METHODS = frozenset(
    {"sendMessage", "editMessageText", "sendDocument", "answerCallbackQuery"}
)


class ApiError(Exception):
    """A Bot API error response; raised inside method handlers, turned into the envelope."""

    def __init__(self, code: int, description: str, parameters: Json | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> Envelope:
        """The HTTP status and JSON body Telegram would answer with."""
        body: Json = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return self.code, body


class InjectedFault(Exception):
    """A transport-level fault (``timeout`` or ``reset``) that each transport enacts itself."""

    def __init__(self, kind: str, method: str, sleep: float = 0.0) -> None:
        super().__init__(f"injected {kind} fault on {method}")
        self.kind = kind
        self.method = method
        self.sleep = sleep


@dataclass
class FaultPolicy:
    """Randomly fails a share of calls, deterministically for a given ``seed``.

    Kinds: ``"429"`` (flood control with ``parameters.retry_after``), ``"500"``, ``"timeout"``
    (HTTP: the server stalls ``timeout_sleep`` seconds then hangs up; in process:
    ``telegram.error.TimedOut``) and ``"reset"`` (HTTP: connection dropped without a response;
    in process: ``telegram.error.NetworkError``).  A faulted call is never delivered.
    """

    rate: float = 0.0
    kinds: tuple[str, ...] = ("429",)
    retry_after: int = 1
    seed: int | None = None
    methods: Iterable[str] = DEFAULT_FAULT_METHODS
    timeout_sleep: float = 2.0
    max_faults: int | None = None
    injected: int = field(default=0, init=False)
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - FAULT_KINDS
        if unknown or not self.kinds:
            raise ValueError(f"fault kinds must be a non-empty subset of {sorted(FAULT_KINDS)}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be within [0, 1]")
        if self.retry_after < 1:
            raise ValueError("retry_after must be >= 1 (PTB ignores a zero retry_after)")
        self.methods = frozenset(self.methods)
        self._rng = random.Random(self.seed)

    def pick(self, method: str) -> str | None:
        """The fault kind to inject for this call, or ``None`` to let it through."""
        if method not in self.methods:  # type: ignore[operator]
            return None
        if self.max_faults is not None and self.injected >= self.max_faults:
            return None
        if self._rng.random() >= self.rate:
            return None
        self.injected += 1
        return self._rng.choice(self.kinds)


class FaultsMixin:
    """Forced and random faults, decided before a call reaches its handler."""

    def fail_next(self, method: str, kind: str = "429", times: int = 1) -> None:
        """Force the next ``times`` calls of ``method`` to fail with ``kind``."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {sorted(FAULT_KINDS)}")
        with self._lock:
            self._forced.setdefault(method, deque()).extend([kind] * times)

    def _fault_for(
        self, method: str, params: Json, files: dict[str, UploadedFile]
    ) -> Envelope | None:
        """Pick and enact a fault (forced ones first); ``None`` lets the call through."""
        forced = self._forced.get(method)
        policy = self.faults
        kind = forced.popleft() if forced else (policy.pick(method) if policy else None)
        if kind is None:
            return None
        self.injected_faults.append((method, kind))
        retry_after = policy.retry_after if policy else 1
        if kind == "429":
            body: Json = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            }
            return self._record(method, params, files, 429, body, fault=kind)
        if kind == "500":
            body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            return self._record(method, params, files, 500, body, fault=kind)
        self._record(method, params, files, 0, {}, fault=kind)
        raise InjectedFault(kind, method, policy.timeout_sleep if policy else 2.0)
