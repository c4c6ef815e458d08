"""What a caller said or keyed, made readable for understanding: spoken digits, spelled
prefixes ("O R D 2026 004512") and keypad entries become the identifiers the bot knows."""

from __future__ import annotations

import re

from samen.channels.voice.numbers import digits_from_words

_GROUPS = r"(\d[\d\s.,-]{3,20}\d)"
_ORDER = re.compile(
    r"\b(?:o[\s.-]*r[\s.-]*d|orde?r?|oord|oort)\b[\s.:-]*(?:nummer\s*)?" + _GROUPS, re.I
)
_CUSTOMER = re.compile(r"\b(?:p[\s.-]*l|pee[\s-]*el|pe[\s-]*el)\b[\s.:-]*" + _GROUPS, re.I)
_LOOSE = re.compile(r"(?<![\w-])\d{1,6}(?:[\s.-]+\d{1,6})+(?![\w-])")


def normalise_transcript(text: str) -> str:
    """``"mijn bestelnummer is O R D twee nul twee zes 00 45 12"`` →
    ``"mijn bestelnummer is ORD-2026-004512"``."""
    text = digits_from_words(text.strip())
    text = _ORDER.sub(lambda m: _order(m.group(1)) or m.group(), text)
    text = _CUSTOMER.sub(lambda m: _customer(m.group(1)) or m.group(), text)

    def loose(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        if len(digits) == 10 and digits.startswith("20"):
            return f"{digits[:4]} {digits[4:]}"
        return match.group()

    return _LOOSE.sub(loose, text)


def keypad_text(digits: str, awaiting: str | None) -> str:
    """Keyed digits (``#`` ends an entry) as the identifier the bot waits for."""
    keyed = re.sub(r"\D", "", digits)
    if awaiting == "customer_number" or (awaiting != "order_number" and len(keyed) == 6):
        return f"PL-{keyed}" if len(keyed) == 6 else keyed
    if len(keyed) == 10:
        return f"ORD-{keyed[:4]}-{keyed[4:]}"
    return keyed


def _order(groups: str) -> str | None:
    digits = re.sub(r"\D", "", groups)
    return f"ORD-{digits[:4]}-{digits[4:]}" if len(digits) == 10 else None


def _customer(groups: str) -> str | None:
    digits = re.sub(r"\D", "", groups)
    return f"PL-{digits}" if len(digits) == 6 else None
