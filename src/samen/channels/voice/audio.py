"""Telephone audio in numpy: G.711 μ-law, resampling, and an energy-based voice detector.

(``audioop`` would do the first two, but it is deprecated in Python 3.11 and gone in 3.13.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RATE = 8000  # telephone audio
FRAME_MS = 20
FRAME_BYTES = RATE * FRAME_MS // 1000  # one μ-law byte per sample: 160 bytes a frame

LOUD_RMS = 500.0  # RMS on the int16 scale above which a frame may be speech (line noise is below)

_BIAS = 0x84
_CLIP = 32635


def _ulaw_table() -> np.ndarray:
    u = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = u & 0x80
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    magnitude = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return np.where(sign != 0, -magnitude, magnitude).astype(np.int16)


_ULAW = _ulaw_table()  # every byte's sample: one look-up, no int32 copies of a long recording


def ulaw_decode(data: bytes | memoryview) -> np.ndarray:
    """μ-law bytes → int16 samples."""
    return _ULAW[np.frombuffer(data, dtype=np.uint8)]


def ulaw_encode(samples: np.ndarray) -> bytes:
    """int16 samples → μ-law bytes."""
    x = samples.astype(np.int32)
    sign = np.where(x < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(x), _CLIP) + _BIAS
    exponent = np.floor(np.log2(magnitude)).astype(np.int32) - 7
    exponent = np.clip(exponent, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()


_BLOCK = 1 << 16  # samples interpolated at a time


def resample(samples: np.ndarray, source: int, target: int) -> np.ndarray:
    """Resample float or int audio; low-pass first when going down (windowed sinc).

    Interpolated a block at a time: at once, ten minutes of audio took 600 MB of float64
    positions and copies for a result of 38 MB."""
    x = np.asarray(samples, dtype=np.float32)  # float32 audio as it is, not a copy
    if source == target or len(x) == 0:
        return x
    if target < source:
        cutoff = 0.5 * target / source
        taps = np.arange(-32, 33)
        kernel = np.sinc(2 * cutoff * taps) * np.hamming(len(taps))
        x = np.convolve(x, (kernel / kernel.sum()).astype(np.float32), mode="same")
    count, step = int(len(x) / source * target), source / target
    out = np.empty(count, dtype=np.float32)
    for start in range(0, count, _BLOCK):
        positions = np.arange(start, min(count, start + _BLOCK)) * step
        first, last = int(positions[0]), min(len(x), int(positions[-1]) + 2)
        out[start : start + len(positions)] = np.interp(
            positions, np.arange(first, last), x[first:last]
        )
    return out


def to_whisper(ulaw: bytes) -> np.ndarray:
    """8 kHz μ-law → the 16 kHz float32 in [-1, 1] that Whisper takes."""
    pcm = ulaw_decode(ulaw).astype(np.float32) / 32768.0
    return resample(pcm, RATE, 16000)


def to_ulaw(samples: np.ndarray, rate: int) -> bytes:
    """int16 audio at any rate → 8 kHz μ-law."""
    down = resample(samples, rate, RATE)
    return ulaw_encode(np.clip(down, -32768, 32767).astype(np.int16))


def frames(ulaw: bytes) -> list[bytes]:
    """Split into 20 ms frames; the last one padded with μ-law silence."""
    chunks = [ulaw[i : i + FRAME_BYTES] for i in range(0, len(ulaw), FRAME_BYTES)]
    if chunks and len(chunks[-1]) < FRAME_BYTES:
        chunks[-1] = chunks[-1] + b"\xff" * (FRAME_BYTES - len(chunks[-1]))
    return chunks


@dataclass
class VoiceActivity:
    """Energy-based end-pointing on 20 ms frames.

    Speech starts after ``start_frames`` loud frames in a row and ends after ``hangover_ms`` of
    quiet; ``push`` returns the utterance's μ-law audio when it ends.
    """

    threshold: float = LOUD_RMS
    start_frames: int = 3
    hangover_ms: int = 500
    max_ms: int = 15000
    _buffer: bytearray = field(default_factory=bytearray)
    _loud: int = 0
    _quiet: int = 0
    _speaking: bool = False

    @property
    def speaking(self) -> bool:
        return self._speaking

    def push(self, frame: bytes) -> bytes | None:
        loud = _rms(frame) >= self.threshold
        if not self._speaking:
            self._loud = self._loud + 1 if loud else 0
            self._buffer.extend(frame)
            del self._buffer[: max(0, len(self._buffer) - FRAME_BYTES * 10)]  # 200 ms pre-roll
            if self._loud >= self.start_frames:
                self._speaking, self._quiet = True, 0
            return None
        self._buffer.extend(frame)
        self._quiet = 0 if loud else self._quiet + 1
        too_long = len(self._buffer) >= RATE * self.max_ms // 1000
        if self._quiet * FRAME_MS >= self.hangover_ms or too_long:
            utterance = bytes(self._buffer[: len(self._buffer) - self._quiet * FRAME_BYTES])
            self.reset()
            return utterance
        return None

    def reset(self) -> None:
        self._buffer.clear()
        self._loud = self._quiet = 0
        self._speaking = False


def has_sound(samples: np.ndarray, rate: int = 16000) -> bool:
    """Whether any 20 ms of float audio in [-1, 1] is loud enough to be speech (a recording of
    silence is not given to the recogniser, which would make words up in it)."""
    size = rate * FRAME_MS // 1000
    whole = len(samples) // size * size
    frames = samples[:whole].reshape(-1, size)  # a view; the last partial frame on its own
    energy = np.einsum("ij,ij->i", frames, frames)
    tail = samples[whole:].astype(np.float64)
    energies = np.append(energy, tail @ tail) if len(tail) else energy
    loud = (LOUD_RMS / 32768) ** 2 * size  # a frame's summed energy at LOUD_RMS
    return bool((energies >= loud).any())


def _rms(frame: bytes) -> float:
    pcm = ulaw_decode(frame).astype(np.float32)
    return float(np.sqrt(np.mean(pcm * pcm))) if len(pcm) else 0.0
