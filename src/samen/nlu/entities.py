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
checksum), a postcode, an amount or a date is never read as a phone number.
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
_POSTCODE_WORD = re.compile(r"\b(?:postcode|post\s*code|zip(?:\s*code)?)\b", _I)
_HOUSE = r"(?P<num>[1-9]\d{0,3}(?:-\d{1,3}|\s?[A-Z](?![\w-])|-?[a-z](?![\w-]))?)(?![\w-])"
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
        # "in 2026 en" or "1000 as" are not postcodes; "3511 ab" is one when the customer says so
        loose = m["sep"] == " " and not m["letters"].isupper()
        if loose and not _POSTCODE_WORD.search(text, max(0, m.start() - 20), m.start()):
            continue
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
    for match in phonenumbers.PhoneNumberMatcher(masked, "NL", leniency=leniency):
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        yield _entity(text, "phone", e164, (match.start, match.end))


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
