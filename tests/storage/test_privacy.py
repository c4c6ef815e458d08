"""A customer's data requests in SQL: the export shows all of theirs and nothing of anyone
else's; the erasure deletes all of theirs and nothing of anyone else's (SQLite, PostgreSQL)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from samen.channels.email.ports import Delivery, InboxEntry
from samen.channels.voice.ports import Recording
from samen.clock import FixedClock
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
    Sender,
    State,
    new_id,
)
from samen.conversations.privacy import ERASED_KINDS, CustomerPrivacy
from samen.errors import NotFound
from samen.storage.corrections import Correction, SqlCorrections
from samen.storage.mail import SqlMailLog
from samen.storage.privacy import TABLES, SqlCustomerRecords
from samen.storage.repositories import SqlStore
from samen.storage.voicemails import SqlVoicemails

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.fixture
def privacy(store: SqlStore) -> CustomerPrivacy:
    return CustomerPrivacy(SqlCustomerRecords(store), FixedClock(NOW))


@dataclass
class Seeded:
    customer_id: CustomerId
    texts: list[str]  # the customer's messages, one per channel


async def a_customer_on_every_channel(store: SqlStore, name: str, email: str, phone: str) -> Seeded:
    """A customer with a conversation on web chat, e-mail and voice, and a row in every table
    that can hold their data: refs, events, a correction, received and sent mail, voicemails
    (one in a conversation, one from their number that never became one), and mail from
    their address that was refused before it became a conversation."""
    customer = Customer(
        CustomerId(new_id()),
        name,
        [Identity("email", email), Identity("phone", phone)],
        NOW,
        {"tier": "gold"},
    )
    texts = []
    async with store.transaction() as tx:
        await tx.add_customer(customer)
        for channel in ("web", "email", "voice"):
            conversation = Conversation(
                ConversationId(new_id()), customer.id, channel, State.BOT, NOW, NOW
            )
            await tx.add_conversation(conversation)
            await tx.add_reference(conversation.id, f"{channel}_thread", new_id())
            text = f"{name} via {channel}: mijn factuur klopt niet"
            texts.append(text)
            message = Message(MessageId(new_id()), conversation.id, Sender.CUSTOMER, text, NOW)
            await tx.add_message(message)
            await tx.add_event(
                Event(EventId(new_id()), conversation.id, customer.id, "routed", {}, NOW)
            )
            if channel == "email":
                email_conversation, email_message = conversation, message
            if channel == "voice":
                voice_conversation = conversation
    await SqlCorrections(store.engine).add(
        Correction(
            new_id(),
            email_conversation.id,
            email_message.id,
            "intent",
            texts[1],
            "nl",
            "greeting",
            "billing",
            None,
            None,
            "new",
            NOW,
        )
    )
    mail, voice = SqlMailLog(store), SqlVoicemails(store)
    raw = f"From: {email}\r\n\r\nmijn factuur klopt niet".encode()
    await mail.add_inbound(
        InboxEntry.received(raw, "smtp", NOW, sender=email, conversation_id=email_conversation.id)
    )
    await mail.add_inbound(InboxEntry.received(raw, "imap", NOW, sender=email.upper()))
    await mail.add_delivery(
        Delivery(
            new_id(),
            email_conversation.id,
            [],
            f"<{new_id()}@samen>",
            email,
            "Re: factuur",
            "From: samen\r\n\r\nWe kijken ernaar.",
            NOW,
        )
    )
    await voice.add(Recording.received(b"RIFF-taken", "vm.wav", "audio/wav", NOW,
                                       caller=phone, conversation_id=voice_conversation.id))  # fmt: skip
    national = "0" + phone.removeprefix("+31")  # as a caller field may give it
    await voice.add(Recording.received(b"RIFF-unheard", "vm.wav", "audio/wav", NOW,
                                       caller=national, status="unreadable"))  # fmt: skip
    return Seeded(customer.id, texts)


@pytest.fixture
async def anna(store: SqlStore) -> Seeded:
    return await a_customer_on_every_channel(store, "Anna", "anna@example.nl", "+31612345678")


@pytest.fixture
async def bram(store: SqlStore) -> Seeded:
    return await a_customer_on_every_channel(store, "Bram", "bram@example.nl", "+31687654321")


async def rows_per_table(store: SqlStore) -> dict[str, int]:
    async with store.reading() as tx:
        return {
            kind: (await tx.conn.execute(select(func.count()).select_from(table))).scalar_one()
            for kind, table in TABLES.items()
        }


async def test_that_the_export_holds_the_customers_messages_of_every_channel_and_nothing_of_another(
    privacy, anna, bram
):
    document = await privacy.export(anna.customer_id)
    text = json.dumps(document)  # a JSON document, as it is
    assert document["customer"]["id"] == anna.customer_id
    assert {i["value"] for i in document["customer"]["identities"]} == {
        "anna@example.nl",
        "+31612345678",
    }
    said = [m["text"] for c in document["conversations"] for m in c["messages"]]
    assert sorted(said) == sorted(anna.texts)
    assert {c["channel"] for c in document["conversations"]} == {"web", "email", "voice"}
    assert all(c["references"] and c["events"] for c in document["conversations"])
    assert "token_hash" not in text
    assert len(document["corrections"]) == 1
    assert len(document["emails_received"]) == 2 and len(document["emails_sent"]) == 1
    assert len(document["voicemails"]) == 2
    assert "Bram" not in text and "bram@example.nl" not in text and bram.customer_id not in text


async def test_that_the_export_lists_audio_by_size_unless_the_originals_are_asked_for(
    privacy, anna
):
    plain = await privacy.export("anna@example.nl")
    sizes = sorted(v["size"] for v in plain["voicemails"])
    assert sizes == [len(b"RIFF-taken"), len(b"RIFF-unheard")]
    assert not any("audio_base64" in v for v in plain["voicemails"])
    full = await privacy.export("anna@example.nl", include_raw=True)
    audio = sorted(base64.b64decode(v["audio_base64"]) for v in full["voicemails"])
    assert audio == [b"RIFF-taken", b"RIFF-unheard"]
    assert all("raw_base64" in e for e in full["emails_received"] + full["emails_sent"])


@pytest.mark.parametrize(
    "key", ["anna@example.nl", " Anna@Example.NL ", "+31612345678", "06 1234 5678"]
)
async def test_that_a_customer_is_found_by_an_identity_written_as_people_write_it(
    privacy, anna, key
):
    assert await privacy.find(key) == anna.customer_id


async def test_that_an_unknown_customer_is_not_found_with_a_clear_error(privacy, anna):
    with pytest.raises(NotFound) as found:
        await privacy.export("nobody@example.nl")
    assert found.value.code == "customer_not_found"
    with pytest.raises(NotFound):
        await privacy.erase("no-such-id")


async def test_that_erasure_removes_every_row_of_the_customer_and_none_of_another(
    store, privacy, anna, bram
):
    before = await rows_per_table(store)
    bram_before = await privacy.export(bram.customer_id, include_raw=True)
    erasure = await privacy.erase("+31612345678")
    assert erasure.done and erasure.customer_id == anna.customer_id
    expected = {
        "email_inbox": 2, "email_deliveries": 1, "voicemails": 2, "corrections": 1, "events": 3,
        "messages": 3, "conversation_refs": 3, "conversations": 3, "identities": 2, "customers": 1,
    }  # fmt: skip
    assert erasure.counts == expected and list(erasure.counts) == list(ERASED_KINDS)
    after = await rows_per_table(store)
    assert after == {kind: before[kind] - expected[kind] for kind in TABLES}
    assert after == {kind: n for kind, n in expected.items()}  # Bram's rows, exactly as many
    assert await privacy.export(bram.customer_id, include_raw=True) == bram_before
    with pytest.raises(NotFound):
        await privacy.export(anna.customer_id)


async def test_that_a_dry_run_counts_what_it_would_erase_and_changes_nothing(store, privacy, anna):
    before = await rows_per_table(store)
    counted = await privacy.erase(anna.customer_id, dry_run=True)
    assert not counted.done and counted.counts["messages"] == 3
    assert await rows_per_table(store) == before
