"""`samen customers`: an administrator answers a customer's export or erasure request."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from samen.cli.main import app
from samen.conversations.models import (
    Conversation,
    ConversationId,
    Customer,
    CustomerId,
    Identity,
    Message,
    MessageId,
    Sender,
    State,
    new_id,
)
from samen.storage import tables as t
from samen.storage.database import create_engine, upgrade
from samen.storage.repositories import SqlStore

runner = CliRunner()
NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.fixture
def env(tmp_path, database_url) -> dict[str, str]:
    return {
        "SAMEN_DATA_DIR": str(tmp_path / "data"),
        "SAMEN_DATABASE_URL": database_url,
        "SAMEN_SECRET_KEY": "cli-test",
    }


def a_customer_who_said(database_url: str, email: str, text: str) -> str:
    async def seed() -> str:
        engine = create_engine(database_url)
        try:
            await upgrade(engine)
            customer = Customer(CustomerId(new_id()), None, [Identity("email", email)], NOW)
            conversation = Conversation(
                ConversationId(new_id()), customer.id, "web", State.BOT, NOW, NOW
            )
            message = Message(MessageId(new_id()), conversation.id, Sender.CUSTOMER, text, NOW)
            async with SqlStore(engine).transaction() as tx:
                await tx.add_customer(customer)
                await tx.add_conversation(conversation)
                await tx.add_message(message)
            return str(customer.id)
        finally:
            await engine.dispose()

    return asyncio.run(seed())


def messages_in(database_url: str) -> int:
    async def count() -> int:
        engine = create_engine(database_url)
        try:
            async with engine.connect() as conn:
                query = select(func.count()).select_from(t.messages)
                return int((await conn.execute(query)).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(count())


def test_that_export_writes_the_customers_json_to_a_file(env, database_url, tmp_path):
    anna = a_customer_who_said(database_url, "anna@example.nl", "mijn factuur klopt niet")
    a_customer_who_said(database_url, "bram@example.nl", "mijn modem is stuk")
    out = tmp_path / "anna.json"
    result = runner.invoke(
        app, ["customers", "export", "anna@example.nl", "--out", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["customer"]["id"] == anna
    assert document["conversations"][0]["messages"][0]["text"] == "mijn factuur klopt niet"
    assert "modem" not in out.read_text(encoding="utf-8")


def test_that_erase_without_yes_only_counts_and_changes_nothing(env, database_url):
    a_customer_who_said(database_url, "anna@example.nl", "mijn factuur klopt niet")
    result = runner.invoke(app, ["customers", "erase", "anna@example.nl"], env=env)
    assert result.exit_code == 1
    assert "messages: 1" in result.output and "Nothing was erased" in result.output
    assert messages_in(database_url) == 1


def test_that_erase_with_yes_erases_the_customer_and_says_what_went(env, database_url):
    anna = a_customer_who_said(database_url, "anna@example.nl", "mijn factuur klopt niet")
    a_customer_who_said(database_url, "bram@example.nl", "mijn modem is stuk")
    result = runner.invoke(app, ["customers", "erase", anna, "--yes"], env=env)
    assert result.exit_code == 0, result.output
    assert f"Erased customer {anna}" in result.output and "messages: 1" in result.output
    assert messages_in(database_url) == 1  # Bram's
    again = runner.invoke(app, ["customers", "export", anna], env=env)
    assert again.exit_code == 1 and "No customer has the id or identity" in again.output
