"""The demo website: a logged-in variant that vouches for its customer, and document downloads."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from samen.channels.identity_tokens import verify
from samen.settings import DEMO_IDENTITY_SECRET


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def documents(demo, customer_number="PL-104233"):
    backend = demo.extras["brain"].bot.kit.backend
    return {d.id: d for d in await backend.documents_of(customer_number)}


async def test_that_a_logged_in_page_gives_the_widget_a_token_for_that_customer(demo_client, demo):
    page = (await demo_client.get("/?as=PL-104233")).text
    assert "Ingelogd als <strong>Anna de Vries</strong>" in page
    token = re.search(r'data-identity-token="([^"]+)"', page)
    assert token is not None
    claims = verify(token.group(1), DEMO_IDENTITY_SECRET, now=demo.clock.now())
    assert claims.customer_number == "PL-104233" and claims.name == "Anna de Vries"


async def test_that_the_anonymous_page_and_an_unknown_customer_get_no_token(demo_client):
    for address in ("/", "/?as=PL-999999", "/?lang=en&as=nobody"):
        page = (await demo_client.get(address)).text
        assert "data-identity-token" not in page
        assert "Mijn Polderlink" in page  # the way in for the demo


async def test_that_an_invoice_link_downloads_a_pdf(demo_client, demo):
    invoice = (await documents(demo))["inv-F-2026-0081234"]
    response = await demo_client.get(path_of(invoice.url))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'attachment; filename="Polderlink-factuur-F-2026-0081234.pdf"'
    )
    assert response.content.startswith(b"%PDF-1.4")
    assert b"(Factuur F-2026-0081234) Tj" in response.content
    assert b"Extra bundel 2 GB" in response.content


async def test_that_a_contract_link_downloads_the_customers_contract(demo_client, demo):
    contract = (await documents(demo, "PL-106114"))["contract-PL-106114"]
    response = await demo_client.get(path_of(contract.url))
    assert response.status_code == 200
    assert b"Liam O'Connor" in response.content and b"Mobiel Onbeperkt" in response.content


async def test_that_an_expired_link_is_refused(demo_client, demo, clock):
    invoice = (await documents(demo))["inv-F-2026-0081234"]
    clock.advance(hours=25)
    response = await demo_client.get(path_of(invoice.url))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "document_link_expired"


async def test_that_a_guessed_or_altered_link_is_refused(demo_client, demo):
    invoice = (await documents(demo))["inv-F-2026-0081234"]
    mine = path_of(invoice.url)
    for address in (
        "/demo/documents/inv-F-2026-0081234",
        mine.replace("inv-F-2026-0081234", "inv-F-2026-0081501"),  # someone else's invoice
        re.sub(r"sig=\w+", "sig=0123456789abcdef0123456789abcdef", mine),
    ):
        response = await demo_client.get(address)
        assert response.status_code == 403, address
        assert response.json()["error"]["code"] == "invalid_document_link"


async def test_that_a_genuine_link_to_a_document_that_does_not_exist_is_not_found(
    demo_client, demo
):
    url = demo.extras["brain"].bot.kit.backend.links.url("inv-F-1999-0000001")
    response = await demo_client.get(path_of(url))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "document_not_found"
