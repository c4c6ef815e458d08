"""Text-to-speech with espeak-ng, run as a separate program (it is GPL-3: never linked).

>>> audio = await EspeakSynthesizer().speak("Waarmee kan ik je helpen?", "nl")
>>> len(audio)   # 8 kHz μ-law bytes, ready for a media stream
"""

from __future__ import annotations

import asyncio
import shutil
import struct
from typing import Protocol

import numpy as np

from samen.channels.base import ChannelError
from samen.channels.voice.audio import to_ulaw

VOICES = {"nl": "nl", "en": "en-us"}
NORMAL_RATE = 165  # words per minute
SLOW_RATE = 125


class Synthesizer(Protocol):
    async def speak(self, text: str, language: str, *, slow: bool = False) -> bytes:
        """8 kHz μ-law audio of ``text``."""
        ...


class EspeakSynthesizer:
    def __init__(self, program: str = "espeak-ng") -> None:
        self.program = program

    async def speak(self, text: str, language: str, *, slow: bool = False) -> bytes:
        executable = shutil.which(self.program)
        if executable is None:
            raise ChannelError("no_tts", f"Text-to-speech needs '{self.program}' installed.")
        process = await asyncio.create_subprocess_exec(
            executable,
            "-v",
            VOICES.get(language, "nl"),
            "-s",
            str(SLOW_RATE if slow else NORMAL_RATE),
            "--stdout",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        wav, error = await process.communicate(text.encode("utf-8"))
        if process.returncode != 0:
            raise ChannelError("tts_failed", f"espeak-ng failed: {error.decode()[:200]}")
        return wav_to_ulaw(wav)


def wav_to_ulaw(wav: bytes) -> bytes:
    rate, channels, samples = read_wav(wav)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return to_ulaw(samples, rate)


def read_wav(wav: bytes) -> tuple[int, int, np.ndarray]:
    """(rate, channels, int16 samples) of a 16-bit PCM WAV. Read by hand because espeak-ng
    writing to a pipe leaves the lengths in the header unset."""
    if wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise ChannelError("bad_audio", "Not a WAV file.")
    position, rate, channels, width = 12, 0, 1, 0
    while position + 8 <= len(wav):
        kind, size = (
            wav[position : position + 4],
            struct.unpack("<I", wav[position + 4 : position + 8])[0],
        )
        body = position + 8
        if kind == b"fmt ":
            _, channels, rate, _, _, bits = struct.unpack("<HHIIHH", wav[body : body + 16])
            width = bits // 8
        elif kind == b"data":
            if width != 2:
                raise ChannelError("bad_audio", "Only 16-bit PCM WAV is supported.")
            end = min(len(wav), body + size)
            # A view of the upload, not a copy: a voicemail may be 20 MB.
            count = (end - body) // 2
            return rate, channels, np.frombuffer(wav, dtype="<i2", count=count, offset=body)
        position = body + size + (size & 1)
    raise ChannelError("bad_audio", "The WAV file has no audio data.")
