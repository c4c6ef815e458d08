"""Dutch and English dates and times in a message, resolved against a given "now".

Relative expressions (vandaag, morgen, volgende week dinsdag, om half 3, tomorrow at 3pm,
next Friday, in 3 days) are read by one small grammar whose word tables hold both languages, so
the two follow the same conventions by construction; ``dateparser`` reads absolute dates
("3 december", "12-01-2027", "December 3rd") and month/year arithmetic ("volgende maand",
"in 2 months"), and only ever sees a span one of the patterns below has already found.

Conventions, in Europe/Amsterdam local time:

- A bare or "next"/"volgende"/"komende"/"aanstaande" weekday is its next occurrence, today
  excluded (on Monday 2026-11-23 "next Friday" and "vrijdag" are 2026-11-27, and "maandag" is
  2026-11-30), as ``dateparser`` does in English; "this"/"deze" + weekday includes today;
  "last"/"vorige"/"afgelopen" + weekday is the latest one before today.
- "volgende week dinsdag" and "Tuesday next week" are the Tuesday of next week (weeks start
  on Monday); "volgende week" and "next week" alone are a week from today.
- A clock time on a 12-hour reading is a customer's time of day: "half 3", "om 3 uur" and
  "around 6" without a part of the day are 14:30, 15:00 and 18:00 (nobody asks to be called at
  3 at night), while 7 to 12 stay in the morning ("morgen om 8" is 08:00). A part of the day
  ('s ochtends, 's middags, vanavond, am, pm, in the afternoon…) or a 24-hour reading ("om
  03:00", "om 15 uur") says it outright.
- A date without a year is put in whichever year brings it closest to today.
- "eind van de maand" / "end of the month" is its last day, "begin volgende maand" the first of
  next month; "eind van het jaar" is 31 December.
- A day of the month alone ("op de 4e", "on the 3rd.") is its next occurrence, today included;
  beside a weekday ("vrijdag de 4e", "Thursday the 12th") it is the nearest such day that falls
  on that weekday, past or future. "de 2e keer" and "the 3rd time" are no dates. At one end of
  a range it takes the month of the other end ("from May 2nd through the 5th" is 5 May), and
  "the 8th of this month" is this month's, past or not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from samen.nlu.models import Entity

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_NUMBERS = {
    "een": 1, "één": 1, "a": 1, "an": 1, "one": 1, "twee": 2, "two": 2, "drie": 3, "three": 3,
    "vier": 4, "four": 4, "vijf": 5, "five": 5, "zes": 6, "six": 6, "zeven": 7, "seven": 7,
    "acht": 8, "eight": 8, "negen": 9, "nine": 9, "tien": 10, "ten": 10, "elf": 11,
    "eleven": 11, "twaalf": 12, "twelve": 12, "twenty": 20, "kwart": 15, "quarter": 15,
    "a quarter": 15, "half": 30,
}  # fmt: skip
_WEEKDAYS = {
    name: i
    for i, names in enumerate(zip(
        ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        strict=True,
    ))
    for name in names
}  # fmt: skip
_PARTS = {
    "ochtend": "morning", "ochtends": "morning", "morgens": "morning", "vroeg": "morning",
    "middag": "afternoon", "middags": "afternoon", "avond": "evening", "avonds": "evening",
    "nacht": "night", "nachts": "night", "morning": "morning", "afternoon": "afternoon",
    "evening": "evening", "night": "night", "morgen": "morning",
}  # fmt: skip
# Day words: days from today, and the part of the day they name, if any.
_DAY_WORDS = {
    "vandaag": 0, "morgen": 1, "overmorgen": 2, "gisteren": -1, "gister": -1, "eergisteren": -2,
    "today": 0,
    "tomorrow": 1, "yesterday": -1, "the day after tomorrow": 2, "day after tomorrow": 2,
    "the day before yesterday": -2, "day before yesterday": -2,
}  # fmt: skip
_DAY_PART_WORDS = {
    **{f"van{p}": (0, _PARTS[p]) for p in ("ochtend", "morgen", "middag", "avond", "nacht")},
    **{f"{d}{s}{p}": (n, _PARTS[p]) for d, n in (("morgen", 1), ("gister", -1))
       for s in ("", " ") for p in ("ochtend", "middag", "avond", "nacht", "vroeg")},
    **{f"{d} {p}": (n, p) for d, n in (("this", 0), ("tomorrow", 1), ("yesterday", -1))
       for p in ("morning", "afternoon", "evening", "night")},
    "tonight": (0, "night"), "last night": (-1, "night"),
}  # fmt: skip

_NUM = r"(?:\d{1,3}|een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf)"
_NUM_EN = r"(?:\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_HOUR = r"(?:[01]?\d|2[0-3]|een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"  # noqa: E501
_WD = "|".join(_WEEKDAYS)
_MONTH = (
    r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
    r"december|january|february|march|may|june|july|august|october|"
    r"(?:jan|feb|mrt|mar|apr|jun|jul|aug|sept|sep|okt|oct|nov|dec)\.?)"
)
_ORDINAL = r"(?:st|nd|rd|th|ste|de|e)?"
_I = re.IGNORECASE
# The patterns below without _I run on the lower-cased text (``_lower``): Python's ``re`` skips
# a position with one character test when an alternative starts with a plain letter, but not
# under IGNORECASE, which made the scan of a message two to three times slower.


def _words(table: dict[str, object]) -> str:
    keys = sorted(table, key=len, reverse=True)
    return "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in keys)


_DAY_RE = re.compile(
    rf"(?<!goede )(?<!goeden )(?<!guten )\b(?:{_words({**_DAY_PART_WORDS, **_DAY_WORDS})})\b"
)
_WEEKDAY_RE = re.compile(
    rf"\b(?:(?P<pre>volgende|vorige|next|last)\s+week\s+(?:op\s+|on\s+)?(?P<wd1>{_WD})"
    rf"|(?:(?P<mod>volgende|komende|aanstaande|deze|vorige|afgelopen|next|this\s+coming|"
    rf"coming|this|last|past)\s+)?(?P<wd2>{_WD})(?:\s+(?:van\s+)?(?P<post>volgende|vorige|"
    rf"next|last)\s+week|\s+(?P<as>aanstaande|a\.s\.))?)(?!\w)",
)
_WEEK_RE = re.compile(r"\b(?P<w>volgende|vorige|komende|next|last|coming)\s+week\b")
_OFFSET_RE = re.compile(
    rf"\b(?:over\s+(?P<n1>{_NUM})\s+(?P<u1>dag|dagen|week|weken)"
    rf"|in\s+(?P<n2>{_NUM_EN})\s+(?P<u2>days?|weeks?)"
    rf"|(?P<n3>{_NUM})\s+(?P<u3>dag|dagen|week|weken)\s+geleden"
    rf"|(?P<n4>{_NUM_EN})\s+(?P<u4>days?|weeks?)\s+(?P<ago>ago|from\s+now))\b",
)
_PERIOD_RE = re.compile(
    rf"\b(?:(?:volgende|vorige|komende)\s+maand|(?:volgend|vorig|komend)\s+jaar"
    rf"|over\s+{_NUM}\s+(?:maand|maanden|jaar)|{_NUM}\s+(?:maand|maanden|jaar)\s+geleden"
    rf"|(?:next|last)\s+(?:month|year)|in\s+{_NUM_EN}\s+(?:months?|years?)"
    rf"|{_NUM_EN}\s+(?:months?|years?)\s+(?:ago|from\s+now))\b",
)
_ABSOLUTE_RE = re.compile(
    rf"(?<![\w.,/-])(?:(?:the\s+)?\d{{1,2}}{_ORDINAL}(?:\s+of)?\s+{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}{_ORDINAL}(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?P<sep>[-/.])\d{{1,2}}(?P=sep)(?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{1,2}}-\d{{1,2}})"
    rf"(?![\w/-]|[.,]\d)",
)
# The end or start of this or next month or year: "eind van de maand", "end of next month".
_EDGE_RE = re.compile(
    r"\b(?:(?P<e1>einde|eind|begin)\s+(?:van\s+)?(?:(?:de|het|deze|dit)\s+)?"
    r"(?P<n1>volgende\s+|komende\s+|volgend\s+|komend\s+)?(?P<u1>maand|jaar)"
    r"|(?P<e2>end|beginning|start)\s+of\s+(?:(?:the|this)\s+)?(?P<n2>next\s+)?(?P<u2>month|year))\b"
)
# A day of the month alone: "vrijdag de 4e", "on the 3rd." (not "de 2e keer", "the 3rd time").
_DAY_OF_MONTH_RE = re.compile(
    r"\b(?:de|the)\s+(?P<dom>3[01]|[12]\d|[1-9])(?:ste|de|e|st|nd|rd|th)\b"
    r"(?:\s+(?:of\s+(?P<of>this|next)\s+month|van\s+(?P<van>deze|de|volgende)\s+maand)\b)?"
)
# Between the two ends of a range: "from May 2nd through the 5th", "van de 5e tot 9 maart".
_RANGE_GAP_RE = re.compile(r"\s*(?:-|–|to|until|till|through|thru|tot(?:\s+en\s+met)?|t/m)\s*")
_SINCE_BEFORE_RE = re.compile(r"\b(?:sinds|since)\s+$")
_WEEKDAY_BEFORE_RE = re.compile(rf"\b(?:{_WD})\s*,?\s*$")
# "op de 15e naar Rotterdam", "on the 3rd we leave", but not "op de 2e verdieping".
_DATE_PREPOSITION_BEFORE_RE = re.compile(
    r"\b(?:op|per|tot|na|van|vanaf|voor|tussen|on|by|until|till|before|after|from|between)\s+$"
)
_COUNTED_AFTER_RE = re.compile(
    r"\s+(?:keer|maal|x|times?|verdieping|etage|floor|dag|week|maand|jaar|plaats|place|ronde"
    r"|round|klas|graad|persoon|person|factuur|invoice|monteur|poging|try|attempt|herinnering"
    r"|aanmaning|reminder|kwartaal|quarter|helft|half|storing|melding|contract|abonnement)\b"
)
_DAY_OF_MONTH_END_RE = re.compile(
    r"\s*(?:[,.!?;)]|$|(?:om|at|in\s+de|in\s+the|graag|please|of\s+(?:this|next)\s+month"
    r"|van\s+(?:deze|de|volgende)\s+maand)\b)"
)
_CLOCK_RE = re.compile(
    rf"(?<![\d:.,])(?:(?P<at>om|at)\s+)?(?:"
    rf"(?P<h>[01]?\d|2[0-3])(?P<sep>[:.])(?P<m>[0-5]\d)(?![\d:]|[.,]\d)"
    rf"(?:\s*(?P<ap>[ap])\.?m\b\.?)?(?P<uur>\s*uur\b)?"
    rf"|(?P<h2>{_HOUR})\s*(?P<ap2>[ap])\.?m\b\.?|(?P<h3>{_HOUR})\s*(?P<uur3>uur|o['’]clock)\b"
    rf"|(?P<noon>noon|midday|midnight|middernacht)"
    rf"|(?P<mm>kwart|vijf|tien|\d{{1,2}})\s+(?P<dir>over|voor)\s+(?:(?P<half1>half)\s+)?"
    rf"(?P<h4>{_HOUR})\b|(?P<half2>half)\s+(?P<h5>{_HOUR})\b"
    rf"|(?P<mm6>half|(?:a\s+)?quarter|\d{{1,2}}|five|ten|twenty)\s+(?P<dir6>past|to)\s+"
    rf"(?P<h6>{_HOUR})\b)",
)
# "om 10" / "at 10" without "uur" or "pm" only when nothing after it says it is a count.
_BARE_HOUR_RE = re.compile(
    r"\b(?P<at>om|at|rond|around|omstreeks|about)\s+(?P<h>[01]?\d|2[0-3])(?=\s*$|\s*[,.!?;)]|\s+(?:['’]s|in|on|op|of|or|"
    r"en|and|tomorrow|today|tonight|morgen|vandaag|overmorgen|please|graag)\b)",
)
_PART_RE = re.compile(
    r"(?:['’‘`]s\s?|\bs['’]\s?)(?P<p>ochtends|morgens|middags|avonds|nachts)\b"
    r"|\bin\s+de\s+(?P<p2>ochtend|middag|avond|nacht)\b"
    r"|\bin\s+the\s+(?P<p3>morning|afternoon|evening)\b|\bat\s+(?P<p4>night)\b",
)
_CLOCK_PREPOSITION = re.compile(r"\b(?:rond|omstreeks|tegen|vanaf|tot|voor)\s+$", _I)
_THE = re.compile(r"the\s", _I)
_GAP_RE = re.compile(r"\s*,?\s*(?:(?:om|at|op|on|rond|around|tegen|vanaf|from)\s+)?", _I)


@dataclass(frozen=True, slots=True)
class _Unit:
    kind: str  # "day", "time" or "part"
    start: int
    end: int
    day: date = date.min
    absolute: bool = False
    hour: int = 0
    minute: int = 0
    clock12: bool = False  # written on a 12-hour clock without am/pm: a part of the day moves it
    part: str | None = None
    # A day of the month without its month: the same day in the months around today, so that a
    # weekday beside it can choose ("donderdag de 12e").
    options: tuple[date, ...] = ()


def extract_dates(text: str, language: str, now: datetime) -> list[Entity]:
    """Dates, datetimes and times in ``text``, sorted by position and never overlapping.

    Both languages' words are always read (customers mix them); ``language`` only decides
    which language ``dateparser`` tries first and whether "Jan 3" may be a date.

    >>> now = datetime(2026, 11, 23, 10, tzinfo=AMSTERDAM)
    >>> [e.value for e in extract_dates("kan het morgen om 10 uur?", "nl", now)]
    ['2026-11-24T10:00+01:00']
    """
    local = now.astimezone(AMSTERDAM) if now.tzinfo else now.replace(tzinfo=AMSTERDAM)
    units = _in_ranges(_without_overlaps(list(_units(text, language, local))), text)
    groups: list[list[_Unit]] = []
    for unit in units:
        if groups and _joins(groups[-1], unit, text):
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return [entity for group in groups if (entity := _entity(group, text)) is not None]


def _lower(text: str) -> str:
    """``text`` in lower case, one character for one, so positions stay the same."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower()[0] for c in text)  # "İ" lower-cases to two characters


def _units(original: str, language: str, now: datetime) -> Iterator[_Unit]:
    today = now.date()
    text = _lower(original)
    for m in _DAY_RE.finditer(text):
        key = " ".join(m.group().lower().split())
        offset, part = _DAY_PART_WORDS.get(key) or (_DAY_WORDS[key], None)
        yield _Unit("day", m.start(), m.end(), today + timedelta(offset), part=part)
    for m in _WEEKDAY_RE.finditer(text):
        since = _SINCE_BEFORE_RE.search(text, max(0, m.start() - 8), m.start()) is not None
        yield _Unit("day", m.start(), m.end(), _weekday(m, today, since))
    for m in _WEEK_RE.finditer(text):
        weeks = -1 if m["w"].lower() in ("vorige", "last") else 1
        yield _Unit("day", m.start(), m.end(), today + timedelta(weeks=weeks))
    for m in _OFFSET_RE.finditer(text):
        n, unit = next((m[f"n{i}"], m[f"u{i}"]) for i in range(1, 5) if m[f"n{i}"])
        days = _number(n) * (7 if unit.lower().startswith("we") else 1)
        back = m["u3"] is not None or (m["ago"] or "").lower() == "ago"
        yield _Unit("day", m.start(), m.end(), today + timedelta(-days if back else days))
    languages = ["nl", "en"] if language == "nl" else ["en", "nl"]
    for m in _PERIOD_RE.finditer(text):
        if (day := _parse_period(m.group(), now)) is not None:
            yield _Unit("day", m.start(), m.end(), day)
    for m in _ABSOLUTE_RE.finditer(text):
        if language == "nl" and m.group()[0].isalpha() and not _THE.match(m.group()):
            continue  # Dutch puts the day first; "Jan 3" is more likely Jan, three times
        span = original[m.start() : m.end()]  # as written, for dateparser
        if (day := _parse_absolute(span, languages, today)) is not None:
            yield _Unit("day", m.start(), m.end(), day, absolute=True)
    for m in _EDGE_RE.finditer(text):
        yield _Unit("day", m.start(), m.end(), _edge(m, today))
    for m in _DAY_OF_MONTH_RE.finditer(text):
        after_weekday = _WEEKDAY_BEFORE_RE.search(text, max(0, m.start() - 14), m.start())
        after_preposition = _DATE_PREPOSITION_BEFORE_RE.search(
            text, max(0, m.start() - 9), m.start()
        ) and not _COUNTED_AFTER_RE.match(text, m.end())
        if after_weekday or after_preposition or _DAY_OF_MONTH_END_RE.match(text, m.end()):
            if m["of"] or m["van"]:  # "the 8th of this month", "de 1e van volgende maand"
                ahead = 1 if (m["of"] or m["van"]) in ("next", "volgende") else 0
                with suppress(ValueError):
                    day = _add_months(today.replace(day=1), ahead).replace(day=int(m["dom"]))
                    yield _Unit("day", m.start(), m.end(), day, absolute=True)
                continue
            options = tuple(_day_of_month_around(int(m["dom"]), today))
            day = next(d for d in options if d >= today)
            yield _Unit("day", m.start(), m.end(), day, absolute=True, options=options)
    for m in _CLOCK_RE.finditer(text):
        if (unit := _clock(m, text)) is not None:
            yield unit
    for m in _BARE_HOUR_RE.finditer(text):
        yield _Unit("time", m.start(), m.end(), hour=int(m["h"]), clock12=int(m["h"]) <= 12)
    for m in _PART_RE.finditer(text):
        word = next(p for p in m.groups() if p)
        yield _Unit("part", m.start(), m.end(), part=_PARTS[word.lower()])


def _weekday(m: re.Match[str], today: date, since: bool = False) -> date:
    weekday = _WEEKDAYS[(m["wd1"] or m["wd2"]).lower()]
    week = (m["pre"] or m["post"] or "").lower()
    modifier = " ".join((m["mod"] or "").lower().split())
    if week:
        monday = today - timedelta(today.weekday())
        return monday + timedelta(weeks=-1 if week in ("vorige", "last") else 1, days=weekday)
    if modifier in ("vorige", "afgelopen", "last", "past") or (since and not modifier):
        return today - timedelta((today.weekday() - weekday) % 7 or 7)
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(ahead or (0 if modifier in ("deze", "this") else 7))


def _in_ranges(units: list[_Unit], text: str) -> list[_Unit]:
    """A day of the month at one end of a range takes the month of the other end: "from May 2nd
    through the 5th" is 5 May, "from the 5th to the 9th of March" 5 March."""
    for i, unit in enumerate(units):
        if not unit.options:
            continue
        before = units[i - 1] if i > 0 else None
        after = units[i + 1] if i + 1 < len(units) else None
        if (
            before
            and _is_month_date(before)
            and _RANGE_GAP_RE.fullmatch(text, before.end, unit.start)
        ):
            day = _day_in_month_near(before.day, unit.day.day, 1)
        elif (
            after and _is_month_date(after) and _RANGE_GAP_RE.fullmatch(text, unit.end, after.start)
        ):
            day = _day_in_month_near(after.day, unit.day.day, -1)
        else:
            continue
        if day is not None:
            units[i] = replace(unit, day=day, options=())
    return units


def _is_month_date(unit: _Unit) -> bool:
    return unit.kind == "day" and unit.absolute and not unit.options


def _day_in_month_near(anchor: date, dom: int, direction: int) -> date | None:
    """Day ``dom`` in ``anchor``'s month, or the month after (``direction`` 1) or before (-1),
    whichever first lies on that side of ``anchor``."""
    for months in (0, direction):
        with suppress(ValueError):
            day = _add_months(anchor.replace(day=1), months).replace(day=dom)
            if (day - anchor).days * direction >= 0:
                return day
    return None


def _edge(m: re.Match[str], today: date) -> date:
    """The last or first day of this or next month or year."""
    end = (m["e1"] or m["e2"]) in ("einde", "eind", "end")
    ahead = 1 if (m["n1"] or m["n2"]) else 0
    if (m["u1"] or m["u2"]) in ("jaar", "year"):
        year = today.year + ahead
        return date(year, 12, 31) if end else date(year + 1, 1, 1)
    first = _add_months(today.replace(day=1), ahead)
    if end:
        return _add_months(first, 1) - timedelta(days=1)
    # "begin van de maand": the first of the month still to come (today, on the 1st)
    return first if first >= today else _add_months(first, 1)


def _add_months(first: date, months: int) -> date:
    year, month = divmod(first.month - 1 + months, 12)
    return first.replace(year=first.year + year, month=month + 1)


def _day_of_month_around(dom: int, today: date) -> Iterator[date]:
    """Day ``dom`` of the months from two before today's to three after, where it exists."""
    first = today.replace(day=1)
    for months in range(-2, 4):
        try:
            yield _add_months(first, months).replace(day=dom)
        except ValueError:  # 31 November
            continue


def _clock(m: re.Match[str], text: str) -> _Unit | None:
    start, end = m.start(), m.end()
    if m["h"] is not None:
        if m["sep"] == "." and not (m["at"] or m["ap"] or m["uur"]):
            return None  # "12.50" alone is more often an amount than a time
        hour, minute, am_pm = int(m["h"]), int(m["m"]), m["ap"]
        clock12 = am_pm is None and 1 <= hour <= 12 and not m["h"].startswith("0")
    elif m["h2"] is not None:
        hour, minute, am_pm, clock12 = _number(m["h2"]), 0, m["ap2"], False
    elif m["h3"] is not None:
        # "3 uur" alone is usually a duration ("ik wacht al 3 uur"); "een uur" even more so
        preposition = _CLOCK_PREPOSITION.search(text, max(0, start - 12), start)
        if m["uur3"].lower() == "uur" and not m["at"] and not (m["h3"].isdigit() and preposition):
            return None
        hour, minute, am_pm, clock12 = _number(m["h3"]), 0, None, True
    elif m["noon"] is not None:
        hour = 12 if m["noon"].lower() in ("noon", "midday") else 0
        minute, am_pm, clock12 = 0, None, False
    else:
        mm, direction, half, h = _quarters(m)
        if not (half or mm.lower() in ("kwart", "quarter", "a quarter", "half") or m["at"]):
            return None  # "2 voor 1" is a bargain, not a time
        total = _number(h) * 60 - (30 if half else 0)
        total += _number(mm) if direction in ("over", "past") else -_number(mm)
        hour, minute, am_pm, clock12 = total // 60 % 24 or 12, total % 60, None, True
    if am_pm is not None:
        hour = hour % 12 + (12 if am_pm.lower() == "p" else 0)
    return _Unit("time", start, end, hour=hour, minute=minute, clock12=clock12)


def _quarters(m: re.Match[str]) -> tuple[str, str, bool, str]:
    if m["h4"] is not None:
        return m["mm"], m["dir"].lower(), m["half1"] is not None, m["h4"]
    if m["h5"] is not None:
        return "0", "over", True, m["h5"]
    return " ".join(m["mm6"].split()), m["dir6"].lower(), False, m["h6"]


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[" ".join(word.lower().split())]


def _parse_absolute(span: str, languages: list[str], today: date) -> date | None:
    import dateparser  # slow to import; most messages never need it

    cleaned = re.sub(r"(?i)^the\s+|(?<=\d)(?:st|nd|rd|th|ste|de|e)\b", "", span)
    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "current_period",
        "REQUIRE_PARTS": ["day", "month"],
        "PARSERS": ["absolute-time"],
        "RELATIVE_BASE": datetime.combine(today, time(12)),
    }
    parsed = dateparser.parse(cleaned, languages=languages, settings=settings)
    if parsed is None:
        return None
    if re.search(r"\d{4}|[-/.]\d{2}$", span):
        return parsed.date()
    return min(_same_day_in_years(parsed.date(), today), key=lambda d: (abs(d - today), d < today))


def _same_day_in_years(day: date, today: date) -> Iterator[date]:
    # Four years either way, so that 29 February always has a year (the nearest wins anyway).
    for year in range(today.year - 4, today.year + 5):
        try:
            yield day.replace(year=year)
        except ValueError:  # 29 February
            continue


def _parse_period(span: str, now: datetime) -> date | None:
    import dateparser

    words = span.lower().split()
    # dateparser knows "volgende maand" and "over 1 maand", not "komende maand" or "over een maand"
    words = [str(_NUMBERS[w]) if w in _NUMBERS else w for w in words]
    words = [w.replace("komend", "volgend") for w in words]
    english = re.search(r"(?i)\b(?:months?|years?|ago|from|next|last)\b", span)
    language = "en" if english else "nl"
    settings = {"PARSERS": ["relative-time"], "RELATIVE_BASE": now.replace(tzinfo=None)}
    parsed = dateparser.parse(" ".join(words), languages=[language], settings=settings)
    return parsed.date() if parsed is not None else None


def _without_overlaps(units: list[_Unit]) -> list[_Unit]:
    kept: list[_Unit] = []
    for unit in sorted(units, key=lambda u: (u.start - u.end, u.start)):
        if all(unit.end <= k.start or unit.start >= k.end for k in kept):
            kept.append(unit)
    return sorted(kept, key=lambda u: u.start)


def _joins(group: list[_Unit], unit: _Unit, text: str) -> bool:
    if _GAP_RE.fullmatch(text, group[-1].end, unit.start) is None:
        return False
    same = [u for u in group if u.kind == unit.kind]
    # "vrijdag 3 december": a weekday next to a full date adds nothing but is part of it
    return not same or (unit.kind == "day" and len(same) == 1 and same[0].absolute != unit.absolute)


def _entity(group: list[_Unit], text: str) -> Entity | None:
    days = sorted((u for u in group if u.kind == "day"), key=lambda u: not u.absolute)
    if days and days[0].options and len(days) > 1:
        # "vrijdag de 4e": the 4th that is a Friday, nearest to the Friday the weekday names
        weekday = days[1].day
        fitting = [d for d in days[0].options if d.weekday() == weekday.weekday()]
        if fitting:
            chosen = min(fitting, key=lambda d: abs(d - weekday))
            days[0] = _Unit("day", days[0].start, days[0].end, chosen, absolute=True)
    clock = next((u for u in group if u.kind == "time"), None)
    part = next((u.part for u in group if u.part), None)
    start, end = group[0].start, group[-1].end
    if not days and clock is None:
        return None
    if clock is None:
        return Entity("date", days[0].day.isoformat(), text[start:end], start, end)
    hour = _hour_in(clock.hour, part) if clock.clock12 else clock.hour
    if not days:
        return Entity("time", f"{hour:02d}:{clock.minute:02d}", text[start:end], start, end)
    moment = datetime.combine(days[0].day, time(hour, clock.minute), tzinfo=AMSTERDAM)
    return Entity("datetime", moment.isoformat(timespec="minutes"), text[start:end], start, end)


def _hour_in(hour: int, part: str | None) -> int:
    """A 12-hour clock reading moved into a part of the day: 3 in the afternoon is 15; without
    one, 1 to 6 are in the afternoon, 7 to 12 in the morning."""
    if part is None:
        return hour + 12 if 1 <= hour <= 6 else hour
    if part in ("afternoon", "evening") and hour < 12:
        return hour + 12
    if part == "night" and 6 <= hour < 12:
        return hour + 12  # "'s nachts om 11"
    if part in ("morning", "night") and hour == 12:
        return 0
    return hour
