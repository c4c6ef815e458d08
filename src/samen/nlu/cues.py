"""Word cues in customer messages: folding text for matching, fast alternations, near spellings.

Shared by the sentiment and sensitive-signal rules. Cues are regular expressions written on
folded text (lower case, accents stripped, letters repeated three or more times cut to two),
and ``Folded.original`` maps a match back to the customer's own words.

>>> f = Folded.of("Mijn vader is OVERLEEEEDEN")
>>> m = compile_cues([r"overle+den"]).search(f.text)
>>> f.text, f.original(m.start(), m.end())
('mijn vader is overleeden', 'OVERLEEEEDEN')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache

_RUN_RE = re.compile(r"([a-z])\1{2,}")


class Folded:
    """``text`` folded for matching, with the way back to the original's characters."""

    __slots__ = ("_origin", "original_text", "text")

    def __init__(self, original_text: str, text: str, origin: list[int] | None) -> None:
        self.original_text = original_text
        self.text = text
        self._origin = origin  # original index of each folded character; None: the same

    @classmethod
    def of(cls, text: str) -> Folded:
        folded = text.translate(_fold_table()).lower()
        if len(folded) != len(text):  # a rare character that lower-cases to two
            folded = "".join(c.lower()[0] for c in text.translate(_fold_table()))
        if not _RUN_RE.search(folded):
            return cls(text, folded, None)
        parts: list[str] = []
        origin: list[int] = []
        last = 0
        for m in _RUN_RE.finditer(folded):
            parts.append(folded[last : m.start() + 2])
            origin.extend(range(last, m.start() + 2))
            last = m.end()
        parts.append(folded[last:])
        origin.extend(range(last, len(folded)))
        return cls(text, "".join(parts), origin)

    def original(self, start: int, end: int) -> str:
        """The original text of the folded span ``[start, end)``."""
        if self._origin is None:
            return self.original_text[start:end]
        return self.original_text[self._origin[start] : self._origin[end - 1] + 1]


@lru_cache(maxsize=256)
def fold_cached(text: str) -> Folded:
    """``Folded.of(text)``, remembered: sentiment, frustration and sensitive signals all fold
    the same message one after the other."""
    return Folded.of(text)


@cache
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {ord(c): "'" for c in "\u2018\u2019\u00b4`"}
    for code in range(0xC0, 0x250):
        decomposed = unicodedata.normalize("NFKD", chr(code))
        base, marks = decomposed[0], decomposed[1:]
        if base.isascii() and base.isalpha() and marks and all(map(unicodedata.combining, marks)):
            table[code] = base
    return table


def compile_cues(patterns: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any of ``patterns`` at the start of a word.

    The same as ``\\b(?:p1|p2|...)``, rewritten so that each alternative starts with a letter:
    a leading ``\\b`` is dropped (one is put in front of the whole) and a leading group
    ``(?:is|was)\\s+dood`` is spread into ``is\\s+dood|was\\s+dood``. Python's ``re`` skips such
    alternatives with a one-character test; grouped by that letter, a scan of a hundred cues
    is several times faster. Patterns must not use capturing groups or backreferences.
    """
    alternatives = [a for p in patterns for part in _split_top(p) for a in _spread(part)]
    # Grouped by first letter, a word start costs one test per letter, not one per cue. Only
    # cues with the same first letter can match at the same place, and their order is kept.
    by_letter: dict[str, list[str]] = {}
    others: list[str] = []
    for a in alternatives:
        if a[:1].isalpha() and a[1:2] not in ("?", "*", "+", "{"):
            by_letter.setdefault(a[0], []).append(a[1:])
        else:
            others.append(a)
    grouped = [f"{letter}(?:{'|'.join(rests)})" for letter, rests in by_letter.items()]
    return re.compile(r"\b(?:" + "|".join(grouped + others) + ")")


def _split_top(pattern: str) -> list[str]:
    """``pattern`` split at its top-level ``|``."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, c in _syntax(pattern):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def _spread(alternative: str) -> list[str]:
    if alternative.startswith(r"\b"):
        alternative = alternative[2:]
    if not alternative.startswith("(?:"):
        return [alternative]
    close = _closing_paren(alternative)
    rest = alternative[close + 1 :]
    if rest[:1] in ("?", "*", "+", "{"):
        return [alternative]
    inner = alternative[3:close]
    return [a for part in _split_top(inner) for a in _spread(part + rest)]


def _closing_paren(pattern: str) -> int:
    depth = 0
    for i, c in _syntax(pattern):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError(f"Unbalanced pattern: {pattern!r}")


def _syntax(pattern: str) -> Iterable[tuple[int, str]]:
    """The characters of ``pattern`` that are syntax: not escaped and not in a [class]."""
    escaped = in_class = False
    for i, c in enumerate(pattern):
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        else:
            yield i, c


class NearWords:
    """Words within one typo of a keyword (one letter missing, extra, wrong or swapped).

    A symmetric deletion index (SymSpell's idea): a keyword and a token match when deleting
    at most one letter from each gives the same string, so a lookup is a few dictionary probes,
    not an edit-distance loop. Typos rarely hit the first letter, so it must agree, which halves
    the false matches. ``key`` normalises both sides first (say, Dutch ij/ei).

    >>> NearWords(["begrafenis"]).match("begravenis")
    'begrafenis'
    """

    def __init__(self, words: Iterable[str], key: Callable[[str], str] = str) -> None:
        self._key = key
        self._index: dict[str, tuple[str, ...]] = {}
        for word in words:
            for variant in {key(word), *deletions(key(word))}:
                self._index[variant] = (*self._index.get(variant, ()), word)

    def match(self, token: str) -> str | None:
        """The keyword ``token`` is a near spelling of, if any."""
        key = self._key(token)
        for variant in (key, *deletions(key)):
            for word in self._index.get(variant, ()):
                if word[0] == token[0]:
                    return word
        return None


def deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}
