"""TF-IDF features of a few messages, as scikit-learn computes them, without its overhead.

``TfidfVectorizer.transform`` validates its input and output on every call; for the handful
of short messages a server parses at a time that costs more than the counting itself. This
does the same arithmetic on a fitted vectorizer::

    features = tfidf(vectorizer, ["waar blijft mijn pakket"])  # == vectorizer.transform(...)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer


def tfidf(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> sp.csr_matrix:
    if not _supported(vectorizer):
        return vectorizer.transform(texts)
    analyse = vectorizer.build_analyzer()
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    indptr = [0]
    indices: list[int] = []
    counts: list[float] = []
    for text in texts:
        row: dict[int, int] = {}
        for feature in analyse(text):
            column = vocabulary.get(feature)
            if column is not None:
                row[column] = row.get(column, 0) + 1
        for column in sorted(row):
            indices.append(column)
            counts.append(row[column])
        indptr.append(len(indices))
    data = np.asarray(counts, dtype=np.float64)
    columns = np.asarray(indices, dtype=np.int32)
    if vectorizer.sublinear_tf:
        data = np.log(data) + 1.0
    if vectorizer.use_idf:
        data *= vectorizer.idf_[columns]
    offsets = np.asarray(indptr, dtype=np.int32)
    if vectorizer.norm == "l2" and len(data):
        lengths = np.diff(offsets)
        rows = np.repeat(np.arange(len(texts)), lengths)
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(texts)))
        norms[norms == 0] = 1.0
        data /= np.repeat(norms, lengths)
    return sp.csr_matrix((data, columns, offsets), shape=(len(texts), len(vocabulary)))


def _supported(vectorizer: TfidfVectorizer) -> bool:
    return (
        vectorizer.norm in ("l2", None)
        and not vectorizer.binary
        and vectorizer.dtype in (np.float64, float)
    )
