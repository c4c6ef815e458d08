"""The tenant's ``canned.yml``: canned responses per language, the notices customers get when
people take over, move or close a conversation, close reasons, and the wording of assist actions.

    phrases = Phrasebook.load(tenant.path("canned.yml"), "nl")
    phrases.notice("joined", "en", agent="Sanne", queue="Customer care")
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from samen.errors import ConfigError


@dataclass(frozen=True, slots=True)
class CannedResponse:
    title: str
    text: str
    language: str


@dataclass(frozen=True, slots=True)
class CloseReason:
    label: str
    resolved: bool


class _Blank(dict[str, Any]):
    """Fills a placeholder nobody gave with nothing, rather than failing in front of a customer."""

    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True, slots=True)
class Phrasebook:
    default_language: str
    responses: dict[str, list[CannedResponse]] = field(default_factory=dict)
    notices: dict[str, dict[str, str]] = field(default_factory=dict)
    notice_channels: frozenset[str] = frozenset({"web"})
    actions: dict[str, dict[str, str]] = field(default_factory=dict)
    close_reasons: tuple[CloseReason, ...] = ()

    @classmethod
    def load(cls, path: Path, default_language: str) -> Phrasebook:
        if not path.exists():
            return cls(default_language)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            responses = {
                language: [
                    CannedResponse(str(r["title"]), str(r["text"]).strip(), language) for r in items
                ]
                for language, items in (raw.get("responses") or {}).items()
            }
            notices = dict(raw.get("notices") or {})
            channels = frozenset(notices.pop("channels", ["web"]))
            reasons = tuple(
                CloseReason(str(r["label"]), bool(r["resolved"]))
                for r in raw.get("close_reasons") or ()
            )
            return cls(
                default_language,
                responses,
                _texts(notices),
                channels,
                _texts(raw.get("actions") or {}),
                reasons,
            )
        except (yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(message=f"{path} cannot be used: {exc}") from exc

    def canned(self, language: str | None) -> list[CannedResponse]:
        return self.responses.get(self._language(language, self.responses), [])

    def notice(self, key: str, language: str | None, **values: Any) -> str | None:
        texts = self.notices.get(self._language(language, self.notices), {})
        return fill(texts[key], **values) if key in texts else None

    def action(self, key: str, language: str | None, **values: Any) -> str:
        texts = self.actions.get(self._language(language, self.actions), {})
        return fill(texts.get(key, ""), **values)

    def _language(self, language: str | None, table: dict[str, Any]) -> str:
        return language if language in table else self.default_language


def _texts(raw: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        language: {k: str(v).strip() for k, v in texts.items()} for language, texts in raw.items()
    }


def fill(text: str, **values: Any) -> str:
    """``text`` with its ``{placeholders}`` filled; unknown ones become empty, tidily."""
    filled = string.Formatter().vformat(text, (), _Blank(values))
    filled = re.sub(r"[ \t]+([,.!?])", r"\1", re.sub(r"[ \t]{2,}", " ", filled))
    return re.sub(r",([.!?])", r"\1", filled).strip()
