"""The knowledge base as administrators manage it: articles kept in a store, created, edited,
deleted and imported, with a revision that goes up on every change so every server process
notices (see ``live.LiveKnowledge``)::

    library = KnowledgeLibrary(SqlArticles(store), clock, languages={"nl", "en"})
    report = await library.import_folder(Path("knowledge"))   # created / updated / unchanged
    await library.create({"id": "wifi-nl", "title": "Wifi", "language": "nl", "body": "…"})
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from samen.bot.articles import (
    Article,
    ArticleError,
    article_from_fields,
    load_folder,
    parse_article,
)
from samen.clock import Clock
from samen.errors import Conflict, NotFound

Status = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class StoredArticle:
    article: Article
    created_at: datetime
    updated_at: datetime

    def view(self, *, body: bool = True) -> dict[str, Any]:
        shown = self.article.as_dict()
        if not body:
            shown.pop("body")
        return {
            **shown,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


class ArticleStore(Protocol):
    """Where articles live. Every write that changes something raises the revision by one, in
    the same transaction as the change."""

    async def revision(self) -> int: ...

    async def all(self) -> list[StoredArticle]: ...

    async def get(self, article_id: str) -> StoredArticle | None: ...

    async def save(self, articles: Sequence[Article], now: datetime) -> list[Status]:
        """Insert or update each article (by id); say per article what happened."""
        ...

    async def add(self, article: Article, now: datetime) -> bool:
        """Insert a new article; ``False`` when its id is taken."""
        ...

    async def delete(self, article_id: str, now: datetime) -> bool: ...

    async def seed(self, articles: Sequence[Article], now: datetime) -> bool:
        """Import ``articles`` only if the store has never held any (revision 0)."""
        ...


@dataclass(slots=True)
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[ArticleError] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # article id → the file it came from

    @property
    def ok(self) -> bool:
        return not self.failed


class KnowledgeLibrary:
    def __init__(
        self, store: ArticleStore, clock: Clock, languages: Collection[str] | None = None
    ) -> None:
        self.store = store
        self.clock = clock
        self.languages = languages
        self._listeners: list[Callable[[], Awaitable[None]]] = []

    def on_change(self, listener: Callable[[], Awaitable[None]]) -> None:
        """Call ``listener`` after every change made through this library (this process's bot
        re-indexes at once; other processes notice the revision)."""
        self._listeners.append(listener)

    async def _changed(self) -> None:
        for listener in self._listeners:
            await listener()

    # reading ---------------------------------------------------------------------------------
    async def list(
        self, *, language: str | None = None, tag: str | None = None, intent: str | None = None
    ) -> list[StoredArticle]:
        found = await self.store.all()
        return [
            s
            for s in found
            if (language is None or s.article.language == language)
            and (tag is None or tag in s.article.tags)
            and (intent is None or intent in s.article.intents)
        ]

    async def get(self, article_id: str) -> StoredArticle:
        found = await self.store.get(article_id)
        if found is None:
            raise NotFound("article_not_found", f"There is no article '{article_id}'.")
        return found

    # writing ---------------------------------------------------------------------------------
    async def create(self, fields: Mapping[str, Any]) -> StoredArticle:
        """A new article; without an ``id`` one is made from its title and language."""
        if not fields.get("id") and fields.get("title") and fields.get("language"):
            fields = {**fields, "id": slug_for(str(fields["title"]), str(fields["language"]))}
        article = article_from_fields(fields, "article", self.languages)
        if not await self.store.add(article, self.clock.now()):
            raise Conflict("article_exists", f"An article with the id '{article.id}' exists.")
        await self._changed()
        return await self.get(article.id)

    async def update(self, article_id: str, changes: Mapping[str, Any]) -> StoredArticle:
        """Change some fields of an article (a full replacement passes every field)."""
        current = await self.get(article_id)
        if "id" in changes and changes["id"] != article_id:
            raise ArticleError("article", "id", "cannot be changed; create a new article")
        merged = {**current.article.as_dict(), **changes, "id": article_id}
        article = article_from_fields(merged, "article", self.languages)
        statuses = await self.store.save([article], self.clock.now())
        if statuses != ["unchanged"]:
            await self._changed()
        return await self.get(article_id)

    async def delete(self, article_id: str) -> None:
        if not await self.store.delete(article_id, self.clock.now()):
            raise NotFound("article_not_found", f"There is no article '{article_id}'.")
        await self._changed()

    # importing -------------------------------------------------------------------------------
    async def import_folder(self, folder: Path) -> ImportReport:
        """Every ``*.md`` of ``folder``: a bad file is reported, the good ones still imported."""
        report = ImportReport()
        good: list[Article] = []
        for path in sorted(folder.glob("*.md")):
            try:
                article = parse_article(path.read_text(encoding="utf-8"), path.name, self.languages)
            except ArticleError as exc:
                report.failed.append(exc)
                continue
            except (OSError, UnicodeDecodeError) as exc:
                report.failed.append(ArticleError(path.name, "file", f"cannot be read ({exc})"))
                continue
            if article.id in report.sources:
                problem = f"'{article.id}' is also the id of {report.sources[article.id]}"
                report.failed.append(ArticleError(path.name, "id", problem))
                continue
            report.sources[article.id] = path.name
            good.append(article)
        statuses = await self.store.save(good, self.clock.now()) if good else []
        for article, status in zip(good, statuses, strict=True):
            getattr(report, status).append(article.id)
        if report.created or report.updated:
            await self._changed()
        return report

    async def seed(self, folder: Path) -> bool:
        """On a store that never held articles, the tenant's folder; afterwards the store is the
        source of truth (deleting every article does not bring the folder back)."""
        if await self.store.revision() > 0 or not folder.is_dir():
            return False
        articles = load_folder(folder, self.languages)
        return await self.store.seed(articles, self.clock.now())


def slug_for(title: str, language: str) -> str:
    """``slug_for("Wifi-tips: één modem", "nl")`` → ``"wifi-tips-een-modem-nl"``."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:90].rstrip("-") or "article"
    return f"{words}-{re.sub(r'[^a-z0-9]', '', language.lower())[:8]}"
