"""The bot's answers that need no account: knowledge questions with their source, small talk,
honesty about being a bot, and what it does with questions it cannot answer. Dutch and English,
phrased the way customers write (informal, typos), checked against Polderlink's articles."""

from __future__ import annotations

import pytest

KNOWLEDGE = [
    # intent, locale, question, facts the answer must contain (from src/samen/demo/knowledge)
    ("opening_hours", "nl", "tot hoe laat zijn jullie telefonisch berijkbaar op zaterdag?",
     ["zaterdag: 09:00–17:00", "088 765 4321"]),
    ("opening_hours", "nl", "is de winkel in eindhoven op zondag open",
     ["Eindhoven", "op zondag gesloten"]),
    ("opening_hours", "en", "what time can i call you guys on saturdays",
     ["Saturday: 09:00–17:00"]),
    ("opening_hours", "en", "are your shops open on sunday in utrecht?",
     ["Utrecht", "closed on Sunday"]),
    ("pricing", "nl", "wat betaal ik per maand voor glas 1000?", ["Glas 1000", "€62,95"]),
    ("pricing", "nl", "hoeveel kost een sim only met 30 gb", ["Sim Only 30 GB: €19,50"]),
    ("pricing", "en", "how much do i pay for kabel 100 a month", ["€39,95 per month"]),
    ("pricing", "en", "what's the price of the unlimited sim", ["Sim Only Unlimited: €29,50"]),
    ("delivery_time", "nl", "hoe lang duurt t aanleggen van glasvezel als er nog niks ligt",
     ["6 tot 12 weken"]),
    ("delivery_time", "en", "if i order a sim card today when does it arrive",
     ["next working day", "before 22:00"]),
    ("delivery_time", "nl", "hoe lang duurt het voordat mijn modem er is als ik vandaag bestel",
     ["volgende werkdag"]),
    ("delivery_time", "en", "how long before my new internet is activated", ["5 working days"]),
    ("product_info", "nl", "heeft de box 6 wifi 6? en hoeveel poorten",
     ["Wifi 6", "4 gigabit LAN-poorten"]),
    ("product_info", "nl", "wat is de uploadsnelheid van glas 500", ["500 Mbit/s upload"]),
    ("product_info", "en", "does the tv box do 4k and can i install netflix on it",
     ["Netflix", "Google Play Store"]),
    ("product_info", "en", "how good is your 5g coverage", ["98%"]),
]  # fmt: skip


@pytest.mark.parametrize(("intent", "locale", "question", "facts"), KNOWLEDGE)
async def test_that_a_knowledge_question_gets_the_right_facts_and_names_its_source(
    chat, intent, locale, question, facts
):
    c = await chat(locale)
    answer = await c.say(question)
    for fact in facts:
        assert fact in answer, f"{intent}: {fact!r} not in {answer!r}"
    reply = c.last["replies"][-1]
    assert reply["sender"] == "bot"
    source = reply["sources"][0]["title"]
    assert answer.rstrip().endswith(("Bron: " if locale == "nl" else "Source: ") + source)
    assert c.conversation["state"] == "bot"


SMALL_TALK = [
    ("greeting", "nl", "hallo", "Waarmee kan ik je helpen?"),
    ("greeting", "nl", "goedemiddag!", "Waarmee kan ik je helpen?"),
    ("greeting", "en", "hi there", "How can I help you?"),
    ("greeting", "en", "good morning", "How can I help you?"),
    ("goodbye", "nl", "top, bedankt voor je hulp!", "Fijne dag nog"),
    ("goodbye", "nl", "doei", "Fijne dag nog"),
    ("goodbye", "en", "thanks, that's all", "Have a nice day"),
    ("goodbye", "en", "cheers, bye", "Have a nice day"),
    ("bot_identity", "nl", "praat ik nu met een computer?", "computerprogramma, geen mens"),
    ("bot_identity", "nl", "ben jij een echt persoon", "computerprogramma, geen mens"),
    ("bot_identity", "en", "is this a bot?", "a computer program, not a person"),
    ("bot_identity", "en", "am i chatting with a human", "a computer program, not a person"),
]


@pytest.mark.parametrize(("intent", "locale", "text", "expected"), SMALL_TALK)
async def test_that_small_talk_is_answered_in_the_customers_language(
    chat, intent, locale, text, expected
):
    c = await chat(locale)
    answer = await c.say(text)
    assert expected in answer
    assert all(r["sender"] == "bot" for r in c.last["replies"])
    assert c.conversation["state"] == "bot"


@pytest.mark.parametrize(
    ("locale", "text", "person"),
    [
        ("nl", "ben jij een robot? ik wil eigenlijk een mens", "medewerker"),
        ("en", "r u a real person or some AI", "agent"),
    ],
)
async def test_that_the_bot_says_it_is_a_bot_and_how_to_reach_a_person(chat, locale, text, person):
    c = await chat(locale)
    answer = await c.say(text)
    assert "computer" in answer and person in answer


OUT_OF_SCOPE = [
    ("nl", ["wat vind jij van de nieuwe film van tarantino", "kan je een recept voor pannenkoeken geven"],
     "begrijp ik niet", "Zal ik je doorverbinden"),
    ("en", ["who won the world cup in 2010", "write me a poem about cats"],
     "didn't quite get that", "Shall I put you through"),
]  # fmt: skip


@pytest.mark.parametrize(("locale", "questions", "fallback", "offer"), OUT_OF_SCOPE)
async def test_that_an_out_of_scope_question_gets_an_honest_fallback_and_then_a_person(
    chat, locale, questions, fallback, offer
):
    c = await chat(locale)
    first = await c.say(questions[0])
    assert fallback in first
    assert not c.last["replies"][-1].get("sources")  # no guess from the knowledge base
    second = await c.say(questions[1])
    assert offer in second  # two in a row: a person is offered
    assert c.last["replies"][-1]["buttons"]
    assert c.conversation["state"] == "bot"  # offered, not pushed
