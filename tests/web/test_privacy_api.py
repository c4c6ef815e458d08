"""Customers' data requests over the agent API: admins export and erase; nobody else may."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from samen.web.app import create_app

API = "/api/v1/agent/customers"
PASSWORD = "polderlink-demo"


@pytest.fixture
async def person(container) -> AsyncIterator[Callable]:
    """A logged-in browser of one demo person (their own cookie jar, the CSRF header set)."""
    app = create_app(container)
    opened: list[httpx.AsyncClient] = []

    async def log_in(name: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://samen.test"
        )
        opened.append(client)
        response = await client.post(
            "/api/v1/agent/session",
            json={"email": f"{name}@polderlink.example", "password": PASSWORD},
        )
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client

    yield log_in
    for client in opened:
        await client.aclose()


async def a_customer_says(client: httpx.AsyncClient, email: str, text: str) -> str:
    started = await client.post(
        "/api/v1/conversations",
        json={"channel": "web", "locale": "nl", "customer": {"email": email}},
    )
    conversation = started.json()
    response = await client.post(
        f"/api/v1/conversations/{conversation['id']}/messages",
        json={"text": text},
        headers={"Authorization": f"Bearer {conversation['token']}"},
    )
    assert response.status_code == 201, response.text
    return str(conversation["id"])


async def test_that_an_admin_exports_a_customer_by_e_mail_and_nothing_of_another(client, person):
    await a_customer_says(client, "anna@example.nl", "mijn factuur klopt niet")
    await a_customer_says(client, "bram@example.nl", "mijn modem is stuk")
    admin = await person("beheer")
    response = await admin.get(f"{API}/anna@example.nl/export")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    document = response.json()
    said = [m["text"] for c in document["conversations"] for m in c["messages"]]
    assert "mijn factuur klopt niet" in said
    assert "bram@example.nl" not in response.text and "modem" not in response.text


async def test_that_an_admin_erases_a_customer_and_then_they_are_not_found(client, person):
    await a_customer_says(client, "anna@example.nl", "mijn factuur klopt niet")
    kept = await a_customer_says(client, "bram@example.nl", "mijn modem is stuk")
    admin = await person("beheer")
    customer_id = (await admin.get(f"{API}/anna@example.nl/export")).json()["customer"]["id"]
    erased = await admin.delete(f"{API}/{customer_id}")
    assert erased.status_code == 200, erased.text
    assert erased.json()["customer_id"] == customer_id and erased.json()["done"] is True
    assert erased.json()["erased"]["messages"] >= 2  # theirs and the bot's answers
    again = await admin.get(f"{API}/anna@example.nl/export")
    assert again.status_code == 404
    assert again.json() == {
        "error": {
            "code": "customer_not_found",
            "message": "No customer has the id or identity 'anna@example.nl'.",
        }
    }
    bram = (await admin.get(f"{API}/bram@example.nl/export")).json()
    assert [c["id"] for c in bram["conversations"]] == [kept]


@pytest.mark.parametrize("name", ["sanne", "eva"])  # an agent, a supervisor
async def test_that_only_admins_may_export_or_erase_a_customer(client, person, name):
    await a_customer_says(client, "anna@example.nl", "mijn factuur klopt niet")
    someone = await person(name)
    for response in (
        await someone.get(f"{API}/anna@example.nl/export"),
        await someone.delete(f"{API}/anna@example.nl"),
        await someone.get(f"{API}/nobody@example.nl/export"),  # not even whether one exists
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "admins_only"
    admin = await person("beheer")
    assert (await admin.get(f"{API}/anna@example.nl/export")).status_code == 200


async def test_that_erasing_with_the_session_cookie_needs_the_csrf_token(client, person):
    await a_customer_says(client, "anna@example.nl", "mijn factuur klopt niet")
    admin = await person("beheer")
    admin.headers.pop("X-CSRF-Token")
    refused = await admin.delete(f"{API}/anna@example.nl")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    assert (await admin.get(f"{API}/anna@example.nl/export")).status_code == 200
