"""The bot in conversation with customers, in Dutch and English, against the demo data."""

from __future__ import annotations

import pytest


async def test_that_the_first_bot_message_says_it_is_a_bot_and_how_to_reach_a_person(chat):
    c = await chat("nl")
    assert c.opening[0]["sender"] == "bot"
    assert "digitale assistent" in c.opening[0]["text"]
    assert "medewerker" in c.opening[0]["text"]
    en = await chat("en")
    assert "digital assistant" in en.opening[0]["text"] and "agent" in en.opening[0]["text"]


@pytest.mark.parametrize(
    ("locale", "question", "expected"),
    [
        ("nl", "tot hoe laat kan ik zaterdag bellen met de klantenservice?", "17:00"),
        ("nl", "wat kost glas 500 per maand", "52,95"),
        ("en", "how much is the unlimited sim only plan", "29,50"),
        ("en", "when is your customer service open on saturday", "17:00"),
    ],
)
async def test_that_a_knowledge_question_is_answered_with_its_source(
    chat, locale, question, expected
):
    c = await chat(locale)
    answer = await c.say(question)
    assert expected in answer
    reply = c.last["replies"][-1]
    assert reply["sender"] == "bot"
    assert reply["sources"][0]["title"] in answer
    assert c.conversation["state"] == "bot"


async def test_that_an_order_number_is_asked_for_and_then_tracked(chat):
    c = await chat("nl")
    assert "bestelnummer" in (await c.say("waar blijft mijn bestelling?")).lower()
    answer = await c.say("ORD-2026-004512")
    assert "onderweg" in answer and "PostNL" in answer and "3SPLK004512NL" in answer


async def test_that_the_other_order_is_remembered_in_dutch(chat):
    c = await chat("nl")
    await c.say("hoe staat het met bestelling ORD-2026-004512")
    answer = await c.say("en die andere bestelling?")
    assert "ORD-2026-004388" in answer and "bezorgd" in answer


async def test_that_an_english_customer_can_track_an_order(chat):
    c = await chat("en")
    answer = await c.say("where is my order ORD-2026-004601")
    assert "being prepared" in answer


async def test_that_an_address_change_is_verified_and_confirmed_before_it_is_made(chat, demo):
    c = await chat("nl")
    assert "klantnummer" in (await c.say("ik ga verhuizen")).lower()
    assert "postcode" in (await c.say("PL-104233")).lower()
    assert "nieuwe adres" in await c.say("3511 AB")
    assert "straatnaam" in await c.say("2513 AA 14")
    assert "datum" in await c.say("Lange Voorhout, Den Haag")
    confirm = await c.say("15 december")
    assert "Klopt dat?" in confirm and "Lange Voorhout 14, 2513 AA Den Haag" in confirm
    customer = await demo.extras["brain"].bot.kit.backend.find_customer(customer_number="PL-104233")
    assert customer.address.postcode == "3511 AB"  # nothing changed before the yes
    done = await c.say("ja")
    assert "Referentie" in done
    customer = await demo.extras["brain"].bot.kit.backend.find_customer(customer_number="PL-104233")
    assert customer.address.postcode == "2513 AA"


async def test_that_a_wrong_postcode_does_not_verify_the_customer(chat):
    c = await chat("en")
    await c.say("I want to change my address")
    await c.say("PL-104233")
    answer = await c.say("1234 ZZ")
    assert "can't find that combination" in answer


async def test_that_saying_no_to_the_confirmation_changes_nothing(chat):
    c = await chat("en")
    await c.say("please reset my password")
    await c.say("my customer number is PL-105002")
    confirm = await c.say("1012 NX")
    assert "s***@example.org" in confirm
    assert "haven't changed anything" in await c.say("no")


async def test_that_a_password_reset_link_is_sent_after_confirmation(chat):
    c = await chat("nl")
    await c.say("ik kan niet meer inloggen, wachtwoord vergeten")
    await c.say("PL-104233")
    await c.say("3511AB")
    assert "verstuurd" in await c.say("ja graag")


async def test_that_documents_are_offered_as_links_after_verification(chat):
    c = await chat("en")
    await c.say("can I download a copy of my invoice")
    await c.say("PL-104233")
    answer = await c.say("3511 AB")
    assert "F-2026-0081234" in answer and "/demo/documents/" in answer


async def test_that_an_outage_is_found_by_postcode(chat):
    c = await chat("nl")
    answer = await c.say("is er een storing in 1012 NX?")
    assert "storing in 1012 NX" in answer and "Kabelbreuk" in answer
    quiet = await chat("en")
    assert "don't see an outage" in await quiet.say("is there an outage at postcode 3011 AB")


async def test_that_a_repair_status_is_given_to_a_verified_customer(chat):
    c = await chat("nl")
    await c.say("wanneer komt de monteur?")
    await c.say("PL-104871")
    answer = await c.say("3012 EL")
    assert "monteur" in answer and "REP-2026-01877" in answer


async def test_that_a_cancellation_is_confirmed_before_it_is_made(chat):
    c = await chat("en")
    await c.say("I want to cancel my subscription")
    await c.say("PL-106114")
    terms = await c.say("5611 AS")
    assert "one month's notice" in terms and "(yes/no)" in terms
    assert "cancellation is done" in await c.say("yes")


async def test_that_troubleshooting_hands_over_to_tech_with_the_steps_tried(chat, demo):
    c = await chat("nl")
    assert "Stap 1" in await c.say("mijn internet doet het niet meer")
    assert "Stap 2" in await c.say("nee")
    assert "Stap 3" in await c.say("nee, nog steeds niks")
    await c.say("nee")
    assert c.conversation["state"] == "queued"
    assert c.conversation["queue"] == "tech"
    stored = await demo.conversations.get(c.id)
    assert len(stored.context["handover"]["bot_tried"]) == 3


async def test_that_troubleshooting_stops_when_it_works(chat):
    c = await chat("en")
    await c.say("my wifi stopped working")
    assert "glad it works" in await c.say("yes")


async def test_that_the_customer_can_change_the_subject_and_come_back(chat):
    c = await chat("nl")
    await c.say("ik wil mijn adres wijzigen")
    answer = await c.say("hoe laat zijn jullie winkels open op zondag?")
    assert "adreswijziging" in answer  # offers to continue
    assert "klantnummer" in (await c.say("ja")).lower()


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("nl", "ben jij een robot of een echt mens?", "computerprogramma"),
        ("en", "am I talking to a real person?", "computer program"),
    ],
)
async def test_that_the_bot_always_says_truthfully_that_it_is_a_bot(chat, locale, text, expected):
    c = await chat(locale)
    assert expected in await c.say(text)
    assert all(r["sender"] == "bot" for r in c.last["replies"])


async def test_that_the_bot_says_when_it_does_not_understand(chat):
    c = await chat("nl")
    answer = await c.say("hoeveel wegen alle olifanten van afrika samen")
    assert "begrijp" in answer or "medewerker" in answer


async def test_that_an_invoice_question_is_explained_and_goes_to_billing_if_unresolved(chat):
    c = await chat("nl")
    await c.say("kunnen jullie mijn factuur uitleggen? wat zijn al die bedragen")
    await c.say("PL-104233")
    explained = await c.say("3511 AB")
    assert "F-2026-0081234" in explained and "Extra bundel 2 GB" in explained
    await c.say("nee, snap het nog steeds niet")
    assert c.conversation["state"] == "queued" and c.conversation["queue"] == "billing"
