"""Voicemail recordings for tests: real speech from espeak-ng, and recognisers that stand in for
Whisper where a test is about what happens around the words (test helper)."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import numpy as np

from samen.channels.voice.speech import Transcript


def spoken(text: str, folder: Path, voice: str = "nl") -> bytes:
    """What a caller says, as the WAV espeak-ng writes (16-bit PCM, 22.05 kHz)."""
    wav = folder / f"said-{abs(hash((text, voice)))}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "130", "-w", str(wav), text], check=True)
    return wav.read_bytes()


class FixedTranscriber:
    """A recogniser that hears ``text`` in anything (Whisper does make words up in silence),
    or fails with ``error``; it counts the recordings it was given, and keeps their lengths."""

    def __init__(self, text: str = "", error: Exception | None = None) -> None:
        self.text, self.error, self.given = text, error, 0
        self.seconds: list[float] = []

    async def transcribe(
        self, samples: np.ndarray, language: str, *, expecting: str | None = None
    ) -> Transcript:
        self.given += 1
        self.seconds.append(len(samples) / 16000)
        if self.error is not None:
            raise self.error
        return Transcript(self.text, language, len(samples) / 16000, 0.0)

    async def warm(self) -> None:
        return None


class SlowTranscriber(FixedTranscriber):
    """A recogniser that hears ``text`` once ``done`` is set, as slow as a test wants it;
    ``busy`` is set when it has a recording."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.busy, self.done = asyncio.Event(), asyncio.Event()

    async def transcribe(
        self, samples: np.ndarray, language: str, *, expecting: str | None = None
    ) -> Transcript:
        self.busy.set()
        await self.done.wait()
        return await super().transcribe(samples, language, expecting=expecting)
