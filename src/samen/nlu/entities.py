"""Entities in a customer's message: Polderlink identifiers, addresses, money, contact details
and dates, each with its normalised value and its exact place in the text.

>>> from datetime import datetime, timezone
>>> [(e.type, e.value) for e in extract_entities(
...     "Bestelling ORD-2026-004512, bel me op 06-12345678", "nl", datetime.now(timezone.utc))]
[('order_number', 'ORD-2026-004512'), ('phone', '+31612345678')]

A span names one thing: when two candidates overlap the longer wins, and on a tie the more
specific type (an IBAN over a phone number, a date over an amount). Identifiers found after a
keyword ("klantnummer 104233") span the number only, not the keyword. Phone numbers are looked
for only in what no other entity claimed, so an order number, an IBAN (even one with a bad
checksum), a postcode, an amount or a date is never read as a phone number. Numbers are read as
Dutch, or in international form; a Belgian or German mobile written the national way
("0470 12 34 56") is read as one when it is no valid Dutch number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal

import phonenumbers
from stdnum import iban

from samen.nlu.dates import extract_dates
from samen.nlu.models import Entity

# On a tie in length, the type earlier in this list wins.
_SPECIFICITY = (
    "iban", "email", "order_number", "invoice_number", "customer_number", "phone", "datetime",
    "date", "postcode", "amount", "time", "house_number",
)  # fmt: skip
_I = re.IGNORECASE

# What may stand between a keyword and its number: "ordernummer: …", "my order number is …"
_LINK = r"\s*(?:[:#]|is:?)?\s*"
_ORDER_RE = re.compile(
    rf"(?:\b(?:order\s*(?:nummer|number|nr\.?|no\.?)?|bestel(?:ling|nummer|nr\.?)){_LINK})?"
    r"(?<![\w-])(?P<id>(?:ORD[\s-]?)?(?P<year>\d{4})[\s-]?(?P<seq>\d{6}))(?![\w-])",
    _I,
)
_INVOICE_RE = re.compile(
    rf"(?:\b(?:factuur(?:nummer|nr\.?)?|invoice\s*(?:number|no\.?|nr\.?)?){_LINK})?"
    r"(?<![\w-])(?P<id>(?:F[\s-]?)?(?P<year>\d{4})[\s-]?(?P<seq>\d{7}))(?![\w-])",
    _I,
)
_CUSTOMER_RE = re.compile(
    rf"(?:\b(?:klant(?:en)?\s*(?:nummer|nr\.?)|customer\s*(?:number|no\.?|nr\.?|id)){_LINK})?"
    r"(?<![\w-])(?P<id>(?:PL[\s-]?)?(?P<seq>\d{6}))(?![\w-])",
    _I,
)
_POSTCODE_RE = re.compile(
    r"(?<![\w-])(?P<digits>[1-9]\d{3})(?P<sep>[ -]?)(?P<letters>[a-z]{2})(?![\w-])", _I
)
_PLACE_AFTER_RE = re.compile(r",?\s+(?:'s-)?[A-Z][a-zà-ÿ]+(?:[\s-][A-Z][a-zà-ÿ]+)*\b")
# Two-letter words that follow a number in a sentence ("in 2026 en Amsterdam", "1000 as Mark").
_SHORT_WORDS = frozenset(
    re.findall(r"\w+", "en in op om is of al na nu er te de ik je we ze ga as at an to on or by")
    + re.findall(r"\w+", "so up us it be do go if my no me he")
)
_PRODUCT_BEFORE_RE = re.compile(r"\b(?:type|model|modem|router|box|versie|version)\s*:?\s*$", _I)
_POSTCODE_WORD = re.compile(r"\b(?:postcode|post\s*code|zip(?:\s*code)?)\b", _I)
# A number with its addition: 12a, 12-a, 12 A, 45-2, and the written ones 12 bis, 3 hs (huis),
# 7 zw (zwart), 7 rd (rood), 5 bg (begane grond).
_HOUSE = (
    r"(?P<num>[1-9]\d{0,3}(?:-\d{1,3}|[\s-]?(?i:bis|hs|zw|rd|bg)(?![\w-])|\s?[A-Z](?![\w-])"
    r"|-?[a-z](?![\w-]))?)(?![\w-])"
)
_STREET_HOUSE_RE = re.compile(
    r"(?:\b(?i:[a-zà-ÿ'-]{2,}(?:straat|laan|weg|gracht|plein|kade|singel|dijk|dreef|steeg|hof|"
    r"markt|plantsoen|wal|haven|park|pad|vaart|baan|boulevard))"
    rf"|\b[A-Z][a-z]+\s+(?:Street|Road|Lane|Avenue|Drive|Square))\s+{_HOUSE}"
)
_NOT_STREETS = frozenset({"onderweg", "halfweg", "supermarkt", "loopbaan", "vandaan"})
_HOUSE_WORD_RE = re.compile(
    rf"(?P<before>\w+\s+)?\b(?i:huisnummer|huisnr\.?|house\s+number|nr\.?)\s*:?\s*{_HOUSE}"
)
_NOT_HOUSES = frozenset(
    {"order", "bestelling", "factuur", "invoice", "klant", "customer", "artikel"}
)
_AFTER_POSTCODE_RE = re.compile(rf"[ ,]*{_HOUSE}")
_MONEY = (
    r"(?P<n{0}>\d{{1,3}}(?P<s{0}>[.,])\d{{3}}(?:(?P=s{0})\d{{3}})*(?:[.,]\d{{1,2}})?"
    r"|\d+(?:[.,]\d{{1,2}})?)"
)
_AMOUNT_RE = re.compile(
    rf"(?:€|\bEUR\b|\beuro\b)\s?{_MONEY.format(1)}(?:,-{{1,2}}|,–)?(?![\d\w])"
    rf"|(?<![\d.,]){_MONEY.format(2)}(?:,-{{1,2}}|,–)?\s?(?:€|euro(?:'s|s)?\b|eur\b)",
    _I,
)
_NEIGHBOURS = ("BE", "DE")
_NEIGHBOUR_MOBILE_RE = re.compile(r"(?<!\d)0(?:4[5-9]|1[5-7])\d")  # 0470…, 0151…, 0176…
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.%+-]+@[a-z\d-]+(?:\.[a-z\d-]+)*\.[a-z]{2,}(?![\w-])", _I)
_IBAN_RE = re.compile(
    r"(?<![a-z\d])[a-z]{2}\d{2}(?: ?[a-z\d]{4}){2,7}(?: ?[a-z\d]{1,3})?(?![a-z\d])", _I
)


def extract_entities(text: str, language: str, now: datetime) -> list[Entity]:
    """Every entity in ``text``, sorted by ``start``, no two overlapping.

    ``language`` (``nl`` or ``en``) is a hint for dates; ``now`` (timezone-aware) anchors
    relative dates such as "morgen" or "next Friday".
    """
    found = [*_emails(text), *extract_dates(text, language, now)]
    if not any(map(str.isdigit, text)):
        # Most messages: no identifier, address, amount, IBAN or phone number is without a
        # digit, and their patterns cost more than all the rest when run for nothing.
        return _without_overlaps(found)
    found += [*_identifiers(text), *_addresses(text), *_amounts(text), *_ibans(text)]
    claimed = [(e.start, e.end) for e in found]
    # An IBAN with a bad checksum is still no phone number.
    claimed += [m.span() for m in _IBAN_RE.finditer(text) if _digits(m.group()) >= 8]
    found += _phones(text, claimed)
    return _without_overlaps(found)


def _identifiers(text: str) -> Iterator[Entity]:
    for m in _ORDER_RE.finditer(text):
        if m.group() != m["id"] or m["id"][:3].upper() == "ORD":
            yield _entity(text, "order_number", f"ORD-{m['year']}-{m['seq']}", m.span("id"))
    for m in _INVOICE_RE.finditer(text):
        if m.group() != m["id"] or m["id"][0].upper() == "F":
            yield _entity(text, "invoice_number", f"F-{m['year']}-{m['seq']}", m.span("id"))
    for m in _CUSTOMER_RE.finditer(text):
        if m.group() != m["id"] or m["id"][:2].upper() == "PL":
            yield _entity(text, "customer_number", f"PL-{m['seq']}", m.span("id"))


def _addresses(text: str) -> Iterator[Entity]:
    for m in _POSTCODE_RE.finditer(text):
        letters = m["letters"].upper()
        if letters in ("SA", "SD", "SS"):
            continue
        # "in 2026 en" or "1000 as" are not postcodes; "3511 ab" is one when the customer says
        # so, or when a place name follows ("1017 ct Amsterdam")
        loose = m["sep"] == " " and not m["letters"].isupper()
        said = _POSTCODE_WORD.search(text, max(0, m.start() - 20), m.start())
        place = m["letters"].lower() not in _SHORT_WORDS and _PLACE_AFTER_RE.match(text, m.end())
        if loose and not said and not place:
            continue
        if _PRODUCT_BEFORE_RE.search(text, max(0, m.start() - 12), m.start()):
            continue  # "modem type 7590 AX" is a model number
        yield _entity(text, "postcode", f"{m['digits']} {letters}", m.span())
        if after := _AFTER_POSTCODE_RE.match(text, m.end()):
            yield _house(text, after)
    for m in _STREET_HOUSE_RE.finditer(text):
        if m.group().split()[0].lower() not in _NOT_STREETS:
            yield _house(text, m)
    for m in _HOUSE_WORD_RE.finditer(text):
        if (m["before"] or "").strip().lower() not in _NOT_HOUSES:
            yield _house(text, m)


def _house(text: str, m: re.Match[str]) -> Entity:
    value = re.sub(r"\s|-(?=[a-z])", "", m["num"].lower())
    return _entity(text, "house_number", value, m.span("num"))


def _amounts(text: str) -> Iterator[Entity]:
    for m in _AMOUNT_RE.finditer(text):
        number = m["n1"] or m["n2"]
        yield _entity(text, "amount", _decimal(number), m.span())


def _decimal(number: str) -> str:
    """ "1.234,50" and "1,234.50" are 1234.50; "1.234" is 1234; "54,9" is 54.90."""
    last = max(number.rfind("."), number.rfind(","))
    if last != -1 and len(number) - last - 1 <= 2:
        whole, cents = number[:last], number[last + 1 :]
    else:
        whole, cents = number, "0"
    value = Decimal(re.sub(r"[.,]", "", whole) + "." + cents)
    return f"{value:.2f}"


def _emails(text: str) -> Iterator[Entity]:
    for m in _EMAIL_RE.finditer(text):
        yield _entity(text, "email", m.group().lower(), m.span())


def _ibans(text: str) -> Iterator[Entity]:
    for m in _IBAN_RE.finditer(text):
        candidate = m.group()
        # The pattern may run on into a following word ("… 3201 bedankt"): try each group end.
        ends = [i for i, c in enumerate(candidate) if c == " "] + [len(candidate)]
        for end in reversed(ends):
            compact = candidate[:end].replace(" ", "").upper()
            if len(compact) >= 15 and iban.is_valid(compact):
                yield _entity(text, "iban", compact, (m.start(), m.start() + end))
                break


def _phones(text: str, claimed: Iterable[tuple[int, int]]) -> Iterator[Entity]:
    chars = list(text)
    for start, end in claimed:
        # A character that is neither digit, letter nor phone punctuation stops the matcher.
        chars[start:end] = "\0" * (end - start)
    masked = "".join(chars)
    if _digits(masked) < 7:
        return
    leniency = phonenumbers.Leniency.VALID
    taken: list[tuple[int, int]] = []
    for match in phonenumbers.PhoneNumberMatcher(masked, "NL", leniency=leniency):
        taken.append((match.start, match.end))
        yield _phone(text, match)
    if not _NEIGHBOUR_MOBILE_RE.search(masked):
        return
    # A Belgian or German mobile written the national way ("0470 12 34 56", "0151 23456789") is
    # no valid Dutch number. Only mobiles count: read as Belgian or German, a mistyped Dutch
    # number (06-1234567) would often be some valid landline.
    for region in _NEIGHBOURS:
        for match in phonenumbers.PhoneNumberMatcher(masked, region, leniency=leniency):
            free = all(match.end <= s or match.start >= e for s, e in taken)
            mobile = phonenumbers.number_type(match.number) == phonenumbers.PhoneNumberType.MOBILE
            if free and mobile and match.raw_string.startswith("0"):
                taken.append((match.start, match.end))
                yield _phone(text, match)


def _phone(text: str, match: phonenumbers.PhoneNumberMatch) -> Entity:
    e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return _entity(text, "phone", e164, (match.start, match.end))


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _entity(text: str, type_: str, value: str, span: tuple[int, int]) -> Entity:
    start, end = span
    return Entity(type_, value, text[start:end], start, end)


def _without_overlaps(candidates: list[Entity]) -> list[Entity]:
    kept: list[Entity] = []

    def rank(e: Entity) -> tuple[int, int, int]:
        return e.start - e.end, _SPECIFICITY.index(e.type), e.start

    for entity in sorted(candidates, key=rank):
        if all(entity.end <= k.start or entity.start >= k.end for k in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: e.start)
