"""Starting a conversation with a signed identity token from the company's site."""

from __future__ import annotations

from datetime import timedelta

import pytest

from samen.channels.identity_tokens import sign
from samen.conversations.models import ConversationId, Identity
from samen.settings import DEMO_IDENTITY_SECRET


async def test_that_a_genuine_token_starts_a_conversation_for_that_customer(client, container):
    token = sign(DEMO_IDENTITY_SECRET, "PL-104233", now=container.clock.now(), name="Anna de Vries")
    response = await client.post(
        "/api/v1/conversations", json={"channel": "web", "identity_token": token}
    )
    assert response.status_code == 201, response.text
    async with container.store.transaction() as tx:
        conversation = await tx.get_conversation(ConversationId(response.json()["id"]))
        customer = await tx.find_customer(Identity("customer_number", "PL-104233"))
    assert conversation is not None and customer is not None
    assert conversation.customer_id == customer.id
    assert customer.name == "Anna de Vries"
    assert conversation.context["identity"]["customer_number"] == "PL-104233"
    assert conversation.context["identity"]["verified_by"] == "identity_token"


async def test_that_two_conversations_with_tokens_belong_to_the_same_customer(client, container):
    ids = []
    for _ in range(2):
        token = sign(DEMO_IDENTITY_SECRET, "PL-104871", now=container.clock.now())
        response = await client.post("/api/v1/conversations", json={"identity_token": token})
        ids.append(response.json()["id"])
    async with container.store.transaction() as tx:
        first, second = [await tx.get_conversation(ConversationId(i)) for i in ids]
    assert first is not None and second is not None
    assert first.customer_id == second.customer_id


@pytest.mark.parametrize(
    "make_token",
    [
        lambda now: sign(DEMO_IDENTITY_SECRET, "PL-104233", now=now - timedelta(hours=2)),
        lambda now: sign("not-the-tenant-secret", "PL-104233", now=now),
        lambda now: sign(DEMO_IDENTITY_SECRET, "PL-104233", now=now)[:-4] + "AAAA",
        lambda now: "eyJhbGciOiJIUzI1NiJ9.e30.abc",
    ],
    ids=["expired", "other-secret", "tampered", "not-ours"],
)
async def test_that_a_bad_token_is_refused_and_nothing_is_created(client, container, make_token):
    token = make_token(container.clock.now())
    response = await client.post(
        "/api/v1/conversations",
        json={"channel": "web", "identity_token": token, "customer": {"email": "x@example.nl"}},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_identity_token"
    assert response.json()["error"]["message"]
    async with container.store.transaction() as tx:
        assert await tx.list_conversations(limit=10) == []
        assert await tx.find_customer(Identity("email", "x@example.nl")) is None
        assert await tx.find_customer(Identity("customer_number", "PL-104233")) is None
