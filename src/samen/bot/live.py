"""The bot's knowledge index kept in step with the article store, cheaply.

An edit made in this process re-indexes at once (``reload``, called by the library). Edits made
by another server process are noticed by the store's revision, read at most every ``interval``
seconds and only when a question comes in (``fresh``), never on every message::

    live = LiveKnowledge(knowledge, SqlArticles(store), revision=await store.revision())
    await live.fresh()          # before answering: one small query every few seconds at most
"""

from __future__ import annotations

import asyncio
import logging
import time

from samen.bot.knowledge import KnowledgeBase
from samen.bot.library import ArticleStore

log = logging.getLogger(__name__)


class LiveKnowledge:
    def __init__(
        self,
        knowledge: KnowledgeBase,
        store: ArticleStore,
        revision: int,
        interval: float = 3.0,
    ) -> None:
        self.knowledge = knowledge
        self.store = store
        self.revision = revision
        self.interval = interval
        self.reloads = 0
        self._checked = time.monotonic()
        self._lock = asyncio.Lock()

    async def fresh(self) -> KnowledgeBase:
        """The knowledge base, re-indexed first if another process changed the articles. While
        one re-index runs, other questions are answered from the index as it was."""
        if time.monotonic() - self._checked < self.interval or self._lock.locked():
            return self.knowledge
        self._checked = time.monotonic()
        if await self.store.revision() != self.revision:
            await self.reload()
        return self.knowledge

    async def reload(self) -> None:
        """Read every article and re-index (only changed passages are encoded again)."""
        async with self._lock:
            revision = await self.store.revision()  # read first: a later edit bumps it again
            articles = [s.article for s in await self.store.all()]
            retriever = await asyncio.to_thread(self.knowledge.index, articles)
            self.knowledge.use(articles, retriever)
            self.revision = revision
            self._checked = time.monotonic()
            self.reloads += 1
        log.info("Knowledge base re-indexed: %d articles, revision %d.", len(articles), revision)
