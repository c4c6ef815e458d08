"""``POST /api/v1/nlu/parse``: the understanding pipeline on one message."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from samen.errors import SamenError
from samen.nlu.pipeline import ParseContext
from samen.web.api.text import NotBlank

router = APIRouter(prefix="/api/v1/nlu", tags=["understanding"])


class ParseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Field(min_length=1, max_length=4000), NotBlank]
    locale: str | None = Field(default=None, max_length=16)


class NluUnavailable(SamenError):
    code = "nlu_unavailable"
    http_status = 503


@router.post("/parse")
async def parse(body: ParseIn, request: Request) -> dict[str, Any]:
    language = request.app.state.container.tenant.language_for(body.locale)
    brain = request.app.state.container.extras.get("brain")
    if brain is None:
        raise NluUnavailable(message="This server runs without the understanding pipeline.")
    # The brain's batcher: in the parse process where there is one, never on the event loop.
    result = await brain.parser.parse(body.text, ParseContext(language=language))
    return result.as_dict()
