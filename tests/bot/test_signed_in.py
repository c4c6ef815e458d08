"""A customer logged in on Polderlink's site: the bot knows who they are and says so."""

from __future__ import annotations

from samen.channels.identity_tokens import sign
from samen.settings import DEMO_IDENTITY_SECRET


def token_for(demo, customer_number: str, name: str | None = None) -> str:
    return sign(DEMO_IDENTITY_SECRET, customer_number, now=demo.clock.now(), name=name)


async def test_that_a_signed_in_customer_moves_house_without_number_and_postcode(chat, demo):
    c = await chat("nl", identity_token=token_for(demo, "PL-104233", "Anna de Vries"))
    assert c.opening[0]["text"].startswith("Hoi Anna!")
    assert "computerprogramma" in c.opening[0]["text"]  # still says it is a bot
    answer = await c.say("ik ga binnenkort verhuizen, kan ik dat hier doorgeven?")
    assert "ingelogd als Anna de Vries (klantnummer PL-104233)" in answer
    assert "klantnummer?" not in answer and "nieuwe adres" in answer
    await c.say("2513 AA 14")
    await c.say("Lange Voorhout, Den Haag")
    assert "Klopt dat?" in await c.say("1 december")
    assert "Referentie" in await c.say("ja")
    backend = demo.extras["brain"].bot.kit.backend
    moved = await backend.find_customer(customer_number="PL-104233")
    assert moved.address.line() == "Lange Voorhout 14, 2513 AA Den Haag"


async def test_that_a_signed_in_english_customer_gets_their_documents_at_once(chat, demo):
    c = await chat("en", identity_token=token_for(demo, "PL-105002"))
    assert c.opening[0]["text"].startswith("Hi Sophie!")  # the name from Polderlink's system
    answer = await c.say("can i get a copy of my latest bill pls")
    assert "logged in as Sophie Jansen (customer number PL-105002)" in answer
    assert "F-2026-0081802" in answer and "/demo/documents/inv-F-2026-0081802?exp=" in answer


async def test_that_a_token_for_a_customer_the_backend_does_not_know_falls_back_to_asking(
    chat, demo
):
    c = await chat("nl", identity_token=token_for(demo, "PL-999999", "Nobody"))
    assert "Nobody" not in c.opening[0]["text"]
    answer = await c.say("ik wil mijn wachtwoord resetten")
    assert "klantnummer" in answer.lower() and "ingelogd" not in answer
