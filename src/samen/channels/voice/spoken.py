"""Written answers made fit to be heard: short, no links, identifiers digit by digit, money
and dates in words, "(ja/nee)" and "typ" gone.

>>> speakable("Je factuur is € 54,95. Bron: Facturen", "nl")
['Je factuur is vierenvijftig euro vijfennegentig.']
"""

from __future__ import annotations

import re
from datetime import date

from samen.bot import formats
from samen.channels.voice.numbers import digit_by_digit, money

MAX_CHARS = 320  # about 20 seconds of speech: the rest of a long article is for chat or e-mail

_SOURCE = re.compile(r"^\s*(?:Bron|Source):.*$", re.M)
_URL = re.compile(r"\(?\b(?:https?://|www\.)\S+\)?", re.I)
_MARKUP = re.compile(r"^\s*(?:[-*•]|#+)\s+|\*\*|__|•", re.M)
_MBPS = re.compile(r"\s?Mbit/s\b")
_YES_NO = re.compile(r"\s*\((?:ja/nee|yes/no)\)", re.I)
_MONEY = re.compile(r"€\s?(\d{1,6})(?:[.,](\d{2}))?(?!\d)")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_TIME = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
_IDENTIFIER = re.compile(r"\b([A-Z]{1,4})-?(\d{4})?-?(\d{5,7})\b")
_CODE = re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6,}\b")
_POSTCODE = re.compile(r"\b([1-9]\d{3}) ?([A-Z])([A-Z])\b")
_BRACKETS = re.compile(r"\s*\(([^()]*)\)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_TYPE = {
    "nl": ((re.compile(r"\bTyp\b"), "Zeg"), (re.compile(r"\btyp\b"), "zeg")),
    "en": ((re.compile(r"\bType\b"), "Say"), (re.compile(r"\btype\b"), "say")),
}


def speakable(
    text: str, language: str, *, today: date | None = None, slow: bool = False
) -> list[str]:
    """The sentences to say for one written message (an empty list when nothing is left)."""
    lang = language if language in ("nl", "en") else "nl"
    text = _SOURCE.sub("", text)
    text = "\n".join(_without_links(line) for line in text.splitlines())
    text = _YES_NO.sub("", text)
    text = _MARKUP.sub("", text).replace("&", " en " if lang == "nl" else " and ")
    text = _MBPS.sub(" megabit per seconde" if lang == "nl" else " megabits per second", text)
    for pattern, replacement in _TYPE[lang]:
        text = pattern.sub(replacement, text)
    text = _MONEY.sub(lambda m: money(int(m[1]), int(m[2] or 0), lang), text)
    text = _ISO_DATE.sub(lambda m: _date(m, lang, today), text)
    text = _TIME.sub(lambda m: _time(int(m[1]), int(m[2]), lang), text)
    text = _IDENTIFIER.sub(lambda m: _identifier(m, lang), text)
    text = _CODE.sub(lambda m: _spell(m.group(), lang), text)
    text = _POSTCODE.sub(lambda m: f"{m[1]} {m[2]} {m[3]}", text)
    text = _BRACKETS.sub(lambda m: f", {m[1]}," if m[1].strip() else "", text)
    sentences = [_tidy(s) for line in text.splitlines() for s in _SENTENCE.split(line)]
    sentences = [s for s in sentences if re.search(r"\w", s)]
    kept: list[str] = []
    for sentence in sentences:
        if kept and sum(map(len, kept)) + len(sentence) > MAX_CHARS:
            break
        kept.append(sentence)
    return _shorter(kept) if slow else kept


def _without_links(line: str) -> str:
    """A sentence that only points at a link ("See https://… for details") is dropped; a
    labelled link ("Factuur november: https://…") keeps its label."""
    kept = []
    for sentence in _SENTENCE.split(line):
        if not _URL.search(sentence):
            kept.append(sentence)
        elif _URL.sub("", sentence).rstrip().endswith(":"):
            kept.append(_URL.sub("", sentence).rstrip().rstrip(":"))
    return " ".join(kept)


def _shorter(sentences: list[str]) -> list[str]:
    """For "slower, please": the same words in short pieces, each followed by a pause."""
    pieces: list[str] = []
    for sentence in sentences:
        parts = [p.strip() for p in re.split(r"[,:;]\s+", sentence) if p.strip()]
        pieces.extend(parts)
    return pieces


def _tidy(sentence: str) -> str:
    sentence = re.sub(r"\s+([,.!?:])", r"\1", sentence)
    sentence = re.sub(r",\s*([,.!?:])", r"\1", sentence)
    sentence = re.sub(r"\s{2,}", " ", sentence).strip(" ,:")
    if sentence and sentence[-1] not in ".!?":
        sentence += "."
    return sentence


def _date(match: re.Match[str], language: str, today: date | None) -> str:
    try:
        value = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return match.group()
    return formats.day(value, language, today)


def _time(hour: int, minute: int, language: str) -> str:
    if language == "nl":
        return f"{hour} uur" + (f" {minute}" if minute else "")
    suffix = "AM" if hour < 12 else "PM"
    twelve = hour % 12 or 12
    return f"{twelve}" + (f":{minute:02d}" if minute else "") + f" {suffix}"


def _identifier(match: re.Match[str], language: str) -> str:
    """ORD-2026-004512 → "O R D, twee nul twee zes, nul nul vier vijf één twee"."""
    letters, year, number = match[1], match[2], match[3]
    parts = [" ".join(letters)]
    if year:
        parts.append(digit_by_digit(year, language))
    parts.append(digit_by_digit(number, language))
    return ", ".join(parts)


def _spell(code: str, language: str) -> str:
    return " ".join(digit_by_digit(c, language) if c.isdigit() else c for c in code)
