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
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from samen.errors import ConfigError

_FRONT = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*\n(?P<body>.*)\Z", re.S)
REQUIRED = ("id", "title", "language")


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


def parse_article(text: str, source: str = "article") -> Article:
    match = _FRONT.match(text.replace("\r\n", "\n"))
    if not match:
        raise ConfigError(
            "invalid_article", f"{source}: an article starts with '---' front matter."
        )
    try:
        meta = yaml.safe_load(match.group("meta")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(
            "invalid_article", f"{source}: front matter is not valid YAML: {exc}"
        ) from exc
    missing = [key for key in REQUIRED if not meta.get(key)]
    if missing:
        raise ConfigError("invalid_article", f"{source}: front matter lacks {', '.join(missing)}.")
    reviewed = meta.get("last_reviewed")
    if isinstance(reviewed, str):
        try:
            reviewed = date.fromisoformat(reviewed)
        except ValueError as exc:
            raise ConfigError("invalid_article", f"{source}: last_reviewed is not a date.") from exc
    return Article(
        id=str(meta["id"]),
        title=str(meta["title"]),
        language=str(meta["language"]),
        body=match.group("body").strip(),
        tags=[str(t) for t in meta.get("tags") or []],
        intents=[str(i) for i in meta.get("intents") or []],
        owner=meta.get("owner"),
        last_reviewed=reviewed if isinstance(reviewed, date) else None,
        translation_of=meta.get("translation_of"),
        url=meta.get("url"),
    )


def load_folder(folder: Path) -> list[Article]:
    articles = [
        parse_article(p.read_text(encoding="utf-8"), str(p)) for p in sorted(folder.glob("*.md"))
    ]
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            raise ConfigError("invalid_article", f"Two articles share the id '{article.id}'.")
        seen.add(article.id)
    return articles
