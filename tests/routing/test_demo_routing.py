"""The Polderlink routing policy, applied to real messages through the public API."""

from __future__ import annotations

from datetime import timedelta


async def test_that_an_explicit_request_for_a_person_is_honoured_at_once(chat):
    c = await chat("nl")
    await c.say("ik wil een mens")
    assert c.conversation["state"] == "queued"
    assert c.route["handler"] == "human"
    assert c.route["rules"][0] == "human_request"
    assert c.route["reason"]


async def test_that_bereavement_goes_to_care_with_high_priority_whatever_the_intent(chat):
    c = await chat("nl")
    await c.say("mijn moeder is overleden en ik wil weten waar haar laatste bestelling is")
    assert (c.conversation["queue"], c.conversation["priority"]) == ("care", "high")
    assert c.route["rules"][0] == "sensitive"
    en = await chat("en")
    await en.say("My husband passed away last week, how do I change the account to my name?")
    assert (en.conversation["queue"], en.conversation["priority"]) == ("care", "high")


async def test_that_two_fallbacks_offer_a_person_and_a_third_hands_over(chat):
    c = await chat("nl")
    await c.say("xqzt vlorp")
    assert c.conversation["state"] == "bot"
    offer = await c.say("grmbl snorf")
    assert "medewerker" in offer and c.route["rules"] == ["stuck"]
    assert c.conversation["state"] == "bot"
    await c.say("plonk wibber")
    assert c.conversation["state"] == "queued"


async def test_that_a_yes_to_the_offer_hands_over(chat):
    c = await chat("en")
    await c.say("zzkx blorf")
    await c.say("wobble frang")
    await c.say("yes")
    assert c.conversation["state"] == "queued"
    assert "human_request" in c.route["rules"]


async def test_that_an_invoice_complaint_by_chat_then_an_email_address_chat_within_a_week_goes_to_billing(
    chat, clock
):
    first = await chat("nl", email="klant@example.nl")
    await first.say("mijn factuur is veel te hoog, ik ben twee keer afgeschreven!")
    assert first.conversation["queue"] == "billing"
    clock.advance(days=3)
    again = await chat("nl", email="klant@example.nl")
    await again.say("hallo, wat zijn jullie openingstijden?")
    assert again.conversation["state"] == "queued"
    assert again.conversation["queue"] == "billing"
    assert again.route["rules"][0] == "repeat_contact"
    assert first.id in again.route["linked"]


async def test_that_the_same_contact_after_eight_days_is_not_a_repeat(chat, clock):
    first = await chat("nl", email="oud@example.nl")
    await first.say("ik ben het niet eens met mijn factuur, het bedrag klopt niet")
    clock.advance(days=8)
    again = await chat("nl", email="oud@example.nl")
    await again.say("wat zijn jullie openingstijden?")
    assert again.conversation["state"] == "bot"
    assert "repeat_contact" not in again.route["rules"]


async def test_that_a_supervisor_can_read_why_a_conversation_went_where_it_went(chat, demo):
    c = await chat("en")
    await c.say("I want to dispute my invoice, the amount is wrong")
    async with demo.store.transaction() as tx:
        events = await tx.list_events(conversation_id=c.id, kinds=["routed"])
    assert events[-1].data["queue"] == "billing"
    assert "invoice_complaint" in events[-1].data["reason"]


async def test_that_out_of_hours_a_person_queue_says_when_it_answers(chat, clock):
    clock.set(clock.now().replace(hour=22) + timedelta(days=5))  # Saturday night, Amsterdam
    c = await chat("nl")
    answer = await c.say("ik wil een medewerker spreken")
    assert "out_of_hours" in c.route["rules"]
    assert "teruggebeld" in answer


async def test_that_a_frustrated_customer_with_a_bot_question_is_offered_a_person(chat):
    c = await chat("nl")
    offer = await c.say(
        "wifi doet het weer niet!!! waardeloos ding, hoe krijg ik die router aan de praat"
    )
    assert c.route["rules"][0] == "frustration", c.route
    assert c.conversation["state"] == "bot", c.route
    assert "medewerker" in offer


async def test_that_a_frustrated_complaint_goes_to_a_person_at_once_not_to_an_offer(chat):
    c = await chat("nl")
    await c.say(
        "Ik ben woedend!!! Jullie medewerker in de winkel was onbeschoft tegen me. Schandalig!"
    )
    assert c.route["rules"][0] == "frustration"
    assert (c.conversation["state"], c.conversation["queue"]) == ("queued", "care")
    assert c.conversation["priority"] == "high"
