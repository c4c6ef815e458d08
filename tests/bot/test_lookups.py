"""Self-service lookups in conversation, Dutch and English: orders, repairs, outages,
documents and the invoice explained, checked against the demo backend's data.

The demo's clock stands on Monday 23 November 2026, 10:30 in Amsterdam (see tests/conftest.py);
the demo data (src/samen/demo/seed.py) is dated relative to that day.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

ORDERS = [
    # locale, what the customer writes, then the order number when asked, facts in the answer
    ("nl", "hey waar blijft mn pakketje nou", "ORD-2026-004512",
     ["onderweg met PostNL", "morgen (dinsdag 24 november)", "3SPLK004512NL",
      "Polderlink Box 6, TV-box 4K"]),
    ("nl", "is mijn bestelling al verstuurd?", "ord-2026-004733",
     ["ORD-2026-004733", "hebben we ontvangen", "morgen (dinsdag 24 november)"]),
    ("en", "where's my stuff??", "ORD-2026-004650",
     ["on its way with DHL", "today (Monday 23 November)", "JVGL0604650"]),
    ("en", "hi, any news on my order", "it's ORD-2026-004601",
     ["being prepared for shipping", "Simkaart Mobiel 30 GB", "Wednesday 25 November"]),
]  # fmt: skip


@pytest.mark.parametrize(("locale", "question", "number", "facts"), ORDERS)
async def test_that_an_order_number_is_asked_for_and_the_order_tracked(
    chat, locale, question, number, facts
):
    c = await chat(locale)
    asked = await c.say(question)
    assert "ORD-" in asked and ("bestelnummer" in asked or "order number" in asked)
    answer = await c.say(number)
    for fact in facts:
        assert fact in answer, f"{fact!r} not in {answer!r}"
    assert c.conversation["state"] == "bot"


@pytest.mark.parametrize(
    ("locale", "first", "other", "facts"),
    [
        ("nl", "hoe staat t met ORD-2026-004512", "en die andere bestelling?",
         ["ORD-2026-004388", "Wifi-booster", "bezorgd op woensdag 11 november"]),
        ("en", "status of order ORD-2026-004512 please", "and my other order?",
         ["ORD-2026-004388", "delivered on Wednesday 11 November"]),
    ],
)  # fmt: skip
async def test_that_the_other_order_of_the_same_customer_is_remembered(
    chat, locale, first, other, facts
):
    c = await chat(locale)
    assert "ORD-2026-004512" in await c.say(first)
    answer = await c.say(other)
    for fact in facts:
        assert fact in answer


@pytest.mark.parametrize(
    ("locale", "wrong", "again"),
    [("nl", "ORD-2026-009999", "Klopt het nummer?"), ("en", "ORD-2026-009999", "Is the number")],
)
async def test_that_an_unknown_order_number_is_asked_for_again(chat, locale, wrong, again):
    c = await chat(locale)
    answer = await c.say(f"{'waar is bestelling' if locale == 'nl' else 'where is order'} {wrong}")
    assert wrong in answer and again in answer
    assert "3SPLK004512NL" in await c.say("sorry, ORD-2026-004512")  # and then it is found


REPAIRS = [
    # locale, question, customer number, postcode (as typed), facts
    ("nl", "wanneer komt de monteur nou eigenlijk", "PL-104871", "3012 EL",
     ["monteur", "donderdag 26 november tussen 08:00 en 12:00", "REP-2026-01877"]),
    ("nl", "hoe staat t met de reparatie van mijn tv box", "mijn klantnummer is PL-104233",
     "3511ab", ["REP-2026-01790", "wacht op onderdelen", "zaterdag 21 november"]),
    ("en", "whats the status of my repair?", "PL-107345", "8011 AB",
     ["REP-2026-01655", "completed on Wednesday 18 November"]),
    ("en", "when is the engineer coming", "PL-108002", "1075 XR",
     ["don't see any open repairs"]),
]  # fmt: skip


@pytest.mark.parametrize(("locale", "question", "number", "postcode", "facts"), REPAIRS)
async def test_that_a_repair_status_is_given_only_after_verification(
    chat, locale, question, number, postcode, facts
):
    c = await chat(locale)
    asked = await c.say(question)
    assert "PL-" in asked and ("klantnummer" in asked or "customer number" in asked)
    assert "postcode" in await c.say(number)
    answer = await c.say(postcode)
    for fact in facts:
        assert fact in answer, f"{fact!r} not in {answer!r}"


OUTAGES = [
    ("nl", ["is er een storing bij mij in de buurt? postcode 1013 AB"],
     ["storing in 1013 AB", "Kabelbreuk", "internet + tv", "om 07:40",
      "vandaag (maandag 23 november) om 16:40 opgelost"]),
    ("nl", ["ligt er iets plat? tv doet raar", "3512 KL"],
     ["storing in 3512 KL", "Onderhoud aan de tv-zender", "Het gaat om tv."]),
    ("en", ["is there an outage in my area", "1012 NX"],
     ["outage in 1012 NX", "A cable cut during excavation", "internet + tv",
      "fixed by today (Monday 23 November) at 16:40"]),
    ("en", ["any outages near 9711 LA?"], ["don't see an outage in 9711 LA"]),
    # the four digits of the area are enough: that is what outages are known by
    ("nl", ["storing?", "3512"], ["storing in 3512", "Onderhoud aan de tv-zender"]),
    ("en", ["internet down in postcode 1012?"], ["outage in 1012", "internet + tv"]),
    ("nl", ["is er een storing in 9711"], ["geen storing in 9711"]),
]  # fmt: skip


@pytest.mark.parametrize(("locale", "lines", "facts"), OUTAGES)
async def test_that_an_outage_is_checked_by_postcode_and_asked_for_when_missing(
    chat, locale, lines, facts
):
    c = await chat(locale)
    if len(lines) > 1:
        assert "postcode" in await c.say(lines[0])
    answer = await c.say(lines[-1])
    for fact in facts:
        assert fact in answer, f"{fact!r} not in {answer!r}"


@pytest.mark.parametrize(
    ("locale", "question", "number", "postcode", "wanted", "not_offered"),
    [
        ("nl", "ik heb een kopie nodig van mn factuur", "PL-104233", "3511 AB",
         ["Factuur F-2026-0081234", "Factuur F-2026-0079120"], None),
        ("en", "can i download my invoice from last month", "PL-104871", "3012 EL",
         ["Invoice F-2026-0081777"], "Factuur"),
        ("nl", "kan ik mijn contract ergens downloaden?", "PL-106114", "5611 AS",
         ["Contract en algemene voorwaarden"], "Factuur"),
    ],
)  # fmt: skip
async def test_that_documents_are_offered_as_working_links_after_verification(
    chat, demo_client, locale, question, number, postcode, wanted, not_offered
):
    c = await chat(locale)
    assert "PL-" in await c.say(question)
    await c.say(number)
    answer = await c.say(postcode)
    for title in wanted:
        assert title in answer
    if not_offered:
        assert not_offered not in answer
    links = [line.rsplit(": ", 1)[1] for line in answer.splitlines() if "/demo/documents/" in line]
    assert len(links) == len(wanted)
    for link in links:
        parts = urlsplit(link)
        download = await demo_client.get(f"{parts.path}?{parts.query}")
        assert download.status_code == 200
        assert download.content.startswith(b"%PDF")


INVOICES = [
    ("nl", "ik snap mijn rekening niet, waarom is ie hoger dan vorige maand", "PL-104233",
     "3511 AB", ["F-2026-0081234", "€ 67,45", "nog te betalen", "Extra bundel 2 GB: € 5,00",
                 "Bundelkorting: € -3,00"]),
    ("en", "can you explain my bill? whats on it", "PL-103870", "9711 LA",
     ["F-2026-0081501", "€ 128.90", "to be paid", "Installatie monteur: € 75.00"]),
]  # fmt: skip


@pytest.mark.parametrize(("locale", "question", "number", "postcode", "facts"), INVOICES)
async def test_that_an_invoice_is_explained_line_by_line_and_that_settles_it(
    chat, locale, question, number, postcode, facts
):
    c = await chat(locale)
    assert "PL-" in await c.say(question)
    await c.say(number)
    explained = await c.say(postcode)
    for fact in facts:
        assert fact in explained, f"{fact!r} not in {explained!r}"
    assert "(ja/nee)" in explained or "(yes/no)" in explained
    await c.say("ja duidelijk" if locale == "nl" else "yes thanks")
    assert c.conversation["state"] == "bot"


@pytest.mark.parametrize(
    ("locale", "unclear"), [("nl", "nee, snap het nog steeds niet"), ("en", "no not really")]
)
async def test_that_an_invoice_still_unclear_goes_to_billing(chat, locale, unclear):
    c = await chat(locale)
    await c.say("kun je mijn factuur uitleggen" if locale == "nl" else "explain my invoice pls")
    await c.say("PL-104233")
    await c.say("3511 AB")
    await c.say(unclear)
    assert c.conversation["state"] == "queued" and c.conversation["queue"] == "billing"
