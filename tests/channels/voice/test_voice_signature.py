"""Twilio's request signature: checked when an auth token is configured, refused otherwise."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import httpx
import pytest
from twilio_phone import FIXTURES, WEBHOOK, check_twiml, fixture

from samen.bootstrap import build
from samen.channels.voice.signature import sign, valid
from samen.settings import Settings
from samen.web.app import create_app

TOKEN = "12345"


def test_that_the_signature_matches_twilios_documented_example():
    example = json.loads((FIXTURES / "twilio_docs_signed.json").read_text())
    params = dict(parse_qsl((FIXTURES / example["body"]).read_text()))
    assert sign(example["auth_token"], example["url"], params) == example["signature"]
    assert valid(example["auth_token"], example["url"], params, example["signature"])
    assert not valid("another-token", example["url"], params, example["signature"])
    assert not valid(
        example["auth_token"], example["url"], {**params, "Digits": "9"}, example["signature"]
    )


def test_that_a_url_signed_with_its_default_port_is_accepted():
    params = {"CallSid": "CA1"}
    signature = sign(TOKEN, "https://voice.example.nl:443/hook", params)
    assert valid(TOKEN, "https://voice.example.nl/hook", params, signature)


@pytest.fixture(params=[None, "https://bel.polderlink.example"])
async def signed_client(request, tmp_path, clock, echo):
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'samen.db'}",
        secret_key="test-secret",
        twilio_auth_token=TOKEN,
        public_url=request.param,
    )
    container = await build(settings, handler=echo, clock=clock)
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://samen.test") as http:
        yield http, (request.param or "http://samen.test")
    await container.aclose()


async def test_that_a_request_signed_by_twilio_is_answered(signed_client):
    client, base = signed_client
    form = fixture("call_start.json")
    response = await client.post(
        WEBHOOK, data=form, headers={"X-Twilio-Signature": sign(TOKEN, base + WEBHOOK, form)}
    )
    assert response.status_code == 200
    check_twiml(response.text)


@pytest.mark.parametrize("signature", [None, "", "0/KCTR6DLpKmkAf8muzZqo1nDgQ="])
async def test_that_an_unsigned_or_wrongly_signed_request_is_refused(signed_client, signature):
    client, _ = signed_client
    headers = {"X-Twilio-Signature": signature} if signature is not None else {}
    response = await client.post(WEBHOOK, data=fixture("call_start.json"), headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"


async def test_that_a_signature_for_other_parameters_is_refused(signed_client):
    client, base = signed_client
    form = fixture("call_start.json")
    signature = sign(TOKEN, base + WEBHOOK, {**form, "From": "+31600000000"})
    response = await client.post(WEBHOOK, data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


@pytest.mark.parametrize("signature", ["é", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=\u00ff"])
async def test_that_a_signature_with_characters_outside_ascii_is_refused_not_a_crash(
    signed_client, signature
):
    client, _ = signed_client
    response = await client.post(
        WEBHOOK,
        data=fixture("call_start.json"),
        headers={"X-Twilio-Signature": signature.encode("latin-1")},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"


def test_that_checking_a_signature_outside_ascii_says_no():
    assert not valid(TOKEN, "https://voice.example.nl/hook", {"CallSid": "CA1"}, "é")
