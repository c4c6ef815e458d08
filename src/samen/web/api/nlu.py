"""``POST /api/v1/nlu/parse``: the understanding pipeline on one message."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from samen.conversations.service import without_controls
from samen.errors import SamenError
from samen.nlu.pipeline import ParseContext

router = APIRouter(prefix="/api/v1/nlu", tags=["understanding"])


class ParseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=4000)
    locale: str | None = Field(default=None, max_length=16)

    @field_validator("text")
    @classmethod
    def _more_than_blanks(cls, text: str) -> str:
        # As for a message: only blanks (or control characters) is nothing to understand.
        if not without_controls(text).strip():
            raise ValueError("the text has nothing but blanks in it")
        return text


class NluUnavailable(SamenError):
    code = "nlu_unavailable"
    http_status = 503


@router.post("/parse")
async def parse(body: ParseIn, request: Request) -> dict[str, Any]:
    language = request.app.state.container.tenant.language_for(body.locale)
    brain = request.app.state.container.extras.get("brain")
    if brain is None:
        raise NluUnavailable(message="This server runs without the understanding pipeline.")
    result = await asyncio.to_thread(
        brain.understanding.parse, body.text, ParseContext(language=language)
    )
    return result.as_dict()
