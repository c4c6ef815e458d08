"""Bytes to text as mail really labels them: wrong, missing or unknown character sets.

>>> decode_bytes("café".encode(), "iso-8859-1")  # labelled Latin-1, really UTF-8
'café'
"""

from __future__ import annotations

import re

_LATIN = {
    "iso-8859-1",
    "latin-1",
    "latin1",
    "iso-8859-15",
    "windows-1252",
    "cp1252",
    "us-ascii",
    "ascii",
}
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]{1,3}")


def decode_bytes(data: bytes, charset: str | None, problems: list[str] | None = None) -> str:
    """Bytes as text in their declared charset, with the usual real-world mislabellings repaired."""
    declared = (charset or "").strip().strip('"').lower() or None
    if declared in ("unknown-8bit", "x-unknown", "unknown"):
        declared = None
    if declared in _LATIN or declared is None:
        # Mail labelled Latin-1 (or not labelled) whose non-ASCII bytes are UTF-8 sequences is
        # UTF-8, even with a stray broken byte in it.
        sequences = len(_UTF8_SEQUENCE.findall(data))
        text = data.decode("utf-8", errors="replace")
        if sequences and text.count("\ufffd") < sequences:
            if declared is not None and problems is not None:
                problems.append(f"text labelled {declared} was UTF-8")
            if "\ufffd" in text and problems is not None:
                problems.append("bytes that are not valid UTF-8 were replaced")
            return text
    for candidate in (declared, "utf-8", "cp1252"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except LookupError:
            if problems is not None:
                problems.append(f"unknown charset {candidate[:40]}")
        except UnicodeDecodeError:
            if candidate == declared and problems is not None:
                problems.append(f"text is not valid {candidate[:40]}")
    return data.decode("utf-8", errors="replace")


def binary(text: str) -> bool:
    """NUL bytes, or more than one character in twenty a control or undecodable one."""
    if "\x00" in text:
        return True
    odd = sum(1 for ch in text[:5000] if (ch < " " and ch not in "\t\n\r\f") or ch == "\ufffd")
    return odd * 20 > min(len(text), 5000)
