"""The knowledge base's articles in SQL, on SQLite and PostgreSQL: seeding, upserts, revision."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from samen.bot.articles import Article
from samen.storage.articles import SqlArticles
from samen.storage.database import create_engine, upgrade
from samen.storage.repositories import SqlStore

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def article(article_id: str = "wifi-nl", body: str = "Zet de modem vrij neer.") -> Article:
    return Article(
        id=article_id,
        title="Wifi verbeteren – tips",
        language="nl",
        body=f"{body}\n\n## Kanaal\nKies kanaal 1, 6 of 11.",
        tags=["wifi", "bereik"],
        intents=["tech_support", "product_info"],
        owner="Techniek",
        last_reviewed=date(2026, 10, 12),
        translation_of=None,
        url="https://polderlink.example/wifi",
    )


@pytest.fixture
async def articles(database_url: str) -> AsyncIterator[SqlArticles]:
    engine = create_engine(database_url)
    await upgrade(engine)
    yield SqlArticles(SqlStore(engine))
    await engine.dispose()


async def test_that_every_field_of_an_article_comes_back_as_it_was_saved(articles):
    assert await articles.save([article()], NOW) == ["created"]
    stored = await articles.get("wifi-nl")
    assert stored is not None
    assert stored.article == article()
    assert stored.created_at == stored.updated_at == NOW


async def test_that_saving_says_per_article_whether_it_was_created_updated_or_unchanged(articles):
    await articles.save([article("a-nl"), article("b-nl")], NOW)
    later = NOW + timedelta(hours=1)
    statuses = await articles.save(
        [article("a-nl"), article("b-nl", body="Nieuwe tekst."), article("c-nl")], later
    )
    assert statuses == ["unchanged", "updated", "created"]
    changed = await articles.get("b-nl")
    assert changed is not None
    assert changed.created_at == NOW and changed.updated_at == later
    assert changed.article.body.startswith("Nieuwe tekst.")


async def test_that_the_revision_rises_with_every_change_and_only_then(articles):
    start = await articles.revision()
    await articles.save([article()], NOW)
    assert await articles.revision() == start + 1
    await articles.save([article()], NOW)  # nothing changed
    assert await articles.revision() == start + 1
    await articles.save([replace(article(), tags=["wifi"])], NOW)
    assert await articles.revision() == start + 2
    assert await articles.delete("wifi-nl", NOW)
    assert await articles.revision() == start + 3
    assert not await articles.delete("wifi-nl", NOW)
    assert await articles.revision() == start + 3


async def test_that_adding_an_article_whose_id_is_taken_is_refused(articles):
    assert await articles.add(article(), NOW)
    assert not await articles.add(replace(article(), title="Iets anders"), NOW)
    stored = await articles.get("wifi-nl")
    assert stored is not None and stored.article.title == "Wifi verbeteren – tips"


async def test_that_seeding_imports_only_into_a_store_that_never_held_articles(articles):
    assert await articles.seed([article("a-nl"), article("b-nl")], NOW)
    assert [s.article.id for s in await articles.all()] == ["a-nl", "b-nl"]
    assert not await articles.seed([article("c-nl")], NOW)
    for stored in await articles.all():
        await articles.delete(stored.article.id, NOW)
    # Emptied by an administrator: the database stays the source of truth.
    assert not await articles.seed([article("a-nl")], NOW)
    assert await articles.all() == []


async def test_that_an_article_nobody_saved_is_not_found(articles):
    assert await articles.get("bestaat-niet") is None
