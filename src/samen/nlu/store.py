"""Trained models on disk, versioned, with the data hash and evaluation beside each.

``<data_dir>/models/<version>/model.joblib`` + ``meta.json``, and ``models/CURRENT`` naming the
one in use. A server polls ``CURRENT`` and swaps in a new model without a restart.
"""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib

from samen.nlu.embeddings import Encoder, shared_encoder
from samen.nlu.model import NluModel

# A stored version never changes, so a process loads it once (several services, or tests).
_LOADED: dict[Path, NluModel] = {}


class ModelStore:
    def __init__(
        self, root: Path, encoder: Encoder | None = None, poll_seconds: float = 5.0
    ) -> None:
        self.root = root
        self.poll_seconds = poll_seconds
        self._encoder = encoder
        self._lock = threading.Lock()
        self._loaded: NluModel | None = None
        self._loaded_version: str | None = None
        self._checked = 0.0

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = shared_encoder()
        return self._encoder

    def save(self, model: NluModel) -> str:
        """Store a model as a new version and make it current."""
        version = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        folder = self.root / version
        folder.mkdir(parents=True, exist_ok=False)
        model.meta["version"] = version
        joblib.dump(model, folder / "model.joblib", compress=3)
        (folder / "meta.json").write_text(json.dumps(model.meta, indent=2, default=str))
        pointer = self.root / "CURRENT"
        temporary = self.root / "CURRENT.tmp"
        temporary.write_text(version)
        os.replace(temporary, pointer)  # atomic: a reader sees the old or the new, never half
        return version

    def current_version(self) -> str | None:
        pointer = self.root / "CURRENT"
        return pointer.read_text().strip() if pointer.exists() else None

    def versions(self) -> list[dict[str, Any]]:
        found = []
        for meta in sorted(self.root.glob("*/meta.json")):
            found.append(json.loads(meta.read_text()))
        return found

    def load(self, version: str | None = None) -> NluModel | None:
        version = version or self.current_version()
        if version is None:
            return None
        path = (self.root / version / "model.joblib").resolve()
        model = _LOADED.get(path)
        if model is None:
            model = joblib.load(path)
            _LOADED.clear()  # keep the one model in use, not every version ever loaded
            _LOADED[path] = model
        model.classifier.encoder = self.encoder
        return model

    def current(self) -> NluModel | None:
        """The model in use, reloaded when ``CURRENT`` names a newer one (checked every few s)."""
        now = time.monotonic()
        if self._loaded is not None and now - self._checked < self.poll_seconds:
            return self._loaded
        with self._lock:
            self._checked = now
            version = self.current_version()
            if version is not None and version != self._loaded_version:
                self._loaded = self.load(version)
                self._loaded_version = version
            return self._loaded
