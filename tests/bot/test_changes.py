"""Self-service changes in conversation, Dutch and English: moving house, a password reset and a
cancellation. Each asks for what is missing, verifies the customer first, confirms before it
acts, and is recorded in the demo backend only after a yes.

The demo's clock stands on Monday 23 November 2026 (see tests/conftest.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from samen.demo.backend import changes, customers


@pytest.fixture
def backend(demo):
    return demo.extras["brain"].bot.kit.backend


async def recorded(backend: Any, customer_number: str, kind: str) -> list[Any]:
    """The changes the demo backend recorded for a customer (its own audit table)."""
    query = select(changes).where(
        changes.c.customer_number == customer_number, changes.c.kind == kind
    )
    async with backend.engine.connect() as conn:
        return list(await conn.execute(query))


async def account(backend: Any, customer_number: str) -> Any:
    query = select(customers).where(customers.c.customer_number == customer_number)
    async with backend.engine.connect() as conn:
        return (await conn.execute(query)).one()


MOVES = [
    # locale, the conversation as (customer says, the bot's reply must contain), the new address
    ("nl", [
        ("we verhuizen volgende maand, hoe geef ik mn nieuwe adres door?", "klantnummer"),
        ("PL-102559", "postcode"),
        ("3511 BD", "Wat is de postcode en het huisnummer van je nieuwe adres?"),
        ("1075 XR 210", "straatnaam en plaats"),
        ("Amstelveenseweg, Amsterdam", "Op welke datum verhuis je?"),
        ("1 januari 2027", "Amstelveenseweg 210, 1075 XR Amsterdam per vrijdag 1 januari. Klopt dat?"),
     ], "PL-102559", "Amstelveenseweg 210, 1075 XR Amsterdam"),
    ("en", [
        ("I'm moving house, need to update my address", "customer number"),
        ("PL-106114", "postcode"),
        ("5611 AS", "postcode and house number of your new address"),
        ("my new place is 3012 EL 7", "street name and town"),
        ("Lijnbaan, Rotterdam", "On what date are you moving?"),
        ("on 15 December", "Lijnbaan 7, 3012 EL Rotterdam as of Tuesday 15 December. Is that right?"),
     ], "PL-106114", "Lijnbaan 7, 3012 EL Rotterdam"),
]  # fmt: skip


@pytest.mark.parametrize(("locale", "steps", "number", "new_address"), MOVES)
async def test_that_a_move_is_asked_for_step_by_step_and_made_only_after_a_yes(
    chat, backend, locale, steps, number, new_address
):
    before = (await backend.find_customer(customer_number=number)).address.line()
    c = await chat(locale)
    for text, expected in steps:
        answer = await c.say(text)
        assert expected in answer, f"after {text!r}: {expected!r} not in {answer!r}"
    assert (await backend.find_customer(customer_number=number)).address.line() == before
    assert await recorded(backend, number, "address") == []
    done = await c.say("ja klopt" if locale == "nl" else "yes")
    assert ("Referentie" if locale == "nl" else "Reference") in done and new_address in done
    assert (await backend.find_customer(customer_number=number)).address.line() == new_address
    assert len(await recorded(backend, number, "address")) == 1


@pytest.mark.parametrize(("locale", "no"), [("nl", "nee, toch niet"), ("en", "no")])
async def test_that_saying_no_to_a_move_changes_nothing(chat, backend, locale, no):
    c = await chat(locale)
    for text in ("ik ga verhuizen", "PL-104233", "3511 AB", "2513 AA 14", "Lange Voorhout, Den Haag",
                 "15 december"):  # fmt: skip
        await c.say(text)
    declined = await c.say(no)
    assert "niets gewijzigd" in declined or "haven't changed anything" in declined
    anna = await backend.find_customer(customer_number="PL-104233")
    assert anna.address.line() == "Oudegracht 112, 3511 AB Utrecht"
    assert await recorded(backend, "PL-104233", "address") == []


async def test_that_a_moving_date_in_the_past_is_refused_and_asked_again(chat):
    c = await chat("en")
    for text in ("change my address please", "PL-105002", "1012NX", "2513 AA 14"):
        await c.say(text)
    # A Dutch street name in an English conversation is an answer, not a change of language.
    assert "On what date are you moving?" in await c.say("Lange Voorhout in Den Haag")
    assert "in the past" in await c.say("yesterday")
    assert "Friday 27 November. Is that right?" in await c.say("next friday")


PASSWORDS = [
    ("nl", "ik ben mn wachtwoord kwijt van mijn polderlink", "PL-103870", "9711 LA",
     "p***@example.nl", "ja doe maar", "verstuurd naar p***@example.nl"),
    ("en", "cant log in to my account, forgot password", "PL-108002", "1075 XR",
     "m***@example.com", "yes please", "sent to m***@example.com"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("locale", "question", "number", "postcode", "masked", "yes", "sent"), PASSWORDS
)
async def test_that_a_password_reset_is_verified_confirmed_sent_and_recorded(
    chat, backend, locale, question, number, postcode, masked, yes, sent
):
    c = await chat(locale)
    assert "PL-" in await c.say(question)
    await c.say(number)
    confirm = await c.say(postcode)
    assert masked in confirm and ("(ja/nee)" in confirm or "(yes/no)" in confirm)
    assert await recorded(backend, number, "password_reset") == []
    assert sent in await c.say(yes)
    assert len(await recorded(backend, number, "password_reset")) == 1


CANCELLATIONS = [
    ("nl", "ik wil mijn abonnement stopzetten", "PL-107345", "8011 AB",
     ["opzegtermijn van 1 maand", "Kabel 100, TV Basis", "woensdag 23 december"], "ja",
     "stopt op woensdag 23 december"),
    ("en", "i want to end my contract with polderlink", "PL-105002", "1012 NX",
     ["one month's notice", "Kabel 100", "Wednesday 23 December"], "yes",
     "ends on Wednesday 23 December"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("locale", "question", "number", "postcode", "terms", "yes", "done"), CANCELLATIONS
)
async def test_that_a_cancellation_states_its_terms_and_is_made_after_a_yes(
    chat, backend, locale, question, number, postcode, terms, yes, done
):
    c = await chat(locale)
    assert "PL-" in await c.say(question)
    await c.say(number)
    confirm = await c.say(postcode)
    for term in terms:
        assert term in confirm
    assert (await account(backend, number)).status == "active"
    assert done in await c.say(yes)
    cancelled = await account(backend, number)
    assert cancelled.status == "cancelling" and cancelled.contract_end == date(2026, 12, 23)
    assert len(await recorded(backend, number, "cancellation")) == 1


@pytest.mark.parametrize(("locale", "no"), [("nl", "nee toch maar niet"), ("en", "no")])
async def test_that_a_cancellation_declined_leaves_the_subscription_alone(
    chat, backend, locale, no
):
    c = await chat(locale)
    for text in ("ik wil opzeggen", "PL-106114", "5611 AS"):
        await c.say(text)
    await c.say(no)
    assert (await account(backend, "PL-106114")).status == "active"
    assert await recorded(backend, "PL-106114", "cancellation") == []


@pytest.mark.parametrize(
    ("locale", "request_", "stop", "stopped"),
    [
        ("nl", "ik wil opzeggen", "laat maar", "dan laten we dat zo"),
        ("en", "reset my password", "no", "we'll leave it there"),
    ],
)
async def test_that_a_customer_can_stop_instead_of_giving_their_details(
    chat, locale, request_, stop, stopped
):
    c = await chat(locale)
    await c.say(request_)
    answer = await c.say(stop)
    assert stopped in answer
    assert "PL-" not in answer  # not asked for the customer number again


async def test_that_a_customer_who_cannot_be_verified_twice_goes_to_a_person(chat, backend):
    c = await chat("nl")
    await c.say("ik wil verhuizen")
    await c.say("PL-104233")
    assert "kan ik niet vinden" in await c.say("1234 AB")
    await c.say("PL-104233")
    await c.say("9999 ZZ")
    assert c.conversation["state"] == "queued" and c.conversation["queue"] == "care"
    assert await recorded(backend, "PL-104233", "address") == []


@pytest.mark.parametrize(
    "street", ["Lange Voorhout in Den Haag", "lange voorhout den haag", "Lange Voorhout, Den Haag"]
)
async def test_that_a_street_and_town_is_taken_as_the_answer_whatever_intent_it_resembles(
    chat, street
):
    c = await chat("nl")
    for text in ("ik ga verhuizen", "PL-104233", "3511 AB", "2513 AA 14"):
        await c.say(text)
    assert "Op welke datum verhuis je?" in await c.say(street)
    confirmation = (await c.say("15 december")).lower()
    assert "voorhout" in confirmation and "den haag" in confirmation


async def test_that_a_real_question_instead_of_the_street_is_answered_and_the_move_kept(chat):
    c = await chat("nl")
    for text in ("ik ga verhuizen", "PL-104233", "3511 AB", "2513 AA 14"):
        await c.say(text)
    answer = await c.say("hoe laat zijn jullie winkels open op zondag?")
    assert "zondag" in answer and "Bron:" in answer  # the question is answered from an article,
    assert "adreswijziging" in answer  # then the move is offered again,
    assert "straatnaam" in await c.say("ja")  # where it stopped: the street
