"""Scoring view by view gives the SVM's own scores on the joined features."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from samen.nlu.decision import ViewWeights
from samen.nlu.kernel import RbfMap

TEXTS = [
    "waar blijft mijn pakket", "pakket niet bezorgd", "factuur klopt niet", "te veel betaald",
    "internet ligt eruit", "geen wifi meer", "adres wijzigen", "ik ga verhuizen",
]  # fmt: skip
LABELS = ["delivery"] * 2 + ["invoice"] * 2 + ["outage"] * 2 + ["move"] * 2


def _scores_both_ways(labels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((len(TEXTS), 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    words = TfidfVectorizer().fit(TEXTS)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(TEXTS)
    kernel = RbfMap(gamma=2.0, components=6).fit(vectors)
    scale, lemma_weight, embedding_weight, kernel_weight = 1.7, 1.5, 1.5, 2.0
    features = sp.hstack(
        [
            words.transform(TEXTS),
            chars.transform(TEXTS) * lemma_weight,
            sp.csr_matrix(vectors * embedding_weight),
            sp.csr_matrix(kernel.transform(vectors) / scale * kernel_weight),
        ],
        format="csr",
    )
    svm = LinearSVC(C=0.5).fit(features, labels)
    weights = ViewWeights.cut(
        svm.coef_,
        svm.intercept_,
        [(len(words.vocabulary_), 1.0), (len(chars.vocabulary_), lemma_weight)],
        embedding_weight,
        kernel.projection,
        kernel_weight / scale,
    )
    by_view = weights.scores(
        [words.transform(TEXTS), chars.transform(TEXTS)], vectors, kernel.similarities(vectors)
    )
    return by_view, svm.decision_function(features)


def test_that_scores_view_by_view_equal_the_svms_scores_on_all_features_joined():
    by_view, joined = _scores_both_ways(LABELS)
    assert by_view.shape == joined.shape == (len(TEXTS), 4)
    assert np.allclose(by_view, joined, atol=1e-4)


def test_that_two_classes_give_one_column_as_the_svm_does():
    by_view, joined = _scores_both_ways(["delivery"] * 4 + ["invoice"] * 4)
    assert np.allclose(by_view[:, 0], joined, atol=1e-4)
