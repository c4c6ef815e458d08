"""The intent model's linear scores, computed one feature view at a time.

For training, the views (TF-IDF words, characters and lemmas, the sentence embedding and its
kernel map) are joined into one wide sparse matrix for the SVM (samen.nlu.intents). To score a
batch of messages that join costs more than the scoring itself: 2,000 dense columns copied into
a sparse matrix, and the kernel map's 1,500 × 1,500 projection for every message. A linear
score is a sum over the views, so the SVM's weights are cut per view once, each view's weight
folded in, and the projection too: ``(k · P) · W = k · (P · W)``, a product with a
1,500 × classes matrix instead of 1,500 × 1,500. The scores equal
``svm.decision_function(features)`` up to float rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True, slots=True)
class ViewWeights:
    sparse: tuple[np.ndarray, ...]  # one (features, classes) block per TF-IDF view
    embedding: np.ndarray  # (dimensions, classes)
    kernel: np.ndarray  # (landmarks, classes): the projection folded in
    intercept: np.ndarray  # (classes,)

    @classmethod
    def cut(
        cls,
        coef: np.ndarray,
        intercept: np.ndarray,
        sparse_views: Sequence[tuple[int, float]],
        embedding_weight: float,
        projection: np.ndarray,
        kernel_factor: float,
    ) -> ViewWeights:
        """Cut ``coef`` (classes × features) laid out as the sparse views (width, weight) in
        order, then the embedding times ``embedding_weight``, then the kernel map
        (``projection`` times ``kernel_factor``)."""
        blocks = []
        start = 0
        for width, weight in sparse_views:
            blocks.append(np.ascontiguousarray(coef[:, start : start + width].T) * weight)
            start += width
        kernel_start = coef.shape[1] - projection.shape[1]
        embedding_block = np.ascontiguousarray(coef[:, start:kernel_start].T) * embedding_weight
        kernel_block = coef[:, kernel_start:].T * kernel_factor
        return cls(
            sparse=tuple(blocks),
            embedding=embedding_block,
            kernel=projection.astype(np.float64) @ kernel_block,
            intercept=np.asarray(intercept, dtype=np.float64),
        )

    def scores(
        self, views: Sequence[sp.csr_matrix], vectors: np.ndarray, similarities: np.ndarray
    ) -> np.ndarray:
        """Scores (messages × classes) from the sparse views, the embeddings and their kernel
        similarities to the landmarks (``RbfMap.similarities``)."""
        total = vectors.astype(np.float64) @ self.embedding
        total += similarities.astype(np.float64) @ self.kernel
        for view, weights in zip(views, self.sparse, strict=True):
            total += view @ weights
        total += self.intercept
        return total
