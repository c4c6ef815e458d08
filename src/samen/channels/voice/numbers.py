"""Numbers as words, both ways, in Dutch and English: "€54,95" is said, not spelled as signs."""

from __future__ import annotations

import re

_NL_SMALL = (
    "nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien",
    "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien",
    "negentien",
)  # fmt: skip
_NL_TENS = ("", "", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig",
            "negentig")  # fmt: skip
_EN_SMALL = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# One spoken digit, as a caller reads out a number digit by digit.
DIGIT_WORDS = {
    "nl": ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
}
_HEARD_DIGITS = {
    **{w: str(i) for i, w in enumerate(DIGIT_WORDS["nl"])},
    **{w: str(i) for i, w in enumerate(DIGIT_WORDS["en"])},
    "een": "1", "oh": "0", "o": "0",
}  # fmt: skip


def words(n: int, language: str) -> str:
    """``54`` → "vierenvijftig" / "fifty-four" (0 ≤ n < 1,000,000)."""
    return _nl(n) if language == "nl" else _en(n)


def _nl(n: int) -> str:
    if n < 20:
        return _NL_SMALL[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        if not unit:
            return _NL_TENS[tens]
        joiner = "ën" if _NL_SMALL[unit].endswith("e") else "en"
        return f"{_NL_SMALL[unit]}{joiner}{_NL_TENS[tens]}"
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "honderd" if hundreds == 1 else f"{_NL_SMALL[hundreds]}honderd"
        return head + (_nl(rest) if rest else "")
    thousands, rest = divmod(n, 1000)
    head = "duizend" if thousands == 1 else f"{_nl(thousands)}duizend"
    return head + (" " + _nl(rest) if rest else "")


def _en(n: int) -> str:
    if n < 20:
        return _EN_SMALL[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_SMALL[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_EN_SMALL[hundreds]} hundred" + (f" and {_en(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    return f"{_en(thousands)} thousand" + (f" {_en(rest)}" if rest else "")


def money(euros: int, cents: int, language: str) -> str:
    """``(54, 95)`` → "vierenvijftig euro vijfennegentig" / "fifty-four euros and ninety-five cents"."""
    if language == "nl":
        return f"{words(euros, 'nl')} euro" + (f" {words(cents, 'nl')}" if cents else "")
    unit = "euro" if euros == 1 else "euros"
    tail = f" and {words(cents, 'en')} cent{'s' if cents != 1 else ''}" if cents else ""
    return f"{words(euros, 'en')} {unit}{tail}"


def digit_by_digit(digits: str, language: str) -> str:
    table = DIGIT_WORDS.get(language, DIGIT_WORDS["nl"])
    return " ".join(table[int(d)] for d in digits if d.isdigit())


_DIGIT_RUN = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, _HEARD_DIGITS), key=len, reverse=True)) + r")"
    r"(?:[\s,.-]+(?:"
    + "|".join(sorted(map(re.escape, _HEARD_DIGITS), key=len, reverse=True))
    + r"))+\b",
    re.IGNORECASE,
)


def digits_from_words(text: str) -> str:
    """Runs of spoken digits become digits: "twee nul twee zes" → "2026" (two or more in a row,
    so a lone "een" in "een bestelling" stays a word)."""

    def join(match: re.Match[str]) -> str:
        parts = re.split(r"[\s,.-]+", match.group())
        return "".join(_HEARD_DIGITS[p.lower()] for p in parts if p)

    return _DIGIT_RUN.sub(join, text)
