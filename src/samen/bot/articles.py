"""Knowledge articles: Markdown files with front matter, split into passages at ``## `` headings.

---
id: storing-nl
title: Storing – wat kun je doen
language: nl
tags: [storing, modem]
intents: [outage_check, tech_support]
owner: Techniek
last_reviewed: 2026-10-12
---
Lead paragraph.

## Modem herstarten
...
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from samen.errors import ConfigError

_FRONT = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*\n(?P<body>.*)\Z", re.S)
_SLUG = re.compile(r"\A[a-z0-9][a-z0-9_-]{0,99}\Z")
REQUIRED = ("id", "title", "language")
FIELDS = (
    "id", "title", "language", "tags", "intents", "owner", "last_reviewed", "translation_of",
    "url", "body",
)  # fmt: skip
MAX_BODY_CHARS = 60_000


class ArticleError(ConfigError):
    """An article that cannot be used as written: says which file (or request) and which field.

    ``ArticleError("modem.nl.md", "language", "is required")`` reads
    "modem.nl.md: language: is required."
    """

    code = "invalid_article"

    def __init__(self, source: str, field_name: str, problem: str) -> None:
        super().__init__(
            "invalid_article",
            f"{source}: {field_name}: {problem}.",
            source=source,
            field=field_name,
        )
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Passage:
    article_id: str
    heading: str
    text: str
    position: int


@dataclass(slots=True)
class Article:
    id: str
    title: str
    language: str
    body: str
    tags: list[str] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)
    owner: str | None = None
    last_reviewed: date | None = None
    translation_of: str | None = None
    url: str | None = None

    def passages(self) -> list[Passage]:
        parts = re.split(r"^## +(.+)$", self.body, flags=re.M)
        found: list[Passage] = []
        lead = parts[0].strip()
        if lead:
            found.append(Passage(self.id, self.title, lead, 0))
        for i in range(1, len(parts), 2):
            text = parts[i + 1].strip()
            if text:
                found.append(Passage(self.id, parts[i].strip(), text, len(found)))
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "tags": self.tags,
            "intents": self.intents,
            "owner": self.owner,
            "last_reviewed": self.last_reviewed.isoformat() if self.last_reviewed else None,
            "translation_of": self.translation_of,
            "url": self.url,
            "body": self.body,
        }


def parse_article(
    text: str, source: str = "article", languages: Collection[str] | None = None
) -> Article:
    """An article from Markdown with front matter; an ``ArticleError`` names the file and field."""
    match = _FRONT.match(text.replace("\r\n", "\n"))
    if not match:
        raise ArticleError(source, "front matter", "an article starts with '---' front matter")
    try:
        meta = yaml.safe_load(match.group("meta")) or {}
    except yaml.YAMLError as exc:
        problem = f"not valid YAML ({str(exc).splitlines()[0]})"
        raise ArticleError(source, "front matter", problem) from exc
    if not isinstance(meta, dict):
        raise ArticleError(source, "front matter", "is not a set of 'field: value' lines")
    return article_from_fields({**meta, "body": match.group("body")}, source, languages)


def article_from_fields(
    fields: Mapping[str, Any], source: str = "article", languages: Collection[str] | None = None
) -> Article:
    """Validate an article's fields (front matter plus ``body``, or an API request's body)."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise ArticleError(source, unknown[0], f"unknown field (known: {', '.join(FIELDS)})")
    for key in REQUIRED:
        if fields.get(key) in (None, ""):
            raise ArticleError(source, key, "is required")
    article_id = _slug(fields["id"], source, "id")
    language = str(fields["language"]).strip().lower()
    if languages is not None and language not in languages:
        raise ArticleError(source, "language", f"'{language}' is not one of {', '.join(languages)}")
    title = str(fields["title"]).strip()
    if len(title) > 200:
        raise ArticleError(source, "title", "is longer than 200 characters")
    body = str(fields.get("body") or "").strip()
    article = Article(
        id=article_id,
        title=title,
        language=language,
        body=body,
        tags=_words(fields.get("tags"), source, "tags"),
        intents=_words(fields.get("intents"), source, "intents"),
        owner=_text(fields.get("owner"), source, "owner"),
        last_reviewed=_date(fields.get("last_reviewed"), source),
        translation_of=(
            _slug(fields["translation_of"], source, "translation_of")
            if fields.get("translation_of")
            else None
        ),
        url=_text(fields.get("url"), source, "url"),
    )
    if not article.passages():
        raise ArticleError(source, "body", "is empty: an article needs text to answer from")
    if len(body) > MAX_BODY_CHARS:
        raise ArticleError(source, "body", f"is longer than {MAX_BODY_CHARS} characters")
    return article


def to_markdown(article: Article) -> str:
    """The article as a file ``parse_article`` reads back to the same article."""
    meta = {k: v for k, v in article.as_dict().items() if k != "body"}
    meta["last_reviewed"] = article.last_reviewed  # YAML's own date, not a quoted string
    front = yaml.safe_dump(
        meta, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None
    )
    return f"---\n{front}---\n{article.body}\n"


def load_folder(folder: Path, languages: Collection[str] | None = None) -> list[Article]:
    articles = [
        parse_article(p.read_text(encoding="utf-8"), str(p), languages)
        for p in sorted(folder.glob("*.md"))
    ]
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            raise ConfigError("invalid_article", f"Two articles share the id '{article.id}'.")
        seen.add(article.id)
    return articles


def _slug(value: object, source: str, field_name: str) -> str:
    text = str(value).strip()
    if not _SLUG.match(text):
        raise ArticleError(
            source, field_name, f"'{text[:60]}' is not a slug (a-z, 0-9, '-' or '_', at most 100)"
        )
    return text


def _words(value: object, source: str, field_name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise ArticleError(source, field_name, "is a list, like [modem, wifi]")
    words = [str(v).strip() for v in value]
    if any(not w or len(w) > 100 for w in words):
        raise ArticleError(source, field_name, "holds an empty or over-long entry")
    return words


def _text(value: object, source: str, field_name: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str | int | float):
        raise ArticleError(source, field_name, "is a piece of text")
    return str(value).strip()[:500]


def _date(value: object, source: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ArticleError(
            source, "last_reviewed", f"'{value}' is not a date (YYYY-MM-DD)"
        ) from None
