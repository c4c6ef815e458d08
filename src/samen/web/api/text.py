"""Request fields of free text that must hold something to read."""

from __future__ import annotations

from pydantic import AfterValidator

from samen.conversations.service import without_controls


def _not_blank(text: str) -> str:
    # As for a message: only blanks or control characters is nothing to read.
    if not without_controls(text).strip():
        raise ValueError("nothing but blanks in it")
    return text


NotBlank = AfterValidator(_not_blank)

__all__ = ["NotBlank"]
