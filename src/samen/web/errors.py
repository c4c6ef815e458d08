"""Every error leaves as ``{"error": {"code", "message"}}``; a 500 never echoes exception text."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from samen.errors import InvalidRequest, SamenError

log = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    code: str = Field(description="A stable snake_case code, e.g. `conversation_not_found`.")
    message: str = Field(description="A sentence a person can read.")
    fields: dict[str, Any] | None = Field(
        default=None, description="Details where there are any, e.g. `problems` or `retry_after`."
    )


class ErrorOut(BaseModel):
    """The contract's error shape, for every 4xx and 5xx answer."""

    error: ErrorDetail


_MEANINGS = {
    400: "The request or its body cannot be read or used (e.g. not JSON in UTF-8, an empty message)",
    401: "Not logged in, or the API key is not valid",
    403: "Logged in, but not allowed to do this",
    404: "No such thing, or (customer side) not for this token",
    409: "In conflict with the current state",
    413: "The request is larger than the server accepts",
    422: "A field is missing or has a value it cannot have",
    429: "Too many requests; `Retry-After` says when to try again",
    500: "Something went wrong on the server's side",
    502: "A system outside Samen (the company's backend, a mail server) did not answer well",
    503: "A part of the server this needs is not running",
}
ALWAYS = (400, 413, 422, 500)


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, in the contract's error shape."""
    return {status: {"model": ErrorOut, "description": _MEANINGS[status]} for status in statuses}


# A body FastAPI could not read (not UTF-8, nested too deeply, a number too long) gets this.
_UNREADABLE = "There was an error parsing the body"
_HTTP_CODES = {
    400: "invalid_body",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
}


def error_body(code: str, message: str, **fields: object) -> dict[str, object]:
    error: dict[str, object] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def install(app: FastAPI) -> None:
    @app.exception_handler(SamenError)
    async def _samen(_: Request, exc: SamenError) -> JSONResponse:
        headers = {}
        if "retry_after" in exc.fields:
            headers["Retry-After"] = str(int(float(str(exc.fields["retry_after"]))))
        return JSONResponse(
            error_body(exc.code, exc.message, **exc.fields),
            status_code=exc.http_status,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": "", "problem": "The body is not valid JSON"}
            if err.get("type") == "json_invalid"
            else {"field": _field(err.get("loc", ())), "problem": err.get("msg")}
            for err in exc.errors()
        ]
        error = InvalidRequest(problems)
        return JSONResponse(
            error_body(error.code, error.message, **error.fields), status_code=error.http_status
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if message == _UNREADABLE:
            message = "The body could not be read: send JSON in UTF-8"
        message = message if message.endswith(".") else message + "."
        return JSONResponse(
            error_body(code, message), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(
            error_body(
                "internal_error", "Something went wrong on our side; nothing you sent was lost."
            ),
            status_code=500,
        )


def _field(location: Sequence[object]) -> str:
    """``("body", "customer", "email")`` → ``customer.email``: only the leading part names
    where the value came from; a field that is itself called ``body`` stays."""
    parts = list(location)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(str(p) for p in parts)
