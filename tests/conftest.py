"""Shared fixtures: a database per backend (SQLite file, PostgreSQL), a container, an HTTP client."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from samen.bootstrap import Container, build
from samen.clock import FixedClock
from samen.conversations.handler import Outcome, Turn
from samen.conversations.models import Conversation, Customer, Reply
from samen.settings import Settings
from samen.storage.database import create_engine, upgrade
from samen.storage.repositories import SqlStore
from samen.web.app import create_app

PG_ADMIN_URL = os.environ.get("SAMEN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SAMEN_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped at the end."""
    import asyncpg

    name = f"samen_test_{uuid.uuid4().hex[:10]}"
    admin = PG_ADMIN_URL

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    try:
        asyncio.run(run(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(f"PostgreSQL is not reachable at {admin}: {exc}")
    base = admin.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'"
        )
        if tables:
            names = ", ".join(f'"{t["tablename"]}"' for t in tables)
            await conn.execute(f"TRUNCATE {names} CASCADE")
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'samen.db'}"
    url: str = request.getfixturevalue("pg_database")
    asyncio.run(_truncate(url)) if _migrated(url) else None
    return url


def _migrated(url: str) -> bool:
    import asyncpg

    async def check() -> bool:
        conn = await asyncpg.connect(url)
        try:
            return bool(
                await conn.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL")
            )
        finally:
            await conn.close()

    return asyncio.run(check())


@pytest.fixture
def clock() -> FixedClock:
    # A Monday morning in November, inside Polderlink's opening hours.
    return FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[SqlStore]:
    """The conversation store alone, on a migrated database of either kind."""
    engine = create_engine(database_url)
    await upgrade(engine)
    yield SqlStore(engine)
    await engine.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # Parsing in a thread of the test's own process: a parse process costs seconds to start
    # (tests/nlu/test_parse_process.py and the served tests run the default).
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret",
        parse_process=False,
    )


class EchoHandler:
    """A recording handler for tests of the road itself: greets, echoes, and hands over on 'mens'."""

    def __init__(self) -> None:
        self.turns: list[Turn] = []

    async def opening(self, conversation: Conversation, customer: Customer) -> list[Reply]:
        return [Reply("Hallo! Ik ben de digitale assistent.")]

    async def handle(self, turn: Turn) -> Outcome:
        from samen.conversations.models import State

        self.turns.append(turn)
        if "mens" in turn.message.text:
            return Outcome(
                replies=[Reply("Ik zet je door naar een medewerker.")],
                state=State.QUEUED,
                queue="care",
                route={
                    "handler": "human",
                    "queue": "care",
                    "priority": "normal",
                    "reason": "asked for a person",
                    "rules": ["human_request"],
                },
            )
        return Outcome(replies=[Reply(f"echo: {turn.message.text}")])


@pytest.fixture
def echo() -> EchoHandler:
    return EchoHandler()


@pytest.fixture
async def container(
    settings: Settings, echo: EchoHandler, clock: FixedClock
) -> AsyncIterator[Container]:
    built = await build(settings, handler=echo, clock=clock)
    yield built
    await built.aclose()


@pytest.fixture
async def client(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(container)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://samen.test") as http:
        yield http


# The demo's understanding model, trained once per test run (or reused from a cache keyed by the
# training data and the classifier's code, so a second local run starts at once).
DEMO = Path(__file__).parents[1] / "src" / "samen" / "demo"


def _demo_model_key() -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((DEMO / "nlu").glob("train*.yml")):
        digest.update(path.read_bytes())
    modules = "intents kernel calibration wordforms tfidf typos train model embeddings"
    for module in (f"{name}.py" for name in modules.split()):
        digest.update((DEMO.parent / "nlu" / module).read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def demo_models_dir() -> Path:
    from samen.nlu.store import ModelStore
    from samen.nlu.train import train_model
    from samen.nlu.training_data import load_many

    cache = Path(os.environ.get("SAMEN_TEST_CACHE", Path.home() / ".cache" / "samen-tests"))
    folder = cache / f"demo-model-{_demo_model_key()}"
    store = ModelStore(folder)
    if store.current_version() is None:
        data = load_many(sorted((DEMO / "nlu").glob("train*.yml")))
        store.save(train_model(data, store.encoder))
    return folder


@pytest.fixture
def demo_settings(tmp_path: Path, database_url: str, demo_models_dir: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret",
        models_dir=demo_models_dir,
        parse_process=False,
    )


@pytest.fixture
async def demo(demo_settings: Settings, clock: FixedClock) -> AsyncIterator[Container]:
    """The whole Polderlink demo: real understanding, routing, bot and demo backend."""
    built = await build(demo_settings, clock=clock)
    yield built
    await built.aclose()


@pytest.fixture
async def demo_client(demo: Container) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(demo))
    async with httpx.AsyncClient(transport=transport, base_url="http://samen.test") as http:
        yield http


class Chat:
    """A customer in the web chat, speaking to the public API."""

    def __init__(self, client: httpx.AsyncClient, conversation: dict) -> None:
        self.client = client
        self.id = conversation["id"]
        self.token = conversation["token"]
        self.opening = conversation["messages"]
        self.last: dict = {}

    @classmethod
    async def open(
        cls,
        client: httpx.AsyncClient,
        locale: str = "nl",
        identity_token: str | None = None,
        **customer: str,
    ) -> Chat:
        body = {"channel": "web", "locale": locale, "customer": customer}
        if identity_token is not None:
            body["identity_token"] = identity_token
        response = await client.post("/api/v1/conversations", json=body)
        assert response.status_code == 201, response.text
        return cls(client, response.json())

    async def say(self, text: str) -> str:
        response = await self.client.post(
            f"/api/v1/conversations/{self.id}/messages",
            json={"text": text},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 201, response.text
        self.last = response.json()
        return "\n".join(r["text"] for r in self.last["replies"])

    @property
    def conversation(self) -> dict:
        return self.last["conversation"]

    @property
    def route(self) -> dict:
        return self.last["conversation"]["route"]


@pytest.fixture
def chat(demo_client: httpx.AsyncClient):
    async def open_chat(
        locale: str = "nl", identity_token: str | None = None, **customer: str
    ) -> Chat:
        return await Chat.open(demo_client, locale, identity_token, **customer)

    return open_chat


# The demo on a real port and Debian's Chromium, for the browser tests (never `playwright install`).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
async def site(demo: Container) -> AsyncIterator[str]:
    import asyncio
    import socket

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(demo), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@pytest.fixture
def web_chat() -> type[Chat]:
    """The ``Chat`` helper itself, for tests that open chats on an app of their own."""
    return Chat
