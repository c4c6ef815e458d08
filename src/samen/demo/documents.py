"""Polderlink's documents, for the demo: signed download links and the PDF files behind them.

A link names the document, when it stops working and an HMAC over both, so it can be neither
guessed nor kept for ever::

    links = DocumentLinks(secret, clock, "https://samen.example.com")
    url = links.url("inv-F-2026-0081234")   # …/demo/documents/inv-F-2026-0081234?exp=…&sig=…
    links.check("inv-F-2026-0081234", exp, sig)   # raises unless genuine and current

The PDF is written by hand (PDF 1.4, Helvetica in WinAnsi so "€" and "ë" print), small and
dependency-free, the way a company's own document system would hand it out.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from samen.bot import formats
from samen.bot.connectors import CustomerRecord, Invoice
from samen.clock import Clock
from samen.errors import Forbidden

LINK_LIFETIME = timedelta(hours=24)


class InvalidDocumentLink(Forbidden):
    code = "invalid_document_link"


class ExpiredDocumentLink(Forbidden):
    code = "document_link_expired"


@dataclass(frozen=True, slots=True)
class DocumentFile:
    filename: str
    content: bytes
    media_type: str = "application/pdf"


class DocumentLinks:
    def __init__(self, secret: str, clock: Clock, base_url: str) -> None:
        self._secret = secret.encode()
        self.clock = clock
        self.base_url = base_url.rstrip("/")

    def url(self, document_id: str) -> str:
        expires = int((self.clock.now() + LINK_LIFETIME).timestamp())
        signature = self._sign(document_id, expires)
        return f"{self.base_url}/demo/documents/{document_id}?exp={expires}&sig={signature}"

    def check(self, document_id: str, expires: str, signature: str) -> None:
        """Nothing for a genuine, current link; ``InvalidDocumentLink`` or
        ``ExpiredDocumentLink`` (both 403) otherwise."""
        if not expires.isdigit() or len(expires) > 12:
            raise InvalidDocumentLink(message="This download link is not valid.")
        if not hmac.compare_digest(self._sign(document_id, int(expires)), signature):
            raise InvalidDocumentLink(message="This download link is not valid.")
        if int(expires) <= self.clock.now().timestamp():
            raise ExpiredDocumentLink(
                message="This download link has expired; ask the assistant for a new one."
            )

    def _sign(self, document_id: str, expires: int) -> str:
        message = f"document|{document_id}|{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]


# what the documents say ------------------------------------------------------------------------
_SENDER = ("Polderlink B.V. · Postbus 2040 · 3500 GA Utrecht", "KvK 90123456 · btw NL865432109B01")
_STATUS = {"open": "nog te betalen", "paid": "betaald", "overdue": "achterstallig"}


def _euro(amount: float) -> str:
    return "€ " + f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _addressed(customer: CustomerRecord) -> list[str]:
    a = customer.address
    return [
        *_SENDER,
        "",
        customer.name,
        f"{a.street} {a.house_number}",
        f"{a.postcode} {a.city}",
        "",
    ]


def invoice_file(invoice: Invoice, customer: CustomerRecord) -> DocumentFile:
    total = float(invoice.amount)
    due = invoice.issued_on + timedelta(days=14)
    lines = [
        *_addressed(customer),
        f"Factuurnummer:\t{invoice.number}",
        f"Factuurdatum:\t{formats.day(invoice.issued_on, 'nl')} {invoice.issued_on.year}",
        f"Klantnummer:\t{customer.customer_number}",
        f"Status:\t{_STATUS.get(invoice.status, invoice.status)}",
        "",
        "# Omschrijving\tBedrag",
        *(f"{text}\t{_euro(float(amount))}" for text, amount in invoice.lines),
        "",
        f"# Totaal (incl. 21% btw)\t{_euro(total)}",
        f"Waarvan btw\t{_euro(total - total / 1.21)}",
        "",
        f"We schrijven het bedrag rond {formats.day(due, 'nl')} af via automatische incasso.",
        "Vragen over deze factuur? Stel ze aan onze digitale assistent op polderlink.nl.",
    ]
    return DocumentFile(
        f"Polderlink-factuur-{invoice.number}.pdf", pdf(f"Factuur {invoice.number}", lines)
    )


def contract_file(customer: CustomerRecord, start: date) -> DocumentFile:
    lines = [
        *_addressed(customer),
        f"Klantnummer:\t{customer.customer_number}",
        f"Ingangsdatum:\t{formats.day(start, 'nl')} {start.year}",
        "",
        "# Je abonnementen",
        *(f"- {product}" for product in customer.products),
        "",
        "# Voorwaarden in het kort",
        "- Na het eerste contractjaar is je abonnement maandelijks opzegbaar.",
        "- De opzegtermijn is 1 maand.",
        "- Apparatuur in bruikleen (Polderlink Box 6, TV-box 4K) stuur je binnen 30 dagen",
        "  na het einde van je abonnement gratis terug met het retourlabel van PostNL.",
        "- Bij een storing van meer dan 12 uur krijg je automatisch compensatie.",
        "",
        "De volledige algemene voorwaarden staan op polderlink.nl/voorwaarden.",
    ]
    title = "Contract en algemene voorwaarden"
    return DocumentFile(f"Polderlink-contract-{customer.customer_number}.pdf", pdf(title, lines))


# the PDF ---------------------------------------------------------------------------------------
_PAGE_WIDTH, _PAGE_HEIGHT = 595, 842  # A4 in points
_LINES_PER_PAGE = 52


def pdf(title: str, lines: list[str]) -> bytes:
    """A PDF with ``title`` in bold at the top of the first page and ``lines`` below it;
    a line starting with ``# `` is a bold heading, an empty one a blank line."""
    pages = [lines[i : i + _LINES_PER_PAGE] for i in range(0, max(len(lines), 1), _LINES_PER_PAGE)]
    first_page = 5  # objects: 1 catalog, 2 page tree, 3 regular font, 4 bold font, then pages
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are numbered
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for number, page_lines in enumerate(pages):
        page_id, content_id = first_page + 2 * number, first_page + 2 * number + 1
        kids.append(f"{page_id} 0 R")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_WIDTH} {_PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {content_id} 0 R >>".encode()
        )
        stream = _page_stream(title if number == 0 else None, page_lines)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    return _assemble(objects, title)


def _page_stream(title: str | None, lines: list[str]) -> bytes:
    y = _PAGE_HEIGHT - 72
    out = []
    if title is not None:
        out.append(f"BT /F2 16 Tf 56 {y} Td ({_escape(title)}) Tj ET")
        y -= 30
    for line in lines:
        bold = line.startswith("# ")
        text = line[2:] if bold else line
        font = "F2" if bold else "F1"
        for x, part in zip((56, 400), text.split("\t", 1), strict=False):
            if part:
                out.append(f"BT /{font} 10.5 Tf {x} {y} Td ({_escape(part)}) Tj ET")
        y -= 14
    return "\n".join(out).encode("latin-1")


def _escape(text: str) -> str:
    """Text for a PDF string in WinAnsi: cp1252 bytes, shown as latin-1 characters so the
    stream can be written as one latin-1 string; unknown characters become '?'."""
    raw = text.encode("cp1252", errors="replace").decode("latin-1")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _assemble(objects: list[bytes], title: str) -> bytes:
    info_id = len(objects) + 1
    objects = [
        *objects,
        f"<< /Title ({_escape(title)}) /Producer (Samen demo) >>".encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, info_id)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
