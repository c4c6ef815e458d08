"""Request size limit as plain ASGI middleware: large bodies are refused before they are read.

A body that declares its length is refused at once; one streamed without a length (chunked) is
refused as soon as it passes the limit. That refusal is raised from inside the app's read of the
body, so it is an ``HTTPException``: FastAPI passes those on instead of calling the body unreadable.

One limit serves every path but those given a limit of their own (the voicemail upload: minutes
of audio, where 256 KB holds eight seconds)::

    app.add_middleware(BodySizeLimit, max_bytes=256_000, paths={"/api/v1/…/voicemail": 20_000_000})
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from samen.web.errors import error_body


class BodySizeLimit:
    def __init__(
        self, app: ASGIApp, max_bytes: int, paths: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.paths = dict(paths or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.paths.get(scope["path"], self.max_bytes)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(_message(limit))
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(send, limit)

    async def _refuse(self, send: Send, limit: int) -> None:
        body = json.dumps(error_body("request_too_large", _message(limit))).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _message(limit: int) -> str:
    return f"The request is larger than {limit} bytes, the most this address accepts."


class _TooLarge(HTTPException):
    def __init__(self, message: str) -> None:
        super().__init__(413, message)
