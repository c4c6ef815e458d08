"""The storage port's contract, run against every backend (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from samen.conversations.models import (
    Conversation,
    ConversationId,
    Customer,
    CustomerId,
    Event,
    EventId,
    Identity,
    Message,
    MessageId,
    Priority,
    Sender,
    State,
    new_id,
)
from samen.storage.repositories import SqlStore

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


async def a_customer(store: SqlStore, *identities: Identity) -> Customer:
    customer = Customer(CustomerId(new_id()), "Anna", list(identities), NOW, {"tier": "gold"})
    async with store.transaction() as tx:
        await tx.add_customer(customer)
    return customer


async def a_conversation(store: SqlStore, customer: Customer, **fields: object) -> Conversation:
    conversation = Conversation(
        ConversationId(new_id()), customer.id, "web", State.BOT, NOW, NOW, **fields
    )
    async with store.transaction() as tx:
        await tx.add_conversation(conversation)
    return conversation


def a_message(
    conversation: Conversation, text: str, at: datetime = NOW, **fields: object
) -> Message:
    return Message(MessageId(new_id()), conversation.id, Sender.CUSTOMER, text, at, **fields)


async def test_that_a_customer_is_found_by_any_of_their_identities(store):
    customer = await a_customer(store, Identity("email", "anna@example.nl"))
    async with store.transaction() as tx:
        await tx.add_identity(customer.id, Identity("phone", "+31612345678"))
        by_phone = await tx.find_customer(Identity("phone", "+31612345678"))
        by_email = await tx.find_customer(Identity("email", "anna@example.nl"))
        nobody = await tx.find_customer(Identity("email", "else@example.nl"))
    assert by_phone.id == by_email.id == customer.id
    assert by_phone.profile == {"tier": "gold"}
    assert nobody is None


async def test_that_one_identity_cannot_belong_to_two_customers(store):
    await a_customer(store, Identity("email", "same@example.nl"))
    with pytest.raises(IntegrityError):
        await a_customer(store, Identity("email", "same@example.nl"))


async def test_that_a_conversation_round_trips_with_every_field(store):
    customer = await a_customer(store)
    conversation = await a_conversation(
        store, customer, locale="nl-NL", context={"bot": {"flow": None}}
    )
    conversation.transition(State.QUEUED, "billing", NOW + timedelta(minutes=1))
    conversation.route = {
        "handler": "human",
        "queue": "billing",
        "reason": "r",
        "rules": ["intent"],
    }
    async with store.transaction() as tx:
        await tx.save_conversation(conversation)
        loaded = await tx.get_conversation(conversation.id, for_update=True)
    assert loaded == conversation
    assert loaded.queued_at.tzinfo is not None


async def test_that_messages_come_back_in_the_order_they_were_stored(store):
    conversation = await a_conversation(store, await a_customer(store))
    async with store.transaction() as tx:
        for i in range(5):  # the same timestamp: order is by sequence, not by clock
            await tx.add_message(a_message(conversation, f"m{i}"))
    async with store.transaction() as tx:
        texts = [m.text for m in await tx.list_messages(conversation.id)]
        last_two = [m.text for m in await tx.list_messages(conversation.id, limit=2)]
    assert texts == ["m0", "m1", "m2", "m3", "m4"]
    assert last_two == ["m3", "m4"]


async def test_that_a_client_id_is_unique_within_a_conversation(store):
    conversation = await a_conversation(store, await a_customer(store))
    async with store.transaction() as tx:
        await tx.add_message(a_message(conversation, "one", client_id="c-1"))
        found = await tx.find_message_by_client_id(conversation.id, "c-1")
    assert found.text == "one"
    with pytest.raises(IntegrityError):
        async with store.transaction() as tx:
            await tx.add_message(a_message(conversation, "again", client_id="c-1"))


async def test_that_a_rolled_back_transaction_leaves_nothing(store):
    conversation = await a_conversation(store, await a_customer(store))
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            await tx.add_message(a_message(conversation, "lost"))
            raise RuntimeError("boom")
    async with store.transaction() as tx:
        assert await tx.list_messages(conversation.id) == []


async def test_that_references_find_their_conversation(store):
    conversation = await a_conversation(store, await a_customer(store))
    async with store.transaction() as tx:
        await tx.add_reference(conversation.id, "email_message_id", "<abc@example.nl>")
        await tx.add_reference(
            conversation.id, "email_message_id", "<abc@example.nl>"
        )  # idempotent
        found = await tx.find_conversation_by_reference("email_message_id", "<abc@example.nl>")
    assert found.id == conversation.id


async def test_that_the_event_log_forms_a_timeline_across_conversations(store):
    customer = await a_customer(store)
    first = await a_conversation(store, customer)
    second = await a_conversation(store, customer)
    async with store.transaction() as tx:
        for i, c in enumerate((first, second, first)):
            await tx.add_event(
                Event(
                    EventId(new_id()),
                    c.id,
                    customer.id,
                    "routed",
                    {"n": i},
                    NOW + timedelta(minutes=i),
                )
            )
        timeline = await tx.list_events(customer_id=customer.id)
        only_first = await tx.list_events(conversation_id=first.id, kinds=["routed"])
    assert [e.data["n"] for e in timeline] == [0, 1, 2]
    assert [e.data["n"] for e in only_first] == [0, 2]


async def test_that_conversations_are_listed_by_customer_state_and_queue(store):
    customer = await a_customer(store)
    waiting = await a_conversation(store, customer)
    waiting.transition(State.QUEUED, "tech", NOW)
    async with store.transaction() as tx:
        await tx.save_conversation(waiting)
    await a_conversation(store, customer)
    async with store.transaction() as tx:
        queued = await tx.list_conversations(states=[State.QUEUED], queues=["tech"])
        all_of_them = await tx.list_conversations(customer_id=customer.id)
    assert [c.id for c in queued] == [waiting.id]
    assert len(all_of_them) == 2


async def test_that_a_message_with_a_client_id_seen_before_is_stored_once(store):
    conversation = await a_conversation(store, await a_customer(store))
    async with store.transaction() as tx:
        first = await tx.add_message_once(a_message(conversation, "one", client_id="c-1"))
        again = await tx.add_message_once(a_message(conversation, "again", client_id="c-1"))
        other = await tx.add_message_once(a_message(conversation, "other", client_id="c-2"))
        bare = await tx.add_message_once(a_message(conversation, "no client id"))
    async with store.reading() as tx:
        texts = [m.text for m in await tx.list_messages(conversation.id)]
    assert (first, again, other, bare) == (True, False, True, True)
    assert texts == ["one", "other", "no client id"]


async def test_that_several_messages_stored_at_once_are_numbered_in_order(store):
    conversation = await a_conversation(store, await a_customer(store))
    async with store.transaction() as tx:
        await tx.add_message(a_message(conversation, "first"))
        await tx.add_messages([a_message(conversation, f"reply {i}") for i in range(3)])
        await tx.add_message(a_message(conversation, "last"))
    async with store.reading() as tx:
        texts = [m.text for m in await tx.list_messages(conversation.id)]
    assert texts == ["first", "reply 0", "reply 1", "reply 2", "last"]


async def test_that_earlier_contacts_can_be_listed_without_their_context(store):
    customer = await a_customer(store)
    older = await a_conversation(store, customer, context={"bot": {"flow": "x"}}, topic="outage")
    later = NOW + timedelta(hours=1)
    newer = Conversation(ConversationId(new_id()), customer.id, "voice", State.BOT, later, later)
    async with store.transaction() as tx:
        await tx.add_conversation(newer)
    async with store.reading() as tx:
        contacts = await tx.earlier_contacts(customer.id)
        whole = await tx.list_conversations(customer_id=customer.id)
    assert [c.id for c in contacts] == [c.id for c in whole] == [newer.id, older.id]
    assert [c.context for c in contacts] == [{}, {}]
    assert contacts[1].topic == "outage"
    assert whole[1].context == {"bot": {"flow": "x"}}


async def test_that_history_and_contacts_are_read_together_as_they_are_read_apart(store):
    customer = await a_customer(store)
    conversation = await a_conversation(
        store, customer, context={"bot": {"flow": "x"}}, topic="outage"
    )
    later = NOW + timedelta(hours=1)
    newer = Conversation(ConversationId(new_id()), customer.id, "voice", State.BOT, later, later)
    newer.transition(State.QUEUED, "billing", later)
    newer.route = {"handler": "human", "queue": "billing"}
    other = await a_conversation(store, await a_customer(store))
    async with store.transaction() as tx:
        await tx.add_conversation(newer)
        for i in range(4):
            await tx.add_message(
                a_message(conversation, f"m{i}", NOW + timedelta(minutes=i), metadata={"n": i})
            )
        await tx.add_message(a_message(other, "someone else's"))
    async with store.reading() as tx:
        history, contacts = await tx.history_and_contacts(conversation.id, customer.id, limit=3)
        apart = (
            await tx.list_messages(conversation.id, limit=3),
            await tx.earlier_contacts(customer.id, limit=3),
        )
        nothing = await tx.history_and_contacts(ConversationId("none"), CustomerId("nobody"))
    assert (history, contacts) == apart
    assert [m.text for m in history] == ["m1", "m2", "m3"]
    assert history[0].metadata == {"n": 1} and history[0].created_at.tzinfo is not None
    assert [c.id for c in contacts] == [newer.id, conversation.id]
    assert contacts[0].route == {"handler": "human", "queue": "billing"}
    assert contacts[0].queued_at == later and contacts[1].context == {}
    assert nothing == ([], [])


async def test_that_a_save_of_a_conversation_someone_saved_since_it_was_read_writes_nothing(store):
    conversation = await a_conversation(store, await a_customer(store))
    async with store.reading() as tx:
        mine = await tx.get_conversation(conversation.id)
        theirs = await tx.get_conversation(conversation.id)
    theirs.topic = "outage"
    async with store.transaction() as tx:
        assert await tx.save_conversation_if_unchanged(theirs)
    mine.topic = "billing"
    async with store.transaction() as tx:
        assert not await tx.save_conversation_if_unchanged(mine)
        current = await tx.get_conversation(conversation.id, for_update=True)
        current.priority = Priority.HIGH
        await tx.save_conversation(current)
    async with store.reading() as tx:
        stored = await tx.get_conversation(conversation.id)
    assert (stored.topic, stored.priority, stored.revision) == ("outage", Priority.HIGH, 2)


@pytest.mark.parametrize("for_update", [False, True])
async def test_that_a_conversation_is_read_with_its_customer_and_every_identity(store, for_update):
    known = await a_customer(store, Identity("email", "anna@example.nl"))
    async with store.transaction() as tx:
        await tx.add_identity(known.id, Identity("phone", "+31612345678"))
    with_identities = await a_conversation(store, known, context={"bot": {}})
    without = await a_conversation(store, await a_customer(store))
    async with store.transaction() as tx:
        conversation, customer = await tx.get_conversation_and_customer(
            with_identities.id, for_update=for_update
        )
        _, nobody = await tx.get_conversation_and_customer(without.id, for_update=for_update)
        missing = await tx.get_conversation_and_customer(ConversationId("nope"))
    assert conversation == with_identities
    assert customer == await _customer(store, known.id)
    assert customer.identities == [
        Identity("email", "anna@example.nl"),
        Identity("phone", "+31612345678"),
    ]
    assert (nobody.identities, nobody.profile, missing) == ([], {"tier": "gold"}, None)


async def _customer(store: SqlStore, customer_id: CustomerId) -> Customer:
    async with store.reading() as tx:
        customer = await tx.get_customer(customer_id)
    assert customer is not None
    return customer
