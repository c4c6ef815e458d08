"""The optional generative mode, against a real HTTP server that speaks OpenAI's chat
completions: the passages reach the prompt, citations come back as sources, and anything that
goes wrong gives the extractive answer."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from samen.bootstrap import Container, build
from samen.bot.generation import OpenAiCompatibleWriter, Source, sources_of, write_grounded
from samen.bot.knowledge import MIN_SCORE, KnowledgeBase
from samen.clock import FixedClock
from samen.nlu.embeddings import shared_encoder
from samen.settings import Settings
from samen.web.app import create_app


@dataclass
class ModelServer:
    """An OpenAI-compatible chat-completions endpoint that answers from the first passage of
    the prompt it is given, citing it; ``mode`` makes it fail in the ways real servers do."""

    url: str = ""
    mode: str = "answer"
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    async def completions(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        if self.mode == "error":
            return JSONResponse({"error": {"message": "overloaded"}}, status_code=500)
        if self.mode == "slow":
            await asyncio.sleep(1.5)
        if self.mode == "garbage":
            return Response("<html>gateway</html>", media_type="text/html")
        content = {"empty": "", "uncited": "Dat weet ik helaas niet."}.get(self.mode)
        if content is None:
            passage = body["messages"][0]["content"].split("[1] ", 1)[1].split("\n")[1]
            content = f"Goed nieuws: {passage.split('.')[0].lower()} [1]."
        return JSONResponse(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": content},
                    }
                ],
            }
        )


@pytest.fixture
async def model_server() -> AsyncIterator[ModelServer]:
    server = ModelServer()
    app = Starlette(routes=[Route("/v1/chat/completions", server.completions, methods=["POST"])])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    running = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(running.serve())
    while not running.started:
        await asyncio.sleep(0.02)
    server.url = f"http://127.0.0.1:{port}"
    yield server
    running.should_exit = True
    await task


def dog_sources() -> tuple[list[Source], KnowledgeBase]:
    from samen.bot.articles import Article

    articles = [
        Article("huisdieren-nl", "Huisdieren in onze winkels", "nl",
                "Honden zijn welkom in al onze winkels, als ze aangelijnd zijn."),
        Article("openingstijden-nl", "Openingstijden", "nl",
                "De winkels zijn open van 10:00 tot 18:00."),
    ]  # fmt: skip
    knowledge = KnowledgeBase(articles, shared_encoder())
    hits = knowledge.search("Mag mijn hond mee de winkel in?", "nl", top=3)
    return sources_of(hits, MIN_SCORE), knowledge


async def test_that_the_model_is_given_the_passages_and_its_citations_come_back(model_server):
    sources, _ = dog_sources()
    writer = OpenAiCompatibleWriter(model_server.url, model="klein", api_key="sk-test")
    try:
        grounded = await write_grounded(writer, "Mag mijn hond mee de winkel in?", "nl", sources)
    finally:
        await writer.aclose()

    assert grounded is not None
    assert (
        grounded.text
        == "Goed nieuws: honden zijn welkom in al onze winkels, als ze aangelijnd zijn [1]."
    )
    assert [s.article_id for s in grounded.cited] == ["huisdieren-nl"]
    sent = model_server.requests[0]
    assert sent["model"] == "klein"
    system, user = sent["messages"]
    assert system["role"] == "system" and user == {
        "role": "user", "content": "Mag mijn hond mee de winkel in?"
    }  # fmt: skip
    assert "ONLY the numbered passages" in system["content"]
    assert "Answer in Dutch" in system["content"] and "[1], [2]" in system["content"]
    assert "[1] Huisdieren in onze winkels" in system["content"]
    assert "Honden zijn welkom in al onze winkels" in system["content"]
    assert model_server.headers[0]["authorization"] == "Bearer sk-test"


@pytest.mark.parametrize("mode", ["error", "slow", "empty", "uncited", "garbage"])
async def test_that_a_failing_model_gives_no_written_answer(model_server, mode):
    model_server.mode = mode
    sources, _ = dog_sources()
    writer = OpenAiCompatibleWriter(model_server.url + "/v1", timeout=0.5)
    try:
        assert await write_grounded(writer, "Mag mijn hond mee?", "nl", sources) is None
    finally:
        await writer.aclose()
    assert len(model_server.requests) == 1


async def test_that_nothing_is_sent_when_there_are_no_passages(model_server):
    writer = OpenAiCompatibleWriter(model_server.url)
    try:
        assert await write_grounded(writer, "Wat is de zin van het leven?", "nl", []) is None
    finally:
        await writer.aclose()
    assert model_server.requests == []


# The whole demo with SAMEN_LLM_URL set. ------------------------------------------------------


@pytest.fixture
async def generative_chat(
    demo_settings: Settings, clock: FixedClock, model_server: ModelServer
) -> AsyncIterator[httpx.AsyncClient]:
    settings = demo_settings.model_copy(
        update={"llm_url": model_server.url, "llm_model": "klein", "llm_timeout_seconds": 0.5}
    )
    container: Container = await build(settings, clock=clock)
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://samen.test") as http:
        yield http
    await container.aclose()


async def test_that_the_bot_answers_in_the_models_words_and_names_its_sources(
    generative_chat, model_server, web_chat
):
    chat = await web_chat.open(generative_chat, "nl")
    reply = await chat.say("Hoe laat gaat de klantenservice open op zaterdag?")
    assert reply.startswith("Goed nieuws: ")
    assert re.search(r"Bron: \[1\] [^\n]+", reply)
    bot = chat.last["replies"][-1]
    assert bot["sources"] and bot["source"] == bot["sources"][0]
    passages = model_server.requests[0]["messages"][0]["content"]
    assert bot["source"]["title"] in passages

    # A question retrieval finds nothing good for is never put to the model.
    asked = len(model_server.requests)
    await chat.say("Wat vind jij van de nieuwe film van Spielberg over dinosaurussen?")
    assert len(model_server.requests) == asked


@pytest.mark.parametrize("mode", ["error", "slow"])
async def test_that_the_bot_answers_from_the_passage_when_the_model_fails(
    generative_chat, model_server, mode, web_chat
):
    model_server.mode = mode
    chat = await web_chat.open(generative_chat, "nl")
    reply = await chat.say("Hoe laat gaat de klantenservice open op zaterdag?")
    assert model_server.requests  # it was asked…
    assert "Goed nieuws" not in reply  # …and its failure is not shown
    title = chat.last["replies"][-1]["source"]["title"]
    assert f"Bron: {title}" in reply
