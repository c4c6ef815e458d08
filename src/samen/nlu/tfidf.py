"""TF-IDF features of a few messages, as scikit-learn computes them, without its overhead.

``TfidfVectorizer.transform`` validates its input and output on every call; for the handful
of short messages a server parses at a time that costs more than the counting itself. This
does the same arithmetic on a fitted vectorizer::

    features = tfidf(vectorizer, ["waar blijft mijn pakket"])  # == vectorizer.transform(...)

Character n-grams within words (``char_wb``) are the features of each word on its own, so
they are looked up once per word and remembered: customers use the same words over and over,
and cutting and looking up a message's few hundred n-grams cost more than all the rest.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import chain
from weakref import WeakKeyDictionary

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer


def tfidf(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> sp.csr_matrix:
    if not _supported(vectorizer):
        return vectorizer.transform(texts)
    analyse = _analyser(vectorizer)
    indptr = [0]
    indices: list[int] = []
    counts: list[float] = []
    for text in texts:
        row = Counter(analyse(text))  # counted in C, not in a Python loop
        known = sorted(row)
        indices.extend(known)
        counts.extend(map(row.__getitem__, known))
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
    return sp.csr_matrix((data, columns, offsets), shape=(len(texts), len(vectorizer.vocabulary_)))


Analyser = Callable[[str], Iterable[int]]
_WORD_ANALYSERS: WeakKeyDictionary[TfidfVectorizer, Analyser] = WeakKeyDictionary()


def _analyser(vectorizer: TfidfVectorizer) -> Analyser:
    """A text's known features as column numbers (unknown ones left out)."""
    if vectorizer.analyzer == "char_wb":
        analyser = _WORD_ANALYSERS.get(vectorizer)
        if analyser is None:
            analyser = _WORD_ANALYSERS[vectorizer] = _word_by_word(vectorizer)
        return analyser
    analyse = vectorizer.build_analyzer()
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    return lambda text: [c for c in map(vocabulary.get, analyse(text)) if c is not None]


def _word_by_word(vectorizer: TfidfVectorizer) -> Analyser:
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    prepare = vectorizer.build_preprocessor()
    # Weakly: the remembered words must not keep a replaced model's vectorizer alive.
    fitted = weakref.ref(vectorizer)

    @lru_cache(maxsize=50_000)
    def word_columns(word: str) -> tuple[int, ...]:
        grams = _alive(fitted)._char_wb_ngrams(word)  # scikit-learn's own, of one word
        return tuple(c for c in map(vocabulary.get, grams) if c is not None)

    # Words as _char_wb_ngrams splits them: at any run of white space.
    return lambda text: chain.from_iterable(
        map(word_columns, prepare(_alive(fitted).decode(text)).split())
    )


def _alive(fitted: weakref.ref[TfidfVectorizer]) -> TfidfVectorizer:
    vectorizer = fitted()
    assert vectorizer is not None  # only called while the vectorizer is in use
    return vectorizer


def _supported(vectorizer: TfidfVectorizer) -> bool:
    return (
        vectorizer.norm in ("l2", None)
        and not vectorizer.binary
        and vectorizer.dtype in (np.float64, float)
    )
