"""Samen's own speech on a Twilio-Media-Streams-shaped WebSocket.

The provider (or a SIP gateway) sends JSON frames: ``connected``, ``start`` (with ``callSid``,
``customParameters``: ``From``, ``language``), ``media`` (base64 8 kHz μ-law, 20 ms a frame),
``dtmf`` and ``stop``. Samen detects the end of each utterance, transcribes it, runs the turn,
and answers with ``media`` frames of its spoken answer followed by a ``mark`` (``turn-N``; a
hand-over is a mark ``dial:<number>``, the end of the call ``hangup``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from samen.channels.voice.adapter import VoiceChannel
from samen.channels.voice.audio import FRAME_MS, VoiceActivity, frames, to_whisper
from samen.channels.voice.calls import CallState, CallStep

Send = Callable[[dict[str, Any]], Awaitable[None]]

log = logging.getLogger(__name__)


@dataclass
class TurnTiming:
    """One turn's figures: end of speech → first answer audio, and where the time went."""

    heard: str
    intent: str | None
    audio_seconds: float
    stt_seconds: float
    latency_seconds: float  # includes the voice detector's wait for silence
    turn_seconds: float = 0.0  # understanding, the bot and the store
    speech_seconds: float = 0.0  # text-to-speech of the first sentence


class MediaSession:
    def __init__(self, channel: VoiceChannel, send: Send, language: str, caller: str = "") -> None:
        self.channel = channel
        self.send = send
        self.state = CallState(language)
        self.caller = caller
        self.vad = VoiceActivity()
        self.stream_sid = ""
        self.call_sid = ""
        self.conversation_id: str | None = None
        self.digits = ""
        self.expecting: str | None = None
        self.warming: asyncio.Task[None] | None = None
        self.timings: list[TurnTiming] = []
        self.steps: list[CallStep] = []
        self.done = False

    async def handle(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "start":
            await self._start(event)
        elif kind == "media" and self.call_sid and not self.done:
            frame = base64.b64decode(event.get("media", {}).get("payload", ""))
            utterance = self.vad.push(frame)
            if utterance:
                await self._utterance(utterance)
        elif kind == "dtmf" and self.call_sid and not self.done:
            await self._key(str(event.get("dtmf", {}).get("digit", "")))
        elif kind == "stop":
            self.done = True
            if self.call_sid:
                await self.channel.calls.ended(self.call_sid)

    async def speak_text(self, text: str) -> None:
        """A person's message spoken into the live call."""
        from samen.channels.voice.spoken import speakable

        for sentence in speakable(text, self.state.language):
            await self._audio(sentence)

    # turns -------------------------------------------------------------------------------
    async def _start(self, event: dict[str, Any]) -> None:
        start = event.get("start") or {}
        self.stream_sid = str(event.get("streamSid") or start.get("streamSid") or "")
        self.call_sid = str(start.get("callSid") or self.stream_sid)
        params = start.get("customParameters") or {}
        language = params.get("language") or params.get("lang")
        if language in ("nl", "en"):
            self.state = CallState(language)
        caller = params.get("From") or params.get("from") or self.caller
        if self.channel.transcriber is not None:  # ready by the time the caller has spoken
            self.warming = asyncio.create_task(self.channel.transcriber.warm())
        step = await self.channel.calls.start(self.call_sid, caller, self.state)
        await self._play(step)

    async def _utterance(self, audio: bytes) -> None:
        ended = time.perf_counter()
        transcriber = self.channel.transcriber
        if transcriber is None:
            # A server without speech-to-text hears nothing: the caller is asked again, as
            # after silence, and keys and "0 for a person" keep working.
            log.warning("call %s: speech arrived but no speech-to-text is installed", self.call_sid)
            await self._play(await self.channel.calls.hear(self.call_sid, self.state))
            return
        if self.warming is not None:
            await self.warming  # normally done long ago; raises if speech is not installed
        heard = await transcriber.transcribe(
            to_whisper(audio), self.state.language, expecting=self.expecting
        )
        understood = time.perf_counter()
        step = await self.channel.calls.hear(
            self.call_sid,
            self.state,
            speech=heard.text,
            metadata={"speech": {"engine": "whisper-base", "seconds": round(heard.seconds, 3)}},
        )
        answered = time.perf_counter()
        first_audio = await self._play(step) or time.perf_counter()
        self.timings.append(
            TurnTiming(
                heard.text,
                step.intent,
                heard.audio_seconds,
                heard.seconds,
                latency_seconds=first_audio - ended + self.vad.hangover_ms / 1000,
                turn_seconds=answered - understood,
                speech_seconds=first_audio - answered,
            )
        )

    async def _key(self, digit: str) -> None:
        if digit == "#" or (digit == "0" and not self.digits):
            keyed, self.digits = (self.digits or digit).rstrip("#"), ""
            step = await self.channel.calls.hear(self.call_sid, self.state, digits=keyed or "#")
            await self._play(step)
        elif digit.isdigit():
            self.digits += digit

    async def _play(self, step: CallStep) -> float | None:
        """Speak the step; returns when its first audio frame went out."""
        self.steps.append(step)
        self.state = step.state
        self.expecting = step.expecting
        self.conversation_id = step.conversation_id
        first: float | None = None
        for sentence in step.say:
            sent = await self._audio(sentence)
            first = first or sent
        if step.action == "dial" and step.dial:
            await self._mark(f"dial:{step.dial}")
        elif step.action == "hangup":
            await self._mark("hangup")
        else:
            await self._mark(f"turn-{step.state.turn}")
        return first

    async def _audio(self, sentence: str) -> float | None:
        synthesizer = self.channel.synthesizer
        if synthesizer is None:
            return None
        audio = await synthesizer.speak(sentence, self.state.language, slow=self.state.slow)
        first = None
        for frame in frames(audio):
            payload = base64.b64encode(frame).decode("ascii")
            await self.send(
                {"event": "media", "streamSid": self.stream_sid, "media": {"payload": payload}}
            )
            first = first or time.perf_counter()
        return first

    async def _mark(self, name: str) -> None:
        await self.send({"event": "mark", "streamSid": self.stream_sid, "mark": {"name": name}})


def frame_event(stream_sid: str, frame: bytes, number: int) -> str:
    """A ``media`` frame as a provider sends it (tests and the benchmark use this)."""
    return json.dumps(
        {
            "event": "media",
            "sequenceNumber": str(number + 2),
            "streamSid": stream_sid,
            "media": {
                "track": "inbound",
                "chunk": str(number + 1),
                "timestamp": str(number * FRAME_MS),
                "payload": base64.b64encode(frame).decode("ascii"),
            },
        }
    )
