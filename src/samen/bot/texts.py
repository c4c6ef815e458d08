"""Bot texts from the tenant's ``texts.yml``, per language, with {placeholders} filled in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from samen.errors import ConfigError

REQUIRED = ("welcome", "fallback", "bot_identity", "handover_queued", "yes_words", "no_words")


class Texts:
    def __init__(self, by_language: dict[str, dict[str, Any]], default_language: str) -> None:
        self._texts = by_language
        self.default_language = default_language
        self._yes = {lang: _phrases(t.get("yes_words", "")) for lang, t in by_language.items()}
        self._no = {lang: _phrases(t.get("no_words", "")) for lang, t in by_language.items()}

    @classmethod
    def load(cls, path: Path, default_language: str) -> Texts:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError("invalid_texts", f"Cannot read bot texts from {path}: {exc}") from exc
        problems = [
            f"{lang}: missing '{key}'"
            for lang, texts in raw.items()
            for key in REQUIRED
            if key not in texts
        ]
        if default_language not in raw:
            problems.append(f"no texts for the default language '{default_language}'")
        if problems:
            raise ConfigError("invalid_texts", f"{path}: " + "; ".join(problems))
        return cls(raw, default_language)

    @property
    def languages(self) -> list[str]:
        return list(self._texts)

    def language(self, language: str | None) -> str:
        return language if language in self._texts else self.default_language

    def raw(self, key: str, language: str | None) -> Any:
        lang = self.language(language)
        value = self._texts[lang].get(key)
        if value is None:
            value = self._texts[self.default_language].get(key)
        if value is None:
            raise ConfigError("invalid_texts", f"The bot has no text '{key}'.")
        return value

    def has(self, key: str, language: str | None) -> bool:
        return (
            key in self._texts[self.language(language)] or key in self._texts[self.default_language]
        )

    def say(self, key: str, language: str | None, **values: Any) -> str:
        return self._fill(key, str(self.raw(key, language)), values)

    def say_on(self, channel: str | None, key: str, language: str | None, **values: Any) -> str:
        """``key`` as worded for one channel (a ``channels: {email: {...}}`` section of the
        language), else as ``say`` has it: an e-mail acknowledgement is not a chat message."""
        channels = self._texts[self.language(language)].get("channels") or {}
        variants = channels.get(channel or "") or {}
        if key not in variants:
            return self.say(key, language, **values)
        return self._fill(key, str(variants[key]), values)

    def _fill(self, key: str, template: str, values: dict[str, Any]) -> str:
        try:
            return template.format(**values)
        except (KeyError, IndexError) as exc:
            raise ConfigError(
                "invalid_texts", f"Text '{key}' uses an unknown placeholder: {exc}"
            ) from exc

    def answer(self, text: str, language: str | None) -> str | None:
        """``"yes"``, ``"no"`` or ``None`` for a short reply to a yes/no question."""
        lang = self.language(language)
        cleaned = re.sub(r"[^\w\s']", " ", text.lower()).strip()
        cleaned = re.sub(r"\s+", " ", cleaned)
        if not cleaned or len(cleaned.split()) > 6:
            return None
        for verdict, table in (("no", self._no), ("yes", self._yes)):
            phrases = table.get(lang, set()) | table.get(self.default_language, set())
            if cleaned in phrases or any(
                cleaned.startswith(p + " ") or cleaned.endswith(" " + p) for p in phrases
            ):
                return verdict
        return None

    def mentions(self, key: str, text: str, language: str | None) -> bool:
        """Whether ``text`` contains one of the phrases of the ``a|b|c`` text ``key`` (of its
        language or the default one); False when the tenant has no such text."""
        lang = self.language(language)
        words = {
            p
            for source in (lang, self.default_language)
            for p in _phrases(self._texts[source].get(key, ""))
        }
        cleaned = " " + re.sub(r"\s+", " ", re.sub(r"[^\w\s']", " ", text.lower())) + " "
        return any(f" {w} " in cleaned for w in words)


def _phrases(words: str) -> set[str]:
    return {w.strip().lower() for w in str(words).split("|") if w.strip()}
