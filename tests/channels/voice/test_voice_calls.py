"""Whole phone calls through Twilio's voice webhooks, on the Polderlink demo."""

from __future__ import annotations

import pytest
from twilio_phone import Phone

from samen.conversations.models import Sender

BILLING, SALES, CARE = "+31887654301", "+31887654304", "+31887654303"


@pytest.fixture
def phone(demo_client):
    def call(sid: str = "CA5f0e8a1b2c3d4e5f60718293a4b5c6d7", caller: str = "+31612345678"):
        return Phone(demo_client, sid, caller)

    return call


async def test_that_a_whole_call_goes_from_greeting_to_the_right_department(phone, demo):
    call = phone()
    hello = await call.ring()
    assert hello.gather is not None
    assert hello.gather.get("language") == "nl-NL"
    assert "speech" in hello.gather.get("input", "")
    assert "digitale assistent" in hello.spoken and "computerprogramma" in hello.spoken

    hours = await call.say("Wat zijn jullie openingstijden?")
    assert hours.gather is not None and hours.dialled is None
    assert "http" not in hours.spoken and "Bron" not in hours.spoken

    order = await call.say("Mijn bestelnummer is ORD 2026 004512")
    assert "O R D, twee nul twee zes, nul nul vier vijf één twee" in order.spoken
    assert "ORD-2026" not in order.spoken
    assert order.gather is not None

    person = await call.say("Ik wil een medewerker")
    assert person.gather is None
    assert person.dialled == SALES  # the topic was the order: sales handles orders
    async with demo.store.transaction() as tx:
        conversation = await tx.find_conversation_by_reference("call_sid", call.sid)
        messages = await tx.list_messages(conversation.id)
    assert conversation.channel == "voice" and conversation.state == "queued"
    assert conversation.queue == "sales"
    assert "human_request" in conversation.route["rules"]
    assert conversation.context["handover"]["problem"]
    said = [m.text for m in messages if m.sender == "customer"]
    assert said == [
        "Wat zijn jullie openingstijden?",
        "Mijn bestelnummer is ORD-2026-004512",
        "Ik wil een medewerker",
    ]


async def test_that_an_order_number_can_be_keyed_in_on_the_keypad(phone):
    call = phone()
    await call.ring()
    asked = await call.say("Waar is mijn bestelling?")
    assert "toets" in asked.spoken and "hekje" in asked.spoken
    told = await call.key("2026004512")
    assert "O R D, twee nul twee zes" in told.spoken
    assert told.gather is not None


async def test_that_a_repeat_invoice_caller_is_put_through_to_billing_at_once(phone, chat, clock):
    first = await chat("nl", phone="06-12345678")
    await first.say("Mijn factuur klopt niet, ik ben het er niet mee eens")
    assert first.conversation["queue"] == "billing"
    clock.advance(days=3)

    again = await phone(sid="CA00000000000000000000000000000002").ring()
    assert again.gather is None
    assert again.dialled == BILLING
    assert "digitale assistent" in again.spoken  # still says who is speaking


async def test_that_a_repeat_caller_by_phone_is_recognised_on_the_next_call(phone, clock):
    first = phone(sid="CA00000000000000000000000000000003", caller="+31687654321")
    await first.ring()
    complaint = await first.say("Ik ben het niet eens met mijn factuur, het bedrag is te hoog")
    assert complaint.dialled == BILLING
    await first.hang_up()
    clock.advance(days=3)
    second = await phone(sid="CA00000000000000000000000000000004", caller="0687654321").ring()
    assert second.gather is None and second.dialled == BILLING


async def test_that_pressing_zero_puts_the_caller_through_to_a_person(phone, demo):
    call = phone()
    await call.ring()
    answer = await call.key("0")
    assert answer.gather is None
    assert answer.dialled == CARE
    async with demo.store.transaction() as tx:
        conversation = await tx.find_conversation_by_reference("call_sid", call.sid)
    assert conversation.state == "queued"
    assert "human_request" in conversation.route["rules"]


async def test_that_saying_agent_on_an_english_line_puts_the_caller_through(phone):
    call = phone()
    hello = await call.ring("/api/v1/channels/voice/twilio?lang=en")
    assert hello.gather.get("language") == "en-US"
    assert "digital assistant" in hello.spoken
    answer = await call.say("agent")
    assert answer.dialled == CARE


async def test_that_after_two_turns_not_understood_a_person_takes_over(phone, demo):
    call = phone()
    await call.ring()
    first = await call.say("blub blub fietsbel")
    assert first.gather is not None
    second = await call.say("grmbl ehh paraplu")
    assert second.gather is None and second.dialled == CARE
    async with demo.store.transaction() as tx:
        conversation = await tx.find_conversation_by_reference("call_sid", call.sid)
    assert "stuck" in conversation.route["rules"]


async def test_that_silence_twice_also_brings_a_person(phone):
    call = phone()
    await call.ring()
    first = await call.silence()
    assert "hoorde niets" in first.spoken and first.gather is not None
    second = await call.silence()
    assert second.dialled == CARE


async def test_that_the_caller_can_ask_to_repeat_and_to_speak_slower(phone, demo):
    call = phone()
    await call.ring()
    hours = await call.say("Wat zijn jullie openingstijden?")
    again = await call.say("Wat zei je?")
    assert again.spoken == hours.spoken
    slower = await call.say("Kun je langzamer praten?")
    assert slower.xml.find("Gather/Pause") is not None
    assert len(list(slower.xml.iter("Say"))) > len(list(hours.xml.iter("Say")))
    assert "slow=1" in slower.gather.get("action", "")
    async with demo.store.transaction() as tx:
        conversation = await tx.find_conversation_by_reference("call_sid", call.sid)
        messages = await tx.list_messages(conversation.id)
    assert [m.text for m in messages if m.sender == "customer"] == [
        "Wat zijn jullie openingstijden?"
    ]


async def test_that_hanging_up_closes_a_call_the_bot_still_had(phone, demo):
    call = phone()
    await call.ring()
    await call.say("Wat zijn jullie openingstijden?")
    response = await call.hang_up()
    assert response.status_code == 200
    async with demo.store.transaction() as tx:
        conversation = await tx.find_conversation_by_reference("call_sid", call.sid)
    assert conversation.state == "closed"


async def test_that_a_written_reply_to_a_call_is_noted_as_not_deliverable_by_voice(phone, demo):
    call = phone()
    await call.ring()
    await call.say("Ik wil een medewerker")
    async with demo.store.transaction() as tx:
        conversation = await tx.find_conversation_by_reference("call_sid", call.sid)
    await demo.conversations.post(conversation.id, "Ik bel je zo terug.", sender=Sender.AGENT)
    async with demo.store.transaction() as tx:
        [event] = await tx.list_events(conversation_id=conversation.id, kinds=["not_delivered"])
    assert event.data["channel"] == "voice"
    assert event.data["call_back"] == "+31612345678"
