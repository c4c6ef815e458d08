"""What a client sends on a live stream (the customer's stream, the console's feed), as JSON.

A frame that is not JSON (plain text, a binary blob, a half-sent object) is answered with an
error frame, the stream's ``{"type": ...}`` envelope around the contract's error shape, and the
connection stays open: one bad frame from a widget must not cost it the live events::

    async for incoming in json_frames(websocket):
        if incoming.get("type") == "typing":
            ...
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import WebSocket

from samen.web.errors import error_body

INVALID_FRAME = {
    "type": "error",
    **error_body(
        "invalid_frame",
        'A frame must be a JSON object in UTF-8, such as {"type": "typing", "typing": true}.',
    ),
}


async def json_frames(websocket: WebSocket) -> AsyncIterator[dict[str, Any]]:
    """Each JSON object the client sends; ends when the client disconnects."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text")
        if raw is None:
            raw = message.get("bytes")
        try:
            incoming = json.loads(raw) if raw is not None else None
        except (ValueError, RecursionError):  # not UTF-8 and not JSON are both ValueErrors
            incoming = None
        if not isinstance(incoming, dict):
            await websocket.send_json(INVALID_FRAME)
            continue
        yield incoming
