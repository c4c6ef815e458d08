"""The sentence encoder's word-by-word tokenizer gives the pieces of the whole sentence."""

from __future__ import annotations

import numpy as np
import pytest

from samen.nlu.embeddings import UseEncoder, _WordTokenizer

TEXTS = [
    "Waar blijft mijn pakketje??",
    "my internet   is down since yesterday , plz help",
    "ORD-2026-004512 / F-2026-0001234 / €12,50",
    "Mijn vader is OVERLEEEEDEN 😢",
    "ÉÉN Straße ﬁber\u3000tv",
    "   ",
    "",
    "a",
    "\u2581",  # the word mark itself
    "\u2581 \u2581\u2581x",
]


@pytest.fixture(scope="module")
def encoder() -> UseEncoder:
    encoder = UseEncoder()
    encoder.encode(["warm up"])
    return encoder


def test_that_words_remembered_one_by_one_give_the_pieces_of_the_whole_sentence(encoder):
    word_by_word = encoder._model._model.sp
    assert isinstance(word_by_word, _WordTokenizer)
    whole = encoder._model._tokenizer
    for text in TEXTS + TEXTS:  # the second time from memory
        expected = whole.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert word_by_word.encode(text) == expected, text


def test_that_a_sentence_is_encoded_the_same_alone_and_in_a_batch(encoder):
    alone = np.vstack([encoder.encode([text]) for text in TEXTS])
    assert np.allclose(encoder.encode(TEXTS), alone, atol=1e-5)
