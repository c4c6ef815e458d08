"""The voice channel's HTTP and WebSocket endpoints under ``/api/v1/channels/voice``."""

from __future__ import annotations

import contextlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile, WebSocket, WebSocketDisconnect

from samen.channels.voice import twilio
from samen.channels.voice.signature import valid
from samen.channels.voice.stream import MediaSession
from samen.channels.voice.voicemail import take_voicemail
from samen.conversations.views import conversation_view

router = APIRouter()
router.include_router(twilio.router)
extra = APIRouter(prefix="/api/v1/channels/voice", tags=["voice"])


@extra.websocket("/stream")
async def media_stream(websocket: WebSocket) -> None:
    """A Twilio-Media-Streams-shaped socket: μ-law audio in, Samen's spoken answers out."""
    channel = websocket.app.state.container.extras.get("voice")
    if channel is None:
        await websocket.close(code=4404)
        return
    if channel.auth_token:
        url = (
            str(websocket.url).replace("ws://", "wss://", 1)
            if channel.public_url
            else str(websocket.url)
        )
        if not valid(channel.auth_token, url, {}, websocket.headers.get("X-Twilio-Signature")):
            await websocket.close(code=4403)
            return
    await websocket.accept()
    query = websocket.query_params
    language = str(query.get("lang") or channel.default_language)
    if language not in ("nl", "en"):
        language = channel.default_language

    async def send(event: dict[str, Any]) -> None:
        await websocket.send_text(json.dumps(event))

    session = MediaSession(channel, send, language, query.get("from", ""))
    try:
        while not session.done:
            await session.handle(json.loads(await websocket.receive_text()))
            if session.conversation_id:
                channel.live[session.conversation_id] = session
    except WebSocketDisconnect:
        pass
    finally:
        if session.conversation_id:
            channel.live.pop(session.conversation_id, None)
    with contextlib.suppress(RuntimeError):
        await websocket.close()


@extra.post("/voicemail", status_code=201, summary="Transcribe a voicemail into a conversation")
async def voicemail(
    request: Request,
    audio: Annotated[UploadFile, File(description="WAV (16-bit PCM) or 8 kHz μ-law")],
    caller: Annotated[str, Form(alias="from", max_length=40)] = "",
    language: Annotated[str, Form(pattern="^(nl|en)$")] = "nl",
) -> dict[str, Any]:
    channel = twilio.voice_channel(request)
    data = await audio.read()
    conversation, transcript = await take_voicemail(
        channel, data, audio.filename or "voicemail.wav", caller, language, audio.content_type or ""
    )
    return {
        "conversation": conversation_view(conversation),
        "transcript": transcript,
        "heard": bool(transcript),
    }


router.include_router(extra)
