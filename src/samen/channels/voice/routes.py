"""The voice channel's HTTP and WebSocket endpoints under ``/api/v1/channels/voice``."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from starlette.datastructures import FormData, UploadFile

from samen.channels.voice import twilio
from samen.channels.voice.signature import valid
from samen.channels.voice.stream import MediaSession
from samen.channels.voice.voicemail import LANGUAGES, MAX_CALLER_CHARS, take_voicemail
from samen.conversations.views import conversation_view
from samen.errors import InvalidRequest

router = APIRouter()
router.include_router(twilio.router)
extra = APIRouter(prefix="/api/v1/channels/voice", tags=["voice"])
# Its body may be as large as SAMEN_VOICEMAIL_MAX_BYTES, not the general limit (web/app.py).
VOICEMAIL_PATH = f"{extra.prefix}/voicemail"


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


# The form is read by hand, not declared: a field FastAPI refuses would be answered before the
# recording is stored, and the audio lost. Its schema is documented here instead.
_VOICEMAIL_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["audio"],
                    "properties": {
                        "audio": {
                            "type": "string",
                            "format": "binary",
                            "description": "WAV (16-bit PCM), 8 kHz μ-law (.ulaw), or what sox reads",
                        },
                        "from": {
                            "type": "string",
                            "maxLength": MAX_CALLER_CHARS,
                            "description": "The caller's number; left out when it is withheld",
                        },
                        "language": {
                            "type": "string",
                            "enum": list(LANGUAGES),
                            "description": "The service's own language when left out",
                        },
                    },
                }
            }
        },
    }
}


@extra.post(
    "/voicemail",
    status_code=201,
    summary="Transcribe a voicemail into a conversation",
    description=(
        "The recording is stored before anything else happens to it. An upload whose fields "
        "are wrong (422) or whose audio cannot be read (400) is kept all the same, and the "
        "error's `fields.voicemail` names it. An upload may be as large as the server's "
        "`SAMEN_VOICEMAIL_MAX_BYTES` (20 MB, about ten minutes of 16 kHz 16-bit WAV, by "
        "default); a larger one is refused with 413 before any of it is kept."
    ),
    openapi_extra=_VOICEMAIL_FORM,
)
async def voicemail(request: Request) -> dict[str, Any]:
    channel = twilio.voice_channel(request)
    # The upload is read once into memory and the form closed before it is taken: the form's
    # copy (in memory up to 1 MB, on disk beyond) is not kept while the speech-to-text runs.
    async with request.form() as form:
        audio, problems = _recording_in(form)
        data = await audio.read()
        filename, content_type = audio.filename or "voicemail.wav", audio.content_type or ""
        fields = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    conversation, transcript = await take_voicemail(
        channel, data, filename, fields, content_type, problems
    )
    return {
        "conversation": conversation_view(conversation),
        "transcript": transcript,
        "heard": bool(transcript),
    }


def _recording_in(form: FormData) -> tuple[UploadFile, list[dict[str, str]]]:
    """The uploaded recording: the ``audio`` file, or the one file sent under another name
    (stored all the same, and refused for its name). No file at all cannot be stored."""
    files = [(name, value) for name, value in form.multi_items() if isinstance(value, UploadFile)]
    named = [upload for name, upload in files if name == "audio"]
    if named:
        return named[0], []
    if len(files) == 1:
        name, upload = files[0]
        return upload, [{"field": "audio", "problem": f"the recording came as '{name}'"}]
    problem = "send the recording as a file (multipart/form-data)"
    raise InvalidRequest([{"field": "audio", "problem": problem}])


router.include_router(extra)
