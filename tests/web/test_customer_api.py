"""The customer side of the public contract, spoken to over HTTP."""

from __future__ import annotations

import httpx
import pytest


async def start(client: httpx.AsyncClient, **body: object) -> dict:
    response = await client.post("/api/v1/conversations", json={"channel": "web", **body})
    assert response.status_code == 201, response.text
    return response.json()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_that_a_new_conversation_starts_with_the_bot_and_an_opening_message(client):
    conversation = await start(client, locale="nl")
    assert conversation["state"] == "bot"
    assert conversation["token"]
    assert [m["sender"] for m in conversation["messages"]] == ["bot"]


async def test_that_a_message_is_answered_in_the_same_response(client):
    c = await start(client)
    response = await client.post(
        f"/api/v1/conversations/{c['id']}/messages", json={"text": "hoi"}, headers=auth(c["token"])
    )
    assert response.status_code == 201
    body = response.json()
    assert body["message"]["sender"] == "customer"
    assert body["message"]["text"] == "hoi"
    assert [r["text"] for r in body["replies"]] == ["echo: hoi"]
    assert body["conversation"]["state"] == "bot"


async def test_that_the_conversation_can_be_read_back_with_every_message_in_order(client):
    c = await start(client)
    for text in ("een", "twee", "drie"):
        await client.post(
            f"/api/v1/conversations/{c['id']}/messages",
            json={"text": text},
            headers=auth(c["token"]),
        )
    response = await client.get(f"/api/v1/conversations/{c['id']}", headers=auth(c["token"]))
    texts = [m["text"] for m in response.json()["messages"]]
    assert texts[1:] == ["een", "echo: een", "twee", "echo: twee", "drie", "echo: drie"]


async def test_that_a_resend_with_the_same_client_id_is_stored_once(client, echo):
    c = await start(client)
    url = f"/api/v1/conversations/{c['id']}/messages"
    body = {"text": "waar is mijn pakket", "client_id": "w-123"}
    first = (await client.post(url, json=body, headers=auth(c["token"]))).json()
    again = (await client.post(url, json=body, headers=auth(c["token"]))).json()
    assert again["message"]["id"] == first["message"]["id"]
    assert [r["id"] for r in again["replies"]] == [r["id"] for r in first["replies"]]
    assert len(echo.turns) == 1
    messages = (
        await client.get(f"/api/v1/conversations/{c['id']}", headers=auth(c["token"]))
    ).json()["messages"]
    assert [m["text"] for m in messages].count("waar is mijn pakket") == 1


async def test_that_a_hand_over_shows_queue_and_route_with_its_reason(client):
    c = await start(client)
    body = (
        await client.post(
            f"/api/v1/conversations/{c['id']}/messages",
            json={"text": "ik wil een mens"},
            headers=auth(c["token"]),
        )
    ).json()
    assert body["conversation"]["state"] == "queued"
    assert body["conversation"]["queue"] == "care"
    read = (await client.get(f"/api/v1/conversations/{c['id']}", headers=auth(c["token"]))).json()
    assert read["route"]["reason"] == "asked for a person"
    assert read["route"]["rules"] == ["human_request"]


@pytest.mark.parametrize("token", ["", "wrong-token"])
async def test_that_a_wrong_token_looks_exactly_like_a_missing_conversation(client, token):
    c = await start(client)
    wrong = await client.get(f"/api/v1/conversations/{c['id']}", headers=auth(token))
    missing = await client.get("/api/v1/conversations/doesnotexist", headers=auth(c["token"]))
    assert wrong.status_code == missing.status_code == 404
    assert wrong.json() == missing.json()
    assert wrong.json()["error"]["code"] == "conversation_not_found"


async def test_that_an_empty_or_oversized_message_gets_a_clear_error(client):
    c = await start(client)
    url = f"/api/v1/conversations/{c['id']}/messages"
    empty = await client.post(url, json={"text": ""}, headers=auth(c["token"]))
    huge = await client.post(url, json={"text": "x" * 5000}, headers=auth(c["token"]))
    for response in (empty, huge):
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid_request"
        assert "text" in response.json()["error"]["message"]


async def test_that_a_request_body_over_the_limit_is_refused_before_reading(client):
    response = await client.post(
        "/api/v1/conversations",
        content=b"{" + b" " * 300_000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


async def test_that_malformed_json_gets_the_contract_error_shape(client):
    response = await client.post(
        "/api/v1/conversations", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert set(response.json()["error"]) >= {"code", "message"}
    assert "not valid JSON" in response.json()["error"]["message"]


async def test_that_a_phone_number_that_cannot_exist_is_refused_not_silently_dropped(client):
    response = await client.post(
        "/api/v1/conversations", json={"channel": "web", "customer": {"phone": "12"}}
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["problems"][0]["field"] == "customer.phone"
    ok = await client.post(
        "/api/v1/conversations", json={"channel": "web", "customer": {"phone": "06-12345678"}}
    )
    assert ok.status_code == 201


async def test_that_too_many_messages_in_a_short_time_are_refused(client):
    c = await start(client)
    url = f"/api/v1/conversations/{c['id']}/messages"
    statuses = [
        (
            await client.post(url, json={"text": f"bericht {i}"}, headers=auth(c["token"]))
        ).status_code
        for i in range(22)
    ]
    assert statuses[:20] == [201] * 20
    assert statuses[-1] == 429


async def test_that_a_customer_who_gives_the_same_email_twice_is_one_customer(client, container):
    first = await start(client, customer={"email": "Anna@Example.nl", "name": "Anna"})
    second = await start(client, customer={"email": "anna@example.nl"})
    a = await container.conversations.get(first["id"])
    b = await container.conversations.get(second["id"])
    assert a.customer_id == b.customer_id


async def test_that_a_client_id_reused_for_a_different_text_is_refused_not_swallowed(client, echo):
    c = await start(client)
    url = f"/api/v1/conversations/{c['id']}/messages"
    await client.post(url, json={"text": "eerste", "client_id": "w-1"}, headers=auth(c["token"]))
    other = await client.post(
        url, json={"text": "iets anders", "client_id": "w-1"}, headers=auth(c["token"])
    )
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "client_id_reused"
    read = await client.get(f"/api/v1/conversations/{c['id']}", headers=auth(c["token"]))
    assert [m["text"] for m in read.json()["messages"] if m["sender"] == "customer"] == ["eerste"]
    assert len(echo.turns) == 1


async def test_that_a_resend_differing_only_in_surrounding_blanks_is_still_the_same_message(client):
    c = await start(client)
    url = f"/api/v1/conversations/{c['id']}/messages"
    first = await client.post(
        url, json={"text": "hoi", "client_id": "w-2"}, headers=auth(c["token"])
    )
    again = await client.post(
        url, json={"text": " hoi\n", "client_id": "w-2"}, headers=auth(c["token"])
    )
    assert again.status_code == 201
    assert again.json()["duplicate"] is True
    assert again.json()["message"]["id"] == first.json()["message"]["id"]


async def test_that_control_characters_are_taken_out_of_a_message_before_it_is_stored(client, echo):
    c = await start(client)
    url = f"/api/v1/conversations/{c['id']}/messages"
    sent = "Mijn\x07 modem\x1b doet\x7f het\x85 niet\x9f\tmeer\r\nHelp\x00\x01"
    response = await client.post(url, json={"text": sent}, headers=auth(c["token"]))
    assert response.status_code == 201, response.text
    kept = "Mijn modem doet het niet\tmeer\r\nHelp"  # tab, newline and return stay
    assert response.json()["message"]["text"] == kept
    assert echo.turns[0].message.text == kept
    read = await client.get(f"/api/v1/conversations/{c['id']}", headers=auth(c["token"]))
    assert [m["text"] for m in read.json()["messages"] if m["sender"] == "customer"] == [kept]


@pytest.mark.parametrize("text", ["\x07", "\x1b\x7f\x85", " \x01\n\x9f "])
async def test_that_a_message_of_only_control_characters_is_an_empty_message(client, echo, text):
    c = await start(client)
    url = f"/api/v1/conversations/{c['id']}/messages"
    response = await client.post(url, json={"text": text}, headers=auth(c["token"]))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "empty_message"
    assert echo.turns == []


@pytest.mark.parametrize("locale", ["xx", "xx-XX", "qq_QQ"])
async def test_that_a_locale_that_is_no_language_is_refused_with_the_languages_spoken(
    client, container, locale
):
    response = await client.post("/api/v1/conversations", json={"channel": "web", "locale": locale})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["fields"]["problems"][0]["field"] == "locale"
    assert error["fields"]["supported"] == ["nl", "en"]
    assert "nl, en" in error["message"]
    async with container.store.reading() as tx:
        assert await tx.list_conversations(limit=5) == []


@pytest.mark.parametrize("locale", ["de", "fr_FR", "pl-PL"])
async def test_that_a_locale_in_a_language_not_spoken_starts_the_conversation_in_the_default(
    client, container, locale
):
    conversation = await start(client, locale=locale)
    in_dutch = await start(client, locale="nl")  # the demo's default language
    assert conversation["language"] is None  # the customer's first message will set it
    assert conversation["messages"][0]["text"] == in_dutch["messages"][0]["text"]
    async with container.store.reading() as tx:
        stored = await tx.get_conversation(conversation["id"])
    assert stored is not None
    assert stored.locale is None
    assert stored.context["requested_locale"] == locale


@pytest.mark.parametrize(("locale", "language"), [("en-GB", "en"), ("nl_BE", "nl"), ("EN", "en")])
async def test_that_a_locale_with_a_region_gives_the_conversation_its_language(
    client, locale, language
):
    conversation = await start(client, locale=locale)
    assert conversation["language"] == language
