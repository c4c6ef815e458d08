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


async def late_turns(container, call_sid: str) -> list[dict]:
    async with container.store.transaction() as tx:
        conversation = await tx.find_conversation_by_reference("call_sid", call_sid)
        events = await tx.list_events(
            conversation_id=conversation.id, kinds=["turn_after_call_ended"]
        )
    return [event.data for event in events]


@pytest.mark.parametrize("first_words", ["hallo", "ik wil een mens"])  # with the bot, queued
async def test_that_a_turn_for_a_call_that_has_ended_hangs_up_without_the_bot_and_is_recorded(
    call, echo, container, first_words
):
    await call.say(first_words)
    assert (await call.hang_up()).status_code == 200
    turns = len(echo.turns)

    late = await call.say("ben je er nog?")
    assert late.gather is None and late.dialled is None
    assert [element.tag for element in late.xml] == ["Hangup"]
    keyed = await call.key("1")
    assert [element.tag for element in keyed.xml] == ["Hangup"]
    assert len(echo.turns) == turns
    recorded = await late_turns(container, call.sid)
    # (in any order: the test clock does not move between the two)
    assert sorted((r.get("heard", ""), r.get("dtmf", "")) for r in recorded) == [
        ("", "1"),
        ("ben je er nog?", ""),
    ]


async def test_that_the_start_of_a_call_that_has_ended_sent_again_hangs_up(call, echo, container):
    await call.hang_up()
    again = await call.ring()
    assert [element.tag for element in again.xml] == ["Hangup"]
    assert echo.turns == []
