"""The knowledge base's tables and ``SqlArticles`` (the ``ArticleStore`` port of bot/library).

Migration 0005 creates them. ``knowledge_revision`` is one row whose counter goes up in the same
transaction as every change, so a server process learns of an edit made by another with one
tiny query instead of reading every article.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from samen.bot.articles import Article
from samen.bot.library import Status, StoredArticle
from samen.storage.database import lock_schema
from samen.storage.repositories import SqlStore
from samen.storage.tables import UtcDateTime, metadata

articles = Table(
    "articles",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("language", String(8), nullable=False),
    Column("tags", JSON, nullable=False, default=list),
    Column("intents", JSON, nullable=False, default=list),
    Column("owner", String(500)),
    Column("last_reviewed", Date),
    Column("translation_of", String(100)),
    Column("url", String(500)),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_articles_language", "language"),
)

knowledge_revision = Table(
    "knowledge_revision",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("changed_at", UtcDateTime),
)

_CONTENT = ("title", "language", "tags", "intents", "owner", "last_reviewed", "translation_of",
            "url", "body")  # fmt: skip
_CHUNK = 500  # ids per IN (...): well inside every database's limit on parameters


class SqlArticles:
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    async def revision(self) -> int:
        async with self.store.engine.connect() as conn:
            return await _revision(conn)

    async def all(self) -> list[StoredArticle]:
        query = select(articles).order_by(articles.c.language, articles.c.id)
        async with self.store.engine.connect() as conn:
            return [_stored(row) for row in await conn.execute(query)]

    async def get(self, article_id: str) -> StoredArticle | None:
        query = select(articles).where(articles.c.id == article_id)
        async with self.store.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return _stored(row) if row else None

    async def save(self, given: Sequence[Article], now: datetime) -> list[Status]:
        statuses: list[Status] = []
        async with self.store.transaction() as tx:
            conn = tx.conn
            existing: dict[str, Article] = {}
            ids = [a.id for a in given]
            for start in range(0, len(ids), _CHUNK):
                query = select(articles).where(articles.c.id.in_(ids[start : start + _CHUNK]))
                existing.update({r.id: _stored(r).article for r in await conn.execute(query)})
            for article in given:
                before = existing.get(article.id)
                if before is None:
                    await conn.execute(
                        insert(articles).values(**_row(article, now), created_at=now)
                    )
                    statuses.append("created")
                elif before != article:
                    await conn.execute(
                        update(articles)
                        .where(articles.c.id == article.id)
                        .values(**_row(article, now))
                    )
                    statuses.append("updated")
                else:
                    statuses.append("unchanged")
                existing[article.id] = article
            if any(s != "unchanged" for s in statuses):
                await _bump(conn, now)
        return statuses

    async def add(self, article: Article, now: datetime) -> bool:
        try:
            async with self.store.transaction() as tx:
                taken = await tx.conn.execute(
                    select(articles.c.id).where(articles.c.id == article.id)
                )
                if taken.first() is not None:
                    return False
                await tx.conn.execute(insert(articles).values(**_row(article, now), created_at=now))
                await _bump(tx.conn, now)
        except IntegrityError:  # another process added the same id a moment earlier
            return False
        return True

    async def delete(self, article_id: str, now: datetime) -> bool:
        async with self.store.transaction() as tx:
            gone = await tx.conn.execute(delete(articles).where(articles.c.id == article_id))
            if not gone.rowcount:
                return False
            await _bump(tx.conn, now)
        return True

    async def seed(self, given: Sequence[Article], now: datetime) -> bool:
        async with self.store.transaction() as tx:
            conn = tx.conn
            await lock_schema(conn)  # two processes starting at once: one imports
            count = (await conn.execute(select(func.count()).select_from(articles))).scalar()
            if await _revision(conn) > 0 or count:
                return False
            if given:
                await conn.execute(
                    insert(articles), [{**_row(a, now), "created_at": now} for a in given]
                )
            await _bump(conn, now)
        return True


async def _revision(conn: AsyncConnection) -> int:
    query = select(knowledge_revision.c.revision).where(knowledge_revision.c.id == 1)
    return int((await conn.execute(query)).scalar() or 0)


async def _bump(conn: AsyncConnection, now: datetime | None) -> None:
    raised = await conn.execute(
        update(knowledge_revision)
        .where(knowledge_revision.c.id == 1)
        .values(revision=knowledge_revision.c.revision + 1, changed_at=now)
    )
    if not raised.rowcount:  # the row is created by the migration; recreate it if emptied
        await conn.execute(insert(knowledge_revision).values(id=1, revision=1, changed_at=now))


def _row(article: Article, now: datetime) -> dict[str, Any]:
    return {
        "id": article.id,
        **{name: getattr(article, name) for name in _CONTENT},
        "updated_at": now,
    }


def _stored(row: Any) -> StoredArticle:
    article = Article(
        id=row.id,
        title=row.title,
        language=row.language,
        body=row.body,
        tags=list(row.tags or []),
        intents=list(row.intents or []),
        owner=row.owner,
        last_reviewed=row.last_reviewed,
        translation_of=row.translation_of,
        url=row.url,
    )
    return StoredArticle(article, row.created_at, row.updated_at)
