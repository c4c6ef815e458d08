"""One root for every error Samen raises on purpose.

A domain error carries a stable ``code``, the HTTP status it maps to and structured fields, so
``web/errors.py`` can turn it into the contract's ``{"error": {"code", "message"}}`` without
knowing the error's class::

    raise NotFound("conversation_not_found", "No such conversation.")
"""

from __future__ import annotations

from typing import Any


class SamenError(Exception):
    code = "samen_error"
    http_status = 500

    def __init__(self, code: str | None = None, message: str = "", **fields: Any) -> None:
        self.code = code or type(self).code
        self.message = message or self.code.replace("_", " ").capitalize() + "."
        self.fields = fields
        super().__init__(self.message)


class BadRequest(SamenError):
    code = "bad_request"
    http_status = 400


class Unauthorized(SamenError):
    code = "unauthorized"
    http_status = 401


class Forbidden(SamenError):
    code = "forbidden"
    http_status = 403


class NotFound(SamenError):
    code = "not_found"
    http_status = 404


class InvalidRequest(SamenError):
    """A field with a value it cannot have, found out past the schema (e.g. a locale that is
    no language): the same code, message and ``problems`` as a body the schema refuses."""

    code = "invalid_request"
    http_status = 422

    def __init__(self, problems: list[dict[str, str]], **fields: Any) -> None:
        super().__init__(message=invalid_request_message(problems), problems=problems, **fields)


def invalid_request_message(problems: list[dict[str, str]]) -> str:
    """The sentence for an invalid request: its first problem, e.g. "Invalid request: text: …"."""
    first = problems[0] if problems else {"field": "", "problem": "invalid"}
    return f"Invalid request: {first['field'] or 'body'}: {first['problem']}."


class Conflict(SamenError):
    code = "conflict"
    http_status = 409


class IllegalTransition(Conflict):
    code = "illegal_transition"


class TooLarge(SamenError):
    code = "too_large"
    http_status = 413


class RateLimited(SamenError):
    code = "rate_limited"
    http_status = 429


class ConfigError(SamenError):
    """A tenant file (policy, texts, training data) that cannot be used as written."""

    code = "invalid_configuration"
    http_status = 422


class MissingDependency(SamenError):
    """An optional feature whose extra is not installed: says which one to install."""

    code = "missing_dependency"
    http_status = 501

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            message=f"This needs the '{package}' package: pip install 'samen[{extra}]'.",
            package=package,
            extra=extra,
        )
