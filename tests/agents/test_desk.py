"""What people do with conversations: claim, reply, note, transfer, return, close."""

from __future__ import annotations

import pytest

from samen.agents.models import Presence
from samen.conversations.models import Sender, State
from samen.errors import Conflict, NotFound
from samen.realtime.ports import CONSOLE_CHANNEL, conversation_channel


async def test_that_an_agent_claims_a_waiting_conversation_and_the_customer_is_told(
    agents, person, waiting, container
):
    sanne = await person("sanne")
    conversation_id = await waiting()
    conversation = await agents.desk.claim(sanne, conversation_id)
    assert (conversation.state, conversation.agent_id) == (State.ASSIGNED, sanne.id)
    messages = await container.conversations.messages(conversation_id)
    assert messages[-1].sender is Sender.SYSTEM
    assert messages[-1].text == "Sanne van Klantenzorg helpt je nu verder."


async def test_that_a_reply_is_published_to_the_customer_only_after_it_is_stored(
    agents, person, waiting, container
):
    sanne = await person("sanne")
    conversation_id = await waiting()
    await agents.desk.claim(sanne, conversation_id)
    async with container.broker.subscribe(conversation_channel(conversation_id)) as events:
        message = await agents.desk.reply(sanne, conversation_id, "Hoi! Ik kijk even met je mee.")
        event = await anext(aiter(events))
    assert event["type"] == "message"
    assert event["message"]["id"] == message.id
    assert event["message"]["author"] == {"name": "Sanne"}
    stored = await container.conversations.messages(conversation_id)
    assert stored[-1].sender is Sender.AGENT and stored[-1].author_id == sanne.id


async def test_that_replying_to_a_waiting_conversation_takes_it(agents, person, waiting):
    noor = await person("noor")
    sanne = await person("sanne")
    conversation_id = await waiting()
    await agents.desk.reply(sanne, conversation_id, "Ik help je verder.")
    assert (await agents.desk.get(sanne, conversation_id)).agent_id == sanne.id
    with pytest.raises(NotFound):
        await agents.desk.reply(noor, conversation_id, "Ik ook!")


async def test_that_a_note_is_in_the_timeline_but_never_in_what_the_customer_sees(
    agents, person, waiting, client
):
    sanne = await person("sanne")
    conversation_id = await waiting()
    await agents.desk.note(sanne, conversation_id, "Klant belde gisteren ook al.")
    case = await agents.cases.open(sanne, conversation_id)
    notes = [i for i in case.timeline if i["type"] == "event" and i["kind"] == "note"]
    assert notes[0]["data"]["text"] == "Klant belde gisteren ook al."
    assert all(
        i["text"] != "Klant belde gisteren ook al." for i in case.timeline if i["type"] == "message"
    )


async def test_that_a_transfer_to_another_queue_puts_it_back_in_waiting_with_the_note(
    agents, person, waiting, container
):
    sanne = await person("sanne")
    conversation_id = await waiting()
    await agents.desk.claim(sanne, conversation_id)
    conversation = await agents.desk.transfer(
        sanne, conversation_id, queue="tech", note="Modem knippert oranje."
    )
    assert (conversation.state, conversation.queue, conversation.agent_id) == (
        State.QUEUED,
        "tech",
        None,
    )
    assert conversation.context["transfer"]["note"] == "Modem knippert oranje."
    async with container.store.transaction() as tx:
        kinds = [e.kind for e in await tx.list_events(conversation_id=conversation.id)]
    assert "transferred" in kinds and "note" in kinds
    with pytest.raises(NotFound):  # Sanne does not work tech: it is gone from her view
        await agents.desk.get(sanne, conversation_id)


async def test_that_a_transfer_to_a_colleague_assigns_it_to_them(agents, person, waiting):
    sanne, noor = await person("sanne"), await person("noor")
    conversation_id = await waiting()
    await agents.desk.claim(sanne, conversation_id)
    conversation = await agents.desk.transfer(
        sanne, conversation_id, agent_id=noor.id, note="Factuurvraag"
    )
    assert (conversation.state, conversation.agent_id) == (State.ASSIGNED, noor.id)
    assert (await agents.desk.get(noor, conversation_id)).id == conversation_id


async def test_that_returning_to_the_bot_lets_the_bot_answer_again(
    agents, person, waiting, container, echo
):
    sanne = await person("sanne")
    conversation_id = await waiting()
    await agents.desk.claim(sanne, conversation_id)
    conversation = await agents.desk.return_to_bot(
        sanne, conversation_id, note="Alleen een prijsvraag"
    )
    assert (conversation.state, conversation.queue, conversation.agent_id) == (
        State.BOT,
        None,
        None,
    )
    result = await container.conversations.receive(conversation_id, "wat kost glas 1000?")
    assert [m.text for m in result.replies] == ["echo: wat kost glas 1000?"]


async def test_that_closing_records_the_outcome_that_the_repeat_rule_reads(agents, person, waiting):
    sanne = await person("sanne")
    conversation_id = await waiting()
    await agents.desk.claim(sanne, conversation_id)
    closed = await agents.desk.close(
        sanne, conversation_id, resolved=False, reason="Follow-up needed"
    )
    assert closed.state is State.CLOSED
    assert closed.outcome["resolved"] is False
    assert closed.outcome["reason"] == "Follow-up needed"
    assert closed.outcome["closed_by"] == sanne.id


async def test_that_an_agent_cannot_take_more_than_their_capacity(agents, person, waiting):
    daan = await person("sanne")
    for n in range(daan.capacity):
        await agents.desk.claim(daan, await waiting(email=f"klant{n}@example.nl"))
    with pytest.raises(Conflict) as refused:
        await agents.desk.claim(daan, await waiting(email="nog1@example.nl"))
    assert refused.value.code == "at_capacity"


async def test_that_an_agent_cannot_reply_in_a_colleagues_conversation(agents, person, waiting):
    sanne, eva = await person("sanne"), await person("eva")
    conversation_id = await waiting()
    await agents.desk.claim(eva, conversation_id)
    with pytest.raises(Conflict) as refused:
        await agents.desk.reply(sanne, conversation_id, "Hallo")
    assert refused.value.code == "assigned_to_someone_else"


async def test_that_an_agent_does_not_see_conversations_of_queues_they_do_not_work(
    agents, person, waiting
):
    daan, eva = await person("daan"), await person("eva")
    conversation_id = await waiting()  # care
    with pytest.raises(NotFound):
        await agents.desk.get(daan, conversation_id)
    with pytest.raises(NotFound):
        await agents.cases.open(daan, conversation_id)
    assert (await agents.desk.get(eva, conversation_id)).id == conversation_id


async def test_that_changes_are_announced_on_the_console_channel(
    agents, person, waiting, container
):
    sanne = await person("sanne")
    conversation_id = await waiting()
    async with container.broker.subscribe(CONSOLE_CHANNEL) as events:
        await agents.desk.set_presence(sanne, Presence.AWAY)
        await agents.desk.claim(sanne, conversation_id)
        stream = aiter(events)
        first, second = await anext(stream), await anext(stream)
    assert first == {"type": "presence", "user_id": sanne.id, "presence": "away"}
    assert second["conversation"]["state"] == "assigned"
