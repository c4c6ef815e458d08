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
            return bool(await conn.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL"))
        finally:
            await conn.close()

    return asyncio.run(check())


@pytest.fixture
def clock() -> FixedClock:
    # A Monday morning in November, inside Polderlink's opening hours.
    return FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url, secret_key="test-secret")


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
                route={"handler": "human", "queue": "care", "priority": "normal",
                       "reason": "asked for a person", "rules": ["human_request"]},
            )
        return Outcome(replies=[Reply(f"echo: {turn.message.text}")])


@pytest.fixture
def echo() -> EchoHandler:
    return EchoHandler()


@pytest.fixture
async def container(settings: Settings, echo: EchoHandler, clock: FixedClock) -> AsyncIterator[Container]:
    built = await build(settings, handler=echo, clock=clock)
    yield built
    await built.aclose()


@pytest.fixture
async def client(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(container)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://samen.test") as http:
        yield http
