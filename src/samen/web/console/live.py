"""``WS /console/live``: the console's live feed.

It forwards the broker's console channel (conversations changing state, presence, notes and
actions), filtered to what this person may see, and, with ``?conversation=ID``, that
conversation's own channel (messages, typing). The browser sends ``ping`` (every 25 s: the
heartbeat that keeps its person "here" for assignment) and ``typing``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from samen.agents.models import User
from samen.agents.service import AgentServices
from samen.errors import SamenError
from samen.realtime.ports import CONSOLE_CHANNEL, conversation_channel
from samen.web.agentauth import SESSION_COOKIE
from samen.web.frames import json_frames

router = APIRouter(include_in_schema=False)


@router.websocket("/console/live")
async def live(websocket: WebSocket, conversation: str | None = None) -> None:
    container = websocket.app.state.container
    agents: AgentServices = container.extras["agents"]
    if not _same_origin(websocket):
        await websocket.close(code=4403, reason="origin")
        return
    try:
        user = await agents.auth.session_user(websocket.cookies.get(SESSION_COOKIE, ""))
        channels = [CONSOLE_CHANNEL]
        if conversation:
            await agents.desk.get(user, conversation)
            channels.append(conversation_channel(conversation))
    except SamenError:
        await websocket.close(code=4401, reason="not_logged_in")
        return
    await websocket.accept()
    async with container.broker.subscribe(*channels) as events:
        await websocket.send_json({"type": "ready"})
        forward = asyncio.create_task(_forward(websocket, events, user))
        try:
            async for incoming in json_frames(websocket):
                await _handle(agents, user, conversation, incoming)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            forward.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await forward


async def _handle(
    agents: AgentServices, user: User, conversation: str | None, incoming: dict[str, Any]
) -> None:
    if incoming.get("type") == "ping":
        await agents.people.touch(user.id, agents.desk.clock.now())
    elif incoming.get("type") == "typing" and conversation:
        with contextlib.suppress(SamenError):
            await agents.desk.typing(user, conversation, bool(incoming.get("typing")))


async def _forward(websocket: WebSocket, events: Any, user: User) -> None:
    async for event in events:
        if _visible(user, event):
            await websocket.send_json(event)


def _visible(user: User, event: dict[str, Any]) -> bool:
    if user.oversees or event.get("type") in ("presence", "typing", "message"):
        return True  # messages and typing only come from the conversation this person opened
    about = event.get("conversation") or event
    return about.get("agent_id") == user.id or user.works(about.get("queue"))


def _same_origin(websocket: WebSocket) -> bool:
    # Browsers send Origin on WebSocket handshakes; a page of another site must not ride the cookie.
    origin = websocket.headers.get("origin")
    host = websocket.headers.get("host")
    return origin is None or (host is not None and origin.split("://", 1)[-1] == host)
