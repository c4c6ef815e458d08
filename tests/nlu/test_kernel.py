"""The kernel map the intent classifier draws curved borders with."""

from __future__ import annotations

import numpy as np

from samen.nlu.kernel import RbfMap


def _unit_vectors(count: int) -> np.ndarray:
    vectors = np.random.default_rng(3).normal(size=(count, 16)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_that_the_map_approximates_the_kernel_when_every_vector_is_a_landmark():
    vectors = _unit_vectors(30)
    mapped = RbfMap(gamma=2.0, components=30).fit(vectors).transform(vectors)
    exact = np.exp(-2.0 * np.maximum(2.0 - 2.0 * vectors @ vectors.T, 0.0))
    assert np.allclose(mapped @ mapped.T, exact, atol=1e-3)


def test_that_a_vector_drawn_twice_as_a_landmark_does_no_harm():
    vectors = _unit_vectors(20)
    kernel = RbfMap(gamma=2.0, components=25).fit(np.vstack([vectors, vectors[:5]]))
    assert np.abs(kernel.projection).max() < 100
    mapped = kernel.transform(vectors)
    exact = np.exp(-2.0 * np.maximum(2.0 - 2.0 * vectors @ vectors.T, 0.0))
    assert np.allclose(mapped @ mapped.T, exact, atol=1e-3)
