"""In-process transport: PTB's request object talking straight to the fake."""

from __future__ import annotations

from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from .api import FakeBotApi
from .errors import InjectedFault
from .records import Json, UploadedFile
from .wire import _NOT_FOUND, _UNAUTHORIZED, _dumps, _parse_route, decode_form_params


class RecordingRequest(BaseRequest):
    """PTB ``BaseRequest`` that hands requests straight to a :class:`FakeBotApi`.

    It decodes exactly what PTB would put on the wire (``json_parameters`` and
    ``multipart_data``), so in-process tests see the same values as the HTTP server.  Use one
    instance for ``.request(...)`` and another for ``.get_updates_request(...)``.
    """

    def __init__(self, api: FakeBotApi, *, read_timeout: float | None = 5.0) -> None:
        self.api = api
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout PTB adds to ``getUpdates``' long-poll ``timeout``."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to set up: there is no connection pool."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Route ``url`` to the fake and return ``(status, JSON bytes)`` like HTTPXRequest."""
        route = _parse_route(url)
        if route is None:
            return 404, _dumps(_NOT_FOUND)
        if route.kind == "file":
            return self.api.download(route.token, route.name)
        if not self.api.check_token(route.token):
            return 401, _dumps(_UNAUTHORIZED)
        params, files = _request_payload(request_data)
        try:
            if route.name.lower() == "getupdates":
                status, body = await self.api.handle_async(route.name, params, files)
            else:
                status, body = self.api.handle(route.name, params, files)
        except InjectedFault as fault:
            raise _in_process_error(fault) from None
        return status, _dumps(body)


def _request_payload(request_data: RequestData | None) -> tuple[Json, dict[str, UploadedFile]]:
    if request_data is None:
        return {}, {}
    params = decode_form_params(request_data.json_parameters)
    if not request_data.contains_files:
        return params, {}
    files = {}
    for name, (filename, content, mime) in request_data.multipart_data.items():
        data = content if isinstance(content, bytes) else content.read()
        files[name] = UploadedFile(name, filename, data, mime)
    return params, files


def _in_process_error(fault: InjectedFault) -> Exception:
    """The exception HTTPXRequest would raise for the same fault on a real socket."""
    if fault.kind == "timeout":
        return TimedOut()
    return NetworkError(
        "httpx.RemoteProtocolError: Server disconnected without sending a response."
    )
