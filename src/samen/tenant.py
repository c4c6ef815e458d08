"""A tenant's configuration folder: who they are, their queues, hours and languages.

Everything an administrator changes without code lives in that folder (``tenant.yml``,
``routing.yml``, ``texts.yml``, ``knowledge/``, ``nlu/``); this module reads ``tenant.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from samen.errors import ConfigError, InvalidRequest

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# The two-letter language codes (ISO 639-1).
_ISO_639_1_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
"""
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())


def language_of(locale: str) -> str:
    """A locale's language: ``"nl-BE"``, ``"nl_BE"`` and ``"NL"`` are all ``"nl"``."""
    return locale.replace("_", "-").split("-", 1)[0].lower()


@dataclass(frozen=True, slots=True)
class Queue:
    name: str
    titles: dict[str, str]
    phone: str | None = None
    capacity: int = 25

    def title(self, language: str) -> str:
        return self.titles.get(language) or next(iter(self.titles.values()), self.name)


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """When people answer, in the tenant's time zone; the bot answers always."""

    zone: ZoneInfo
    days: dict[int, tuple[time, time]]
    holidays: frozenset[date] = frozenset()

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.zone)
        if local.date() in self.holidays:
            return False
        hours = self.days.get(local.weekday())
        return hours is not None and hours[0] <= local.time() < hours[1]

    def next_opening(self, at: datetime) -> datetime:
        local = at.astimezone(self.zone)
        for offset in range(0, 15):
            day = (local + timedelta(days=offset)).date()
            hours = self.days.get(day.weekday())
            if hours is None or day in self.holidays:
                continue
            opening = datetime.combine(day, hours[0], self.zone)
            closing = datetime.combine(day, hours[1], self.zone)
            if local < opening:
                return opening
            if local < closing:
                return local
        return local


@dataclass(frozen=True, slots=True)
class Tenant:
    root: Path
    name: str
    languages: tuple[str, ...]
    default_language: str
    queues: dict[str, Queue]
    hours: OpeningHours
    settings: dict[str, Any] = field(default_factory=dict)
    connector: str | None = None
    # Words the speech recogniser should expect, per language: the company's name, products.
    speech_vocabulary: dict[str, str] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return self.hours.zone

    def path(self, name: str) -> Path:
        return self.root / name

    def language_for(self, locale: str | None, field: str = "locale") -> str | None:
        """The language of ``locale`` if the tenant speaks it; ``None`` for no locale or for a
        real language it does not speak (``"de"``: the conversation starts in the tenant's
        default and follows the customer's first message). A code that is no language at all
        (``"xx"``) is an ``InvalidRequest`` that names the languages it does speak."""
        if locale is None:
            return None
        language = language_of(locale)
        if language in self.languages:
            return language
        if language in ISO_639_1:
            return None
        supported = ", ".join(self.languages)
        problem = f"'{locale}' is not a language code (this service speaks {supported})"
        raise InvalidRequest([{"field": field, "problem": problem}], supported=list(self.languages))

    @classmethod
    def load(cls, root: Path) -> Tenant:
        path = root / "tenant.yml"
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError as exc:
            raise ConfigError(message=f"No tenant.yml in {root}.") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(message=f"{path} is not valid YAML: {exc}") from exc
        try:
            zone = ZoneInfo(raw.get("timezone", "Europe/Amsterdam"))
            languages = tuple(raw.get("languages") or ("nl", "en"))
            queues = {
                name: Queue(
                    name=name,
                    titles=dict(spec.get("title") or {"en": name}),
                    phone=spec.get("phone"),
                    capacity=int(spec.get("capacity", 25)),
                )
                for name, spec in (raw.get("queues") or {}).items()
            }
            days: dict[int, tuple[time, time]] = {}
            for day, span in (raw.get("opening_hours") or {}).items():
                if span:
                    days[WEEKDAYS.index(day)] = (
                        time.fromisoformat(span[0]),
                        time.fromisoformat(span[1]),
                    )
            holidays = frozenset(date.fromisoformat(str(d)) for d in raw.get("holidays") or ())
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(message=f"{path}: {exc}") from exc
        return cls(
            root=root,
            name=str(raw.get("name", "Samen")),
            languages=languages,
            default_language=str(raw.get("default_language", languages[0])),
            queues=queues,
            hours=OpeningHours(zone, days, holidays),
            settings=dict(raw.get("settings") or {}),
            connector=raw.get("connector"),
            speech_vocabulary={
                str(k): str(v)
                for k, v in ((raw.get("voice") or {}).get("vocabulary") or {}).items()
            },
        )
