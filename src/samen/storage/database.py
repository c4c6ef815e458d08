"""Engines and migrations: one URL in, an upgraded database out."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, exc, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"

# A pooled PostgreSQL connection that rested this long is pinged before use: the server may
# have restarted or a firewall dropped it. One busy a moment ago is not: a ping costs three
# round trips (SQLAlchemy's pre-ping wraps it in a transaction), more than half of what a
# customer message needs.
PING_AFTER_IDLE_SECONDS = 10.0


def async_url(url: str) -> str:
    """Accept the URLs people write (``postgresql://``, ``sqlite:///``) and pick the async driver."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


def create_engine(
    url: str,
    *,
    pool_size: int = 20,
    ping_after_idle: float = PING_AFTER_IDLE_SECONDS,
    **kwargs: Any,
) -> AsyncEngine:
    """An engine for a URL; ``pool_size`` and ``ping_after_idle`` concern PostgreSQL only."""
    url = async_url(url)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # A fixed set of connections, no overflow: under a burst, requests wait a moment for a
    # connection rather than each opening one (a PostgreSQL process, type introspection, a
    # cold statement cache) only to close it again when it is returned to a full pool.
    kwargs.setdefault("max_overflow", 0)
    engine = create_async_engine(url, pool_size=pool_size, **kwargs)
    _ping_when_rested(engine, ping_after_idle)
    return engine


async def fill_pool(engine: AsyncEngine) -> None:
    """Open PostgreSQL's pool of connections now, all of them.

    A connection is opened on first need otherwise, and opening one (a PostgreSQL backend,
    SQLAlchemy's and asyncpg's first queries, type introspection) costs tens of milliseconds,
    much of it on the event loop. The first burst after a start would pay for a dozen at once
    and wait: the first second at 200 messages/s answered in 200-300 ms, the seconds after
    it in 15 ms (bench/roundtrip.py).
    """
    if engine.dialect.name == "sqlite":
        return
    size = engine.sync_engine.pool.size()  # type: ignore[attr-defined]
    connections = await asyncio.gather(*(engine.connect().start() for _ in range(size)))
    await asyncio.gather(*(connection.close() for connection in connections))


def _ping_when_rested(engine: AsyncEngine, after: float) -> None:
    """SQLAlchemy's pessimistic disconnect handling, for connections that rested ``after`` s.

    A dead connection found at checkout is replaced by the pool (it retries on
    ``DisconnectionError``) before any statement of ours is sent on it.
    """
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["rested_since"] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        rested_since = record.info.pop("rested_since", None)
        if rested_since is None or time.monotonic() - rested_since < after:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError(str(error)) from error

    event.listen(pool, "checkin", checked_in)
    event.listen(pool, "checkout", checked_out)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


# Several server processes may start at once on one PostgreSQL: one migrates, the others wait.
SCHEMA_LOCK = 7_262_023


async def lock_schema(conn: AsyncConnection) -> None:
    """Hold PostgreSQL's advisory lock for schema changes until the transaction ends."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply every migration up to ``revision``; safe to call on every start."""
    async with engine.begin() as conn:
        await lock_schema(conn)
        await conn.run_sync(lambda sync: command.upgrade(_alembic_config(sync), revision))


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
