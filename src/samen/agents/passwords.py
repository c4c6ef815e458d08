"""Password hashing with Argon2id (argon2-cffi), the OWASP first choice.

    hasher = Passwords()
    stored = hasher.hash("correct horse battery staple")
    hasher.verify(stored, "correct horse battery staple")   # True

Hashing is deliberately slow (tens of milliseconds); the async callers run it in a thread.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from samen.errors import BadRequest

MIN_LENGTH = 10
MAX_LENGTH = 256


class Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._decoy: str | None = None

    def hash(self, password: str) -> str:
        check_strength(password)
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        if not stored:
            # Verify against a decoy when the e-mail is unknown, so both answers take as long.
            self._decoy = self._decoy or self._hasher.hash("samen-decoy-password")
        try:
            return self._hasher.verify(stored or self._decoy or "", password[:MAX_LENGTH]) and bool(
                stored
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise BadRequest(
            "weak_password", f"A password needs at least {MIN_LENGTH} characters.", min=MIN_LENGTH
        )
    if len(password) > MAX_LENGTH:
        raise BadRequest("password_too_long", f"A password can be at most {MAX_LENGTH} characters.")
