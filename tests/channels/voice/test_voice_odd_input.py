"""A caller's odd input (a lone star key, a transcript of nothing, one far too long) keeps the call
going with a question, instead of an error page that makes Twilio hang up."""

from __future__ import annotations

import pytest
from twilio_phone import Phone


@pytest.fixture
async def call(client):
    phone = Phone(client, "CA0dd1npu7")
    await phone.ring()
    return phone


@pytest.mark.parametrize("keys", ["*", "#", "*#*"])
async def test_that_keys_without_a_digit_are_asked_again_not_answered_with_an_error(
    call, echo, keys
):
    answer = await call.key(keys)
    assert answer.gather is not None
    assert answer.spoken
    assert echo.turns == []


@pytest.mark.parametrize("words", ["\x00", " \x00 \x00", "\x07", "\x1b\x7f \x9f"])
async def test_that_a_transcript_of_nothing_counts_as_silence(call, echo, words):
    answer = await call.say(words)
    assert answer.gather is not None
    assert echo.turns == []


async def test_that_control_characters_in_a_transcript_are_taken_out_before_it_is_heard(call, echo):
    answer = await call.say("waar is\x1b mijn\x07 bestelling\x85")
    assert answer.gather is not None
    assert [turn.message.text for turn in echo.turns] == ["waar is mijn bestelling"]


async def test_that_an_overlong_transcript_is_heard_up_to_the_message_limit(call, echo):
    answer = await call.say("bestelling " * 1000)
    assert answer.gather is not None
    assert len(echo.turns) == 1
    assert echo.turns[0].message.text.startswith("bestelling bestelling")
    assert len(echo.turns[0].message.text) <= 4000


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("misses=%C2%B2", id="superscript-two"),
        pytest.param("misses=" + "9" * 5000, id="five-thousand-digits"),
        pytest.param("slow=%00&lang=%00", id="nul-characters"),
    ],
)
async def test_that_a_mangled_call_state_in_the_query_starts_over_instead_of_crashing(
    client, query
):
    phone = Phone(client, "CAmang1ed")
    answer = await phone.ring(f"/api/v1/channels/voice/twilio?{query}")
    assert answer.gather is not None
