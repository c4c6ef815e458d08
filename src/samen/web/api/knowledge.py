"""The knowledge base's management API: articles (read by any agent, changed by supervisors and
admins) and a search that shows what the bot would find for a question, with scores.

An article created or changed here is what the bot answers from at once, in this process and,
within a few seconds, in every other server process on the same database.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from samen.agents.models import User
from samen.bot.knowledge import MIN_SCORE, KnowledgeBase
from samen.bot.library import KnowledgeLibrary
from samen.errors import Forbidden, SamenError
from samen.web.agentauth import api_user
from samen.web.api.text import NotBlank

router = APIRouter(prefix="/api/v1/knowledge", tags=["knowledge"])
Agent = Annotated[User, Depends(api_user)]
_SLUG = r"^[a-z0-9][a-z0-9_-]{0,99}$"


class ArticleFields(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    language: str = Field(min_length=2, max_length=8, description="One of the tenant's languages.")
    body: str = Field(
        min_length=1, max_length=60_000, description="Markdown; `## ` headings start passages."
    )
    tags: list[str] = Field(default_factory=list, max_length=50)
    intents: list[str] = Field(default_factory=list, max_length=30)
    owner: str | None = Field(default=None, max_length=200)
    last_reviewed: date | None = None
    translation_of: str | None = Field(default=None, pattern=_SLUG)
    url: str | None = Field(default=None, max_length=500)


class ArticleIn(ArticleFields):
    id: str | None = Field(
        default=None, pattern=_SLUG, description="A slug; made from the title if absent."
    )


class ArticleChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, min_length=1, max_length=200)
    language: str | None = Field(default=None, min_length=2, max_length=8)
    body: str | None = Field(default=None, min_length=1, max_length=60_000)
    tags: list[str] | None = Field(default=None, max_length=50)
    intents: list[str] | None = Field(default=None, max_length=30)
    owner: str | None = Field(default=None, max_length=200)
    last_reviewed: date | None = None
    translation_of: str | None = Field(default=None, pattern=_SLUG)
    url: str | None = Field(default=None, max_length=500)


class SearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: Annotated[str, Field(min_length=1, max_length=2000), NotBlank]
    language: str | None = Field(
        default=None, max_length=8, description="Default: detected from the question."
    )
    top: int = Field(default=5, ge=1, le=20)


class KnowledgeUnavailable(SamenError):
    code = "knowledge_unavailable"
    http_status = 503


def _library(request: Request) -> KnowledgeLibrary:
    library: KnowledgeLibrary = request.app.state.container.extras["knowledge"]
    return library


def _editor(user: User) -> None:
    if not user.oversees:
        raise Forbidden(
            "knowledge_editors_only", "Only supervisors and admins can change the knowledge base."
        )


@router.get("/articles", summary="Articles (without their bodies), filtered if asked")
async def list_articles(
    request: Request,
    user: Agent,
    language: Annotated[str | None, Query(max_length=8)] = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    intent: Annotated[str | None, Query(max_length=60)] = None,
) -> dict[str, Any]:
    library = _library(request)
    found = await library.list(language=language, tag=tag, intent=intent)
    return {
        "articles": [s.view(body=False) for s in found],
        "revision": await library.store.revision(),
    }


@router.get("/articles/{article_id}", summary="One article with its Markdown body")
async def get_article(article_id: str, request: Request, user: Agent) -> dict[str, Any]:
    return {"article": (await _library(request).get(article_id)).view()}


@router.post("/articles", status_code=201, summary="A new article (supervisors, admins)")
async def create_article(body: ArticleIn, request: Request, user: Agent) -> dict[str, Any]:
    _editor(user)
    created = await _library(request).create(body.model_dump())
    return {"article": created.view()}


@router.put("/articles/{article_id}", summary="Replace an article (supervisors, admins)")
async def replace_article(
    article_id: str, body: ArticleFields, request: Request, user: Agent
) -> dict[str, Any]:
    _editor(user)
    changed = await _library(request).update(article_id, body.model_dump())
    return {"article": changed.view()}


@router.patch("/articles/{article_id}", summary="Change some fields (supervisors, admins)")
async def change_article(
    article_id: str, body: ArticleChanges, request: Request, user: Agent
) -> dict[str, Any]:
    _editor(user)
    changed = await _library(request).update(article_id, body.model_dump(exclude_unset=True))
    return {"article": changed.view()}


@router.delete("/articles/{article_id}", status_code=204, summary="Delete (supervisors, admins)")
async def delete_article(article_id: str, request: Request, user: Agent) -> Response:
    _editor(user)
    await _library(request).delete(article_id)
    return Response(status_code=204)


@router.post("/search", summary="The passages the bot would find for a question, ranked")
async def search(body: SearchIn, request: Request, user: Agent) -> dict[str, Any]:
    brain = request.app.state.container.extras.get("brain")
    if brain is None:
        raise KnowledgeUnavailable(message="This server runs without the bot's knowledge index.")
    if brain.bot.live is not None:
        await brain.bot.live.fresh()
    knowledge: KnowledgeBase = brain.bot.knowledge
    tenant = request.app.state.container.tenant
    language = (body.language or "").lower() or brain.understanding.detector.detect(
        body.question, hint=tenant.default_language
    )
    hits = await asyncio.to_thread(knowledge.search, body.question, language, top=body.top)
    passages = [
        {
            "rank": rank,
            "score": round(hit.score, 4),
            "lexical": round(hit.lexical, 4),
            "semantic": round(hit.semantic, 4),
            "source": {
                "article_id": hit.article.id,
                "title": hit.article.title,
                "url": hit.article.url,
                "language": hit.article.language,
            },
            "heading": hit.passage.heading,
            "text": hit.passage.text,
            "also": {"heading": hit.also.heading, "text": hit.also.text} if hit.also else None,
        }
        for rank, hit in enumerate(hits, start=1)
    ]
    return {
        "question": body.question,
        "language": language,
        "answerable": bool(hits) and hits[0].score >= MIN_SCORE,
        "min_score": MIN_SCORE,
        "passages": passages,
    }
