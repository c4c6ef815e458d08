"""Typing slips, made on purpose: copies of training examples as customers would type them.

Training data is written with care; customers type on a phone, in a hurry: "bestelilng",
"wachtwoord vergeten" as "wachtwoors vergten". Character n-grams survive such slips, but the
sentence encoder and the word views see another text. A few noisy copies of each example teach
the classifier where those texts land. Each copy has one or two slips: a letter dropped,
doubled, swapped with its neighbour, or hit on a neighbouring key.

The copies depend on the text alone (not on the order of the data), so a model trained twice on
the same data is the same model.

>>> typo_copies("ik wil mijn wachtwoord veranderen", 2)
['ik wli mijn wachtwwoord veranderen', 'ik wil mijnn wachtwoorrd veranderen']
>>> typo_copies("hoi", 2)  # too short to slip on
[]
"""

from __future__ import annotations

import random
import zlib

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours() -> dict[str, str]:
    """The letters around each letter on a QWERTY keyboard, in its row and the rows beside it."""
    near: dict[str, str] = {}
    for r, row in enumerate(_ROWS):
        for c, letter in enumerate(row):
            keys = [row[i] for i in (c - 1, c + 1) if 0 <= i < len(row)]
            for other in (r - 1, r + 1):
                if 0 <= other < len(_ROWS):
                    keys += [_ROWS[other][i] for i in (c - 1, c) if 0 <= i < len(_ROWS[other])]
            near[letter] = "".join(keys)
    return near


_NEAR = _neighbours()


def typo_copies(text: str, copies: int) -> list[str]:
    """Up to ``copies`` versions of ``text``, each with one or two typing slips; none if the text
    has fewer than four letters, and no copy twice."""
    out: list[str] = []
    for copy in range(copies):
        rng = random.Random(zlib.crc32(f"{copy}\t{text}".encode()))
        chars = list(text)
        for _ in range(rng.randint(1, 2)):
            letters = [i for i, c in enumerate(chars) if c.isalpha()]
            if len(letters) < 4:
                break
            _slip(chars, rng.choice(letters), rng)
        noisy = "".join(chars)
        if noisy != text and noisy not in out:
            out.append(noisy)
    return out


def _slip(chars: list[str], i: int, rng: random.Random) -> None:
    kind = rng.random()
    if kind < 0.35:
        del chars[i]
    elif kind < 0.6 and i + 1 < len(chars):
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif kind < 0.8:
        chars.insert(i, chars[i])
    else:
        near = _NEAR.get(chars[i].lower())
        if near:
            chars[i] = rng.choice(near)
