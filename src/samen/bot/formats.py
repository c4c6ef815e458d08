"""Dates, times and money the way a Dutch or English customer expects to read them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

_DAYS = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def day(value: date, language: str, today: date | None = None) -> str:
    lang = language if language in _DAYS else "nl"
    text = f"{_DAYS[lang][value.weekday()]} {value.day} {_MONTHS[lang][value.month - 1]}"
    if today is not None:
        delta = (value - today).days
        relative = {
            "nl": {0: "vandaag", 1: "morgen", -1: "gisteren"},
            "en": {0: "today", 1: "tomorrow", -1: "yesterday"},
        }[lang].get(delta)
        if relative:
            return f"{relative} ({text})"
    return text


def clock(value: datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%H:%M")


def moment(value: datetime, language: str, zone: ZoneInfo, today: date | None = None) -> str:
    local = value.astimezone(zone)
    joiner = "om" if language == "nl" else "at"
    return f"{day(local.date(), language, today)} {joiner} {local.strftime('%H:%M')}"


def money(amount: str, language: str) -> str:
    return amount.replace(".", ",") if language == "nl" else amount


def mask_email(email: str) -> str:
    """``a***@example.nl``: enough to recognise, not enough to harvest."""
    name, _, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"
