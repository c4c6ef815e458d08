"""Troubleshooting for tech_support in conversation, Dutch and English: step by step, stopping
when it works, and a person from tech with the steps already tried when it does not."""

from __future__ import annotations

import pytest

UNSOLVED = [
    ("nl", "mn wifi doet het al de hele ochtend niet", ["nee", "nee nog steeds niks", "nee"],
     "Stap", "Technische dienst"),
    ("en", "my internet keeps dropping out", ["no", "still nothing", "nope, same problem"],
     "Step", "Technical service"),
    ("en", "my tv has no picture", ["no", "didn't help", "no"], "Step", "Technical service"),
]  # fmt: skip


@pytest.mark.parametrize(("locale", "problem", "answers", "step", "queue_title"), UNSOLVED)
async def test_that_unsolved_troubleshooting_goes_to_tech_with_the_steps_tried(
    chat, demo, locale, problem, answers, step, queue_title
):
    c = await chat(locale)
    assert f"{step} 1" in await c.say(problem)
    assert f"{step} 2" in await c.say(answers[0])
    assert f"{step} 3" in await c.say(answers[1])  # "still nothing" is a no, not a repeat
    handover = await c.say(answers[2])
    assert queue_title in handover
    assert c.conversation["state"] == "queued" and c.conversation["queue"] == "tech"
    stored = await demo.conversations.get(c.id)
    assert len(stored.context["handover"]["bot_tried"]) == 3


@pytest.mark.parametrize(
    ("locale", "problem", "works", "glad"),
    [
        ("nl", "tv heeft geen beeld meer sinds gister", "ja hij doet het weer!", "fijn dat het"),
        ("en", "the tv box wont turn on", "yes that fixed it, thanks", "glad it works"),
    ],
)
async def test_that_troubleshooting_stops_when_it_works(chat, locale, problem, works, glad):
    c = await chat(locale)
    await c.say(problem)
    assert glad in await c.say(works)
    assert c.conversation["state"] == "bot"


@pytest.mark.parametrize(
    ("locale", "problem", "mention", "described"),
    [
        ("nl", "internet doet niks meer hier op 1012 NX", "storing in jouw postcodegebied",
         "Kabelbreuk"),
        ("en", "help, my internet does not work anymore, postcode 1011 AB",
         "outage in your postcode", "A cable cut"),
    ],
)  # fmt: skip
async def test_that_a_known_outage_is_mentioned_before_the_steps(
    chat, locale, problem, mention, described
):
    c = await chat(locale)
    answer = await c.say(problem)
    assert mention in answer and described in answer
