"""How channels recognise a customer: normalised e-mail addresses and phone numbers."""

from __future__ import annotations

import phonenumbers


def normalise_phone(raw: str, region: str = "NL") -> str | None:
    """E.164 (``+31612345678``) for a valid number, else ``None``."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    return raw.strip().lower()
