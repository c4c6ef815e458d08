"""Every error leaves as ``{"error": {"code", "message"}}``; a 500 never echoes exception text."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from samen.errors import SamenError

log = logging.getLogger(__name__)


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
        first = problems[0] if problems else {"field": "", "problem": "invalid"}
        message = f"Invalid request: {first['field'] or 'body'}: {first['problem']}."
        return JSONResponse(
            error_body("invalid_request", message, problems=problems), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden"}
        code = codes.get(exc.status_code, f"http_{exc.status_code}")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return JSONResponse(error_body(code, message), status_code=exc.status_code)

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
