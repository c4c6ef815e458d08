"""The bot's index follows the article store: at once for an edit in this process, by the
revision for an edit in another, and never by re-encoding what did not change."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import numpy as np
import pytest

from samen.bot.knowledge import KnowledgeBase
from samen.bot.library import KnowledgeLibrary
from samen.bot.live import LiveKnowledge
from samen.clock import FixedClock
from samen.nlu.embeddings import Encoder, shared_encoder
from samen.storage.articles import SqlArticles
from samen.storage.database import create_engine, upgrade
from samen.storage.repositories import SqlStore

HOURS = {
    "id": "openingstijden-nl",
    "title": "Openingstijden klantenservice",
    "language": "nl",
    "body": "De klantenservice is open van maandag tot en met vrijdag van 8:00 tot 20:00.",
}
DOGS = {
    "id": "huisdieren-winkel-nl",
    "title": "Huisdieren in onze winkels",
    "language": "nl",
    "body": "Honden zijn welkom in al onze winkels, als ze aangelijnd zijn.\n\n"
    "## Waterbak\nBij de ingang staat een waterbak voor je hond.",
}
DOG_QUESTION = "Mag mijn hond mee de winkel in?"


class CountingEncoder:
    """The real encoder, remembering which texts it was asked to encode."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.dimensions = encoder.dimensions
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded.extend(texts)
        return self.encoder.encode(texts)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[SqlArticles]:
    engine = create_engine(database_url)
    await upgrade(engine)
    yield SqlArticles(SqlStore(engine))
    await engine.dispose()


@pytest.fixture
def library(store: SqlArticles) -> KnowledgeLibrary:
    return KnowledgeLibrary(store, FixedClock(datetime(2026, 11, 23, tzinfo=UTC)), ("nl", "en"))


async def process(store: SqlArticles, encoder: Encoder, interval: float) -> LiveKnowledge:
    """What one server process holds: an index over the stored articles, kept live."""
    revision = await store.revision()
    articles = [s.article for s in await store.all()]
    return LiveKnowledge(KnowledgeBase(articles, encoder), store, revision, interval=interval)


def answers(live: LiveKnowledge, question: str) -> str | None:
    answer = live.knowledge.answer(question, "nl")
    return answer.article.id if answer else None


async def test_that_an_edit_in_this_process_is_answered_at_once(library, store):
    await library.create(HOURS)
    live = await process(store, shared_encoder(), interval=3600)
    library.on_change(live.reload)
    assert answers(live, DOG_QUESTION) != "huisdieren-winkel-nl"

    await library.create(DOGS)
    assert answers(live, DOG_QUESTION) == "huisdieren-winkel-nl"

    await library.delete("huisdieren-winkel-nl")
    assert answers(live, DOG_QUESTION) != "huisdieren-winkel-nl"


async def test_that_another_process_notices_an_edit_by_the_revision(library, store):
    await library.create(HOURS)
    other = await process(store, shared_encoder(), interval=0)
    await library.create(DOGS)  # made by "this" process; the other is not told

    assert answers(other, DOG_QUESTION) != "huisdieren-winkel-nl"
    await other.fresh()
    assert answers(other, DOG_QUESTION) == "huisdieren-winkel-nl"
    assert other.reloads == 1
    await other.fresh()  # nothing changed since: no second re-index
    assert other.reloads == 1


async def test_that_the_revision_is_not_read_again_within_the_interval(library, store):
    await library.create(HOURS)
    other = await process(store, shared_encoder(), interval=3600)
    await library.create(DOGS)
    await other.fresh()
    assert other.reloads == 0
    assert answers(other, DOG_QUESTION) != "huisdieren-winkel-nl"


async def test_that_an_edit_encodes_only_the_passages_it_changed(library, store):
    await library.create(HOURS)
    encoder = CountingEncoder(shared_encoder())
    live = await process(store, encoder, interval=3600)
    library.on_change(live.reload)
    encoder.encoded.clear()

    await library.create(DOGS)
    assert len(encoder.encoded) == 2  # the new article's two passages, not the old one
    assert all("Huisdieren" in text for text in encoder.encoded)
