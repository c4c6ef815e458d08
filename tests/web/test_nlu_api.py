"""POST /api/v1/nlu/parse, as integrations call it."""

from __future__ import annotations

import pytest


async def test_that_parse_returns_intent_entities_sentiment_and_sensitive_signals(demo_client):
    response = await demo_client.post(
        "/api/v1/nlu/parse",
        json={"text": "Mijn vrouw is overleden. Kunnen jullie haar abonnement stopzetten?"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == "nl"
    assert body["intent"]["name"] == "bereavement"
    assert body["sensitive"][0]["type"] == "bereavement"
    assert -1 <= body["sentiment"]["score"] <= 1 and 0 <= body["frustration"] <= 1


async def test_that_entities_come_with_their_offsets(demo_client):
    text = "My order ORD-2026-004512 still hasn't arrived, call me on 06-12345678"
    body = (
        await demo_client.post("/api/v1/nlu/parse", json={"text": text, "locale": "en-GB"})
    ).json()
    found = {e["type"]: e for e in body["entities"]}
    assert found["order_number"]["value"] == "ORD-2026-004512"
    assert found["phone"]["value"] == "+31612345678"
    assert text[found["phone"]["start"] : found["phone"]["end"]] == found["phone"]["text"]
    assert body["intent"]["name"] == "order_status"


async def test_that_an_empty_text_gets_the_contract_error(demo_client):
    response = await demo_client.post("/api/v1/nlu/parse", json={"text": ""})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("text", ["   ", "\n\t", "\x00", " \x00 ", "\x07\x1b"])
async def test_that_a_text_of_only_blanks_is_refused_not_parsed_as_a_greeting(client, text):
    response = await client.post("/api/v1/nlu/parse", json={"text": text})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert response.json()["error"]["fields"]["problems"][0]["field"] == "text"
    assert "nothing but blanks" in response.json()["error"]["message"]


async def test_that_a_locale_in_a_language_not_spoken_is_only_no_hint(demo_client):
    response = await demo_client.post(
        "/api/v1/nlu/parse", json={"text": "I want to change my address", "locale": "de"}
    )
    assert response.status_code == 200
    assert response.json()["language"] == "en"


async def test_that_a_locale_that_is_no_language_is_refused(client):
    response = await client.post("/api/v1/nlu/parse", json={"text": "hallo", "locale": "xx"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["fields"]["problems"][0]["field"] == "locale"
    assert error["fields"]["supported"] == ["nl", "en"]
