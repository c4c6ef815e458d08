"""The demo's documents: signed links that expire, and real PDF files behind them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from samen.bot.connectors import Address, CustomerRecord, Invoice
from samen.clock import FixedClock
from samen.demo.documents import (
    DocumentLinks,
    ExpiredDocumentLink,
    InvalidDocumentLink,
    contract_file,
    invoice_file,
    pdf,
)

ANNA = CustomerRecord(
    "PL-104233",
    "Anna de Vries",
    "anna.devries@example.nl",
    None,
    Address("Oudegracht", "112", "3511 AB", "Utrecht"),
    ("Glas 500", "TV Basis"),
)
INVOICE = Invoice(
    "F-2026-0081234",
    "PL-104233",
    date(2026, 11, 1),
    "67.45",
    "open",
    (("Glas 500 (abonnement)", "52.95"), ("TV Basis", "12.50"), ("Bundelkorting", "-3.00")),
)


def link_parts(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    return parts.path.rsplit("/", 1)[1], query["exp"][0], query["sig"][0]


def test_that_a_fresh_link_is_accepted_and_stops_working_after_a_day():
    clock = FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    links = DocumentLinks("secret", clock, "https://samen.example.com/")
    url = links.url("inv-F-2026-0081234")
    assert url.startswith("https://samen.example.com/demo/documents/inv-F-2026-0081234?exp=")
    links.check(*link_parts(url))
    clock.advance(hours=23)
    links.check(*link_parts(url))
    clock.advance(hours=2)
    with pytest.raises(ExpiredDocumentLink):
        links.check(*link_parts(url))


@pytest.mark.parametrize(
    "change",
    [
        lambda d, e, s: ("inv-F-2026-0079120", e, s),  # another document with this signature
        lambda d, e, s: (d, str(int(e) + 86400), s),  # a later expiry, same signature
        lambda d, e, s: (d, e, s[:-1] + ("0" if s[-1] != "0" else "1")),
        lambda d, e, s: (d, "", s),
        lambda d, e, s: (d, "soon", s),
    ],
    ids=["other-document", "stretched-expiry", "altered-signature", "no-expiry", "odd-expiry"],
)
def test_that_a_link_that_was_altered_is_refused(change):
    clock = FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    links = DocumentLinks("secret", clock, "http://x")
    document, expires, signature = link_parts(links.url("inv-F-2026-0081234"))
    with pytest.raises(InvalidDocumentLink) as caught:
        links.check(*change(document, expires, signature))
    assert caught.value.http_status == 403


def test_that_a_link_signed_with_another_secret_is_refused():
    clock = FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    url = DocumentLinks("theirs", clock, "http://x").url("contract-PL-104233")
    with pytest.raises(InvalidDocumentLink):
        DocumentLinks("ours", clock, "http://x").check(*link_parts(url))


def objects_at_their_xref_offsets(data: bytes) -> bool:
    found = re.search(rb"startxref\n(\d+)\n%%EOF\n$", data)
    assert found is not None
    start = int(found.group(1))
    assert data[start:].startswith(b"xref\n")
    rows = re.findall(rb"(\d{10}) 00000 n ", data[start:])
    return all(data[int(o) :].startswith(b"%d 0 obj" % n) for n, o in enumerate(rows, start=1))


def test_that_an_invoice_is_a_well_formed_pdf_with_its_lines_and_total():
    file = invoice_file(INVOICE, ANNA)
    assert file.filename == "Polderlink-factuur-F-2026-0081234.pdf"
    assert file.media_type == "application/pdf"
    assert file.content.startswith(b"%PDF-1.4\n")
    assert objects_at_their_xref_offsets(file.content)
    text = file.content.decode("latin-1")
    for shown in ("Factuur F-2026-0081234", "Anna de Vries", "3511 AB Utrecht", "PL-104233",
                  "Glas 500 \\(abonnement\\)", "\x80 52,95", "\x80 -3,00", "\x80 67,45",
                  "nog te betalen"):  # fmt: skip
        assert shown in text, shown
    assert "\x80 11,71" in text  # the 21% VAT inside € 67,45


def test_that_a_contract_lists_the_products_and_the_notice_period():
    text = contract_file(ANNA, date(2025, 3, 1)).content.decode("latin-1")
    assert "- Glas 500" in text and "- TV Basis" in text
    assert "opzegtermijn is 1 maand" in text
    assert "1 maart 2025" in text


def test_that_a_long_document_continues_on_more_pages():
    data = pdf("Lang", [f"regel {n}" for n in range(120)])
    assert b"/Count 3" in data and objects_at_their_xref_offsets(data)
    assert b"(regel 119) Tj" in data
