"""``create_app``: the ASGI application around a built ``Container``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from samen import __version__
from samen.bootstrap import Container
from samen.web import errors
from samen.web.api import agent, agent_account, conversations, knowledge, nlu, privacy
from samen.web.limits import BodySizeLimit

STATIC = Path(__file__).parent / "static"


def create_app(container: Container) -> FastAPI:
    """An app over an already built container (tests build one per test)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Background work (mail receivers, model reloads) starts with the server, stops with it.
        for start in container.extras.get("startups", []):
            await start()
        yield
        for stop in reversed(container.extras.get("shutdowns", [])):
            await stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Samen",
        version=__version__,
        description="Hybrid customer service: the customer, understanding and agent APIs.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.container = container
    errors.install(app)
    # Every API answer that is not a success is documented in the contract's error shape.
    always = errors.ALWAYS
    app.include_router(conversations.router, responses=errors.documented(*always))
    app.include_router(nlu.router, responses=errors.documented(*always, 503))
    staff = errors.documented(*always, 401, 403, 404, 409, 502)
    app.include_router(agent.router, responses=staff)
    app.include_router(agent_account.router, responses=staff)
    app.include_router(privacy.router, responses=staff)
    app.include_router(
        knowledge.router, responses=errors.documented(*always, 401, 403, 404, 409, 503)
    )
    from samen.channels.voice.routes import VOICEMAIL_PATH
    from samen.channels.voice.routes import router as voice_router

    app.include_router(voice_router, responses=errors.documented(*always, 403, 404, 502))
    from samen.web import console, pages

    app.include_router(pages.router)
    app.include_router(console.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/api/v1/health", tags=["operations"], responses=errors.documented(500))
    async def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    settings = container.settings
    # A voicemail is minutes of audio; every other request stays small.
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_request_bytes,
        paths={VOICEMAIL_PATH: settings.voicemail_max_bytes},
    )
    return app
