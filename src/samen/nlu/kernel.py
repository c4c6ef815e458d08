"""A kernel map for the intent classifier: curved borders in meaning space for a linear model."""

from __future__ import annotations

import numpy as np


class RbfMap:
    """Nyström features of the RBF kernel on unit vectors: ``map(x) · map(y) ≈ exp(-γ|x-y|²)``.

    Landmarks are a fixed random sample of the training vectors; the symmetric eigen-
    decomposition of their kernel is several times faster than scikit-learn's SVD route.
    """

    def __init__(self, gamma: float, components: int, seed: int = 0) -> None:
        self.gamma = gamma
        self.components = components
        self.seed = seed
        self.landmarks = np.zeros((0, 0), dtype=np.float32)
        self.projection = np.zeros((0, 0), dtype=np.float32)

    def fit(self, vectors: np.ndarray) -> RbfMap:
        rng = np.random.default_rng(self.seed)
        count = min(self.components, len(vectors))
        self.landmarks = vectors[rng.choice(len(vectors), size=count, replace=False)].astype(
            np.float32
        )
        kernel = self.similarities(self.landmarks).astype(np.float64)
        values, vecs = np.linalg.eigh(kernel)
        # The pseudo-inverse square root. A landmark drawn twice (the same message in two
        # intents, or written twice) leaves a direction of eigenvalue 0, which 1/√0 (or
        # 1/√1e-12, as before) turned into weights of ±500,000 that float32 sums lose digits to.
        kept = values > values.max() * 1e-9
        scale = np.zeros_like(values)
        scale[kept] = 1.0 / np.sqrt(values[kept])
        self.projection = ((vecs * scale) @ vecs.T).astype(np.float32)
        return self

    def similarities(self, vectors: np.ndarray) -> np.ndarray:
        """The kernel between each vector and each landmark; ``transform`` projects it."""
        # |x - l|² = 2 - 2 x·l for unit vectors
        distances = np.maximum(
            2.0 - 2.0 * (vectors.astype(np.float32, copy=False) @ self.landmarks.T), 0.0
        )
        return np.exp(-self.gamma * distances)

    def transform(self, vectors: np.ndarray) -> np.ndarray:
        return np.asarray(self.similarities(vectors) @ self.projection)
