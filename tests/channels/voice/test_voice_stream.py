"""Real speech through the media-stream WebSocket: espeak-ng utterances as 8 kHz μ-law frames
in, Whisper, the bot, and espeak-ng answer frames out. Slow: loads Whisper base."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import uvicorn
import websockets

from samen.channels.voice.audio import FRAME_BYTES, frames
from samen.channels.voice.stream import frame_event
from samen.web.app import create_app

pytestmark = pytest.mark.slow
SILENCE = b"\xff" * FRAME_BYTES


def utterance(text: str, voice: str, folder: Path) -> bytes:
    """What a caller says, as telephone audio: espeak-ng, then sox to 8 kHz μ-law."""
    wav, ulaw = folder / "said.wav", folder / "said.ulaw"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "130", "-w", str(wav), text], check=True)
    subprocess.run(
        ["sox", str(wav), "-r", "8000", "-c", "1", "-e", "mu-law", "-t", "raw", str(ulaw)],
        check=True,
    )
    return ulaw.read_bytes()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def live(demo, whisper) -> AsyncIterator[str]:
    demo.extras["voice"].transcriber = whisper  # loaded once per test run
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(demo), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    yield f"127.0.0.1:{port}"
    server.should_exit = True
    await task


class Line:
    def __init__(self, ws: websockets.ClientConnection, sid: str) -> None:
        self.ws, self.sid, self.sent = ws, sid, 0

    async def start(self, caller: str, language: str) -> None:
        await self.ws.send(
            json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        )
        start = {
            "accountSid": "AC0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "streamSid": self.sid,
            "callSid": "CA" + self.sid[2:],
            "tracks": ["inbound"],
            "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
            "customParameters": {"From": caller, "language": language},
        }
        await self.ws.send(
            json.dumps(
                {"event": "start", "sequenceNumber": "1", "start": start, "streamSid": self.sid}
            )
        )

    async def speak(self, audio: bytes) -> None:
        for frame in [SILENCE] * 10 + frames(audio) + [SILENCE] * 40:
            await self.ws.send(frame_event(self.sid, frame, self.sent))
            self.sent += 1

    async def say(self, audio: bytes) -> tuple[int, str]:
        """Speak, and hear the answer: its frames of audio and the mark after it."""
        await self.speak(audio)
        return await self.answer()

    async def answer(self) -> tuple[int, str]:
        """Frames of spoken answer until the next mark, and that mark's name."""
        audio = 0
        while True:
            event = json.loads(await asyncio.wait_for(self.ws.recv(), timeout=90))
            assert event["streamSid"] == self.sid
            if event["event"] == "media":
                assert len(base64.b64decode(event["media"]["payload"])) == FRAME_BYTES
                audio += 1
            elif event["event"] == "mark":
                return audio, event["mark"]["name"]


@asynccontextmanager
async def call(
    live: str, sid: str, caller: str, language: str, query: str = ""
) -> AsyncIterator[Line]:
    """A call on the media stream, started; the greeting still to be heard."""
    async with websockets.connect(f"ws://{live}/api/v1/channels/voice/stream{query}") as ws:
        line = Line(ws, sid)
        await line.start(caller, language)
        yield line


async def customer_words(demo, call_sid: str) -> list[dict]:
    async with demo.store.transaction() as tx:
        conversation = await tx.find_conversation_by_reference("call_sid", call_sid)
        messages = await tx.list_messages(conversation.id)
    return [m.metadata | {"text": m.text} for m in messages if m.sender == "customer"]


async def test_that_a_dutch_caller_asking_for_their_order_is_asked_for_the_number(
    live, demo, tmp_path
):
    said = utterance("Waar is mijn bestelling?", "nl", tmp_path)
    async with call(live, "MZ00000000000000000000000000000001", "+31612345678", "nl") as line:
        greeting, mark = await line.answer()
        assert greeting > 100 and mark == "turn-0"  # seconds of "digital assistant" greeting
        answer, mark = await line.say(said)
        assert answer > 50 and mark == "turn-1"
        await line.ws.send(
            json.dumps({"event": "stop", "sequenceNumber": "99", "streamSid": line.sid, "stop": {}})
        )
    [heard] = await customer_words(demo, "CA00000000000000000000000000000001")
    assert heard["understanding"]["intent"]["name"] == "order_status"
    assert "bestelling" in heard["text"].lower()


async def test_that_an_english_caller_asking_for_an_agent_is_put_through(live, demo, tmp_path):
    said = utterance("I want to talk to an agent.", "en-us", tmp_path)
    async with call(
        live, "MZ00000000000000000000000000000002", "+31687654321", "en", query="?lang=en"
    ) as line:
        await line.answer()
        answer, mark = await line.say(said)
        assert answer > 50 and mark == "dial:+31887654303"
    [heard] = await customer_words(demo, "CA00000000000000000000000000000002")
    assert heard["understanding"]["intent"]["name"] == "human_handoff"
    assert heard["speech"]["engine"] == "whisper-base"


async def test_that_a_voicemail_is_transcribed_into_a_conversation_for_a_person(
    demo_client, demo, whisper, tmp_path
):
    demo.extras["voice"].transcriber = whisper
    wav = tmp_path / "voicemail.wav"
    subprocess.run(
        [
            "espeak-ng",
            "-v",
            "en-us",
            "-s",
            "130",
            "-w",
            str(wav),
            "My internet is down, please call me back.",
        ],
        check=True,
    )
    response = await demo_client.post(
        "/api/v1/channels/voice/voicemail",
        files={"audio": ("voicemail.wav", wav.read_bytes(), "audio/wav")},
        data={"from": "06-87654321", "language": "en"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert "internet" in body["transcript"].lower()
    assert body["conversation"]["channel"] == "voice"
    assert body["conversation"]["state"] == "queued"


async def test_that_a_caller_on_a_server_without_speech_to_text_is_asked_again_not_cut_off(
    live, demo, tmp_path
):
    demo.extras["voice"].transcriber = None  # the voice extra not installed
    said = utterance("Waar is mijn bestelling?", "nl", tmp_path)
    async with call(live, "MZ00000000000000000000000000000003", "+31612345678", "nl") as line:
        await line.answer()
        asked_again, mark = await line.say(said)
        assert asked_again > 50 and mark == "turn-1"
        _, mark = await line.say(said)  # the line is still open and still answers
        assert mark.startswith(("turn-2", "dial:"))
