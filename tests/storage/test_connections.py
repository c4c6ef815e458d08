"""PostgreSQL connections in the pool: a dead one is replaced before a customer's write uses it."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text

from samen.storage.database import async_url, create_engine

pytestmark = pytest.mark.postgres


async def _drop_every_connection_to(url: str) -> int:
    """What a database restart or a firewall does to idle connections."""
    admin = await asyncpg.connect(url)
    try:
        return len(
            await admin.fetch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    finally:
        await admin.close()


async def test_a_connection_dropped_while_it_rested_is_replaced_before_use(pg_database: str):
    engine = create_engine(pg_database, ping_after_idle=0.0)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SELECT 1"))
        assert await _drop_every_connection_to(pg_database) >= 1

        async with engine.begin() as conn:
            assert (await conn.execute(text("SELECT 41 + 1"))).scalar() == 42
    finally:
        await engine.dispose()


async def test_a_connection_in_steady_use_is_not_pinged_again(pg_database: str):
    engine = create_engine(pg_database)
    sent: list[str] = []
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None and async_url(pg_database).startswith("postgresql+asyncpg")
            driver.add_query_logger(lambda record: sent.append(record.query))
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 2"))
    finally:
        await engine.dispose()
    # SQLAlchemy's ping is an empty statement in a transaction of its own
    assert ";" not in sent
    assert sent.count("BEGIN;") == 1
