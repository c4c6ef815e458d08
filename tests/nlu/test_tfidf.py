import gc
import weakref

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from samen.nlu.tfidf import tfidf

TRAINING = [
    "Waar blijft mijn pakket?",
    "wanneer komt mn bestelling nou",
    "Ik wil mijn adres wijzigen, ik ga verhuizen",
    "How much does the fastest plan cost?",
    "my internet is down again!!",
    "factuur te hoog, twee keer afgeschreven",
]
ASKED = [
    "waar is mijn pakket",
    "",
    "xqzt vlorp",  # no known feature at all
    "Internet internet internet down",
    "ik ga verhuizen naar Utrecht, wat moet ik doen met mijn modem?",
    "xqzt",  # messages without a known feature at the end too
    "",
]


@pytest.mark.parametrize(
    "vectorizer",
    [
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), min_df=2),
        TfidfVectorizer(norm=None),
    ],
)
def test_that_the_features_are_the_ones_scikit_learn_computes(vectorizer):
    vectorizer.fit(TRAINING)
    ours, theirs = tfidf(vectorizer, ASKED), vectorizer.transform(ASKED)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours.toarray(), theirs.toarray(), rtol=1e-12, atol=1e-12)


def test_that_no_messages_give_an_empty_matrix():
    vectorizer = TfidfVectorizer().fit(TRAINING)
    assert tfidf(vectorizer, []).shape == (0, len(vectorizer.vocabulary_))


def test_that_words_remembered_for_one_model_are_not_used_by_another():
    first = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).fit(TRAINING)
    second = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).fit([*TRAINING[::-1], "pak"])
    for vectorizer in (first, second, first, second):  # the second time from memory
        np.testing.assert_allclose(
            tfidf(vectorizer, ASKED).toarray(), vectorizer.transform(ASKED).toarray(), atol=1e-12
        )


def test_that_a_replaced_model_is_not_kept_alive_by_its_remembered_words():
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).fit(TRAINING)
    tfidf(vectorizer, ASKED)
    gone = weakref.ref(vectorizer)
    del vectorizer
    gc.collect()
    assert gone() is None
