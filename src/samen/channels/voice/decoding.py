"""An uploaded recording as the 16 kHz float samples speech-to-text takes, bounded in length::

    decoded = await decode(audio, "bericht.wav", max_seconds=600)
    decoded.samples   # at most 600 s of 16 kHz mono float32 in [-1, 1]
    decoded.seconds   # the whole recording's length (None: longer, by how much not known)

WAV (16-bit PCM) and raw 8 kHz μ-law (``.ulaw``) are read here, anything else by sox. However
long the recording, at most ``max_seconds`` of it are decoded: the same upload size is ten
minutes of 16 kHz WAV, forty of μ-law and hours of a compressed format, and decoded audio takes
64 KB a second. The work runs in a thread or in sox's own process, so the server answers other
requests meanwhile (resampling ten minutes of 22 kHz WAV took 0.6 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from dataclasses import dataclass

import numpy as np

from samen.channels.voice.audio import resample, ulaw_decode
from samen.channels.voice.synthesis import read_wav
from samen.errors import BadRequest, SamenError

RATE = 16000
ULAW_SUFFIXES = (".ulaw", ".mulaw", ".ul")
_CHUNK = 1 << 16  # bytes written to or read from sox at a time


@dataclass(frozen=True, slots=True)
class Decoded:
    samples: np.ndarray
    seconds: float | None  # of the whole recording; None: longer than decoded, length unknown

    @property
    def decoded_seconds(self) -> float:
        return len(self.samples) / RATE

    @property
    def cut(self) -> bool:
        """Whether only the start of the recording was decoded."""
        return self.seconds is None or self.seconds > self.decoded_seconds + 0.05


async def decode(audio: bytes, filename: str, max_seconds: float) -> Decoded:
    """At most ``max_seconds`` of the recording; a ``BadRequest`` if it cannot be read."""
    if not audio:
        raise BadRequest("empty_audio", "The upload holds no audio.")
    if audio[:4] == b"RIFF":
        decoded = await asyncio.to_thread(_wav, audio, max_seconds)
        if decoded is not None:
            return decoded
    if filename.lower().endswith(ULAW_SUFFIXES):
        return await asyncio.to_thread(_ulaw, audio, max_seconds)
    return await _with_sox(audio, filename, max_seconds)


def _wav(audio: bytes, max_seconds: float) -> Decoded | None:
    try:
        rate, channels, pcm = read_wav(audio)
    except SamenError:
        return None
    frames = len(pcm) // max(channels, 1)
    if not frames or rate <= 0:
        return None  # tried as μ-law or by sox, which say whether it can be read
    kept = pcm[: min(frames, int(max_seconds * rate)) * channels]
    if channels > 1:
        mono = kept.reshape(-1, channels).mean(axis=1, dtype=np.float32)
    else:
        mono = kept.astype(np.float32)
    mono /= 32768.0
    return Decoded(resample(mono, rate, RATE), frames / rate)


def _ulaw(audio: bytes, max_seconds: float) -> Decoded:
    pcm = ulaw_decode(memoryview(audio)[: int(max_seconds * 8000)]).astype(np.float32)
    pcm /= 32768.0
    return Decoded(resample(pcm, 8000, RATE), len(audio) / 8000)


async def _with_sox(audio: bytes, filename: str, max_seconds: float) -> Decoded:
    sox = shutil.which("sox")
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "wav"
    if sox is None or not suffix.isalnum():
        raise BadRequest("unsupported_audio", "Send a 16-bit PCM WAV or 8 kHz μ-law recording.")
    process = await asyncio.create_subprocess_exec(
        sox, "-t", suffix, "-", "-t", "raw", "-r", str(RATE), "-e", "signed", "-b", "16", "-c",
        "1", "-", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    feeding = asyncio.create_task(_feed(process.stdin, audio))
    wanted = int(max_seconds * RATE) * 2
    out, read = bytearray(), False
    try:
        while len(out) <= wanted and (chunk := await process.stdout.read(_CHUNK)):
            out += chunk
        read = True
    finally:
        longer = len(out) > wanted
        if (longer or not read) and process.returncode is None:
            process.kill()  # what follows is not heard (or nobody waits): sox need not go on
        await process.wait()
        feeding.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await feeding
    if len(out) < 2 or (process.returncode != 0 and not longer):
        raise BadRequest("unsupported_audio", "This recording could not be read.")
    decoded = np.frombuffer(out, dtype="<i2", count=min(len(out), wanted) // 2).astype(np.float32)
    decoded /= 32768.0
    return Decoded(decoded, None if longer else len(decoded) / RATE)


async def _feed(stdin: asyncio.StreamWriter, audio: bytes) -> None:
    """The upload to sox a piece at a time (one write would copy it whole into a buffer)."""
    view = memoryview(audio)
    try:
        for start in range(0, len(view), _CHUNK):
            stdin.write(view[start : start + _CHUNK])
            await stdin.drain()
        stdin.close()
    except (BrokenPipeError, ConnectionResetError):
        pass  # sox stopped reading: its exit status or what it wrote says why
