"""What one customer message costs the database, counted statement by statement.

Every statement is a round trip and a pass through SQLAlchemy and the driver, the largest
share of the server's CPU per message (bench/roundtrip.py). A change to the message road that
adds one shows here as a changed count, on SQLite and PostgreSQL alike, before any benchmark
notices.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from samen.conversations.handler import Outcome, Turn
from samen.conversations.models import Conversation, Customer, Reply, State


class BotLikeHandler:
    """Answers the way the real bot does: it understood the message, logs what it did and
    replies once; ``mens`` hands the conversation to a queue. ``meanwhile`` runs while it
    thinks, as a person's change to the conversation might."""

    def __init__(self) -> None:
        self.meanwhile: Callable[[Turn], Awaitable[None]] | None = None

    async def opening(self, conversation: Conversation, customer: Customer) -> list[Reply]:
        return [Reply("Hallo! Ik ben de digitale assistent.")]

    async def handle(self, turn: Turn) -> Outcome:
        if self.meanwhile is not None:
            await self.meanwhile(turn)
        understood = {"intent": {"name": "order_status", "confidence": 0.93}, "entities": []}
        outcome = Outcome(
            replies=[Reply(f"echo: {turn.message.text}")],
            understanding=understood,
            language="nl",
            context={**turn.conversation.context, "topic": "order_status"},
            events=[("answered", {"intent": "order_status"})],
        )
        if "mens" in turn.message.text:
            outcome.state, outcome.queue = State.QUEUED, "care"
            outcome.route = {"handler": "human", "queue": "care", "rules": ["human_request"]}
        return outcome


@pytest.fixture
def echo() -> BotLikeHandler:
    """The handler of the shared ``container`` fixture (tests/conftest.py), bot-like here."""
    return BotLikeHandler()


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every statement sent to the database inside the block (BEGIN and COMMIT not counted)."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split())[:100])

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def a_conversation(client: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    started = (await client.post("/api/v1/conversations", json={"channel": "web"})).json()
    return started["id"], {"Authorization": f"Bearer {started['token']}"}


async def send(
    client: httpx.AsyncClient, conversation_id: str, headers: dict[str, str], **body: str
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/conversations/{conversation_id}/messages", json=body, headers=headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_that_a_customer_message_answered_by_the_bot_costs_7_statements(client, container):
    conversation_id, headers = await a_conversation(client)
    await send(client, conversation_id, headers, text="eerste")
    with statements(container.store.engine) as sent:
        answer = await send(client, conversation_id, headers, text="waar is mijn pakket")
    assert answer["replies"][0]["text"] == "echo: waar is mijn pakket"
    assert len(sent) == 7, "\n".join(sent)


async def test_that_a_message_with_a_client_id_costs_7_statements(client, container):
    conversation_id, headers = await a_conversation(client)
    with statements(container.store.engine) as sent:
        await send(client, conversation_id, headers, text="waar is mijn pakket", client_id="w-1")
    assert len(sent) == 7, "\n".join(sent)


async def test_that_a_resent_message_costs_4_statements_and_no_answer(client, container):
    conversation_id, headers = await a_conversation(client)
    first = await send(client, conversation_id, headers, text="hoi", client_id="w-1")
    with statements(container.store.engine) as sent:
        again = await send(client, conversation_id, headers, text="hoi", client_id="w-1")
    assert again["duplicate"] is True
    assert again["message"]["id"] == first["message"]["id"]
    assert len(sent) == 4, "\n".join(sent)


async def test_that_a_hand_over_to_a_queue_costs_7_statements(client, container):
    conversation_id, headers = await a_conversation(client)
    with statements(container.store.engine) as sent:
        answer = await send(client, conversation_id, headers, text="ik wil een mens")
    assert answer["conversation"]["state"] == "queued"
    assert len(sent) == 7, "\n".join(sent)


async def test_that_a_conversation_a_person_changed_while_the_bot_thought_keeps_that_change(
    client, container, echo
):
    conversation_id, headers = await a_conversation(client)

    async def an_agent_takes_it(turn: Turn) -> None:
        async def assign(_tx: Any, conversation: Conversation) -> list[tuple[str, dict]]:
            conversation.transition(State.ASSIGNED, "care", container.clock.now())
            conversation.agent_id = "agent-1"
            return [("assigned", {"agent_id": "agent-1"})]

        await container.conversations.change(turn.conversation.id, assign)

    echo.meanwhile = an_agent_takes_it
    with statements(container.store.engine) as sent:
        answer = await send(client, conversation_id, headers, text="waar is mijn pakket")
    # The bot's write found the conversation changed, read it again and wrote onto that.
    assert answer["conversation"]["state"] == "assigned"
    assert answer["replies"][0]["text"] == "echo: waar is mijn pakket"
    stored = await container.conversations.get(conversation_id)
    assert (stored.state, stored.agent_id, stored.topic) == (State.ASSIGNED, "agent-1", None)
    assert stored.context["topic"] == "order_status"
    assert len([s for s in sent if s.startswith("UPDATE conversations")]) == 3, "\n".join(sent)
